"""The flag rules of CLINICAL.md (flag rules table), as pure functions over plain data.

Each function returns the triggers a piece of evidence fires; opening, merging and paging flags is
the services' job. A trigger's ``detail`` is plain data about the evidence (instrument, item,
value, totals, a crisis-language category), never a name or the patient's own words.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from followup.clinical.crisis_language import (
    contains_crisis_language,
    find_crisis_language,
    match_crisis_language,
)
from followup.clinical.instruments import (
    GAD7,
    PHQ9,
    InvalidTotal,
    get_instrument,
    prorated_total,
    score,
    validate_answer,
    validate_answers,
)
from followup.clinical.sms_replies import parse_answer

__all__ = [
    "CRISIS_LANGUAGE",
    "PRIORITIES",
    "PRIORITY_CRITICAL",
    "PRIORITY_HIGH",
    "PRIORITY_MODERATE",
    "PRIORITY_OF",
    "REASONS",
    "RELIABLE_DETERIORATION",
    "RELIABLE_DETERIORATION_POINTS",
    "SEVERE_ANXIETY",
    "SEVERE_DEPRESSION",
    "SEVERE_TOTAL",
    "SUICIDAL_IDEATION",
    "SUICIDAL_IDEATION_ITEM",
    "UNREAD_MESSAGE",
    "Trigger",
    "answer_triggers",
    "contains_crisis_language",
    "find_crisis_language",
    "is_item_9",
    "item_9_reply_triggers",
    "match_crisis_language",
    "message_triggers",
    "partial_triggers",
    "prorated_triggers",
    "response_triggers",
    "unread_message_triggers",
]

PRIORITY_CRITICAL = "critical"
PRIORITY_HIGH = "high"
PRIORITY_MODERATE = "moderate"
# Most urgent first.
PRIORITIES: tuple[str, ...] = (PRIORITY_CRITICAL, PRIORITY_HIGH, PRIORITY_MODERATE)

SUICIDAL_IDEATION = "suicidal_ideation"
CRISIS_LANGUAGE = "crisis_language"
SEVERE_DEPRESSION = "severe_depression"
SEVERE_ANXIETY = "severe_anxiety"
RELIABLE_DETERIORATION = "reliable_deterioration"
UNREAD_MESSAGE = "unread_message"

PRIORITY_OF: dict[str, str] = {
    SUICIDAL_IDEATION: PRIORITY_CRITICAL,
    CRISIS_LANGUAGE: PRIORITY_CRITICAL,
    SEVERE_DEPRESSION: PRIORITY_HIGH,
    SEVERE_ANXIETY: PRIORITY_HIGH,
    RELIABLE_DETERIORATION: PRIORITY_MODERATE,
    # Shown to clinicians to read, never paged (moderate pages nobody).
    UNREAD_MESSAGE: PRIORITY_MODERATE,
}
REASONS: tuple[str, ...] = tuple(PRIORITY_OF)

# After these the patient at once gets the crisis message (CLINICAL.md).
CRISIS_REASONS: tuple[str, ...] = (SUICIDAL_IDEATION, CRISIS_LANGUAGE)

# PHQ-9 item 9, "Thoughts that you would be better off dead, or of hurting yourself in some way".
SUICIDAL_IDEATION_ITEM = 9

# Totals at or above which a complete response is severe: PHQ-9 20, GAD-7 15.
SEVERE_TOTAL: dict[str, int] = {PHQ9.code: 20, GAD7.code: 15}
_SEVERE_REASON: dict[str, str] = {PHQ9.code: SEVERE_DEPRESSION, GAD7.code: SEVERE_ANXIETY}

# Rise over the previous complete total or the baseline that is a reliable deterioration: the
# NHS Talking Therapies reliable-change thresholds, PHQ-9 6 points, GAD-7 4 points.
RELIABLE_DETERIORATION_POINTS: dict[str, int] = {PHQ9.code: 6, GAD7.code: 4}

# Which earlier score a reliable deterioration was measured against.
REFERENCE_PREVIOUS = "previous"
REFERENCE_BASELINE = "baseline"
REFERENCE_BOTH = "both"


@dataclass(frozen=True)
class Trigger:
    """One rule that fired: its ``reason``, the reason's ``priority``, and the evidence."""

    reason: str
    priority: str
    detail: dict[str, Any]


def _trigger(reason: str, **detail: Any) -> Trigger:
    return Trigger(reason=reason, priority=PRIORITY_OF[reason], detail=detail)


def answer_triggers(code: str, item_number: int, value: int) -> list[Trigger]:
    """Triggers fired by one answer, the moment it arrives, complete response or not.

    CLINICAL.md: PHQ-9 item 9 answered 1, 2 or 3 is ``suicidal_ideation`` (critical).
    Raises ``InstrumentError`` for an unknown instrument or item, or a value that is not 0-3.
    """
    answer = validate_answer(code, item_number, value)
    if code == PHQ9.code and item_number == SUICIDAL_IDEATION_ITEM and answer:
        return [_trigger(SUICIDAL_IDEATION, instrument=code, item=item_number, value=answer)]
    return []


def _answered_sum(values: Sequence[int | None]) -> int:
    return sum(value for value in values if value is not None)


def partial_triggers(
    code: str, answers: Sequence[int | None], before: Sequence[int | None] | None = None
) -> list[Trigger]:
    """``severe_depression`` / ``severe_anxiety`` the moment the answered items already sum to
    20 (PHQ-9) / 15 (GAD-7) or more, complete or not (CLINICAL.md, flag rules): call it with
    the answers as stored after each answer arrives.

    ``before`` is the answers as they were stored before: the trigger fires only when the sum
    reaches the threshold now, so answers that follow (or the same answers sent again) do not
    fire it again. Without ``before``, any answer set at or above the threshold fires.
    """
    values = validate_answers(code, answers, allow_partial=True)
    threshold = SEVERE_TOTAL[code]
    answered_sum = _answered_sum(values)
    if answered_sum < threshold:
        return []
    if before is not None:
        earlier = validate_answers(code, before, allow_partial=True)
        if _answered_sum(earlier) >= threshold:
            return []
    answered = sum(value is not None for value in values)
    return [
        _trigger(
            _SEVERE_REASON[code],
            instrument=code,
            answered_sum=answered_sum,
            answered=answered,
            threshold=threshold,
        )
    ]


def prorated_triggers(code: str, answers: Sequence[int | None]) -> list[Trigger]:
    """Triggers of a partial response that is final (its check-in closed) and has a prorated
    total (CLINICAL.md, partial questionnaires).

    - ``severe_depression`` / ``severe_anxiety``: prorated total 20 / 15 or more, when the
      answered items alone stay under the threshold (at or over it, ``partial_triggers`` fired
      when the sum was reached).
    - Never ``reliable_deterioration``: it is judged on complete totals only, so an estimate
      neither raises it nor serves as anyone's previous score.
    - Item 9 was judged when it was answered.
    """
    values = validate_answers(code, answers, allow_partial=True)
    total = prorated_total(code, values)
    threshold = SEVERE_TOTAL[code]
    if total is None or total < threshold or _answered_sum(values) >= threshold:
        return []
    answered = sum(value is not None for value in values)
    return [
        _trigger(
            _SEVERE_REASON[code],
            instrument=code,
            total=total,
            prorated=True,
            answered=answered,
            threshold=threshold,
        )
    ]


def _check_total(code: str, name: str, total: object) -> None:
    instrument = get_instrument(code)
    if total is not None and (
        not isinstance(total, int)
        or isinstance(total, bool)
        or not 0 <= total <= instrument.max_total
    ):
        raise InvalidTotal(
            f"{code} {name.replace('_', ' ')} must be 0 to {instrument.max_total}, got {total!r}",
            field=name,
        )


def response_triggers(
    code: str,
    answers: Sequence[int | None],
    previous_total: int | None,
    baseline_total: int | None = None,
) -> list[Trigger]:
    """Triggers fired by a whole response, most urgent first (CLINICAL.md, flag rules).

    - ``suicidal_ideation``: PHQ-9 item 9 answered 1-3, even in a partial response.
    - ``severe_depression``: complete PHQ-9 total 20 or more.
    - ``severe_anxiety``: complete GAD-7 total 15 or more.
    - ``reliable_deterioration``: complete total at least 6 (PHQ-9) or 4 (GAD-7) above
      ``previous_total`` (the patient's previous complete total on the same scale) or above
      ``baseline_total`` (their baseline on it); the detail says which ``reference`` fired
      (``previous``, ``baseline`` or ``both``) with both totals. Nothing without either.

    A partial response has no total, so only the item 9 rule applies to it (its answered sum
    is ``partial_triggers``' business, its prorated total ``prorated_triggers``').
    """
    values = validate_answers(code, answers, allow_partial=True)
    _check_total(code, "previous_total", previous_total)
    _check_total(code, "baseline_total", baseline_total)

    triggers: list[Trigger] = []
    for number, value in enumerate(values, start=1):
        if value is not None:
            triggers.extend(answer_triggers(code, number, value))

    result = score(code, values)
    if not result.complete or result.total is None:
        return triggers
    total = result.total

    threshold = SEVERE_TOTAL[code]
    if total >= threshold:
        triggers.append(
            _trigger(_SEVERE_REASON[code], instrument=code, total=total, threshold=threshold)
        )

    points = RELIABLE_DETERIORATION_POINTS[code]
    above_previous = previous_total is not None and total - previous_total >= points
    above_baseline = baseline_total is not None and total - baseline_total >= points
    if above_previous or above_baseline:
        reference = (
            REFERENCE_BOTH
            if above_previous and above_baseline
            else REFERENCE_PREVIOUS
            if above_previous
            else REFERENCE_BASELINE
        )
        # Each reference the patient has, with its change; none is written as a null.
        references: dict[str, int] = {}
        if previous_total is not None:
            references |= {
                "previous_total": previous_total,
                "previous_change": total - previous_total,
            }
        if baseline_total is not None:
            references |= {
                "baseline_total": baseline_total,
                "baseline_change": total - baseline_total,
            }
        triggers.append(
            _trigger(
                RELIABLE_DETERIORATION,
                instrument=code,
                total=total,
                reference=reference,
                threshold=points,
                **references,
            )
        )
    return sorted(triggers, key=lambda trigger: PRIORITIES.index(trigger.priority))


def message_triggers(text: str) -> list[Trigger]:
    """``crisis_language`` (critical) when a free-text message contains crisis language.

    The caller decides what is free text: CLINICAL.md applies the rule to a message that is not
    a valid answer and not a keyword. The detail names the category, never the patient's words.
    """
    category = find_crisis_language(text)
    if category is None:
        return []
    return [_trigger(CRISIS_LANGUAGE, category=category)]


def is_item_9(code: str, item_number: int | None) -> bool:
    """Whether the question is PHQ-9 item 9, the one whose every reply is read for safety."""
    return code == PHQ9.code and item_number == SUICIDAL_IDEATION_ITEM


def item_9_reply_triggers(text: str) -> list[Trigger]:
    """The reply to PHQ-9 item 9 as SMS text, with the CLINICAL.md fail-safe.

    - a clear 0 ("0", "not at all", "no", "never", ...) fires nothing;
    - a clear 1-3 fires ``suicidal_ideation`` as ``answer_triggers`` does;
    - anything else, not being unambiguously 0, fires ``suicidal_ideation`` too, marked
      ``reply: "unclear"`` (with the crisis-language category when there is one). The detail
      says the reply was not a clear answer, never what it said.
    """
    value = parse_answer(text)
    if value is not None:
        return answer_triggers(PHQ9.code, SUICIDAL_IDEATION_ITEM, value)
    detail: dict[str, Any] = {
        "instrument": PHQ9.code,
        "item": SUICIDAL_IDEATION_ITEM,
        "reply": "unclear",
    }
    category = find_crisis_language(text)
    if category is not None:
        detail["category"] = category
    return [_trigger(SUICIDAL_IDEATION, **detail)]


def unread_message_triggers() -> list[Trigger]:
    """``unread_message`` (moderate, never paged): a patient's message that is no answer, no
    keyword and no crisis language, for a clinician to read. The caller names the message."""
    return [_trigger(UNREAD_MESSAGE, unread=True)]
