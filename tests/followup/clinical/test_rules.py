"""The flag rules of CLINICAL.md as tables: their names and priorities, one answer, a partial
response, the whole table at once, free text and a reply to item 9."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from followup.clinical import crisis_language, rules
from followup.clinical.instruments import InstrumentError
from followup.clinical.rules import (
    CRISIS_LANGUAGE,
    PRIORITIES,
    PRIORITY_CRITICAL,
    PRIORITY_HIGH,
    PRIORITY_MODERATE,
    PRIORITY_OF,
    RELIABLE_DETERIORATION,
    SEVERE_ANXIETY,
    SEVERE_DEPRESSION,
    SUICIDAL_IDEATION,
    Trigger,
    answer_triggers,
    message_triggers,
    response_triggers,
)
from tests.support.instruments import ITEM_COUNT
from tests.support.rules import phq9, reasons

# --- Constants ------------------------------------------------------------------------------


def test_it_names_reasons_and_priorities_as_clinical_md_does() -> None:
    assert (PRIORITY_CRITICAL, PRIORITY_HIGH, PRIORITY_MODERATE) == ("critical", "high", "moderate")
    assert PRIORITY_OF == {
        "suicidal_ideation": "critical",
        "crisis_language": "critical",
        "severe_depression": "high",
        "severe_anxiety": "high",
        "reliable_deterioration": "moderate",
        "unread_message": "moderate",
    }


def test_it_re_exports_the_crisis_language_check() -> None:
    assert rules.find_crisis_language is crisis_language.find_crisis_language
    assert rules.contains_crisis_language is crisis_language.contains_crisis_language


# --- One answer -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "item", "value", "fires"),
    [
        ("phq9", 9, 0, False),
        ("phq9", 9, 1, True),
        ("phq9", 9, 2, True),
        ("phq9", 9, 3, True),
        ("phq9", 8, 3, False),
        ("phq9", 1, 3, False),
        ("gad7", 7, 3, False),
    ],
)
def test_it_raises_suicidal_ideation_the_moment_item_9_is_answered_1_to_3(
    code: str, item: int, value: int, fires: bool
) -> None:
    expected = (
        [Trigger(SUICIDAL_IDEATION, "critical", {"instrument": "phq9", "item": 9, "value": value})]
        if fires
        else []
    )

    assert answer_triggers(code, item, value) == expected


@pytest.mark.parametrize(
    ("code", "item", "value", "error"),
    [
        ("phq9", 9, 4, "invalid_value"),
        ("phq9", 9, True, "invalid_value"),
        ("phq9", 9, None, "incomplete"),
        ("phq9", 10, 1, "unknown_item"),
        ("bdi", 9, 1, "unknown_instrument"),
    ],
)
def test_it_refuses_an_answer_it_cannot_judge(
    code: str, item: int, value: object, error: str
) -> None:
    with pytest.raises(InstrumentError) as caught:
        answer_triggers(code, item, value)  # type: ignore[arg-type]

    assert caught.value.code == error


def test_it_lists_every_trigger_of_a_response_most_urgent_first() -> None:
    triggers = response_triggers("phq9", phq9(27, item9=3), 5)

    assert reasons(triggers) == [SUICIDAL_IDEATION, SEVERE_DEPRESSION, RELIABLE_DETERIORATION]
    assert [t.priority for t in triggers] == ["critical", "high", "moderate"]


@pytest.mark.parametrize(
    ("code", "answers", "previous", "expected"),
    [
        ("phq9", [3, 3, 3, 3, 3, 3, 3, 3, None], 0, []),
        ("phq9", [3, 3, 3, 3, 3, 3, 3, None, 1], 0, [SUICIDAL_IDEATION]),
        ("phq9", [None] * 8 + [2], None, [SUICIDAL_IDEATION]),
        ("phq9", [None] * 8 + [0], None, []),
        ("gad7", [3, 3, 3, 3, 3, 3, None], 0, []),
    ],
)
def test_it_applies_only_the_item_9_rule_to_a_partial_response(
    code: str, answers: list[int | None], previous: int | None, expected: list[str]
) -> None:
    assert reasons(response_triggers(code, answers, previous)) == expected


@pytest.mark.parametrize(
    ("code", "answers", "previous", "error"),
    [
        ("phq9", [0] * 8, None, "wrong_item_count"),
        ("phq9", [0] * 8 + [4], None, "invalid_value"),
        ("gad7", [0] * 6 + [True], None, "invalid_value"),
        ("gad7", [0] * 7, 22, "invalid_total"),
        ("phq9", [0] * 9, -1, "invalid_total"),
        ("phq9", [0] * 9, True, "invalid_total"),
        ("phq8", [0] * 8, None, "unknown_instrument"),
    ],
)
def test_it_refuses_a_response_it_cannot_judge(
    code: str, answers: list[object], previous: object, error: str
) -> None:
    with pytest.raises(InstrumentError) as caught:
        response_triggers(code, answers, previous)  # type: ignore[arg-type]

    assert caught.value.code == error


@given(st.data())
def test_it_fires_exactly_the_rules_of_the_table(data: st.DataObject) -> None:
    code = data.draw(st.sampled_from(["phq9", "gad7"]))
    count = ITEM_COUNT[code]
    answers = data.draw(st.lists(st.integers(0, 3), min_size=count, max_size=count))
    previous = data.draw(st.none() | st.integers(0, 3 * count))
    total = sum(answers)

    expected = set()
    if code == "phq9" and answers[8] >= 1:
        expected.add(SUICIDAL_IDEATION)
    if code == "phq9" and total >= 20:
        expected.add(SEVERE_DEPRESSION)
    if code == "gad7" and total >= 15:
        expected.add(SEVERE_ANXIETY)
    if previous is not None and total - previous >= {"phq9": 6, "gad7": 4}[code]:
        expected.add(RELIABLE_DETERIORATION)

    triggers = response_triggers(code, answers, previous)

    assert set(reasons(triggers)) == expected
    assert len(triggers) == len(expected)


@given(st.data())
def test_it_only_ever_fires_item_9_for_a_partial_response(data: st.DataObject) -> None:
    code = data.draw(st.sampled_from(["phq9", "gad7"]))
    count = ITEM_COUNT[code]
    answers = data.draw(
        st.lists(st.none() | st.integers(0, 3), min_size=count, max_size=count).filter(
            lambda values: None in values
        )
    )
    previous = data.draw(st.none() | st.integers(0, 3 * count))

    triggers = response_triggers(code, answers, previous)

    assert set(reasons(triggers)) <= {SUICIDAL_IDEATION}


@given(st.data())
def test_it_gives_every_trigger_its_reasons_priority_and_only_plain_evidence(
    data: st.DataObject,
) -> None:
    code = data.draw(st.sampled_from(["phq9", "gad7"]))
    count = ITEM_COUNT[code]
    answers = data.draw(st.lists(st.none() | st.integers(0, 3), min_size=count, max_size=count))
    previous = data.draw(st.none() | st.integers(0, 3 * count))
    baseline = data.draw(st.none() | st.integers(0, 3 * count))

    triggers = response_triggers(code, answers, previous, baseline)

    ranks = [PRIORITIES.index(t.priority) for t in triggers]
    assert ranks == sorted(ranks)
    for trigger in triggers:
        assert trigger.priority == PRIORITY_OF[trigger.reason]
        assert trigger.detail["instrument"] == code
        assert set(trigger.detail) <= {
            "instrument",
            "item",
            "value",
            "total",
            "previous_total",
            "previous_change",
            "baseline_total",
            "baseline_change",
            "reference",
            "change",
            "threshold",
        }
        assert all(type(value) in {int, str} for value in trigger.detail.values())


# --- Free text ------------------------------------------------------------------------------


def test_it_raises_crisis_language_from_a_message_with_its_category_only() -> None:
    assert message_triggers("I want to kill myself tonight") == [
        Trigger(CRISIS_LANGUAGE, "critical", {"category": "kill_self"})
    ]


@pytest.mark.parametrize("text", ["2", "STOP", "feeling much better since the session", ""])
def test_it_raises_nothing_from_an_ordinary_message(text: str) -> None:
    assert message_triggers(text) == []


# --- A reply to item 9, and a message to read -----------------------------------------------


@pytest.mark.parametrize(
    ("reply", "expected"),
    [
        *[("0", []), ("no", []), ("Never", []), ("not at all", []), ("nope", [])],
        *[("2", [{"instrument": "phq9", "item": 9, "value": 2}])],
        *[("every day", [{"instrument": "phq9", "item": 9, "value": 3}])],
        *[(r, [{"instrument": "phq9", "item": 9, "reply": "unclear"}]) for r in ("yes", "idk")],
        *[("2 or 3", [{"instrument": "phq9", "item": 9, "reply": "unclear"}])],
        (
            "I want to die",
            [{"instrument": "phq9", "item": 9, "reply": "unclear", "category": "want_to_die"}],
        ),
    ],
)
def test_a_reply_to_item_9_fires_unless_it_is_unambiguously_0(
    reply: str, expected: list[dict]
) -> None:
    triggers = rules.item_9_reply_triggers(reply)

    assert [t.detail for t in triggers] == expected
    assert {(t.reason, t.priority) for t in triggers} <= {("suicidal_ideation", "critical")}


def test_a_message_to_read_is_moderate() -> None:
    (trigger,) = rules.unread_message_triggers()
    assert (trigger.reason, trigger.priority) == ("unread_message", "moderate")
