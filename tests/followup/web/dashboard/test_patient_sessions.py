"""Recording a treatment session from a patient's page, in the patient's time zone."""

import datetime as dt
from collections.abc import Callable
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.utils import timezone

from followup.models import (
    AuditEvent,
    CheckIn,
    Clinician,
    Patient,
    TreatmentSession,
)
from tests.support.patients import text_of

Client_ = Callable[[Clinician], Client]
NOW = timezone.now


# --- Recording a session --------------------------------------------------------------------


def local_input(at: dt.datetime) -> str:
    """``at`` as a datetime-local field shows it in Pat's zone."""
    return at.astimezone(ZoneInfo("America/Chicago")).strftime("%Y-%m-%dT%H:%M")


def test_it_records_a_session_in_the_patients_time_zone(
    signed_in: Client_, bob: Clinician, pat: Patient
) -> None:
    client = signed_in(bob)
    when = (NOW() - dt.timedelta(hours=3)).replace(second=0, microsecond=0)

    response = client.post(
        f"/dashboard/patients/{pat.pk}/sessions/",
        {"occurred_at": local_input(when), "treatment": "esketamine"},
        REMOTE_ADDR="203.0.113.9",
    )

    assert response.status_code == 302
    assert response["Location"] == f"/dashboard/patients/{pat.pk}/"
    session = TreatmentSession.objects.get(patient=pat)
    assert (session.occurred_at, session.treatment, session.recorded_by) == (
        when,
        "esketamine",
        bob,
    )
    assert session.check_ins.count() == 4
    event = AuditEvent.objects.get(action="session.record")
    assert (event.actor, event.patient, event.ip_address) == (bob, pat, "203.0.113.9")
    assert sorted(event.detail["check_ins"]) == sorted(
        session.check_ins.values_list("pk", flat=True)
    )
    page = text_of(client.get(response["Location"]))
    assert "Session recorded: Esketamine nasal spray," in page
    assert "Check-ins scheduled (America/Chicago):" in page
    first_due = session.check_ins.order_by("due_at").first().due_at
    assert first_due.astimezone(ZoneInfo("America/Chicago")).strftime("%-d %b, %H:%M") in page


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"occurred_at": "", "treatment": "iv_ketamine"}, "Give the date and time the session"),
        ({"treatment": "iv_ketamine"}, "Give the date and time the session"),
        ({"occurred_at": "yesterday", "treatment": "iv_ketamine"}, "Give a date and time like"),
        ({"occurred_at": "2026-02-30T10:00", "treatment": "iv_ketamine"}, "Give a date and time"),
        ({"occurred_at": "0026-11-20T10:00", "treatment": "other"}, "too far in the past"),
        ({"occurred_at": "0001-01-01T00:00", "treatment": "other"}, "too far in the past"),
        ({"occurred_at": "9999-12-31T23:59", "treatment": "other"}, "too far in the future"),
        ({"occurred_at": "2026-03-08T02:30", "treatment": "other"}, "the clocks moved forward"),
        ({"occurred_at": "2026-11-20T10:00+01:00", "treatment": "other"}, "without a zone"),
        ({"occurred_at": "2026-11-20T10:00", "treatment": ""}, "Choose the treatment given."),
        ({"occurred_at": "2026-11-20T10:00", "treatment": "ketamine_pill"}, "Choose one of"),
        ({"occurred_at": "{future}", "treatment": "other"}, "is in the future"),
    ],
)
def test_it_refuses_bad_session_input_and_writes_nothing(
    signed_in: Client_, bob: Clinician, pat: Patient, data: dict, message: str
) -> None:
    data = {**data}
    if data.get("occurred_at") == "{future}":
        data["occurred_at"] = local_input(NOW() + dt.timedelta(hours=2))
    audit_events = AuditEvent.objects.count()

    response = signed_in(bob).post(f"/dashboard/patients/{pat.pk}/sessions/", data)

    assert response.status_code == 400
    text = text_of(response)
    assert "session not recorded" in text
    assert "Nothing was saved." in text
    assert message in text
    assert "Jones" not in text  # only the form: no patient data on the error page
    assert TreatmentSession.objects.count() == 0
    # Only the check-in at enrolment, still to go out: a refused session cancels nothing.
    assert list(CheckIn.objects.values_list("session", "status")) == [(None, "scheduled")]
    assert AuditEvent.objects.count() == audit_events


def test_it_accepts_only_posts_for_a_session(
    signed_in: Client_, bob: Clinician, pat: Patient
) -> None:
    assert signed_in(bob).get(f"/dashboard/patients/{pat.pk}/sessions/").status_code == 405
