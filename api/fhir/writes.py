"""An EHR's Patient, Encounter or Procedure in: read into what ``POST /patients/`` and
``POST /sessions/`` take and handed to the same serializers and services, so validation, the
SMS consent rule, a repeated MRN or visit id (200, nothing new), ``Idempotency-Key`` and the
check-ins of the clinic's plan are the JSON API's own."""

from collections.abc import Callable
from typing import Any

from fhir.resources.R4B.encounter import Encounter
from fhir.resources.R4B.patient import Patient as FhirPatientModel
from fhir.resources.R4B.procedure import Procedure
from fhir.resources.R4B.resource import Resource
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from api.errors import field_errors
from api.fhir.base import FhirView
from api.fhir.inbound import (
    ENCOUNTER_PATHS,
    PATIENT_PATHS,
    PROCEDURE_PATHS,
    InvalidResource,
    encounter_fields,
    parse,
    patient_fields,
    procedure_fields,
)
from api.fhir.people import encounter_resource, patient_resource, procedure_resource
from api.serializers import PatientInputSerializer, SessionInputSerializer
from api.views.audited import audit_view
from followup.errors import DomainError
from followup.models import Clinic, TreatmentSession
from followup.services.patients import patient_create_or_get
from followup.services.sessions import session_record_or_get


def _validated(data: serializers.Serializer, paths: dict[str, str]) -> dict[str, Any]:
    """The JSON API's validation, its errors named by the FHIR element they came from."""
    if data.is_valid():
        return dict(data.validated_data)
    fields = {
        paths.get(name, name): [f"{paths.get(name, name)}: {message}" for message in messages]
        for name, messages in field_errors(data.errors).items()
    }
    message = "; ".join(" ".join(messages) for messages in fields.values())
    raise InvalidResource(message, fields=fields)


def _in_fhir_terms(error: DomainError, paths: dict[str, str]) -> DomainError:
    if error.field in paths:
        error.field = paths[error.field]
    return error


class PatientCreateView(FhirView):
    def post(self, request: Request) -> Response:
        resource = parse(FhirPatientModel, request.data)
        fields = _validated(PatientInputSerializer(data=patient_fields(resource)), PATIENT_PATHS)
        try:
            patient, created = patient_create_or_get(
                clinic=self.request.user.clinic, actor=self.request.user, **fields
            )
        except DomainError as error:
            raise _in_fhir_terms(error, PATIENT_PATHS) from None
        if not created:  # an EHR's retry: what it gets back is a read of the patient
            audit_view(self.request, "patient", patient)
        return self.fhir(
            patient_resource(patient),
            201 if created else 200,
            Location=self.absolute(f"Patient/{patient.pk}"),
        )


def _session_view(
    model: type[Encounter] | type[Procedure],
    read: Callable[[Clinic, Any], dict[str, Any]],
    write: Callable[[TreatmentSession], Resource],
    paths: dict[str, str],
) -> type[FhirView]:
    kind = model.get_resource_type()

    class SessionCreateView(FhirView):
        def post(self, request: Request) -> Response:
            clinic = self.request.user.clinic
            resource = parse(model, request.data)
            data = SessionInputSerializer(data=read(clinic, resource), clinic=clinic)
            fields = _validated(data, paths)
            try:
                session, _, created = session_record_or_get(actor=self.request.user, **fields)
            except DomainError as error:
                raise _in_fhir_terms(error, paths) from None
            if not created:  # an EHR's retry: a read of the session
                audit_view(self.request, "session", session)
            return self.fhir(
                write(session),
                201 if created else 200,
                Location=self.absolute(f"{kind}/{session.pk}"),
            )

    SessionCreateView.__name__ = SessionCreateView.__qualname__ = f"{kind}CreateView"
    return SessionCreateView


EncounterCreateView = _session_view(
    Encounter, encounter_fields, encounter_resource, ENCOUNTER_PATHS
)
ProcedureCreateView = _session_view(
    Procedure, procedure_fields, procedure_resource, PROCEDURE_PATHS
)
