"""An EHR's Patient and Encounter (or Procedure) in, check-ins scheduled as the JSON API
schedules them, the patient answers, and the scores come back as LOINC Observations."""

import datetime as dt
import json

import pytest
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.encounter import Encounter
from fhir.resources.R4B.observation import Observation
from fhir.resources.R4B.patient import Patient as FhirPatient
from fhir.resources.R4B.procedure import Procedure
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse
from rest_framework.test import APIClient

from followup.models import CheckIn, Flag, Patient, TreatmentSession
from tests.support.fhir import (
    FHIR,
    answer,
    ehr_encounter,
    ehr_patient,
    ehr_procedure,
    post,
    post_fhir_json,
    valid,
)

NOW = dt.datetime(2026, 11, 26, 15, 0, tzinfo=dt.UTC)
pytestmark = pytest.mark.time_machine(NOW, tick=False)
HOUR = dt.timedelta(hours=1)
DAY = dt.timedelta(days=1)

PHQ9 = [2, 2, 3, 2, 2, 2, 2, 2, 1]  # 18: moderately severe, item 9 positive
GAD7 = [1, 1, 1, 1, 1, 1, 0]  # 6: mild


def observations_of(bundle: Bundle) -> dict[str, Observation]:
    return {
        e.resource.id: e.resource
        for e in bundle.entry or []
        if e.resource.get_resource_type() == "Observation"
    }


def test_an_ehrs_patient_and_encounter_become_check_ins_and_scores_come_back(
    as_alice: APIClient,
) -> None:
    created = post(as_alice, "Patient", ehr_patient())
    assert created.status_code == 201, created.json()
    fhir_patient = valid(FhirPatient, created.json())
    patient = Patient.objects.get(pk=fhir_patient.id)
    assert (patient.first_name, patient.last_name) == ("Sam", "Rivera")
    assert (patient.phone, patient.external_id, patient.language) == (
        "+13125550144",
        "MRN-1001",
        "en",
    )
    assert patient.sms_consent
    assert patient.sms_consent_at == NOW
    assert created["Location"].endswith(f"/api/v1/fhir/Patient/{patient.pk}")

    occurred_at = NOW - 25 * HOUR
    encounter = post(
        as_alice, "Encounter", ehr_encounter({"reference": f"Patient/{patient.pk}"}, occurred_at)
    )
    assert encounter.status_code == 201, encounter.json()
    session = TreatmentSession.objects.get(pk=valid(Encounter, encounter.json()).id)
    assert (session.treatment, session.occurred_at, session.external_id) == (
        "esketamine",
        occurred_at,
        "VISIT-77",
    )
    # The clinic's plan, as POST /sessions/ schedules it: +24 h, +7 d, +14 d, +28 d.
    listed = as_alice.get("/api/v1/check-ins/", {"patient": patient.pk}).json()["results"]
    offsets = [
        dt.datetime.fromisoformat(c["due_at"].replace("Z", "+00:00")) - occurred_at
        for c in listed
        if c["session"] == session.pk
    ]
    assert offsets == [24 * HOUR, 7 * DAY, 14 * DAY, 28 * DAY]

    first = CheckIn.objects.filter(session=session).order_by("due_at").first()
    answered = answer(first, {"phq9": PHQ9, "phq9_difficulty": 1, "gad7": GAD7})
    assert answered.status_code == 201, answered.json()

    bundle = valid(Bundle, as_alice.get(f"{FHIR}/Observation", {"patient": patient.pk}).json())
    found = observations_of(bundle)
    phq9 = next(o for o in found.values() if o.code.coding[0].code == "44261-6")
    gad7 = next(o for o in found.values() if o.code.coding[0].code == "70274-6")
    item9 = next(o for o in found.values() if o.code.coding[0].code == "44260-8")
    assert len(found) == 3
    assert (phq9.valueInteger, phq9.interpretation[0].coding[0].code) == (18, "moderately_severe")
    assert (gad7.valueInteger, gad7.interpretation[0].coding[0].code) == (6, "mild")
    assert (item9.valueInteger, item9.interpretation[0].coding[0].code) == (1, "A")
    for observation in (phq9, gad7, item9):
        assert observation.code.coding[0].system == "http://loinc.org"
        assert observation.subject.reference == f"Patient/{patient.pk}"
        assert observation.effectiveDateTime == NOW
        assert observation.status == "final"
    response_id = phq9.derivedFrom[0].reference.removeprefix("QuestionnaireResponse/")
    assert phq9.id == f"{response_id}-total"
    assert item9.id == f"{response_id}-item-9"

    qr = valid(
        QuestionnaireResponse,
        as_alice.get(f"{FHIR}/QuestionnaireResponse/{response_id}").json(),
    )
    assert qr.status == "completed"
    assert qr.questionnaire == "https://followup.app/fhir/Questionnaire/phq9|1.0.0"
    assert qr.subject.reference == f"Patient/{patient.pk}"
    assert qr.encounter.reference == f"Encounter/{session.pk}"
    assert [i.answer[0].valueCoding.code for i in qr.item][8:] == ["LA6569-3", "1"]
    assert qr.item[2].answer[0].valueCoding.code == "LA6571-9"
    # Answering item 9 raised its flag, as it does for every answer.
    assert Flag.objects.filter(patient=patient, reason="suicidal_ideation").exists()

    single = valid(Observation, as_alice.get(f"{FHIR}/Observation/{phq9.id}").json())
    assert single.valueInteger == 18

    everything = valid(Bundle, as_alice.get(f"{FHIR}/Patient/{patient.pk}/$everything").json())
    ids = [f"{e.resource.get_resource_type()}/{e.resource.id}" for e in everything.entry]
    assert ids[:2] == [f"Patient/{patient.pk}", f"Encounter/{session.pk}"]
    assert f"QuestionnaireResponse/{response_id}" in ids
    assert sum(i.startswith("QuestionnaireResponse/") for i in ids) == 2
    assert {i for i in ids if i.startswith("Observation/")} == {f"Observation/{o}" for o in found}
    assert everything.entry[0].fullUrl.endswith(f"/api/v1/fhir/Patient/{patient.pk}")
    mrn = everything.entry[0].resource.identifier[0]
    assert (mrn.type.coding[0].code, mrn.value) == ("MR", "MRN-1001")


def test_a_procedure_by_mrn_records_a_session_like_post_sessions(
    as_alice: APIClient, pat: Patient
) -> None:
    pat.external_id = "MRN-42"
    pat.save(update_fields=["external_id"])
    subject = {"identifier": {"system": "urn:oid:1.2.3", "value": "MRN-42"}}

    created = post(as_alice, "Procedure", ehr_procedure(subject, NOW - 2 * HOUR))

    assert created.status_code == 201, created.json()
    procedure = valid(Procedure, created.json())
    session = TreatmentSession.objects.get(pk=procedure.id)
    assert (session.patient, session.treatment) == (pat, "iv_ketamine")
    assert procedure.performedDateTime == NOW - 2 * HOUR
    assert created["Location"].endswith(f"/api/v1/fhir/Procedure/{session.pk}")
    read = valid(Procedure, as_alice.get(f"{FHIR}/Procedure/{session.pk}").json())
    assert read.code.coding[0].code == "iv_ketamine"
    assert CheckIn.objects.filter(session=session, status="scheduled").count() == 4


def test_it_takes_application_fhir_json_and_a_search_reference(
    as_alice: APIClient, pat: Patient
) -> None:
    pat.external_id = "MRN-9"
    pat.save(update_fields=["external_id"])
    body = ehr_encounter({"reference": "Patient?identifier=urn:oid:1.2.3|MRN-9"}, NOW - HOUR)
    created = post_fhir_json(as_alice, "Encounter", json.dumps(body))

    assert created.status_code == 201, created.json()
    assert created["Content-Type"].startswith("application/fhir+json")
    assert TreatmentSession.objects.get(pk=created.json()["id"]).patient == pat


def test_a_partial_answer_is_an_in_progress_response_with_its_item_9(
    as_alice: APIClient, pat: Patient
) -> None:
    encounter = post(
        as_alice, "Encounter", ehr_encounter({"reference": f"Patient/{pat.pk}"}, NOW - 25 * HOUR)
    )
    first = CheckIn.objects.filter(session_id=encounter.json()["id"]).order_by("due_at")[0]
    partial = [0, 1, None, None, None, None, None, None, 2]

    assert answer(first, {"phq9": partial, "gad7": [None] * 7}).status_code == 202

    everything = valid(Bundle, as_alice.get(f"{FHIR}/Patient/{pat.pk}/$everything").json())
    kinds = [e.resource.get_resource_type() for e in everything.entry]
    assert kinds[:2] == ["Patient", "Encounter"]
    responses = [
        e.resource
        for e in everything.entry
        if e.resource.get_resource_type() == "QuestionnaireResponse"
    ]
    phq9 = next(
        r
        for r in responses
        if r.questionnaire.startswith("https://followup.app/fhir/Questionnaire/phq9")
    )
    assert phq9.status == "in-progress"
    assert [i.linkId for i in phq9.item] == ["44250-9", "44255-8", "44260-8"]
    found = observations_of(everything)
    assert list(found) == [f"{phq9.id}-item-9"]
    assert found[f"{phq9.id}-item-9"].valueInteger == 2
    assert found[f"{phq9.id}-item-9"].status == "preliminary"
