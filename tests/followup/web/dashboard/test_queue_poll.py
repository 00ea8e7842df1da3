"""The queue's poll ``/dashboard/queue/rows/``: an empty 204 after one query while nothing the
rows show has changed, and on any change that the rows show, the changed rows only.

The cast: Bob (clinician, on call) and Alice (admin) of Riverside, Pat and other Riverside
patients, Mallory of Hillcrest with a patient of her own.
"""

import datetime as dt
import re
from collections.abc import Callable
from zoneinfo import ZoneInfo

import pytest
import time_machine
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
    FlagEvent,
    OutboundMessage,
    Patient,
)
from followup.services.escalations import escalation_step_run
from followup.services.messages import message_status_record
from tests.support.flags import DEPRESSION, SI, WORSE, make_patient, raise_flag
from tests.support.queue import ROWS, row_ids


def row_versions(html: str) -> dict[int, str]:
    return {int(i): v for i, v in re.findall(r'id="flag-row-(\d+)" data-row-version="(\w+)"', html)}


def poll(client: Client, version: str = "", rows: str = "") -> object:
    headers = {"X-Followup-Poll": "1", "HX-Request": "true"}
    if version:
        headers["X-Followup-Queue-Version"] = version
    if rows:
        headers["X-Followup-Queue-Rows"] = rows
    return client.get(ROWS, headers=headers)


# Every kind of change the rows show ---------------------------------------------------------


def _new_flag(flag: Flag, bob: Clinician) -> None:
    raise_flag(make_patient(flag.clinic, 2), DEPRESSION)


def _acknowledged(flag: Flag, bob: Clinician) -> None:
    Flag.objects.filter(pk=flag.pk).update(
        status="acknowledged", acknowledged_at=timezone.now(), acknowledged_by=bob
    )


def _resolved(flag: Flag, bob: Clinician) -> None:
    Flag.objects.filter(pk=flag.pk).update(
        status="resolved", resolved_at=timezone.now(), resolution_note="Called Pat."
    )


def _escalated(flag: Flag, bob: Clinician) -> None:
    Flag.objects.filter(pk=flag.pk).update(escalation_level=2)


def _page_delivered(flag: Flag, bob: Clinician) -> None:
    sms = OutboundMessage.objects.get(flag=flag, purpose="page", channel="sms")
    message_status_record(message_id=sms.pk, provider_status="delivered", error_code="")


def _page_failed_without_a_change_stamp(flag: Flag, bob: Clinician) -> None:
    OutboundMessage.objects.filter(flag=flag, channel="voice").update(status="failed")


def _paged_again(flag: Flag, bob: Clinician) -> None:
    for step in EscalationStep.objects.filter(flag=flag, status="pending"):
        escalation_step_run(step.pk)  # level 2, nobody on call there: the admins, and a rota gap


def _rota_gap(flag: Flag, bob: Clinician) -> None:
    FlagEvent.objects.create(flag=flag, kind="rota_gap", detail={"level": 2, "round": 0})


def _new_trigger(flag: Flag, bob: Clinician) -> None:
    Flag.objects.filter(pk=flag.pk).update(evidence=[*flag.evidence, {"rule": "again"}])


def _patient_opted_out(flag: Flag, bob: Clinician) -> None:
    Patient.objects.filter(pk=flag.patient_id).update(opted_out=True, opted_out_at=timezone.now())


def _patient_renamed(flag: Flag, bob: Clinician) -> None:
    Patient.objects.filter(pk=flag.patient_id).update(last_name="Renamed")


def _priority_changed(flag: Flag, bob: Clinician) -> None:
    Flag.objects.filter(pk=flag.pk).update(priority="high")


def _clinic_zone_changed(flag: Flag, bob: Clinician) -> None:
    Clinic.objects.filter(pk=flag.clinic_id).update(timezone="Europe/Lisbon")


CHANGES = [
    _new_flag,
    _acknowledged,
    _resolved,
    _escalated,
    _page_delivered,
    _page_failed_without_a_change_stamp,
    _paged_again,
    _rota_gap,
    _new_trigger,
    _patient_opted_out,
    _patient_renamed,
    _priority_changed,
    _clinic_zone_changed,
]


@pytest.mark.parametrize("change", CHANGES, ids=lambda f: f.__name__.strip("_"))
def test_it_answers_a_poll_with_rows_after_any_change_the_rows_show(
    signed_in: Callable, bob: Clinician, alice: Clinician, paged_flag: Flag, change: Callable
) -> None:
    client = signed_in(bob)
    first = poll(client)
    version = first["X-Followup-Queue-Version"]
    assert poll(client, version).status_code == 204
    before = first.content.decode()

    change(paged_flag, bob)
    changed = poll(client, version)

    assert changed.status_code == 200
    assert changed["X-Followup-Queue-Version"] != version
    assert changed.content.decode() != before
    assert poll(client, changed["X-Followup-Queue-Version"]).status_code == 204


@pytest.mark.postgresql
def test_it_answers_an_unchanged_poll_after_one_query(
    signed_in: Callable, bob: Clinician, pat: Patient, paged_flag: Flag
) -> None:
    raise_flag(make_patient(pat.clinic, 2), WORSE)
    client = signed_in(bob)
    version = poll(client)["X-Followup-Queue-Version"]

    with CaptureQueriesContext(connection) as captured:
        unchanged = poll(client, version)

    assert unchanged.status_code == 204
    # Besides the session's and the sign-in's: one query, and none of the queue's own.
    flags = [q["sql"] for q in captured.captured_queries if "followup_flag" in q["sql"]]
    assert len(flags) == 1
    assert "md5(string_agg(" in flags[0]


def test_it_audits_a_changed_poll_and_not_an_unchanged_one(
    signed_in: Callable, bob: Clinician, pat: Patient, paged_flag: Flag, mallory: Clinician
) -> None:
    raise_flag(make_patient(pat.clinic, 2), WORSE)
    client = signed_in(bob)
    version = poll(client)["X-Followup-Queue-Version"]
    audited = AuditEvent.objects.filter(action="flag.queue_view", actor=bob)
    assert audited.count() == 1

    # Elsewhere: another clinic's new flag.
    raise_flag(make_patient(mallory.clinic, 77), SI)
    unchanged = poll(client, version)

    assert (unchanged.status_code, unchanged.content) == (204, b"")
    assert unchanged["X-Followup-Queue-Version"] == version
    assert audited.count() == 1

    raise_flag(make_patient(pat.clinic, 3), DEPRESSION)
    assert poll(client, version).status_code == 200
    assert audited.count() == 2


def test_it_sends_only_the_rows_that_changed_with_the_order_and_counts(
    signed_in: Callable, bob: Clinician, pat: Patient, paged_flag: Flag
) -> None:
    clinic = pat.clinic
    moderate = raise_flag(make_patient(clinic, 2), WORSE, minutes_ago=30)
    high = raise_flag(make_patient(clinic, 3), DEPRESSION, minutes_ago=20)
    client = signed_in(bob)
    first = poll(client)
    html = first.content.decode()
    assert row_ids(html) == [paged_flag.pk, high.pk, moderate.pk]
    versions = row_versions(html)
    shown = ",".join(f"{pk}:{v}" for pk, v in versions.items())

    Flag.objects.filter(pk=high.pk).update(escalation_level=2)
    _resolved(moderate, bob)
    critical = raise_flag(make_patient(clinic, 4), SI, minutes_ago=60)
    response = poll(client, first["X-Followup-Queue-Version"], shown)

    assert response.status_code == 200
    assert response["X-Followup-Queue-Delta"] == "1"
    delta = response.content.decode()
    assert row_ids(delta) == [critical.pk, high.pk]  # the new row and the changed one only
    assert f'data-order="{critical.pk},{paged_flag.pk},{high.pk}"' in delta
    assert "Level 2" in delta
    assert "3 unresolved flags:" in delta
    assert f'data-version="{response["X-Followup-Queue-Version"]}"' in delta
    assert row_versions(delta)[high.pk] != versions[high.pk]
    assert AuditEvent.objects.filter(action="flag.queue_view", actor=bob).latest("id").detail == {
        "flags": [critical.pk, paged_flag.pk, high.pk],
        "patients": sorted({critical.patient_id, pat.pk, high.patient_id}),
        "poll": True,
    }


def test_it_sends_all_rows_to_a_browser_that_does_not_say_which_it_shows(
    signed_in: Callable, bob: Clinician, pat: Patient, paged_flag: Flag
) -> None:
    client = signed_in(bob)
    version = poll(client)["X-Followup-Queue-Version"]
    other = raise_flag(make_patient(pat.clinic, 2), DEPRESSION)

    response = poll(client, version)

    assert "X-Followup-Queue-Delta" not in response
    assert row_ids(response.content.decode()) == [paged_flag.pk, other.pk]
    assert "<table" in response.content.decode()


def test_it_sends_the_whole_empty_queue_when_the_last_row_goes(
    signed_in: Callable, bob: Clinician, paged_flag: Flag
) -> None:
    client = signed_in(bob)
    first = poll(client)
    shown = ",".join(f"{k}:{v}" for k, v in row_versions(first.content.decode()).items())
    _resolved(paged_flag, bob)

    response = poll(client, first["X-Followup-Queue-Version"], shown)

    assert "X-Followup-Queue-Delta" not in response
    assert "No open flags." in response.content.decode()


def test_it_links_each_row_and_shows_times_in_the_clinics_zone(
    signed_in: Callable, bob: Clinician, pat: Patient, paged_flag: Flag
) -> None:
    Clinic.objects.filter(pk=pat.clinic_id).update(timezone="Asia/Kolkata")
    Flag.objects.filter(pk=paged_flag.pk).update(
        status="acknowledged", acknowledged_by=bob, acknowledged_at=paged_flag.created_at
    )
    local = paged_flag.created_at.astimezone(ZoneInfo("Asia/Kolkata"))

    html = poll(signed_in(bob)).content.decode()

    assert f'href="/dashboard/flags/{paged_flag.pk}/"' in html
    assert f'href="/dashboard/patients/{pat.pk}/"' in html
    assert f'action="/dashboard/flags/{paged_flag.pk}/resolve/"' in html
    assert f'datetime="{local.isoformat()}" data-age' in html
    assert f'{local:%H:%M} <span class="muted">{local.day} {local:%b}</span>' in html
    assert f'at <time datetime="{local.isoformat()}">{local:%H:%M}</time>' in html
    assert html.count('name="csrfmiddlewaretoken"') == 1  # acknowledged: resolve only


def test_each_clinician_gets_a_shown_row_with_their_own_form_field_and_its_current_age(
    signed_in: Callable, bob: Clinician, alice: Clinician, pat: Patient
) -> None:
    flag = raise_flag(pat, SI, minutes_ago=5)
    pages = {}
    for clinician in (bob, alice):
        client = signed_in(clinician)
        strict = Client(enforce_csrf_checks=True)
        strict.cookies = client.cookies
        pages[clinician.username] = (strict, client.get("/dashboard/").content.decode())
    bobs = pages[bob.username][1]

    with time_machine.travel(timezone.now() + dt.timedelta(minutes=6)):
        later = poll(signed_in(bob)).content.decode()

    assert ">5 min</time>" in bobs
    assert ">11 min</time>" in later  # the same row, the same version, its age now
    assert row_versions(later) == row_versions(bobs)
    strict, alices = pages[alice.username]
    token = re.search(r'name="csrfmiddlewaretoken" value="(\w+)"', alices)[1]
    acked = strict.post(f"/dashboard/flags/{flag.pk}/acknowledge/", {"csrfmiddlewaretoken": token})
    assert acked.status_code == 302
    flag.refresh_from_db()
    assert flag.acknowledged_by == alice
