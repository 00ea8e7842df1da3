"""A patient and their treatment sessions as FHIR: Patient, Encounter and Procedure."""

from fhir.resources.R4B.codeableconcept import CodeableConcept
from fhir.resources.R4B.coding import Coding
from fhir.resources.R4B.contactpoint import ContactPoint
from fhir.resources.R4B.encounter import Encounter
from fhir.resources.R4B.extension import Extension
from fhir.resources.R4B.humanname import HumanName
from fhir.resources.R4B.identifier import Identifier
from fhir.resources.R4B.patient import Patient as FhirPatient
from fhir.resources.R4B.patient import PatientCommunication
from fhir.resources.R4B.period import Period
from fhir.resources.R4B.procedure import Procedure

from api.fhir.codes import (
    ACT_CODE,
    CHANNEL,
    LANGUAGE_SYSTEM,
    MRN_SYSTEM,
    SMS_CONSENT,
    TIMEZONE,
    TREATMENT_SYSTEM,
    V2_IDENTIFIER_TYPE,
    concept,
    patient_reference,
)
from followup.models import Patient, TreatmentSession


def mrn_identifier(value: str) -> Identifier:
    return Identifier(
        use="usual",
        type=concept(Coding(system=V2_IDENTIFIER_TYPE, code="MR", display="Medical record number")),
        system=MRN_SYSTEM,
        value=value,
    )


def patient_resource(patient: Patient) -> FhirPatient:
    return FhirPatient(
        id=str(patient.pk),
        identifier=[mrn_identifier(patient.external_id)] if patient.external_id else None,
        active=True,
        name=[HumanName(use="official", family=patient.last_name, given=[patient.first_name])],
        telecom=[ContactPoint(system="phone", value=patient.phone, use="mobile", rank=1)],
        communication=[
            PatientCommunication(
                language=CodeableConcept(
                    coding=[Coding(system=LANGUAGE_SYSTEM, code=patient.language)]
                ),
                preferred=True,
            )
        ],
        extension=[
            Extension(url=SMS_CONSENT, valueBoolean=patient.sms_consent),
            Extension(url=TIMEZONE, valueCode=patient.timezone),
            Extension(url=CHANNEL, valueCode=patient.channel),
        ],
    )


def treatment_concept(session: TreatmentSession) -> CodeableConcept:
    return concept(
        Coding(
            system=TREATMENT_SYSTEM,
            code=session.treatment,
            display=session.get_treatment_display(),
        ),
        session.get_treatment_display(),
    )


def _identifiers(session: TreatmentSession) -> list[Identifier] | None:
    return [Identifier(value=session.external_id)] if session.external_id else None


def encounter_resource(session: TreatmentSession) -> Encounter:
    return Encounter(
        id=str(session.pk),
        identifier=_identifiers(session),
        status="finished",
        # ``class``, a Python keyword, is ``class_fhir`` in fhir.resources (not in its stubs).
        class_fhir=Coding(system=ACT_CODE, code="AMB", display="ambulatory"),  # type: ignore[call-arg]
        type=[treatment_concept(session)],
        subject=patient_reference(session.patient_id),
        period=Period(start=session.occurred_at),
    )


def procedure_resource(session: TreatmentSession) -> Procedure:
    return Procedure(
        id=str(session.pk),
        identifier=_identifiers(session),
        status="completed",
        code=treatment_concept(session),
        subject=patient_reference(session.patient_id),
        performedDateTime=session.occurred_at,
    )
