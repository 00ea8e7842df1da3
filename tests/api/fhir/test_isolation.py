"""Another clinic's patients, responses, scores and sessions do not exist through FHIR: 404
OperationOutcomes, empty searches, and no import reaches them."""

import datetime as dt

import pytest
from rest_framework.test import APIClient

from followup.models import AuditEvent, Patient, TreatmentSession
from followup.services.responses import response_record
from tests.support.fhir import FHIR, ehr_encounter, ehr_patient, post

NOW = dt.datetime(2026, 11, 26, 15, 0, tzinfo=dt.UTC)
pytestmark = pytest.mark.time_machine(NOW, tick=False)


@pytest.fixture
def response_id(pat: Patient) -> int:
    response, _ = response_record(
        patient=pat, instrument="phq9", answers=[1, 1, 1, 1, 1, 1, 1, 1, 2], channel="web"
    )
    return response.pk


def test_another_clinics_ids_are_404_outcomes(
    as_mallory: APIClient, pat: Patient, response_id: int
) -> None:
    for path in (
        f"Patient/{pat.pk}",
        f"Patient/{pat.pk}/$everything",
        f"QuestionnaireResponse/{response_id}",
        f"Observation/{response_id}-total",
        f"Observation/{response_id}-item-9",
    ):
        response = as_mallory.get(f"{FHIR}/{path}")
        assert response.status_code == 404, path
        assert response.json()["resourceType"] == "OperationOutcome"
        assert "Jones" not in response.content.decode()


def test_the_same_ids_are_found_in_their_own_clinic(
    as_bob: APIClient, pat: Patient, response_id: int
) -> None:
    for path in (
        f"Patient/{pat.pk}",
        f"Patient/{pat.pk}/$everything",
        f"QuestionnaireResponse/{response_id}",
        f"Observation/{response_id}-total",
        f"Observation/{response_id}-item-9",
    ):
        assert as_bob.get(f"{FHIR}/{path}").status_code == 200, path
    assert as_bob.get(f"{FHIR}/Observation/{response_id}-item-8").status_code == 404
    assert as_bob.get(f"{FHIR}/Observation/x-total").status_code == 404


def test_a_search_sees_only_its_own_clinic(
    as_mallory: APIClient, pat: Patient, response_id: int
) -> None:
    for params in ({"patient": pat.pk}, {}):
        body = as_mallory.get(f"{FHIR}/Observation", params).json()
        assert body["total"] == 0
        assert "entry" not in body


def test_an_import_cannot_reach_another_clinics_patient(
    as_mallory: APIClient, pat: Patient
) -> None:
    pat.external_id = "MRN-7"
    pat.save(update_fields=["external_id"])

    for subject in ({"reference": f"Patient/{pat.pk}"}, {"identifier": {"value": "MRN-7"}}):
        response = post(as_mallory, "Encounter", ehr_encounter(subject, NOW))
        assert response.status_code == 400
    # The same MRN in another clinic is another patient.
    created = post(as_mallory, "Patient", ehr_patient(mrn="MRN-7"))
    assert created.status_code == 201
    assert created.json()["id"] != str(pat.pk)
    assert TreatmentSession.objects.count() == 0


def test_reads_are_audited(as_bob: APIClient, pat: Patient, response_id: int) -> None:
    as_bob.get(f"{FHIR}/Patient/{pat.pk}")
    as_bob.get(f"{FHIR}/Patient/{pat.pk}/$everything")
    as_bob.get(f"{FHIR}/Observation/{response_id}-total")
    as_bob.get(f"{FHIR}/Observation", {"patient": pat.pk})

    actions = list(
        AuditEvent.objects.filter(action__in=["patient.view", "response.view", "observation.list"])
        .order_by("id")
        .values_list("action", "patient_id")
    )
    assert actions == [
        ("patient.view", pat.pk),
        ("patient.view", pat.pk),
        ("response.view", pat.pk),
        ("observation.list", pat.pk),
    ]
