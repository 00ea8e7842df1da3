"""The flag rules of CLINICAL.md (flag rules table), as pure functions over plain data.

Each function returns the triggers a piece of evidence fires; opening, merging and paging flags is
the services' job. A trigger's ``detail`` is plain data about the evidence (instrument, item,
value, totals, a crisis-language category), never a name or the patient's own words.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from followup.crisis_language import (
    contains_crisis_language,
    find_crisis_language,
    match_crisis_language,
)
from followup.instruments import (
    GAD7,
    PHQ9,
    InvalidTotal,
    get_instrument,
    score,
    validate_answer,
    validate_answers,
)
from followup.sms_replies import parse_answer

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

# Rise over the previous complete total that is a reliable deterioration: the NHS Talking
# Therapies reliable-change thresholds, PHQ-9 6 points, GAD-7 4 points.
RELIABLE_DETERIORATION_POINTS: dict[str, int] = {PHQ9.code: 6, GAD7.code: 4}


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


def response_triggers(
    code: str, answers: Sequence[int | None], previous_total: int | None
) -> list[Trigger]:
    """Triggers fired by a whole response, most urgent first (CLINICAL.md, flag rules).

    - ``suicidal_ideation``: PHQ-9 item 9 answered 1-3, even in a partial response.
    - ``severe_depression``: complete PHQ-9 total 20 or more.
    - ``severe_anxiety``: complete GAD-7 total 15 or more.
    - ``reliable_deterioration``: complete total at least 6 (PHQ-9) or 4 (GAD-7) above
      ``previous_total``, the patient's previous complete total on the same scale; nothing when
      there is no previous total.

    A partial response has no total, so only the item 9 rule applies to it.
    """
    values = validate_answers(code, answers, allow_partial=True)
    instrument = get_instrument(code)
    if previous_total is not None and (
        not isinstance(previous_total, int)
        or isinstance(previous_total, bool)
        or not 0 <= previous_total <= instrument.max_total
    ):
        raise InvalidTotal(
            f"{code} previous total must be 0 to {instrument.max_total}, got {previous_total!r}",
            field="previous_total",
        )

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
    if previous_total is not None and total - previous_total >= points:
        triggers.append(
            _trigger(
                RELIABLE_DETERIORATION,
                instrument=code,
                total=total,
                previous_total=previous_total,
                change=total - previous_total,
                threshold=points,
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
