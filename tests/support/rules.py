"""Answers with a given total, and the reasons of triggers, for the tables of the flag rules."""

from followup.clinical.rules import Trigger


def phq9(total: int, *, item9: int = 0) -> list[int]:
    """PHQ-9 answers with the given total and item 9 answer, items 1-8 filled from the first."""
    rest = total - item9
    answers = []
    for _ in range(8):
        value = min(3, rest)
        answers.append(value)
        rest -= value
    assert rest == 0
    return [*answers, item9]


def gad7(total: int) -> list[int]:
    answers = []
    for _ in range(7):
        value = min(3, total)
        answers.append(value)
        total -= value
    assert total == 0
    return answers


def reasons(triggers: list[Trigger]) -> list[str]:
    return [trigger.reason for trigger in triggers]
