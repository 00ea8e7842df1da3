"""An EHR's FHIR import follows the JSON API's rules: validation, the SMS consent rule, a
repeated MRN or visit id makes nothing new, ``Idempotency-Key`` replays; invalid FHIR is a 400
OperationOutcome and changes nothing."""

import datetime as dt

import pytest
from fhir.resources.R4B.operationoutcome import OperationOutcome
from fhir.resources.R4B.patient import Patient as FhirPatient
from rest_framework.test import APIClient

from followup.models import AuditEvent, CheckIn, Clinician, Patient, TreatmentSession
from tests.support.cast import client_with, key_for
from tests.support.fhir import EXT, ehr_encounter, ehr_patient, ehr_procedure, post, valid

NOW = dt.datetime(2026, 11, 26, 15, 0, tzinfo=dt.UTC)
pytestmark = pytest.mark.time_machine(NOW, tick=False)
HOUR = dt.timedelta(hours=1)


def outcome(response: object, status: int = 400) -> OperationOutcome:
    assert response.status_code == status, response.json()
    return valid(OperationOutcome, response.json())


def test_a_repeated_mrn_returns_the_same_patient_and_makes_nothing_new(
    as_alice: APIClient,
) -> None:
    first = post(as_alice, "Patient", ehr_patient())
    again = post(as_alice, "Patient", ehr_patient(name=[{"family": "Other", "given": ["Name"]}]))

    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == first.json()["id"]
    assert Patient.objects.count() == 1
    assert Patient.objects.get().last_name == "Rivera"
    mrn = valid(FhirPatient, again.json()).identifier[0]
    assert (mrn.type.coding[0].code, mrn.value) == ("MR", "MRN-1001")


def test_a_repeated_encounter_returns_the_session_and_cancels_nothing(
    as_alice: APIClient, pat: Patient
) -> None:
    subject = {"reference": f"Patient/{pat.pk}"}
    first = post(as_alice, "Encounter", ehr_encounter(subject, NOW - 2 * HOUR))
    again = post(as_alice, "Encounter", ehr_encounter(subject, NOW - HOUR))

    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == first.json()["id"]
    assert TreatmentSession.objects.count() == 1
    assert CheckIn.objects.filter(status="scheduled").count() == 4
    assert AuditEvent.objects.filter(action="session.view").count() == 1


def test_the_idempotency_key_replays_the_first_answer(as_alice: APIClient) -> None:
    first = post(as_alice, "Patient", ehr_patient(identifier=[]), **{"Idempotency-Key": "k-1"})
    again = post(as_alice, "Patient", ehr_patient(identifier=[]), **{"Idempotency-Key": "k-1"})

    assert (first.status_code, again.status_code) == (201, 201)
    assert again.content == first.content
    assert again["Idempotent-Replayed"] == "true"
    assert again["Content-Type"].startswith("application/fhir+json")
    assert Patient.objects.count() == 1


def test_an_sms_patient_without_consent_is_a_400_naming_the_extension(
    as_alice: APIClient,
) -> None:
    body = ehr_patient(extension=[{"url": f"{EXT}/timezone", "valueCode": "America/Chicago"}])

    issue = outcome(post(as_alice, "Patient", body)).issue[0]

    assert "consent" in issue.diagnostics.lower()
    assert issue.expression == [f"Patient.extension('{EXT}/sms-consent')"]
    assert Patient.objects.count() == 0


def test_a_web_patient_needs_no_consent(as_alice: APIClient) -> None:
    body = ehr_patient(
        extension=[
            {"url": f"{EXT}/timezone", "valueCode": "America/Chicago"},
            {"url": f"{EXT}/channel", "valueCode": "web"},
        ]
    )

    created = post(as_alice, "Patient", body)

    assert created.status_code == 201, created.json()
    assert Patient.objects.get().channel == "web"


@pytest.mark.parametrize(
    ("body", "says"),
    [
        ({"resourceType": "Encounter"}, "resourceType must be 'Patient'"),
        (["not", "an", "object"], "JSON object"),
        ({**ehr_patient(), "birthDate": "not a date"}, "Patient.birthDate"),
        ({**ehr_patient(), "favouriteColour": "red"}, "Patient.favouriteColour"),
        ({**ehr_patient(), "telecom": []}, "Patient.telecom"),
        (
            {**ehr_patient(), "telecom": [{"system": "phone", "value": "12"}]},
            "Patient.telecom",
        ),
        ({**ehr_patient(), "extension": []}, "Patient.extension"),
    ],
)
def test_invalid_fhir_or_data_is_a_400_outcome_and_changes_nothing(
    as_alice: APIClient, body: object, says: str
) -> None:
    result = outcome(post(as_alice, "Patient", body))

    assert result.issue[0].code == "invalid"
    text = " ".join(
        f"{issue.diagnostics} {' '.join(issue.expression or [])}" for issue in result.issue
    )
    assert says in text
    assert Patient.objects.count() == 0


@pytest.mark.parametrize(
    ("changes", "says"),
    [
        ({"subject": {"reference": "Patient/999999"}}, "no such patient"),
        ({"subject": {"identifier": {"value": "NOBODY"}}}, "no such patient"),
        ({"type": [{"coding": [{"code": "ect"}]}]}, "Encounter.type.coding"),
        ({"period": {"start": "2026-11-25"}}, "Encounter.period.start"),
        ({"period": {"start": "2027-01-01T10:00:00Z"}}, "Encounter.period.start"),
    ],
)
def test_a_bad_encounter_is_a_400_outcome_and_records_nothing(
    as_alice: APIClient, pat: Patient, changes: dict, says: str
) -> None:
    body = {**ehr_encounter({"reference": f"Patient/{pat.pk}"}, NOW - HOUR), **changes}

    result = outcome(post(as_alice, "Encounter", body))

    text = " ".join(f"{i.diagnostics} {' '.join(i.expression or [])}" for i in result.issue)
    assert says in text
    assert TreatmentSession.objects.count() == 0


def test_a_procedure_without_a_time_is_a_400(as_alice: APIClient, pat: Patient) -> None:
    body = ehr_procedure({"reference": f"Patient/{pat.pk}"}, NOW)
    del body["performedDateTime"]

    result = outcome(post(as_alice, "Procedure", body))

    assert result.issue[0].expression == ["Procedure.performedDateTime"]
    assert "Procedure.performedDateTime: This field is required." in result.issue[0].diagnostics
    assert TreatmentSession.objects.count() == 0


def test_a_read_only_key_cannot_import(alice: Clinician) -> None:
    client = client_with(key_for(alice, scope="read"))

    result = outcome(post(client, "Patient", ehr_patient()), 403)

    assert result.issue[0].code == "forbidden"
    assert Patient.objects.count() == 0
