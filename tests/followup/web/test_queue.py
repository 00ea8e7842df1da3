"""The flag queue ``/dashboard/`` and each flag's page, through Django's test client.

The cast: Bob (clinician) and Alice (admin) of Riverside, Pat and other Riverside patients,
Mallory of Hillcrest with a patient of her own.
"""

import datetime as dt
import re
from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from followup.models import (
    AuditEvent,
    CheckIn,
    Clinic,
    Clinician,
    EscalationStep,
    Flag,
    FlagEvent,
    OnCallShift,
    OutboundMessage,
    Patient,
)
from followup.services.checkin_links import checkin_token_make
from followup.services.escalations import escalation_step_run
from followup.services.responses import response_record
from followup.services.safety import triggers_fire
from followup.services.sessions import session_record
from followup.services.web_checkin import checkin_answer_web
from followup.web.dashboard.auth import ACTIVITY_KEY
from followup.web.dashboard.presenters import flag_queue
from tests.support.flags import ANXIETY, CRISIS, DEPRESSION, SI, WORSE, make_patient, raise_flag
from tests.support.sms import sign_and_post, text

QUEUE = "/dashboard/"
ROWS = "/dashboard/queue/rows/"


def row_ids(html: str) -> list[int]:
    return [int(i) for i in re.findall(r'data-flag-id="(\d+)"', html)]


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


# Acknowledge and resolve -------------------------------------------------------------------


def test_it_acknowledges_from_the_queue_and_paging_stops(
    signed_in: Callable, bob: Clinician, paged_flag: Flag
) -> None:
    pending = EscalationStep.objects.filter(flag=paged_flag, status="pending")
    assert pending.exists()  # the next level waits for its timeout
    client = signed_in(bob)

    response = client.post(
        f"/dashboard/flags/{paged_flag.pk}/acknowledge/", {"next": QUEUE}, follow=True
    )

    assert response.redirect_chain == [(QUEUE, 302)]
    assert f"Flag {paged_flag.code} acknowledged. Paging has stopped." in response.content.decode()
    paged_flag.refresh_from_db()
    assert paged_flag.status == "acknowledged"
    assert paged_flag.acknowledged_by == bob
    assert timezone.now() - paged_flag.acknowledged_at < dt.timedelta(seconds=10)
    assert not pending.exists()
    assert FlagEvent.objects.get(flag=paged_flag, kind="acknowledged").detail == {
        "via": "dashboard"
    }
    audit = AuditEvent.objects.filter(action="flag.acknowledge", object_id=str(paged_flag.pk))
    assert list(audit.values_list("actor", "detail")) == [(bob.pk, {"via": "dashboard"})]


def test_it_acknowledging_again_is_harmless_and_says_who_has_it(
    signed_in: Callable, bob: Clinician, alice: Clinician, pat: Patient
) -> None:
    flag = raise_flag(pat, SI)
    signed_in(bob).post(f"/dashboard/flags/{flag.pk}/acknowledge/")

    again = signed_in(alice).post(f"/dashboard/flags/{flag.pk}/acknowledge/", follow=True)

    assert "was already acknowledged by Bob Nurse at" in again.content.decode()
    flag.refresh_from_db()
    assert flag.acknowledged_by == bob
    assert FlagEvent.objects.filter(flag=flag, kind="acknowledged").count() == 1


def test_it_resolves_with_a_note_and_the_flag_leaves_the_queue(
    signed_in: Callable, bob: Clinician, paged_flag: Flag
) -> None:
    client = signed_in(bob)
    note = "Called Pat; safe, with family tonight. Safety plan reviewed."

    response = client.post(
        f"/dashboard/flags/{paged_flag.pk}/resolve/", {"note": f"  {note} ", "next": QUEUE}
    )

    assert (response.status_code, response["Location"]) == (302, QUEUE)
    paged_flag.refresh_from_db()
    assert (paged_flag.status, paged_flag.resolved_by, paged_flag.resolution_note) == (
        "resolved",
        bob,
        note,
    )
    assert paged_flag.acknowledged_by == bob  # resolving an open flag acknowledges it too
    assert not EscalationStep.objects.filter(flag=paged_flag, status="pending").exists()
    html = client.get(QUEUE).content.decode()
    assert row_ids(html) == []
    assert f"Flag {paged_flag.code} resolved." in html
    assert (
        AuditEvent.objects.filter(action="flag.resolve", object_id=str(paged_flag.pk)).count() == 1
    )


@pytest.mark.parametrize("note", ["", "   \n  "])
def test_it_refuses_to_resolve_without_a_note_and_changes_nothing(
    signed_in: Callable, bob: Clinician, pat: Patient, note: str
) -> None:
    flag = raise_flag(pat, SI)
    client = signed_in(bob)
    events = FlagEvent.objects.filter(flag=flag).count()

    page = client.post(f"/dashboard/flags/{flag.pk}/resolve/", {"note": note, "next": QUEUE})
    htmx = client.post(
        f"/dashboard/flags/{flag.pk}/resolve/", {"note": note}, HTTP_HX_REQUEST="true"
    )

    assert page.status_code == 400
    html = page.content.decode()
    assert "A note is required: say what was done." in html
    assert 'role="alert"' in html
    assert f"Flag <code>{flag.code}</code>" in html
    assert htmx.status_code == 400
    assert htmx["Content-Type"].startswith("text/plain")
    assert htmx.content.decode() == "A note is required: say what was done."
    flag.refresh_from_db()
    assert (flag.status, flag.resolved_at, flag.resolution_note) == ("open", None, "")
    assert FlagEvent.objects.filter(flag=flag).count() == events


def test_it_refuses_a_note_that_is_too_long_and_keeps_what_was_typed(
    signed_in: Callable, bob: Clinician, pat: Patient
) -> None:
    flag = raise_flag(pat, SI)

    response = signed_in(bob).post(f"/dashboard/flags/{flag.pk}/resolve/", {"note": "x" * 5001})

    assert response.status_code == 400
    assert "Keep the note under 5,000 characters." in response.content.decode()
    assert "x" * 5001 in response.content.decode()
    flag.refresh_from_db()
    assert flag.status == "open"


def test_it_answers_htmx_actions_with_fresh_rows_and_a_notice(
    signed_in: Callable, bob: Clinician, pat: Patient
) -> None:
    flag = raise_flag(pat, SI)
    client = signed_in(bob)
    ack_url = f"/dashboard/flags/{flag.pk}/acknowledge/"

    acked = client.post(ack_url, {"next": QUEUE}, HTTP_HX_REQUEST="true")
    resolved_twice = [
        client.post(
            f"/dashboard/flags/{flag.pk}/resolve/",
            {"note": "Spoke with Pat.", "next": QUEUE},
            HTTP_HX_REQUEST="true",
        )
        for _ in range(2)
    ]

    html = acked.content.decode()
    assert acked.status_code == 200
    assert 'id="queue-notice" hx-swap-oob="innerHTML"' in html
    assert f"Flag {flag.code} acknowledged. Paging has stopped." in html
    assert row_ids(html) == [flag.pk]
    assert "Not acknowledged" not in html
    assert resolved_twice[0].status_code == 200
    assert row_ids(resolved_twice[0].content.decode()) == []
    assert resolved_twice[1].status_code == 409
    assert resolved_twice[1].content.decode() == "This flag is already resolved."


def test_it_takes_only_csrf_protected_posts(
    signed_in: Callable, bob: Clinician, pat: Patient
) -> None:
    flag = raise_flag(pat, SI)
    client = signed_in(bob)
    strict = Client(enforce_csrf_checks=True)
    strict.cookies = client.cookies

    assert client.get(f"/dashboard/flags/{flag.pk}/acknowledge/").status_code == 405
    assert client.get(f"/dashboard/flags/{flag.pk}/resolve/").status_code == 405
    assert strict.post(f"/dashboard/flags/{flag.pk}/acknowledge/").status_code == 403
    flag.refresh_from_db()
    assert flag.status == "open"


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("https://evil.example/dashboard/", QUEUE),
        ("//evil.example/dashboard/", QUEUE),
        ("/elsewhere/", QUEUE),
        ("FLAG", "FLAG"),
    ],
)
def test_it_goes_back_only_to_a_dashboard_address(
    signed_in: Callable, bob: Clinician, pat: Patient, given: str, expected: str
) -> None:
    flag = raise_flag(pat, SI)
    here = f"/dashboard/flags/{flag.pk}/"

    response = signed_in(bob).post(
        f"/dashboard/flags/{flag.pk}/acknowledge/", {"next": given.replace("FLAG", here)}
    )

    assert response["Location"] == expected.replace("FLAG", here)


# The flag's page ---------------------------------------------------------------------------


def test_it_shows_a_flag_with_its_evidence_and_timeline_and_audits_each_view(
    signed_in: Callable, bob: Clinician, paged_flag: Flag
) -> None:
    client = signed_in(bob)
    client.post(f"/dashboard/flags/{paged_flag.pk}/acknowledge/")
    client.post(f"/dashboard/flags/{paged_flag.pk}/resolve/", {"note": "Called; safe."})

    first = client.get(f"/dashboard/flags/{paged_flag.pk}/")
    client.get(f"/dashboard/flags/{paged_flag.pk}/")

    assert first.status_code == 200
    html = re.sub(r"\s+", " ", first.content.decode())
    assert "<title>Flag \N{EN DASH} Follow-up</title>" in html
    assert "PHQ-9 item 9 answered 2 (More than half the days)" in html
    assert "Thoughts that you would be better off dead, or of hurting yourself in some way" in html
    assert "Paged level 1 by SMS and call: Bob Nurse (on call)" in html
    assert "SMS to Bob Nurse: sent" in html
    assert "Call to Bob Nurse: ringing" in html
    assert "Crisis resources sent to the patient by SMS" in html
    assert "Acknowledged</strong> by Bob Nurse from the dashboard" in html
    assert "Resolved</strong> by Bob Nurse" in html
    assert "Called; safe." in html
    assert f'href="/dashboard/patients/{paged_flag.patient_id}/"' in html
    views = AuditEvent.objects.filter(action="flag.view", object_id=str(paged_flag.pk))
    assert list(views.values_list("actor", "patient")) == [(bob.pk, paged_flag.patient_id)] * 2


def test_it_says_which_score_a_deterioration_and_a_severe_sum_were_measured_against(
    signed_in: Callable, bob: Clinician, pat: Patient
) -> None:
    start = timezone.now() - dt.timedelta(days=21)
    for week, total in enumerate([4, 9, 14]):  # +5 each week; 14 is 10 above the baseline
        response_record(
            patient=pat,
            instrument="phq9",
            answers=[min(3, max(0, total - 3 * n)) for n in range(9)],
            channel="web",
            submitted_at=start + dt.timedelta(days=7 * week),
        )
    _, check_ins = session_record(
        patient=pat, occurred_at=timezone.now() - dt.timedelta(hours=25), treatment="other"
    )
    CheckIn.objects.filter(pk=check_ins[0].pk).update(
        status="sent", sent_at=timezone.now(), expires_at=timezone.now() + dt.timedelta(days=3)
    )
    checkin_answer_web(
        token=checkin_token_make(check_ins[0].pk),
        answers={"phq9": [3] * 7 + [None, None], "gad7": [None] * 7},
    )
    worse = Flag.objects.get(patient=pat, reason="reliable_deterioration")
    severe = Flag.objects.get(patient=pat, reason="severe_depression")
    client = signed_in(bob)

    worse_page = re.sub(r"\s+", " ", client.get(f"/dashboard/flags/{worse.pk}/").content.decode())
    severe_page = re.sub(r"\s+", " ", client.get(f"/dashboard/flags/{severe.pk}/").content.decode())

    assert (
        "PHQ-9 total 14, up 10 from the baseline of 4 (up 5 from the previous score of 9); "
        "a rise of 6 or more is a reliable deterioration" in worse_page
    )
    assert (
        "PHQ-9 not finished: the 7 of 9 items answered already sum to 21; 20 or more flags"
        in severe_page
    )


def test_it_tells_a_failed_page_and_the_escalation_in_words(
    signed_in: Callable, bob: Clinician, alice: Clinician, paged_flag: Flag
) -> None:
    from followup.services.messages import message_status_record

    sms = OutboundMessage.objects.get(flag=paged_flag, purpose="page", channel="sms")
    message_status_record(message_id=sms.pk, provider_status="undelivered", error_code="30003")
    for step in EscalationStep.objects.filter(flag=paged_flag, status="pending"):
        escalation_step_run(step.pk)  # level 2: nobody on call there, so the admins are paged

    html = re.sub(
        r"\s+", " ", signed_in(bob).get(f"/dashboard/flags/{paged_flag.pk}/").content.decode()
    )

    assert "SMS to Bob Nurse: <strong>⚠ not delivered</strong> (error 30003)" in html
    assert "escalated to level 2</strong> by SMS and call: Alice Admin (clinic admin)" in html
    assert "Nobody on call at level 2" in html


def test_it_shows_the_message_that_raised_a_crisis_language_flag(
    signed_in: Callable,
    bob: Clinician,
    alice: Clinician,
    pat: Patient,
    twilio: object,
    celery_inline: list,
    django_capture_on_commit_callbacks: Callable,
) -> None:
    params = {
        "MessageSid": "SM" + "c" * 32,
        "AccountSid": twilio.account_sid,
        "From": pat.phone,
        "To": "+13125550100",
        "Body": "honestly i just want to die",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = sign_and_post(Client(), "/twilio/sms/", params, twilio.auth_token)
    assert response.status_code == 200
    flag = Flag.objects.get(patient=pat, reason="crisis_language")

    html = signed_in(bob).get(f"/dashboard/flags/{flag.pk}/").content.decode()

    assert "Crisis language in a text message: words about wanting to die" in html
    assert "honestly i just want to die" in html
    assert "Rota gap" in html  # nobody on call: the admins were paged


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


# Messages to read, and texts from numbers that are no patient's -----------------------------


def test_a_patients_message_to_read_is_on_the_queue_and_its_page_shows_the_text(
    signed_in: Callable,
    bob: Clinician,
    pat: Patient,
    twilio: object,
    celery_inline: list,
    django_capture_on_commit_callbacks: Callable,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        text(twilio, pat, "Can you call me about my next appointment please")

    flag = Flag.objects.get(patient=pat)
    client = signed_in(bob)
    html = client.get(QUEUE).content.decode()
    assert row_ids(html) == [flag.pk]
    assert "A message to read" in html
    assert "Nobody (moderate: not paged, shown here)" in html
    page = client.get(f"/dashboard/flags/{flag.pk}/").content.decode()
    assert "A text message for a clinician to read" in page
    assert "Can you call me about my next appointment please" in page


def test_a_crisis_text_from_an_unknown_number_is_on_the_queue_and_its_page(
    signed_in: Callable,
    bob: Clinician,
    bob_on_call: OnCallShift,
    clinic: Clinic,
    twilio: object,
    celery_inline: list,
    django_capture_on_commit_callbacks: Callable,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        text(twilio, Patient(phone="+13125550999"), "i want to kill myself")

    flag = Flag.objects.get()
    client = signed_in(bob)
    html = client.get(QUEUE).content.decode()
    assert row_ids(html) == [flag.pk]
    assert "Unknown sender, number ending 0999" in html
    page = client.get(f"/dashboard/flags/{flag.pk}/").content.decode()
    assert 'href="tel:+13125550999"' in page
    assert "i want to kill myself" in page
    assert "Bob Nurse" in page  # paged
