"""The flag rules of CLINICAL.md as tables: which evidence fires which trigger, at what priority."""

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
    partial_triggers,
    prorated_triggers,
    response_triggers,
)

ITEM_COUNT = {"phq9": 9, "gad7": 7}
N = None


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


# --- A whole response -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("answers", "expected"),
    [
        (phq9(0), []),
        (phq9(19), []),
        (phq9(20), [SEVERE_DEPRESSION]),
        (phq9(24), [SEVERE_DEPRESSION]),
        (phq9(27, item9=3), [SUICIDAL_IDEATION, SEVERE_DEPRESSION]),
        (phq9(1, item9=1), [SUICIDAL_IDEATION]),
        (phq9(19, item9=1), [SUICIDAL_IDEATION]),
        (phq9(20, item9=2), [SUICIDAL_IDEATION, SEVERE_DEPRESSION]),
    ],
)
def test_it_flags_severe_depression_from_a_phq9_total_of_20(
    answers: list[int], expected: list[str]
) -> None:
    assert reasons(response_triggers("phq9", answers, None)) == expected


@pytest.mark.parametrize(
    ("total", "expected"),
    [(0, []), (14, []), (15, [SEVERE_ANXIETY]), (21, [SEVERE_ANXIETY])],
)
def test_it_flags_severe_anxiety_from_a_gad7_total_of_15(total: int, expected: list[str]) -> None:
    assert reasons(response_triggers("gad7", gad7(total), None)) == expected


def test_it_describes_a_severe_total_in_plain_data() -> None:
    assert response_triggers("phq9", phq9(21), None) == [
        Trigger(SEVERE_DEPRESSION, "high", {"instrument": "phq9", "total": 21, "threshold": 20})
    ]
    assert response_triggers("gad7", gad7(16), None) == [
        Trigger(SEVERE_ANXIETY, "high", {"instrument": "gad7", "total": 16, "threshold": 15})
    ]


@pytest.mark.parametrize(
    ("code", "previous", "total", "fires"),
    [
        ("phq9", 6, 11, False),  # +5
        ("phq9", 6, 12, True),  # +6
        ("phq9", 6, 13, True),  # +7
        ("phq9", 0, 6, True),
        ("phq9", 12, 6, False),  # better, not worse
        ("phq9", 12, 12, False),
        ("phq9", None, 19, False),  # no previous complete PHQ-9
        ("gad7", 5, 8, False),  # +3
        ("gad7", 5, 9, True),  # +4
        ("gad7", 5, 10, True),  # +5
        ("gad7", 9, 5, False),
        ("gad7", None, 14, False),
    ],
)
def test_it_flags_reliable_deterioration_from_6_phq9_or_4_gad7_points_above_the_previous(
    code: str, previous: int | None, total: int, fires: bool
) -> None:
    answers = phq9(total) if code == "phq9" else gad7(total)

    assert (RELIABLE_DETERIORATION in reasons(response_triggers(code, answers, previous))) is fires


def test_it_describes_a_deterioration_in_plain_data() -> None:
    assert response_triggers("phq9", phq9(18), 10) == [
        Trigger(
            RELIABLE_DETERIORATION,
            "moderate",
            {
                "instrument": "phq9",
                "total": 18,
                "reference": "previous",
                "previous_total": 10,
                "previous_change": 8,
                "threshold": 6,
            },
        )
    ]


@pytest.mark.parametrize(
    ("code", "previous", "baseline", "total", "reference"),
    [
        # 4 -> 9 -> 14 -> 19: each step +5, under 6, but 14 is 10 above the baseline of 4.
        ("phq9", 4, 4, 9, None),
        ("phq9", 9, 4, 14, "baseline"),
        ("phq9", 14, 4, 19, "baseline"),
        ("phq9", 4, 4, 10, "both"),
        ("phq9", 3, 10, 9, "previous"),  # better than baseline, worse than last time
        ("phq9", 8, 8, 13, None),
        ("phq9", None, 5, 11, "baseline"),
        ("phq9", None, 5, 10, None),
        ("phq9", 20, 2, 8, "baseline"),
        ("gad7", 6, 2, 6, "baseline"),  # +4 over baseline, +0 over the previous
        ("gad7", 3, 5, 7, "previous"),
        ("gad7", 3, 3, 7, "both"),
        ("gad7", 3, 4, 6, None),
    ],
)
def test_it_flags_reliable_deterioration_above_the_previous_or_the_baseline(
    code: str, previous: int | None, baseline: int, total: int, reference: str | None
) -> None:
    answers = phq9(total) if code == "phq9" else gad7(total)

    fired = [
        t
        for t in response_triggers(code, answers, previous, baseline)
        if t.reason == RELIABLE_DETERIORATION
    ]

    assert [t.detail["reference"] for t in fired] == ([reference] if reference else [])
    for trigger in fired:
        assert trigger.detail.get("previous_total") == previous  # absent when there is none
        assert trigger.detail["baseline_total"] == baseline
        assert trigger.detail["baseline_change"] == total - baseline


def test_it_never_judges_deterioration_of_a_partial_response() -> None:
    assert response_triggers("phq9", [3] * 8 + [None], 0, 0) == []


@pytest.mark.parametrize(
    ("code", "before", "after", "expected"),
    [
        # Items 1-8 all 3 by SMS: 24 before item 9 is answered. Fires when the sum reaches 20.
        ("phq9", [3] * 6 + [N] * 3, [3] * 7 + [N] * 2, [SEVERE_DEPRESSION]),  # 18 -> 21
        ("phq9", [3] * 7 + [N] * 2, [3] * 8 + [N], []),  # 21 -> 24: already fired
        ("phq9", [3] * 8 + [N], [3] * 8 + [0], []),  # answered sum stays 24
        ("phq9", [3] * 6 + [2, N, N], [3] * 6 + [2, 0, N], []),  # 20 before already
        ("phq9", [3] * 6 + [1, N, N], [3] * 6 + [2, N, N], [SEVERE_DEPRESSION]),  # 19 -> 20
        ("phq9", [3] * 6 + [N, N, N], [3] * 6 + [1, N, N], []),  # 19
        ("phq9", [N] * 9, [3] * 7 + [N] * 2, [SEVERE_DEPRESSION]),  # all at once, by the web
        ("phq9", [3] * 7 + [N] * 2, [3] * 7 + [N] * 2, []),  # the same answers again
        ("phq9", [3, 3, 3, 3, 3, 3, 1, N, N], [3] * 7 + [N, N], [SEVERE_DEPRESSION]),  # changed
        ("gad7", [3, 3, 3, 3, N, N, N], [3, 3, 3, 3, 3, N, N], [SEVERE_ANXIETY]),  # 12 -> 15
        ("gad7", [3, 3, 3, 3, N, N, N], [3, 3, 3, 3, 2, N, N], []),  # 14
        ("gad7", [3, 3, 3, 3, 3, N, N], [3, 3, 3, 3, 3, 0, N], []),  # 15 before
    ],
)
def test_it_flags_a_severe_sum_the_moment_the_answered_items_reach_it(
    code: str, before: list[int | None], after: list[int | None], expected: list[str]
) -> None:
    assert reasons(partial_triggers(code, after, before)) == expected


@pytest.mark.parametrize(
    ("code", "answers", "expected"),
    [
        ("phq9", [3] * 7 + [N] * 2, [SEVERE_DEPRESSION]),
        ("phq9", [2] * 9, []),
        ("phq9", [3] * 6 + [1, N, N], []),
        ("gad7", [3] * 5 + [N] * 2, [SEVERE_ANXIETY]),
        ("gad7", [3] * 4 + [2, N, N], []),
    ],
)
def test_it_flags_any_severe_sum_when_nothing_came_before(
    code: str, answers: list[int | None], expected: list[str]
) -> None:
    assert reasons(partial_triggers(code, answers)) == expected


def test_it_describes_a_severe_sum_in_plain_data() -> None:
    assert partial_triggers("phq9", [3] * 8 + [N], [3] * 6 + [N] * 3) == [
        Trigger(
            SEVERE_DEPRESSION,
            "high",
            {"instrument": "phq9", "answered_sum": 24, "answered": 8, "threshold": 20},
        )
    ]


@pytest.mark.parametrize(
    ("code", "answers", "expected"),
    [
        ("phq9", [3, 3, 3, 3, 2, 2, 0, N, N], [SEVERE_DEPRESSION]),  # sum 16, prorated 21
        ("phq9", [2, 2, 2, 2, 2, 2, 2, 2, N], []),  # prorated 18
        ("phq9", [3, 3, 3, 3, 2, 2, 2, 2, N], []),  # sum 20: fired as it was answered
        ("phq9", [3, 3, 3, 3, 3, 3, N, N, N], []),  # three missing: no prorated total
        ("gad7", [3, 3, 3, 2, 2, 1, N], [SEVERE_ANXIETY]),  # sum 14, prorated 16
        ("gad7", [2, 2, 2, 2, 2, 2, N], []),  # prorated 14
        ("gad7", [3, 3, 3, 3, 3, N, N], []),  # two missing
    ],
)
def test_it_flags_a_severe_prorated_total_and_never_a_deterioration(
    code: str, answers: list[int | None], expected: list[str]
) -> None:
    triggers = prorated_triggers(code, answers)

    assert reasons(triggers) == expected
    assert all(t.detail["prorated"] is True for t in triggers)


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
