"""Scoring the PHQ-9 and GAD-7 as CLINICAL.md states them: totals, severity, and a partial
response prorated or left without a total."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from followup.clinical.instruments import (
    InstrumentError,
    Score,
    prorated_total,
    score,
    severity,
    validate_answers,
)
from tests.support.instruments import ITEM_COUNT, MAX_TOTAL, expected_severity

codes = st.sampled_from(["phq9", "gad7"])
not_an_answer = st.one_of(
    st.integers().filter(lambda value: not 0 <= value <= 3),
    st.booleans(),
    st.text(max_size=3),
    st.floats(allow_nan=True),
    st.just([1]),
)


# --- Scoring --------------------------------------------------------------------------------


def test_it_scores_a_complete_response() -> None:
    assert score("phq9", [1, 2, 3, 0, 1, 2, 3, 0, 1]) == Score(
        total=13, severity="moderate", complete=True
    )
    assert score("gad7", [3] * 7) == Score(total=21, severity="severe", complete=True)
    assert score("gad7", [0] * 7) == Score(total=0, severity="minimal", complete=True)


def test_it_gives_a_partial_response_no_total_and_no_severity() -> None:
    assert score("phq9", [3, 3, 3, 3, 3, 3, 3, 3, None]) == Score(None, None, complete=False)
    assert score("gad7", [None] * 7) == Score(None, None, complete=False)


N = None


@pytest.mark.parametrize(
    ("code", "answers", "total", "why"),
    [
        ("phq9", [3, 3, 3, 3, 3, 3, 3, 3, N], 27, "8 answered, mean 3: 27"),
        ("phq9", [2, 2, 2, 2, 2, 2, 2, 2, N], 18, "mean 2: 18"),
        ("phq9", [1, 1, 1, 1, 0, 0, 0, 0, N], 5, "4 * 9/8 = 4.5: half up, 5 (not even 4)"),
        ("phq9", [2, 2, 2, 2, 2, 2, 1, 1, N], 16, "14 * 9/8 = 15.75: 16"),
        ("phq9", [3, 3, 3, 3, 2, 2, 2, 2, N], 23, "20 * 9/8 = 22.5: half up, 23"),
        ("phq9", [3, 3, 3, 3, 2, 2, 0, N, N], 21, "16 * 9/7 = 20.57: 21"),
        ("phq9", [2, 2, 2, 2, 2, 2, 2, N, N], 18, "14 * 9/7 = 18"),
        ("phq9", [1, 0, 0, 0, 0, 0, 0, N, N], 1, "1 * 9/7 = 1.29: 1"),
        ("phq9", [0, 0, 0, 0, 0, 0, 0, N, N], 0, "all answered 0: 0"),
        ("phq9", [N, 3, 3, N, 3, 3, 3, 3, 3], 27, "which items are missing does not matter"),
        ("gad7", [3, 3, 3, 3, 3, 3, N], 21, "6 answered, mean 3: 21"),
        ("gad7", [1, 1, 1, 0, 0, 0, N], 4, "3 * 7/6 = 3.5: half up, 4"),
        ("gad7", [3, 3, 3, 2, 2, 2, N], 18, "15 * 7/6 = 17.5: half up, 18"),
        ("gad7", [2, 2, 2, 2, 2, 2, N], 14, "12 * 7/6 = 14"),
        ("gad7", [2, 2, 2, 2, 2, 3, N], 15, "13 * 7/6 = 15.17: 15"),
    ],
)
def test_it_prorates_a_partial_response_with_few_items_missing(
    code: str, answers: list[int | None], total: int, why: str
) -> None:
    assert prorated_total(code, answers) == total, why
    assert score(code, answers, prorate=True) == Score(
        total=total, severity=severity(code, total), complete=False, prorated=True
    )
    assert score(code, answers) == Score(None, None, complete=False)  # only when asked


@pytest.mark.parametrize(
    ("code", "answers"),
    [
        ("phq9", [3, 3, 3, 3, 3, 3, N, N, N]),  # three of nine missing
        ("phq9", [N] * 9),
        ("gad7", [3, 3, 3, 3, 3, N, N]),  # two of seven missing
        ("gad7", [N] * 7),
    ],
)
def test_it_gives_no_prorated_total_with_too_many_items_missing(
    code: str, answers: list[int | None]
) -> None:
    assert prorated_total(code, answers) is None
    assert score(code, answers, prorate=True) == Score(None, None, complete=False)


@pytest.mark.parametrize(("code", "answers"), [("phq9", [1] * 9), ("gad7", [2] * 7)])
def test_it_never_prorates_a_complete_response(code: str, answers: list[int]) -> None:
    assert prorated_total(code, answers) is None
    assert score(code, answers, prorate=True) == score(code, answers)
    assert score(code, answers, prorate=True).complete


@given(st.data())
def test_it_totals_the_sum_of_the_values_and_bands_it_by_the_table(data: st.DataObject) -> None:
    code = data.draw(codes)
    count = ITEM_COUNT[code]
    answers = data.draw(st.lists(st.integers(0, 3), min_size=count, max_size=count))

    result = score(code, answers)

    assert result.complete
    assert result.total == sum(answers)
    assert 0 <= result.total <= MAX_TOTAL[code]
    assert result.severity == expected_severity(code, result.total)
    assert result.severity == severity(code, result.total)


@given(st.data())
def test_it_gives_no_total_whenever_an_answer_is_missing(data: st.DataObject) -> None:
    code = data.draw(codes)
    count = ITEM_COUNT[code]
    answers = data.draw(
        st.lists(st.none() | st.integers(0, 3), min_size=count, max_size=count).filter(
            lambda values: None in values
        )
    )

    assert score(code, answers) == Score(total=None, severity=None, complete=False)


@given(st.data())
def test_it_refuses_any_answer_that_is_not_an_int_0_to_3(data: st.DataObject) -> None:
    code = data.draw(codes)
    answers: list[object] = [0] * ITEM_COUNT[code]
    position = data.draw(st.integers(0, ITEM_COUNT[code] - 1))
    answers[position] = data.draw(not_an_answer)
    partial = data.draw(st.booleans())

    with pytest.raises(InstrumentError) as caught:
        validate_answers(code, answers, allow_partial=partial)
    assert caught.value.code == "invalid_value"
    with pytest.raises(InstrumentError):
        score(code, answers)


@given(st.data())
def test_it_refuses_any_wrong_number_of_answers(data: st.DataObject) -> None:
    code = data.draw(codes)
    answers = data.draw(
        st.lists(st.integers(0, 3), max_size=20).filter(lambda v: len(v) != ITEM_COUNT[code])
    )

    with pytest.raises(InstrumentError) as caught:
        score(code, answers)
    assert caught.value.code == "wrong_item_count"


@given(codes, st.integers())
def test_it_bands_every_total_in_range_and_refuses_the_rest(code: str, total: int) -> None:
    if 0 <= total <= MAX_TOTAL[code]:
        assert severity(code, total) == expected_severity(code, total)
    else:
        with pytest.raises(InstrumentError):
            severity(code, total)
