"""An EHR's FHIR resources read into the JSON API's input: a Patient into what
``POST /patients/`` takes, an Encounter or Procedure into what ``POST /sessions/`` takes. The
same serializers and services then apply, so the rules are the JSON API's, word for word.

Every resource is first validated by its ``fhir.resources`` model; invalid FHIR is a 400.
"""

from typing import Any, TypeVar

from fhir.resources.R4B.codeableconcept import CodeableConcept
from fhir.resources.R4B.encounter import Encounter
from fhir.resources.R4B.extension import Extension
from fhir.resources.R4B.identifier import Identifier
from fhir.resources.R4B.patient import Patient as FhirPatient
from fhir.resources.R4B.procedure import Procedure
from fhir.resources.R4B.reference import Reference
from fhir.resources.R4B.resource import Resource
from pydantic import ValidationError as PydanticError

from api.fhir.codes import (
    CHANNEL,
    HL7_TIMEZONE,
    MRN_SYSTEM,
    SMS_CONSENT,
    TIMEZONE,
    TREATMENT_SYSTEM,
)
from followup.errors import ValidationError
from followup.models import Clinic, TreatmentSession
from followup.selectors.observations import patient_by_external_id, patient_in_clinic

# The JSON API's fields and where they are in a FHIR resource: an error names the FHIR path.
PATIENT_PATHS = {
    "first_name": "Patient.name.given",
    "last_name": "Patient.name.family",
    "phone": "Patient.telecom",
    "timezone": f"Patient.extension('{TIMEZONE}')",
    "channel": f"Patient.extension('{CHANNEL}')",
    "language": "Patient.communication.language",
    "sms_consent": f"Patient.extension('{SMS_CONSENT}')",
    "external_id": "Patient.identifier",
}
ENCOUNTER_PATHS = {
    "patient": "Encounter.subject",
    "occurred_at": "Encounter.period.start",
    "treatment": f"Encounter.type.coding.where(system='{TREATMENT_SYSTEM}')",
    "external_id": "Encounter.identifier",
}
PROCEDURE_PATHS = {
    "patient": "Procedure.subject",
    "occurred_at": "Procedure.performedDateTime",
    "treatment": f"Procedure.code.coding.where(system='{TREATMENT_SYSTEM}')",
    "external_id": "Procedure.identifier",
}
TREATMENTS = set(TreatmentSession.Treatment.values)
R = TypeVar("R", bound=Resource)


class InvalidResource(ValidationError):
    code = "invalid_fhir"


def parse(model: type[R], body: object) -> R:
    """``body`` as a valid ``model``, or a 400 naming each element at fault."""
    name = model.get_resource_type()
    if not isinstance(body, dict):
        raise InvalidResource(f"Send a FHIR {name} resource as a JSON object.")
    if body.get("resourceType") != name:
        raise InvalidResource(
            f"resourceType must be {name!r}, got {body.get('resourceType')!r}.",
            field="resourceType",
        )
    try:
        return model.model_validate(body)
    except PydanticError as error:
        fields: dict[str, list[str]] = {}
        for problem in error.errors():
            path = ".".join(str(part) for part in problem["loc"] if part != "__root__")
            fields.setdefault(f"{name}.{path}" if path else name, []).append(problem["msg"])
        message = "; ".join(f"{path}: {' '.join(msgs)}" for path, msgs in fields.items())
        raise InvalidResource(f"Invalid FHIR {name}: {message}", fields=fields) from None


def _extension(extensions: list[Extension] | None, *urls: str) -> Extension | None:
    return next((e for e in extensions or [] if e.url in urls), None)


def _mrn(identifiers: list[Identifier] | None) -> str | None:
    """The MRN: the identifier of type MR or of our MRN system, else the only identifier."""
    found = list(identifiers or [])
    for identifier in found:
        codes = {c.code for c in (identifier.type.coding or [])} if identifier.type else set()
        if "MR" in codes or identifier.system == MRN_SYSTEM:
            return identifier.value
    return found[0].value if len(found) == 1 else None


def patient_fields(resource: FhirPatient) -> dict[str, Any]:
    """What ``POST /patients/`` would take for this Patient; absent elements are left out, so
    the JSON API's defaults and its messages for required fields apply."""
    fields: dict[str, Any] = {}
    name = next((n for n in resource.name or [] if n.use in (None, "official", "usual")), None)
    if name is not None:
        if name.given:
            fields["first_name"] = " ".join(g for g in name.given if g)
        if name.family:
            fields["last_name"] = name.family
    phones = [t for t in resource.telecom or [] if t.system in ("phone", "sms") and t.value]
    if phones:
        mobile = [t for t in phones if t.use == "mobile"] or phones
        fields["phone"] = sorted(mobile, key=lambda t: t.rank or 0)[0].value
    zone = _extension(resource.extension, TIMEZONE, HL7_TIMEZONE)
    if zone is not None:
        fields["timezone"] = zone.valueCode or zone.valueString
    channel = _extension(resource.extension, CHANNEL)
    if channel is not None:
        fields["channel"] = channel.valueCode or channel.valueString
    consent = _extension(resource.extension, SMS_CONSENT)
    if consent is not None:
        fields["sms_consent"] = consent.valueBoolean
    languages = [c for c in resource.communication or [] if c.language]
    if languages:
        chosen = next((c for c in languages if c.preferred), languages[0])
        code = _code(chosen.language) or ""
        fields["language"] = code.split("-")[0].lower()  # BCP 47: en-US speaks en
    mrn = _mrn(resource.identifier)
    if mrn:
        fields["external_id"] = mrn
    return fields


def _code(concept: CodeableConcept | None) -> str | None:
    if concept is None:
        return None
    return next((c.code for c in concept.coding or [] if c.code), None)


def _treatment(concepts: list[CodeableConcept]) -> str | None:
    """Our treatment code: a coding of our system first, else any coding whose code is one."""
    codings = [c for concept in concepts for c in concept.coding or []]
    ours = [c.code for c in codings if c.system == TREATMENT_SYSTEM]
    known = [c.code for c in codings if c.code in TREATMENTS]
    return (ours or known or [None])[0]


def _patient_id(clinic: Clinic, subject: Reference | None) -> int:
    """The patient a ``subject`` names: ``Patient/{id}`` or an identifier (the MRN)."""
    if subject is None:
        raise InvalidResource(
            "subject is required: Patient/{id} or the patient's MRN.", field="subject"
        )
    found = None
    if subject.reference:
        kind, _, value = subject.reference.partition("/")
        if kind == "Patient" and value.isdigit():
            found = patient_in_clinic(clinic, int(value))
        elif subject.reference.startswith("Patient?identifier="):
            mrn = subject.reference.removeprefix("Patient?identifier=").rpartition("|")[2]
            found = patient_by_external_id(clinic, mrn)
    elif subject.identifier is not None and subject.identifier.value:
        found = patient_by_external_id(clinic, subject.identifier.value)
    if found is None:
        raise InvalidResource(
            "subject: no such patient in this clinic (send Patient/{id} or the MRN).",
            field="subject",
        )
    return found.pk


def _external_id(identifiers: list[Identifier] | None) -> str | None:
    return next((i.value for i in identifiers or [] if i.value), None)


def encounter_fields(clinic: Clinic, resource: Encounter) -> dict[str, Any]:
    """What ``POST /sessions/`` would take for this Encounter."""
    fields: dict[str, Any] = {"patient": _patient_id(clinic, resource.subject)}
    if resource.period is not None and resource.period.start is not None:
        fields["occurred_at"] = resource.period.start.isoformat()
    treatment = _treatment(list(resource.type or []))
    if treatment:
        fields["treatment"] = treatment
    external_id = _external_id(resource.identifier)
    if external_id:
        fields["external_id"] = external_id
    return fields


def procedure_fields(clinic: Clinic, resource: Procedure) -> dict[str, Any]:
    """What ``POST /sessions/`` would take for this Procedure."""
    fields: dict[str, Any] = {"patient": _patient_id(clinic, resource.subject)}
    performed = resource.performedDateTime or (
        resource.performedPeriod.start if resource.performedPeriod else None
    )
    if performed is not None:
        fields["occurred_at"] = performed.isoformat()
    treatment = _treatment([resource.code] if resource.code else [])
    if treatment:
        fields["treatment"] = treatment
    external_id = _external_id(resource.identifier)
    if external_id:
        fields["external_id"] = external_id
    return fields
