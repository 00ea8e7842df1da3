"""FHIR reads: Questionnaires, QuestionnaireResponses, Observations (and their search), Patient,
Encounter and Procedure (a session either way), and ``Patient/{id}/$everything``."""

from fhir.resources.R4B.resource import Resource
from rest_framework.request import Request
from rest_framework.response import Response

from api.fhir.base import FhirView, not_found
from api.fhir.observations import observation, observation_id
from api.fhir.outcome import searchset
from api.fhir.people import encounter_resource, patient_resource, procedure_resource
from api.fhir.questionnaires import questionnaire, questionnaire_response, questionnaires
from api.fhir.search import observation_query
from api.views.audited import audit_list, audit_view
from followup.clinical.instruments import INSTRUMENTS
from followup.selectors.observations import (
    OBSERVATION_KINDS,
    fhir_responses,
    observation_get,
    observation_sources,
    observations_search,
    patient_in_clinic,
    response_in_clinic,
    session_in_clinic,
    sessions_of,
)
from followup.services.audit import audit_record


class QuestionnaireListView(FhirView):
    def get(self, request: Request) -> Response:
        found = [(self.absolute(f"Questionnaire/{q.id}"), q) for q in questionnaires()]
        return self.fhir(searchset(found, self_url=request.build_absolute_uri()))


class QuestionnaireView(FhirView):
    def get(self, request: Request, questionnaire_id: str) -> Response:
        if questionnaire_id not in INSTRUMENTS:
            raise not_found("Questionnaire", questionnaire_id)
        return self.fhir(questionnaire(INSTRUMENTS[questionnaire_id]))


class QuestionnaireResponseView(FhirView):
    def get(self, request: Request, response_id: int) -> Response:
        response = response_in_clinic(self.request.user.clinic, response_id)
        if response is None:
            raise not_found("QuestionnaireResponse", response_id)
        audit_view(self.request, "response", response)
        return self.fhir(questionnaire_response(response))


class ObservationView(FhirView):
    def get(self, request: Request, observation_id: str) -> Response:
        number, _, kind = observation_id.partition("-")
        source = None
        if number.isdigit() and kind in OBSERVATION_KINDS:
            source = observation_get(self.request.user.clinic, int(number), kind)
        if source is None:
            raise not_found("Observation", observation_id)
        audit_view(self.request, "response", source.response)
        return self.fhir(observation(source))


class ObservationSearchView(FhirView):
    def get(self, request: Request) -> Response:
        query = observation_query(dict(request.query_params.lists()))
        sources = observations_search(
            self.request.user.clinic,
            patient_id=query.patient_id,
            wanted=query.wanted,
            dates=query.dates,
        )
        responses = list({s.response.pk: s.response for s in sources}.values())
        audit_list(self.request, "observation", list(responses), None)
        found: list[tuple[str, Resource]] = [
            (self.absolute(f"Observation/{observation_id(s)}"), observation(s)) for s in sources
        ]
        return self.fhir(searchset(found, self_url=request.build_absolute_uri()))


class PatientView(FhirView):
    def get(self, request: Request, patient_id: int) -> Response:
        patient = patient_in_clinic(self.request.user.clinic, patient_id)
        if patient is None:
            raise not_found("Patient", patient_id)
        audit_view(self.request, "patient", patient)
        return self.fhir(patient_resource(patient))


class EncounterView(FhirView):
    def get(self, request: Request, session_id: int) -> Response:
        session = session_in_clinic(self.request.user.clinic, session_id)
        if session is None:
            raise not_found("Encounter", session_id)
        audit_view(self.request, "session", session)
        return self.fhir(encounter_resource(session))


class ProcedureView(FhirView):
    """A session as the Procedure an EHR may have sent it as."""

    def get(self, request: Request, session_id: int) -> Response:
        session = session_in_clinic(self.request.user.clinic, session_id)
        if session is None:
            raise not_found("Procedure", session_id)
        audit_view(self.request, "session", session)
        return self.fhir(procedure_resource(session))


class PatientEverythingView(FhirView):
    """The patient, their sessions (Encounters), responses and scores, in one Bundle."""

    def get(self, request: Request, patient_id: int) -> Response:
        patient = patient_in_clinic(self.request.user.clinic, patient_id)
        if patient is None:
            raise not_found("Patient", patient_id)
        audit_record(
            actor=self.request.user,
            action="patient.view",
            obj=patient,
            detail={"fhir": "$everything"},
        )
        found: list[tuple[str, Resource]] = [
            (self.absolute(f"Patient/{patient.pk}"), patient_resource(patient))
        ]
        found += [
            (self.absolute(f"Encounter/{s.pk}"), encounter_resource(s))
            for s in sessions_of(patient)
        ]
        responses = list(fhir_responses(self.request.user.clinic).filter(patient=patient))
        found += [
            (self.absolute(f"QuestionnaireResponse/{r.pk}"), questionnaire_response(r))
            for r in responses
        ]
        found += [
            (self.absolute(f"Observation/{observation_id(s)}"), observation(s))
            for r in responses
            for s in observation_sources(r)
        ]
        return self.fhir(searchset(found, self_url=request.build_absolute_uri()))
