"""Validating PHQ-9 and GAD-7 answers as CLINICAL.md states them: how many, which values, the
item numbers and the unscored difficulty; each refusal a value error with a stable code."""

import pytest

from followup.clinical.instruments import (
    Incomplete,
    InstrumentError,
    InvalidDifficulty,
    InvalidValue,
    UnknownInstrument,
    UnknownItem,
    WrongItemCount,
    validate_answer,
    validate_answers,
    validate_difficulty,
)

# --- Validation -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "count", "message"),
    [
        ("phq9", 8, "phq9 needs 9 answers, got 8"),
        ("phq9", 10, "phq9 needs 9 answers, got 10"),
        ("phq9", 0, "phq9 needs 9 answers, got 0"),
        ("gad7", 9, "gad7 needs 7 answers, got 9"),
        ("gad7", 6, "gad7 needs 7 answers, got 6"),
    ],
)
def test_it_refuses_a_wrong_number_of_answers(code: str, count: int, message: str) -> None:
    with pytest.raises(WrongItemCount) as caught:
        validate_answers(code, [1] * count)

    assert caught.value.code == "wrong_item_count"
    assert caught.value.message == message
    assert str(caught.value) == message
    assert caught.value.field == "answers"


@pytest.mark.parametrize("answers", ["012301230", b"012301230", {1: 1}, 5, None])
def test_it_refuses_answers_that_are_not_a_list(answers: object) -> None:
    with pytest.raises(WrongItemCount, match="phq9 answers must be a list of 9 values"):
        validate_answers("phq9", answers)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("value", "shown"),
    [(7, "7"), (4, "4"), (-1, "-1"), (True, "True"), (False, "False"), ("2", "'2'"), (2.0, "2.0")],
)
def test_it_refuses_an_answer_outside_0_to_3(value: object, shown: str) -> None:
    answers: list[object] = [0] * 9
    answers[2] = value

    with pytest.raises(InvalidValue) as caught:
        validate_answers("phq9", answers)

    assert caught.value.code == "invalid_value"
    assert caught.value.message == f"phq9 item 3: answer must be 0, 1, 2 or 3, got {shown}"
    assert caught.value.field == "answers[2]"
    assert caught.value.extra == {"item": 3}


def test_it_keeps_long_refused_values_short_in_the_message() -> None:
    with pytest.raises(InvalidValue) as caught:
        validate_answers("gad7", ["x" * 500] + [0] * 6)

    assert len(caught.value.message) < 80


def test_it_refuses_a_missing_answer_unless_partial_is_allowed() -> None:
    answers = [1, 2, None, 0, 0, 0, 0]

    with pytest.raises(Incomplete) as caught:
        validate_answers("gad7", answers)
    assert caught.value.code == "incomplete"
    assert caught.value.message == "gad7 item 3: no answer; a complete response needs all 7"

    assert validate_answers("gad7", answers, allow_partial=True) == answers


def test_it_returns_a_clean_list() -> None:
    assert validate_answers("gad7", (0, 1, 2, 3, 0, 1, 2)) == [0, 1, 2, 3, 0, 1, 2]


def test_it_validates_one_answer_by_item_number() -> None:
    assert validate_answer("phq9", 9, 3) == 3
    assert validate_answer("phq9", 9, None, allow_none=True) is None
    with pytest.raises(InvalidValue, match="phq9 item 9: answer must be 0, 1, 2 or 3, got 4"):
        validate_answer("phq9", 9, 4)


@pytest.mark.parametrize(
    ("code", "number"), [("phq9", 0), ("phq9", 10), ("gad7", 8), ("gad7", True)]
)
def test_it_refuses_an_item_number_the_instrument_does_not_have(code: str, number: object) -> None:
    with pytest.raises(UnknownItem) as caught:
        validate_answer(code, number, 1)  # type: ignore[arg-type]

    assert caught.value.code == "unknown_item"


@pytest.mark.parametrize("value", [None, 0, 1, 2, 3])
def test_it_accepts_a_difficulty_of_0_to_3_or_none(value: int | None) -> None:
    assert validate_difficulty(value) == value


@pytest.mark.parametrize("value", [4, -1, True, False, "1", 1.0])
def test_it_refuses_any_other_difficulty(value: object) -> None:
    with pytest.raises(InvalidDifficulty) as caught:
        validate_difficulty(value)

    assert caught.value.code == "invalid_difficulty"
    assert caught.value.field == "difficulty"


def test_it_raises_errors_that_are_value_errors_with_a_stable_code() -> None:
    for error in (UnknownInstrument, WrongItemCount, InvalidValue, Incomplete, InvalidDifficulty):
        assert issubclass(error, InstrumentError)
        assert issubclass(error, ValueError)
    assert UnknownInstrument.code == "unknown_instrument"
    assert WrongItemCount.code == "wrong_item_count"
    assert InvalidValue.code == "invalid_value"
    assert Incomplete.code == "incomplete"
