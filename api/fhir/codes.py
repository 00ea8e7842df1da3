"""The code systems, canonical URLs and extensions of our FHIR resources, in one place."""

from fhir.resources.R4B.codeableconcept import CodeableConcept
from fhir.resources.R4B.coding import Coding
from fhir.resources.R4B.reference import Reference

LOINC = "http://loinc.org"
BASE = "https://followup.app/fhir"
QUESTIONNAIRE_URL = f"{BASE}/Questionnaire"
SMS_CONSENT = f"{BASE}/StructureDefinition/sms-consent"
TIMEZONE = f"{BASE}/StructureDefinition/timezone"
# HL7's own extension for a time zone (FHIR R5): taken on import too.
HL7_TIMEZONE = "http://hl7.org/fhir/StructureDefinition/timezone"
CHANNEL = f"{BASE}/StructureDefinition/channel"
PRORATED = f"{BASE}/StructureDefinition/prorated"
ORDINAL_VALUE = "http://hl7.org/fhir/StructureDefinition/ordinalValue"
TREATMENT_SYSTEM = f"{BASE}/CodeSystem/treatment"
SEVERITY_SYSTEM = f"{BASE}/CodeSystem/severity"
DIFFICULTY_SYSTEM = f"{BASE}/CodeSystem/difficulty"
MRN_SYSTEM = f"{BASE}/sid/mrn"
V2_IDENTIFIER_TYPE = "http://terminology.hl7.org/CodeSystem/v2-0203"
INTERPRETATION_SYSTEM = "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
LANGUAGE_SYSTEM = "urn:ietf:bcp:47"
FHIR_JSON = "application/fhir+json"


def questionnaire_canonical(code: str) -> str:
    return f"{QUESTIONNAIRE_URL}/{code}"


def loinc(code: str, display: str | None = None) -> Coding:
    return Coding(system=LOINC, code=code, display=display)


def concept(coding: Coding, text: str | None = None) -> CodeableConcept:
    return CodeableConcept(coding=[coding], text=text)


def patient_reference(patient_id: int) -> Reference:
    return Reference(reference=f"Patient/{patient_id}")
