import datetime as dt

import pytest
import time_machine
from rest_framework.test import APIClient

from followup.models import AuditEvent, CheckIn, Patient, TreatmentSession

NOW = dt.datetime(2026, 11, 26, 15, 0, tzinfo=dt.UTC)

# One clock for each test and its fixtures: NOW, unless a test moves it.
pytestmark = pytest.mark.time_machine(NOW, tick=False)
HOUR = dt.timedelta(hours=1)
DAY = dt.timedelta(days=1)


def record(client: APIClient, patient: Patient, occurred_at: dt.datetime) -> dict:
    response = client.post(
        "/api/v1/sessions/",
        {"patient": patient.pk, "occurred_at": occurred_at.isoformat(), "treatment": "esketamine"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    return response.json()


def due_times(check_ins: list[dict]) -> list[dt.datetime]:
    return [dt.datetime.fromisoformat(c["due_at"].replace("Z", "+00:00")) for c in check_ins]


def test_a_session_25_hours_ago_gets_check_ins_at_24h_7d_14d_28d(
    as_alice: APIClient, pat: Patient
) -> None:
    occurred_at = NOW - 25 * HOUR

    body = record(as_alice, pat, occurred_at)

    offsets = [due - occurred_at for due in due_times(body["check_ins"])]
    assert offsets == [24 * HOUR, 7 * DAY, 14 * DAY, 28 * DAY]
    assert {c["status"] for c in body["check_ins"]} == {"scheduled"}
    assert all(c["instruments"] == ["phq9", "gad7"] for c in body["check_ins"])
    listed = as_alice.get("/api/v1/check-ins/", {"patient": pat.pk, "session": body["id"]}).json()
    assert listed["count"] == 4
    assert [c["id"] for c in listed["results"]] == [c["id"] for c in body["check_ins"]]
    assert listed["results"][0]["session"] == body["id"]
    assert listed["results"][0]["channel"] == "sms"
    assert listed["results"][0]["sent_at"] is None


def test_a_newer_session_cancels_the_unsent_later_check_ins_of_the_older(
    as_alice: APIClient, pat: Patient
) -> None:
    first = record(as_alice, pat, NOW - 25 * HOUR)
    first_day_check_in = first["check_ins"][0]["id"]
    # The +24 h check-in of the first session has gone out already.
    CheckIn.objects.filter(pk=first_day_check_in).update(status="sent", sent_at=NOW)

    with time_machine.travel(NOW + 2 * DAY, tick=False):
        second = record(as_alice, pat, NOW + 2 * DAY - HOUR)

    statuses = {
        c["id"]: c["status"]
        for c in as_alice.get("/api/v1/check-ins/", {"patient": pat.pk}).json()["results"]
    }
    assert statuses[first_day_check_in] == "sent"
    assert [statuses[c["id"]] for c in first["check_ins"][1:]] == ["cancelled"] * 3
    assert [statuses[c["id"]] for c in second["check_ins"]] == ["scheduled"] * 4
    # (The check-in at enrolment went when the first session was recorded, for its own reason.)
    cancelled = CheckIn.objects.filter(status="cancelled", session__isnull=False)
    assert set(cancelled.values_list("cancel_reason", flat=True)) == {"superseded"}


def test_it_never_schedules_two_check_ins_on_one_local_day(
    as_alice: APIClient, pat: Patient
) -> None:
    first = record(as_alice, pat, NOW - 25 * HOUR)
    # The first session's +24 h check-in (today, 08:00 in Chicago) has gone out already.
    CheckIn.objects.filter(pk=first["check_ins"][0]["id"]).update(status="sent", sent_at=NOW)

    # A second session an hour after the first: its +24 h falls on the same local day.
    second = record(as_alice, pat, NOW - 24 * HOUR)

    assert [due - (NOW - 24 * HOUR) for due in due_times(second["check_ins"])] == [
        7 * DAY,
        14 * DAY,
        28 * DAY,
    ]
    live = CheckIn.objects.filter(patient=pat).exclude(status="cancelled")
    dates = list(live.values_list("local_date", flat=True))
    assert len(dates) == len(set(dates)) == 4


def test_the_local_day_is_the_patients_own(as_alice: APIClient, pat: Patient) -> None:
    # 03:30 UTC on the 26th is still the evening of the 25th in Chicago.
    body = record(as_alice, pat, dt.datetime(2026, 11, 25, 3, 30, tzinfo=dt.UTC))

    first = CheckIn.objects.get(pk=body["check_ins"][0]["id"])
    assert first.local_date == dt.date(2026, 11, 25)


def test_a_session_recorded_long_after_the_fact_skips_check_ins_already_past(
    as_alice: APIClient, pat: Patient
) -> None:
    body = record(as_alice, pat, NOW - 10 * DAY)

    offsets = [due - (NOW - 10 * DAY) for due in due_times(body["check_ins"])]
    assert offsets == [14 * DAY, 28 * DAY]


def test_a_backdated_session_leaves_the_later_sessions_plan_alone(
    as_alice: APIClient, pat: Patient
) -> None:
    newer = record(as_alice, pat, NOW - 2 * HOUR)
    older = record(as_alice, pat, NOW - 20 * HOUR)

    assert older["check_ins"] == []
    assert all(CheckIn.objects.get(pk=c["id"]).status == "scheduled" for c in newer["check_ins"])


@pytest.mark.parametrize(
    ("change", "field", "code"),
    [
        ({"occurred_at": "2026-11-25T10:00:00"}, "occurred_at", "naive"),
        ({"occurred_at": "yesterday"}, "occurred_at", "invalid"),
        ({"occurred_at": "2026-11-27T10:00:00Z"}, "occurred_at", "future"),
        ({"treatment": "psilocybin"}, "treatment", "invalid_choice"),
        ({"patient": 999999}, "patient", "does_not_exist"),
    ],
)
def test_it_refuses_a_bad_session_and_writes_nothing(
    as_alice: APIClient, pat: Patient, change: dict, field: str, code: str
) -> None:
    payload = {
        "patient": pat.pk,
        "occurred_at": "2026-11-25T10:00:00Z",
        "treatment": "iv_ketamine",
        **change,
    }

    response = as_alice.post("/api/v1/sessions/", payload, format="json")

    assert response.status_code == 400
    assert response.json()["code"] == code
    assert list(response.json()["extra"]["fields"]) == [field]
    assert not TreatmentSession.objects.exists()
    # Only the check-in at enrolment, still to go out: a refused session cancels nothing.
    assert list(CheckIn.objects.values_list("session", "status")) == [(None, "scheduled")]


def test_it_follows_the_clinics_current_plan(as_alice: APIClient, pat: Patient) -> None:
    plan = {
        "steps": [
            {"offset_hours": 48, "instruments": ["phq9"]},
            {"offset_hours": 24 * 10, "instruments": ["gad7", "phq9"]},
        ],
        "reminder_after_hours": 6,
        "expire_after_hours": 48,
    }
    assert as_alice.put("/api/v1/follow-up-plan/", plan, format="json").status_code == 200

    body = record(as_alice, pat, NOW - HOUR)

    assert [c["instruments"] for c in body["check_ins"]] == [["phq9"], ["gad7", "phq9"]]
    assert due_times(body["check_ins"]) == [NOW + 47 * HOUR, NOW + 10 * DAY - HOUR]


# --- The check-in at enrolment (pat's, due at NOW, 09:00 on 26 Nov in Chicago) --------------


def at_enrolment(patient: Patient) -> CheckIn:
    return patient.check_ins.get(session=None)


def test_a_session_recorded_before_the_baseline_went_out_cancels_it(
    as_alice: APIClient, pat: Patient
) -> None:
    # Yesterday's session: its +24 h check-in falls today, the baseline's day.
    body = record(as_alice, pat, NOW - 25 * HOUR)

    baseline = at_enrolment(pat)
    listed = as_alice.get("/api/v1/check-ins/", {"patient": pat.pk, "status": "cancelled"}).json()
    assert [(c["id"], c["session"]) for c in listed["results"]] == [(baseline.pk, None)]
    assert (baseline.cancel_reason, baseline.cancelled_at) == ("treatment_started", NOW)
    # Its day is free again: the plan's first step takes it.
    assert due_times(body["check_ins"])[0] == NOW - HOUR  # +24 h
    assert CheckIn.objects.get(pk=body["check_ins"][0]["id"]).local_date == baseline.local_date
    event = AuditEvent.objects.get(action="session.record")
    assert event.detail["enrolment_check_in_cancelled"] == [baseline.pk]


@pytest.mark.parametrize("status", ["sent", "in_progress", "completed"])
def test_a_baseline_already_sent_stays_and_keeps_its_day(
    as_alice: APIClient, pat: Patient, status: str
) -> None:
    CheckIn.objects.filter(pk=at_enrolment(pat).pk).update(
        status=status, sent_at=NOW, completed_at=NOW if status == "completed" else None
    )

    first = record(as_alice, pat, NOW - 25 * HOUR)
    with time_machine.travel(NOW + 2 * DAY, tick=False):
        second = record(as_alice, pat, NOW + 2 * DAY - HOUR)

    baseline = at_enrolment(pat)
    assert (baseline.status, baseline.cancel_reason) == (status, "")
    # The first session's +24 h would fall on the baseline's day: left out, never two a day.
    assert [due - (NOW - 25 * HOUR) for due in due_times(first["check_ins"])] == [
        7 * DAY,
        14 * DAY,
        28 * DAY,
    ]
    assert len(second["check_ins"]) == 4
    live = CheckIn.objects.filter(patient=pat).exclude(status="cancelled")
    dates = list(live.values_list("local_date", flat=True))
    assert len(dates) == len(set(dates)) == 5  # the baseline and the second session's four
