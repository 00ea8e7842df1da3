"""Scores as LOINC Observations: each total (PHQ-9 44261-6, GAD-7 70274-6) with its severity
band as the interpretation, and PHQ-9 item 9 (44260-8), derived from the QuestionnaireResponse.

An Observation's id is its response's and its kind: ``12-total``, ``12-item-9``.
"""

from fhir.resources.R4B.annotation import Annotation
from fhir.resources.R4B.codeableconcept import CodeableConcept
from fhir.resources.R4B.coding import Coding
from fhir.resources.R4B.observation import Observation
from fhir.resources.R4B.reference import Reference

from api.fhir.codes import (
    INTERPRETATION_SYSTEM,
    OBSERVATION_CATEGORY,
    SEVERITY_SYSTEM,
    concept,
    loinc,
    patient_reference,
)
from followup.clinical.instruments import PHQ9, get_instrument, severity_band
from followup.selectors.observations import ITEM_9, TOTAL, ObservationSource

ITEM_9_LOINC = PHQ9.items[8].loinc


def observation_id(source: ObservationSource) -> str:
    return f"{source.response.pk}-{source.kind}"


def _interpretation(source: ObservationSource) -> CodeableConcept:
    response = source.response
    if source.kind == TOTAL:
        band = severity_band(response.instrument, response.total or 0)
        return concept(
            Coding(system=SEVERITY_SYSTEM, code=band.code, display=band.label), band.label
        )
    # Item 9 answered 1-3 is the positive answer that raises a critical flag (CLINICAL.md).
    if response.answers[8]:
        return concept(Coding(system=INTERPRETATION_SYSTEM, code="A", display="Abnormal"))
    return concept(Coding(system=INTERPRETATION_SYSTEM, code="N", display="Normal"))


def observation(source: ObservationSource) -> Observation:
    response = source.response
    instrument = get_instrument(response.instrument)
    if source.kind == TOTAL:
        code = loinc(instrument.total_loinc, f"{instrument.name} total score")
        value = response.total
    elif source.kind == ITEM_9:
        code = loinc(ITEM_9_LOINC, instrument.items[8].text)
        value = response.answers[8]
    else:  # pragma: no cover - the selector gives no other kind
        raise ValueError(source.kind)
    notes = None
    if source.kind == TOTAL and response.prorated:
        notes = [Annotation(text="Prorated: some items were not answered (CLINICAL.md).")]
    return Observation(
        id=observation_id(source),
        status="final" if response.complete or response.prorated else "preliminary",
        category=[concept(Coding(system=OBSERVATION_CATEGORY, code="survey", display="Survey"))],
        code=concept(code),
        subject=patient_reference(response.patient_id),
        effectiveDateTime=response.submitted_at or response.updated_at,
        valueInteger=value,
        interpretation=[_interpretation(source)],
        derivedFrom=[Reference(reference=f"QuestionnaireResponse/{response.pk}")],
        note=notes,
    )
