"""Writes with an ``Idempotency-Key`` header (SPEC §6): the same key and body replay the first
answer and write nothing; the same key with another body is a 422."""

import datetime as dt

import pytest
import time_machine
from rest_framework.test import APIClient

from followup.models import (
    AuditEvent,
    CheckIn,
    Clinician,
    IdempotencyKey,
    Patient,
    TreatmentSession,
)
from tests.support.cast import client_for, key_for
from tests.support.concurrency import at_once

NOW = dt.datetime(2026, 11, 26, 15, 0, tzinfo=dt.UTC)
pytestmark = pytest.mark.time_machine(NOW, tick=False)

ENROL = {
    "first_name": "Sam",
    "last_name": "Rivera",
    "phone": "+13125550177",
    "timezone": "America/Chicago",
    "channel": "sms",
    "sms_consent": True,
}
KEY = {"HTTP_IDEMPOTENCY_KEY": "3f0c1a9e-5b1d-4d0a-9d7e-1c2b3a4d5e6f"}


def visit(patient: Patient) -> dict:
    return {
        "patient": patient.pk,
        "occurred_at": (NOW - dt.timedelta(hours=25)).isoformat(),
        "treatment": "esketamine",
    }


def counts() -> tuple[int, int, int]:
    return Patient.objects.count(), TreatmentSession.objects.count(), CheckIn.objects.count()


def test_the_same_key_and_body_replay_the_first_answer_and_write_nothing(
    as_alice: APIClient, pat: Patient
) -> None:
    first = as_alice.post("/api/v1/sessions/", visit(pat), format="json", **KEY)
    assert first.status_code == 201, first.json()
    before = counts()
    check_ins = [c["id"] for c in first.json()["check_ins"]]

    with time_machine.travel(NOW + dt.timedelta(hours=1), tick=False):
        again = as_alice.post("/api/v1/sessions/", visit(pat), format="json", **KEY)

    assert again.status_code == 201
    assert again.content == first.content
    assert again["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first
    assert counts() == before
    assert set(CheckIn.objects.filter(id__in=check_ins).values_list("status", flat=True)) == {
        "scheduled"
    }


def test_a_replayed_patient_create_is_the_first_answer(as_alice: APIClient) -> None:
    first = as_alice.post("/api/v1/patients/", ENROL, format="json", **KEY)
    events = AuditEvent.objects.count()

    again = as_alice.post("/api/v1/patients/", ENROL, format="json", **KEY)

    assert (
        (again.status_code, again.content)
        == (first.status_code, first.content)
        == (
            201,
            first.content,
        )
    )
    assert Patient.objects.count() == 1
    assert AuditEvent.objects.count() == events


def test_the_same_key_with_another_body_is_a_422_and_writes_nothing(
    as_alice: APIClient,
) -> None:
    as_alice.post("/api/v1/patients/", ENROL, format="json", **KEY)

    response = as_alice.post(
        "/api/v1/patients/", {**ENROL, "phone": "+13125550178"}, format="json", **KEY
    )

    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "idempotency_key_reused"
    assert "another request" in body["message"]
    assert Patient.objects.count() == 1


def test_a_key_is_the_callers_own(
    as_alice: APIClient, as_mallory: APIClient, alice: Clinician
) -> None:
    ours = as_alice.post("/api/v1/patients/", ENROL, format="json", **KEY)
    # Another clinic, and another credential of the same clinic: each a first request.
    theirs = as_mallory.post("/api/v1/patients/", ENROL, format="json", **KEY)
    other_token = client_for(alice).post(
        "/api/v1/patients/", {**ENROL, "phone": "+13125550178"}, format="json", **KEY
    )

    assert ours.status_code == theirs.status_code == other_token.status_code == 201
    assert Patient.objects.count() == 3


def test_an_integration_key_replays_too(alice: Clinician) -> None:
    ehr = APIClient()
    ehr.credentials(HTTP_AUTHORIZATION=f"Bearer {key_for(alice)}")

    first = ehr.post("/api/v1/patients/", ENROL, format="json", **KEY)
    again = ehr.post("/api/v1/patients/", ENROL, format="json", **KEY)

    assert first.status_code == again.status_code == 201
    assert again.content == first.content
    assert Patient.objects.count() == 1


def test_an_error_is_not_kept_and_the_key_can_be_sent_again(as_alice: APIClient) -> None:
    bad = as_alice.post("/api/v1/patients/", {**ENROL, "phone": "12"}, format="json", **KEY)
    assert bad.status_code == 400
    assert not IdempotencyKey.objects.exists()

    good = as_alice.post("/api/v1/patients/", ENROL, format="json", **KEY)

    assert good.status_code == 201


def test_a_key_expires_after_24_hours(as_alice: APIClient, pat: Patient) -> None:
    first = as_alice.patch(
        f"/api/v1/patients/{pat.pk}/", {"first_name": "Patty"}, format="json", **KEY
    )
    as_alice.patch(f"/api/v1/patients/{pat.pk}/", {"first_name": "Patricia"}, format="json")

    with time_machine.travel(NOW + dt.timedelta(hours=23), tick=False):
        replay = as_alice.patch(
            f"/api/v1/patients/{pat.pk}/", {"first_name": "Patty"}, format="json", **KEY
        )
    pat.refresh_from_db()
    assert replay.content == first.content
    assert pat.first_name == "Patricia"

    with time_machine.travel(NOW + dt.timedelta(hours=24), tick=False):
        fresh = as_alice.patch(
            f"/api/v1/patients/{pat.pk}/", {"first_name": "Patty"}, format="json", **KEY
        )
    assert "Idempotent-Replayed" not in fresh
    pat.refresh_from_db()
    assert pat.first_name == "Patty"


def test_a_bad_key_is_a_400(as_alice: APIClient) -> None:
    response = as_alice.post(
        "/api/v1/patients/", ENROL, format="json", HTTP_IDEMPOTENCY_KEY="x" * 256
    )

    assert response.status_code == 400
    assert response.json()["code"] == "invalid_idempotency_key"
    assert Patient.objects.count() == 0


def test_the_schema_documents_the_header_on_writes(as_alice: APIClient) -> None:
    schema = as_alice.get("/api/v1/schema/", {"format": "json"}).json()

    def headers(path: str, method: str) -> list[str]:
        parameters = schema["paths"][path][method].get("parameters", [])
        return [p["name"] for p in parameters if p["in"] == "header"]

    assert "Idempotency-Key" in headers("/api/v1/patients/", "post")
    assert "Idempotency-Key" in headers("/api/v1/sessions/", "post")
    assert "Idempotency-Key" in headers("/api/v1/follow-up-plan/", "put")
    assert "Idempotency-Key" not in headers("/api/v1/auth/token/", "post")
    assert "Idempotency-Key" not in headers("/api/v1/patients/", "get")


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_the_same_key_sent_at_once_writes_once(alice: Clinician) -> None:
    # One client per thread, all with one credential.
    header = f"Bearer {key_for(alice)}"

    def enrol() -> tuple[int, bytes]:
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=header)
        response = client.post("/api/v1/patients/", ENROL, format="json", **KEY)
        return response.status_code, response.content

    results = at_once(4, enrol)

    assert {code for code, _ in results} == {201}
    assert len({content for _, content in results}) == 1
    assert Patient.objects.count() == 1
