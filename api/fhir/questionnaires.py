"""The PHQ-9 and GAD-7 as Questionnaires, and a patient's answers as QuestionnaireResponses.

Texts, LOINC codes and options come from ``followup/clinical/instruments.py`` (CLINICAL.md):
nothing is retyped here. Items are linked by their LOINC code.
"""

from decimal import Decimal

from fhir.resources.R4B.coding import Coding
from fhir.resources.R4B.extension import Extension
from fhir.resources.R4B.questionnaire import (
    Questionnaire,
    QuestionnaireItem,
    QuestionnaireItemAnswerOption,
)
from fhir.resources.R4B.questionnaireresponse import (
    QuestionnaireResponse,
    QuestionnaireResponseItem,
    QuestionnaireResponseItemAnswer,
)
from fhir.resources.R4B.reference import Reference

from api.fhir.codes import (
    DIFFICULTY_SYSTEM,
    LOINC,
    ORDINAL_VALUE,
    loinc,
    patient_reference,
    questionnaire_canonical,
)
from followup.clinical.instruments import (
    INSTRUMENTS,
    PFIZER_NOTICE,
    Instrument,
    Option,
    get_instrument,
)
from followup.models import Response

VERSION = "1.0.0"


def _option_coding(option: Option) -> Coding:
    """An option by its LOINC answer code; the difficulty options have none (CLINICAL.md), so
    ours, by value."""
    if option.loinc:
        return Coding(system=LOINC, code=option.loinc, display=option.label)
    return Coding(system=DIFFICULTY_SYSTEM, code=str(option.value), display=option.label)


def _answer_option(option: Option) -> QuestionnaireItemAnswerOption:
    return QuestionnaireItemAnswerOption(
        valueCoding=_option_coding(option),
        extension=[Extension(url=ORDINAL_VALUE, valueDecimal=Decimal(option.value))],
    )


def questionnaire(instrument: Instrument) -> Questionnaire:
    items = [QuestionnaireItem(linkId="stem", type="display", text=instrument.stem)]
    items += [
        QuestionnaireItem(
            linkId=item.loinc,
            code=[loinc(item.loinc, item.text)],
            prefix=f"{item.number}.",
            text=item.text,
            type="choice",
            required=True,
            answerOption=[_answer_option(option) for option in instrument.options],
        )
        for item in instrument.items
    ]
    difficulty = instrument.difficulty
    items.append(
        QuestionnaireItem(
            linkId=difficulty.loinc,
            code=[loinc(difficulty.loinc)],
            text=difficulty.text,
            type="choice",
            required=False,
            answerOption=[_answer_option(option) for option in difficulty.options],
        )
    )
    return Questionnaire(
        id=instrument.code,
        url=questionnaire_canonical(instrument.code),
        version=VERSION,
        name=instrument.name.replace("-", ""),
        title=instrument.name,
        status="active",
        subjectType=["Patient"],
        code=[loinc(instrument.panel_loinc, instrument.name)],
        copyright=PFIZER_NOTICE,
        item=items,
    )


def questionnaires() -> list[Questionnaire]:
    return [questionnaire(instrument) for instrument in INSTRUMENTS.values()]


def _answered(link_id: str, text: str, option: Option) -> QuestionnaireResponseItem:
    return QuestionnaireResponseItem(
        linkId=link_id,
        text=text,
        answer=[QuestionnaireResponseItemAnswer(valueCoding=_option_coding(option))],
    )


def questionnaire_response(response: Response) -> QuestionnaireResponse:
    """A response, complete (``completed``) or partial (``in-progress``); items not yet
    answered are left out, as FHIR has it."""
    instrument = get_instrument(response.instrument)
    options = {option.value: option for option in instrument.options}
    items = [
        _answered(item.loinc, item.text, options[value])
        for item, value in zip(instrument.items, response.answers or [], strict=False)
        if value is not None
    ]
    difficulty = instrument.difficulty
    if response.difficulty is not None:
        chosen = {option.value: option for option in difficulty.options}[response.difficulty]
        items.append(_answered(difficulty.loinc, difficulty.text, chosen))
    authored = response.submitted_at or response.updated_at
    session_id = response.check_in.session_id if response.check_in else None
    return QuestionnaireResponse(
        id=str(response.pk),
        questionnaire=f"{questionnaire_canonical(instrument.code)}|{VERSION}",
        status="completed" if response.complete else "in-progress",
        subject=patient_reference(response.patient_id),
        encounter=Reference(reference=f"Encounter/{session_id}") if session_id else None,
        authored=authored,
        source=patient_reference(response.patient_id),
        item=items or None,
    )
