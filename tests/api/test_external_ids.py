"""An EHR's ids on patients (MRN) and sessions: a repeated create returns what the first made
and writes nothing (SPEC §6)."""

import datetime as dt

import pytest
from rest_framework.test import APIClient

from followup.models import CheckIn, Clinician, Patient, TreatmentSession
from tests.support.cast import client_for
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
    "external_id": "MRN-0042",
}


def visit(patient_id: int, **changes: object) -> dict:
    return {
        "patient": patient_id,
        "occurred_at": (NOW - dt.timedelta(hours=25)).isoformat(),
        "treatment": "esketamine",
        "external_id": "ENC-7",
        **changes,
    }


def counts() -> tuple[int, int, int]:
    return Patient.objects.count(), TreatmentSession.objects.count(), CheckIn.objects.count()


def test_a_repeated_patient_external_id_returns_the_patient_with_200(
    as_alice: APIClient,
) -> None:
    first = as_alice.post("/api/v1/patients/", ENROL, format="json")
    assert first.status_code == 201, first.json()
    assert first.json()["external_id"] == "MRN-0042"
    before = counts()

    again = as_alice.post("/api/v1/patients/", ENROL, format="json")

    assert again.status_code == 200, again.json()
    assert again.json()["id"] == first.json()["id"]
    assert counts() == before
    listed = as_alice.get(f"/api/v1/patients/{first.json()['id']}/").json()
    assert listed["external_id"] == "MRN-0042"


def test_a_repeat_with_another_body_returns_the_patient_unchanged(as_alice: APIClient) -> None:
    first = as_alice.post("/api/v1/patients/", ENROL, format="json").json()

    again = as_alice.post(
        "/api/v1/patients/",
        {**ENROL, "first_name": "Samuel", "phone": "+13125550178"},
        format="json",
    )

    assert again.status_code == 200
    assert again.json()["id"] == first["id"]
    assert again.json()["first_name"] == "Sam"
    assert again.json()["phone"] == "+13125550177"
    assert Patient.objects.count() == 1


def test_another_clinic_with_the_same_external_id_gets_its_own_patient(
    as_alice: APIClient, as_mallory: APIClient
) -> None:
    ours = as_alice.post("/api/v1/patients/", ENROL, format="json")
    theirs = as_mallory.post("/api/v1/patients/", ENROL, format="json")

    assert ours.status_code == theirs.status_code == 201
    assert ours.json()["id"] != theirs.json()["id"]
    assert Patient.objects.filter(external_id="MRN-0042").count() == 2


def test_patients_without_an_external_id_are_not_matched(as_alice: APIClient) -> None:
    without = {key: value for key, value in ENROL.items() if key != "external_id"}
    first = as_alice.post("/api/v1/patients/", without, format="json")
    second = as_alice.post(
        "/api/v1/patients/", {**without, "phone": "+13125550178", "external_id": ""}, format="json"
    )

    assert first.status_code == second.status_code == 201
    assert first.json()["external_id"] == second.json()["external_id"] == ""


def test_a_patch_to_another_patients_external_id_is_a_409(
    as_alice: APIClient, pat: Patient
) -> None:
    as_alice.post("/api/v1/patients/", ENROL, format="json")

    response = as_alice.patch(
        f"/api/v1/patients/{pat.pk}/", {"external_id": "MRN-0042"}, format="json"
    )

    assert response.status_code == 409
    assert response.json()["code"] == "duplicate_external_id"
    pat.refresh_from_db()
    assert pat.external_id == ""


def test_a_repeated_session_external_id_makes_nothing_and_cancels_nothing(
    as_alice: APIClient, pat: Patient
) -> None:
    first = as_alice.post("/api/v1/sessions/", visit(pat.pk), format="json")
    assert first.status_code == 201, first.json()
    assert first.json()["external_id"] == "ENC-7"
    before = counts()

    again = as_alice.post("/api/v1/sessions/", visit(pat.pk), format="json")
    # A later time, as a resent message might carry: still the same visit.
    later = as_alice.post(
        "/api/v1/sessions/",
        visit(pat.pk, occurred_at=(NOW - dt.timedelta(hours=1)).isoformat()),
        format="json",
    )

    assert again.status_code == later.status_code == 200
    assert again.json() == first.json() == later.json()
    assert counts() == before
    first_ids = [c["id"] for c in first.json()["check_ins"]]
    statuses = set(CheckIn.objects.filter(id__in=first_ids).values_list("status", flat=True))
    assert statuses == {"scheduled"}


def test_the_same_session_external_id_for_another_patient_is_another_session(
    as_alice: APIClient, pat: Patient
) -> None:
    other = as_alice.post("/api/v1/patients/", ENROL, format="json").json()

    ours = as_alice.post("/api/v1/sessions/", visit(pat.pk), format="json")
    theirs = as_alice.post("/api/v1/sessions/", visit(other["id"]), format="json")

    assert ours.status_code == theirs.status_code == 201
    assert TreatmentSession.objects.count() == 2


def test_the_import_takes_external_ids_and_refuses_one_already_taken(
    as_alice: APIClient,
) -> None:
    row = {**ENROL, "session": {**visit(0), "external_id": "ENC-1"}}
    del row["session"]["patient"]
    first = as_alice.post("/api/v1/patients/import/", {"patients": [row]}, format="json")
    assert first.status_code == 201, first.json()
    session = TreatmentSession.objects.get(pk=first.json()["patients"][0]["session"])
    assert session.external_id == "ENC-1"
    assert session.patient.external_id == "MRN-0042"

    again = as_alice.post(
        "/api/v1/patients/import/",
        {"patients": [{**row, "phone": "+13125550199"}]},
        format="json",
    )

    assert again.status_code == 400
    assert "external_id" in again.json()["extra"]["rows"]["0"]
    assert Patient.objects.count() == 1


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_two_creates_at_once_with_one_external_id_make_one_patient_and_one_session(
    alice: Clinician,
) -> None:
    def enrol() -> tuple[int, int]:
        response = client_for(alice).post("/api/v1/patients/", ENROL, format="json")
        return response.status_code, response.json()["id"]

    results = at_once(4, enrol)

    assert sorted(code for code, _ in results) == [200, 200, 200, 201]
    assert len({pid for _, pid in results}) == 1
    patient_id = results[0][1]

    def record() -> int:
        response = client_for(alice).post("/api/v1/sessions/", visit(patient_id), format="json")
        return response.status_code

    assert sorted(at_once(4, record)) == [200, 200, 200, 201]
    assert TreatmentSession.objects.count() == 1
    assert not CheckIn.objects.filter(status="cancelled", session__isnull=False).exists()
