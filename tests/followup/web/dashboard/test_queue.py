"""The flag queue ``/dashboard/`` through Django's test client: the order of its rows, who sees
them, its poll and its query cost; a signed-out visitor sent to sign in.

The cast: Bob (clinician) and Alice (admin) of Riverside, Pat and other Riverside patients,
Mallory of Hillcrest with a patient of her own.
"""

import datetime as dt
from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from followup.models import (
    AuditEvent,
    Clinic,
    Clinician,
    EscalationStep,
    Flag,
    OnCallShift,
    OutboundMessage,
    Patient,
)
from followup.services.escalations import escalation_step_run
from followup.services.safety import triggers_fire
from followup.web.dashboard.auth import ACTIVITY_KEY
from followup.web.dashboard.presenters import flag_queue
from tests.support.flags import ANXIETY, CRISIS, DEPRESSION, SI, WORSE, make_patient, raise_flag
from tests.support.queue import QUEUE, ROWS, row_ids

# The queue ---------------------------------------------------------------------------------


def test_it_lists_unresolved_flags_critical_then_high_then_moderate_oldest_first(
    signed_in: Callable, bob: Clinician, clinic: Clinic
) -> None:
    patients = [make_patient(clinic, n) for n in range(1, 7)]
    moderate = raise_flag(patients[0], WORSE, minutes_ago=300)
    high_new = raise_flag(patients[1], DEPRESSION, minutes_ago=5)
    critical_new = raise_flag(patients[2], SI, minutes_ago=1)
    high_old = raise_flag(patients[3], ANXIETY, minutes_ago=90)
    critical_old = raise_flag(patients[4], CRISIS, minutes_ago=45)
    resolved = raise_flag(patients[5], SI, minutes_ago=500)
    Flag.objects.filter(pk=resolved.pk).update(
        status="resolved", resolved_at=timezone.now(), resolution_note="Called."
    )
    Flag.objects.filter(pk=high_old.pk).update(
        status="acknowledged", acknowledged_at=timezone.now(), acknowledged_by=bob
    )

    response = signed_in(bob).get(QUEUE)

    assert response.status_code == 200
    html = response.content.decode()
    assert row_ids(html) == [
        critical_old.pk,
        critical_new.pk,
        high_old.pk,
        high_new.pk,
        moderate.pk,
    ]
    assert "<title>(4) Flags \N{EN DASH} Follow-up</title>" in html  # four not yet acknowledged
    assert "Patient" not in html.split("<title>")[1].split("</title>")[0]
    assert 'datetime="' in html
    for age in ("45 min", "1 h 30 min", "5 h"):
        assert f">{age}</time>" in html
    assert html.count("Not acknowledged") == 4
    assert "Bob Nurse" in html  # who acknowledged the anxiety flag
    assert f'href="/dashboard/patients/{patients[2].pk}/"' in html
    assert f'href="/dashboard/flags/{critical_new.pk}/"' in html
    assert "Thoughts of self-harm (PHQ-9 item 9)" in html
    assert "Nobody (moderate: not paged, shown here)" in html


def test_it_shows_other_clinics_flags_to_nobody(
    signed_in: Callable, bob: Clinician, pat: Patient, mallory: Clinician
) -> None:
    theirs = raise_flag(make_patient(mallory.clinic, 77), SI)
    ours = raise_flag(pat, SI)
    client = signed_in(bob)

    queue = client.get(QUEUE).content.decode()
    page = client.get(f"/dashboard/flags/{theirs.pk}/")
    ack = client.post(f"/dashboard/flags/{theirs.pk}/acknowledge/")
    resolve = client.post(f"/dashboard/flags/{theirs.pk}/resolve/", {"note": "Mine now."})

    assert row_ids(queue) == [ours.pk]
    assert (page.status_code, ack.status_code, resolve.status_code) == (404, 404, 404)
    theirs.refresh_from_db()
    assert (theirs.status, theirs.acknowledged_by) == ("open", None)
    assert not AuditEvent.objects.filter(action="flag.view", object_id=str(theirs.pk)).exists()
    assert row_ids(signed_in(mallory).get(QUEUE).content.decode()) == [theirs.pk]


def test_it_reassures_when_there_is_nothing_open(signed_in: Callable, bob: Clinician) -> None:
    html = signed_in(bob).get(QUEUE).content.decode()

    assert "No open flags." in html
    assert "<title>Flags \N{EN DASH} Follow-up</title>" in html


def test_it_marks_opted_out_patients_and_shows_who_was_paged(
    signed_in: Callable, bob: Clinician, pat: Patient, paged_flag: Flag
) -> None:
    Patient.objects.filter(pk=pat.pk).update(opted_out=True, opted_out_at=timezone.now())

    html = signed_in(bob).get(QUEUE).content.decode()

    assert "Opted out of SMS" in html
    assert "Bob Nurse: SMS sent, Call ringing" in html
    assert "Level 1" in html


def test_it_shows_a_page_that_failed_in_words(
    signed_in: Callable, bob: Clinician, paged_flag: Flag
) -> None:
    OutboundMessage.objects.filter(flag=paged_flag, channel="sms").update(status="undelivered")

    html = signed_in(bob).get(QUEUE).content.decode()

    assert "⚠ SMS not delivered" in html


def test_it_caps_the_rows_and_says_how_many_more(
    signed_in: Callable, bob: Clinician, clinic: Clinic, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(flag_queue, "QUEUE_LIMIT", 3)
    for n in range(5):
        raise_flag(make_patient(clinic, n), SI, minutes_ago=10 - n)

    html = signed_in(bob).get(QUEUE).content.decode()

    assert len(row_ids(html)) == 3
    assert "Showing the 3 most urgent of 5 unresolved flags; 2 more are not shown." in html
    assert "<title>(5) Flags \N{EN DASH} Follow-up</title>" in html


def test_it_answers_the_poll_with_rows_and_without_counting_it_as_activity(
    signed_in: Callable, bob: Clinician, pat: Patient
) -> None:
    flag = raise_flag(pat, SI)
    client = signed_in(bob)
    session = client.session
    idle_since = timezone.now().timestamp() - 120
    session[ACTIVITY_KEY] = idle_since
    session.save()

    response = client.get(ROWS, HTTP_X_FOLLOWUP_POLL="1", HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html
    assert "<table" in html
    assert row_ids(html) == [flag.pk]
    assert client.session[ACTIVITY_KEY] == idle_since
    version = response["X-Followup-Queue-Version"]
    assert f'data-version="{version}"' in html
    assert "no-cache" in response["Cache-Control"]

    unchanged = client.get(
        ROWS,
        HTTP_X_FOLLOWUP_POLL="1",
        HTTP_HX_REQUEST="true",
        HTTP_X_FOLLOWUP_QUEUE_VERSION=version,
    )
    assert (unchanged.status_code, unchanged.content) == (204, b"")

    raise_flag(make_patient(pat.clinic, 2), DEPRESSION)
    changed = client.get(ROWS, HTTP_X_FOLLOWUP_POLL="1", HTTP_X_FOLLOWUP_QUEUE_VERSION=version)
    assert changed.status_code == 200
    assert len(row_ids(changed.content.decode())) == 2


# A stopped clock: the session is saved again every 30 s of activity, one query more that a slow
# run would otherwise count.
@pytest.mark.time_machine(dt.datetime(2026, 11, 26, 18, 0, tzinfo=dt.UTC), tick=False)
def test_it_runs_a_bounded_number_of_queries_however_many_flags(
    signed_in: Callable,
    bob: Clinician,
    alice: Clinician,
    clinic: Clinic,
    bob_on_call: OnCallShift,
    celery_inline: list,
    django_assert_max_num_queries: Callable,
) -> None:
    client = signed_in(bob)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(QUEUE).status_code == 200
        return len(captured)

    triggers_fire(patient=make_patient(clinic, 1), triggers=[SI], source="sms")
    with_one = queries()
    for n in range(2, 31):
        triggers_fire(patient=make_patient(clinic, n), triggers=[SI, DEPRESSION], source="sms")
        # Escalation rounds: more pages per flag must not mean more queries.
        for step in EscalationStep.objects.filter(status="pending"):
            escalation_step_run(step.pk)
    assert OutboundMessage.objects.filter(purpose="page").count() > 100

    with django_assert_max_num_queries(with_one):
        html = client.get(QUEUE).content.decode()
    assert len(row_ids(html)) == 59
    assert queries() == with_one
    with django_assert_max_num_queries(12):
        client.get(ROWS, HTTP_X_FOLLOWUP_POLL="1")


# Signed out --------------------------------------------------------------------------------


@pytest.mark.parametrize("path", [QUEUE, "/dashboard/flags/1/", ROWS])
def test_it_sends_a_signed_out_browser_to_sign_in(db: None, path: str) -> None:
    response = Client().get(path)

    assert response.status_code == 302
    assert response["Location"].startswith("/dashboard/login/?next=")


def test_it_answers_htmx_from_a_signed_out_session_with_401_and_where_to_sign_in(
    db: None,
) -> None:
    response = Client().get(ROWS, HTTP_HX_REQUEST="true", HTTP_X_FOLLOWUP_POLL="1")

    assert response.status_code == 401
    assert response["HX-Redirect"].startswith("/dashboard/login/?next=")
