"""`patient_export` and `patient_erase`: a patient's whole record out, their identifying data
gone with their scores kept, and a clinic's offboarding; each audited."""

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from rest_framework.test import APIClient

from followup.models import (
    AuditEvent,
    CheckIn,
    Clinic,
    Clinician,
    Flag,
    IdempotencyKey,
    InboundMessage,
    OutboundMessage,
    Patient,
    Response,
)
from followup.services.flags import flag_resolve
from followup.services.sessions import session_record
from tests.support.flags import SI, raise_flag
from tests.support.patients import score

pytestmark = pytest.mark.django_db


@pytest.fixture
def history(pat: Patient, alice: Clinician) -> dict:
    """Pat with a session, its check-ins, a score, a resolved flag and messages both ways."""
    session, check_ins = session_record(
        patient=pat, occurred_at=timezone.now() - dt.timedelta(days=2), treatment="esketamine"
    )
    score(pat, "phq9", 14, days_ago=1)
    flag = raise_flag(pat, SI)
    flag_resolve(flag=flag, actor=alice, note="Called Pat Jones at home; safe with her sister.")
    InboundMessage.objects.create(
        message_sid="SM" + "a" * 32,
        from_number=pat.phone,
        body="I feel worse since Tuesday",
        payload={"From": pat.phone, "Body": "I feel worse since Tuesday"},
        patient=pat,
    )
    OutboundMessage.objects.create(
        clinic=pat.clinic,
        patient=pat,
        purpose="question",
        to=pat.phone,
        body="Hi Pat, question 1 of 16",
        idempotency_key="history-1",
        status="pending",
    )
    return {"session": session, "check_ins": check_ins, "flag": flag}


def run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_export_prints_the_whole_record_as_json_and_is_audited(pat: Patient, history: dict) -> None:
    record = json.loads(run("patient_export", str(pat.pk)))

    assert record["patient"]["last_name"] == "Jones"
    assert record["patient"]["phone"] == "+13125550123"
    assert [s["id"] for s in record["sessions"]] == [history["session"].pk]
    assert len(record["check_ins"]) == CheckIn.objects.filter(patient=pat).count()
    assert record["responses"][0]["total"] == 14
    assert record["flags"][0]["code"] == history["flag"].code
    assert record["flags"][0]["events"][0]["kind"] == "raised"
    assert record["messages"]["inbound"][0]["body"] == "I feel worse since Tuesday"
    assert record["messages"]["outbound"][0]["body"] == "Hi Pat, question 1 of 16"
    event = AuditEvent.objects.get(action="patient.export")
    assert (event.patient, event.actor) == (pat, None)


def test_erase_removes_identifying_data_and_keeps_the_scores(pat: Patient, history: dict) -> None:
    checkins_open_of = CheckIn.objects.filter(patient=pat, status="scheduled").count()

    out = run("patient_erase", str(pat.pk), "--yes")

    assert f"Patient #{pat.pk} erased" in out
    pat.refresh_from_db()
    assert (pat.first_name, pat.last_name) == ("[erased]", "")
    assert pat.phone.startswith("+999")
    assert (pat.opted_out, pat.sms_consent) == (True, False)
    response = Response.objects.get(patient=pat)
    assert (response.total, response.severity, response.complete) == (14, "moderate", True)
    assert Flag.objects.get(patient=pat).resolution_note == "[erased]"
    assert not CheckIn.objects.filter(patient=pat).exclude(status="cancelled").exists()
    inbound = InboundMessage.objects.get(patient=pat)
    assert (inbound.body, inbound.payload, inbound.from_number) == ("", {}, pat.phone)
    outbound = OutboundMessage.objects.get(patient=pat)
    assert (outbound.body, outbound.to, outbound.status) == ("", pat.phone, "cancelled")
    event = AuditEvent.objects.get(action="patient.erase")
    assert event.patient == pat
    assert event.detail["check_ins_cancelled"] == checkins_open_of > 0

    exported = run("patient_export", str(pat.pk))
    for identifying in ("Jones", "3125550123", "worse since", "Hi Pat", "sister"):
        assert identifying not in exported


def test_erase_forgets_the_mrn_and_the_api_answers_kept_for_replay(
    as_alice: APIClient, pat: Patient
) -> None:
    as_alice.patch(
        f"/api/v1/patients/{pat.pk}/",
        {"external_id": "MRN-9"},
        format="json",
        HTTP_IDEMPOTENCY_KEY="k-1",
    )
    assert IdempotencyKey.objects.filter(body__contains="Jones").exists()

    run("patient_erase", str(pat.pk), "--yes")

    pat.refresh_from_db()
    assert pat.external_id == ""
    assert not IdempotencyKey.objects.exists()


def test_erase_asks_nobody_and_erases_nothing_without_yes_when_not_interactive(
    pat: Patient,
) -> None:
    with pytest.raises(CommandError, match="pass --yes"):
        run("patient_erase", str(pat.pk))

    pat.refresh_from_db()
    assert pat.last_name == "Jones"
    assert not AuditEvent.objects.filter(action="patient.erase").exists()


@pytest.mark.parametrize("command", ["patient_export", "patient_erase"])
def test_an_unknown_patient_is_a_clear_error(db: None, command: str) -> None:
    with pytest.raises(CommandError, match="No patient with id 999999"):
        run(command, "999999", *(["--yes"] if command == "patient_erase" else []))


def test_a_clinic_is_exported_then_offboarded(
    clinic: Clinic, pat: Patient, history: dict, bob: Clinician, as_bob: APIClient
) -> None:
    lines = [
        json.loads(line) for line in run("patient_export", "--clinic", str(clinic.pk)).splitlines()
    ]

    assert lines[0]["clinic"]["name"] == clinic.name
    assert {c["username"] for c in lines[0]["clinicians"]} == {"alice", "bob"}
    assert "password" not in lines[0]["clinicians"][0]
    assert [line["patient"]["id"] for line in lines[1:]] == [pat.pk]
    assert AuditEvent.objects.filter(action="clinic.export", clinic=clinic).count() == 1

    out = run("patient_erase", "--clinic", str(clinic.pk), "--yes")

    assert "1 patients erased, 2 accounts deactivated" in out
    pat.refresh_from_db()
    assert pat.last_name == ""
    assert not Clinician.objects.filter(clinic=clinic, is_active=True).exists()
    assert as_bob.get("/api/v1/patients/").status_code == 401
    assert AuditEvent.objects.filter(action="clinic.offboard", clinic=clinic).count() == 1
