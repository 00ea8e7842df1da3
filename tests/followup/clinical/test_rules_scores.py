"""The flag rules of CLINICAL.md on a response's scores, as tables: a severe total, a reliable
deterioration, a severe sum of the items answered so far, and a severe prorated total."""

import pytest

from followup.clinical.rules import (
    RELIABLE_DETERIORATION,
    SEVERE_ANXIETY,
    SEVERE_DEPRESSION,
    SUICIDAL_IDEATION,
    Trigger,
    partial_triggers,
    prorated_triggers,
    response_triggers,
)
from tests.support.rules import gad7, phq9, reasons

N = None


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
