import datetime as dt

import pytest
import time_machine
from rest_framework.test import APIClient

from followup.models import CheckIn, Patient
from followup.services.dispatch import checkins_dispatch_due
from followup.services.sessions import session_record


def test_it_cancels_a_scheduled_check_in(as_bob: APIClient, pat: Patient) -> None:
    _, check_ins = session_record(
        patient=pat, occurred_at=dt.datetime.now(dt.UTC), treatment="iv_ketamine"
    )

    response = as_bob.post(f"/api/v1/check-ins/{check_ins[0].pk}/cancel/")
    again = as_bob.post(f"/api/v1/check-ins/{check_ins[0].pk}/cancel/")

    assert response.status_code == 200
    assert response.json()["status"] == "cancelled"
    assert again.status_code == 200
    assert CheckIn.objects.get(pk=check_ins[0].pk).cancel_reason == "by_clinician"


def test_a_completed_check_in_cannot_be_cancelled(as_bob: APIClient, pat: Patient) -> None:
    _, check_ins = session_record(
        patient=pat, occurred_at=dt.datetime.now(dt.UTC), treatment="iv_ketamine"
    )
    CheckIn.objects.filter(pk=check_ins[0].pk).update(
        status="completed", completed_at=dt.datetime.now(dt.UTC)
    )

    response = as_bob.post(f"/api/v1/check-ins/{check_ins[0].pk}/cancel/")

    assert response.status_code == 409
    assert response.json()["code"] == "not_cancellable"
    assert CheckIn.objects.get(pk=check_ins[0].pk).status == "completed"


def test_it_filters_check_ins_by_status(as_bob: APIClient, pat: Patient) -> None:
    _, check_ins = session_record(
        patient=pat, occurred_at=dt.datetime.now(dt.UTC), treatment="iv_ketamine"
    )
    as_bob.post(f"/api/v1/check-ins/{check_ins[1].pk}/cancel/")

    cancelled = as_bob.get("/api/v1/check-ins/", {"status": "cancelled"}).json()
    scheduled = as_bob.get("/api/v1/check-ins/", {"status": "scheduled"}).json()

    # The check-in at enrolment, cancelled by the session (due first), and the one Bob cancelled.
    at_enrolment = pat.check_ins.get(session=None)
    assert [c["id"] for c in cancelled["results"]] == [at_enrolment.pk, check_ins[1].pk]
    assert scheduled["count"] == 3


# --- Why a check-in did not go out, or went out later ----------------------------------------

# 06:12 in Chicago, inside Pat's quiet hours (21:00-08:00); they end at 14:00 UTC.
EARLY = dt.datetime(2026, 11, 26, 12, 12, tzinfo=dt.UTC)


def due_at(patient: Patient, moment: dt.datetime) -> CheckIn:
    """Pat's first planned check-in, due at ``moment`` (its session 24 hours before)."""
    with time_machine.travel(moment - dt.timedelta(hours=24), tick=False):
        _, check_ins = session_record(
            patient=patient, occurred_at=moment - dt.timedelta(hours=24), treatment="other"
        )
    return check_ins[0]


@pytest.mark.time_machine(EARLY, tick=False)
def test_a_check_in_moved_out_of_quiet_hours_says_so(as_bob: APIClient, pat: Patient) -> None:
    check_in = due_at(pat, EARLY)

    sweep = checkins_dispatch_due()
    listed = as_bob.get("/api/v1/check-ins/", {"patient": pat.pk, "status": "scheduled"}).json()
    session = as_bob.get(f"/api/v1/sessions/{check_in.session_id}/")

    assert sweep.deferred == 1
    shown = next(c for c in listed["results"] if c["id"] == check_in.pk)
    assert shown["status_reason"] == "quiet_hours"
    assert dt.datetime.fromisoformat(shown["due_at"]) == dt.datetime(
        2026, 11, 26, 14, 0, tzinfo=dt.UTC
    )
    assert dt.datetime.fromisoformat(shown["deferred_from"]) == EARLY
    brief = next(c for c in session.json()["check_ins"] if c["id"] == check_in.pk)
    assert brief["status_reason"] == "quiet_hours"
    # The others went out, or will, when planned: nothing to explain.
    others = [c for c in listed["results"] if c["id"] != check_in.pk]
    assert others
    assert all(c["status_reason"] is None for c in others)
    assert all(c["deferred_from"] is None for c in others)


@pytest.mark.time_machine(EARLY + dt.timedelta(hours=4), tick=False)
@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"sms_consent": False, "sms_consent_at": None}, "no_sms_consent"),
        ({"opted_out": True}, "opted_out"),
    ],
)
def test_a_check_in_that_will_not_go_out_says_why(
    as_bob: APIClient, pat: Patient, change: dict, reason: str
) -> None:
    check_in = due_at(pat, EARLY + dt.timedelta(hours=4))  # 10:12 in Chicago
    Patient.objects.filter(pk=pat.pk).update(**change)

    checkins_dispatch_due()
    listed = as_bob.get("/api/v1/check-ins/", {"patient": pat.pk}).json()

    shown = next(c for c in listed["results"] if c["id"] == check_in.pk)
    assert (shown["status"], shown["status_reason"]) == ("undeliverable", reason)


def test_a_failed_send_says_its_error_code(as_bob: APIClient, pat: Patient) -> None:
    _, check_ins = session_record(
        patient=pat, occurred_at=dt.datetime.now(dt.UTC), treatment="iv_ketamine"
    )
    # As the ledger records a send Twilio refused for good (tests/followup/messaging/test_outbox).
    CheckIn.objects.filter(pk=check_ins[0].pk).update(
        status="undeliverable", undeliverable_reason="send_failed:21211"
    )

    shown = as_bob.get(f"/api/v1/check-ins/{check_ins[0].pk}/")
    listed = as_bob.get("/api/v1/check-ins/", {"status": "undeliverable"}).json()

    assert [c["status_reason"] for c in listed["results"]] == ["send_failed:21211"]
    assert shown.json()["status_reason"] == "send_failed:21211"


def test_a_cancelled_check_in_says_why(as_bob: APIClient, pat: Patient) -> None:
    _, check_ins = session_record(
        patient=pat, occurred_at=dt.datetime.now(dt.UTC), treatment="iv_ketamine"
    )

    response = as_bob.post(f"/api/v1/check-ins/{check_ins[0].pk}/cancel/")

    assert response.json()["status_reason"] == "by_clinician"
