"""The PHQ-9 and GAD-7 as CLINICAL.md states them: texts, LOINC codes, scoring and validation."""

import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from followup.clinical.instruments import (
    INSTRUMENTS,
    Band,
    Incomplete,
    InstrumentError,
    InvalidDifficulty,
    InvalidTotal,
    InvalidValue,
    Score,
    UnknownInstrument,
    UnknownItem,
    WrongItemCount,
    get_instrument,
    parse_answer,
    prorated_total,
    score,
    severity,
    validate_answer,
    validate_answers,
    validate_difficulty,
)

ITEM_COUNT = {"phq9": 9, "gad7": 7}
MAX_TOTAL = {"phq9": 27, "gad7": 21}

# The severity tables of CLINICAL.md, written out again so the code is checked against them.
BANDS = {
    "phq9": [
        (0, 4, "minimal"),
        (5, 9, "mild"),
        (10, 14, "moderate"),
        (15, 19, "moderately_severe"),
        (20, 27, "severe"),
    ],
    "gad7": [(0, 4, "minimal"), (5, 9, "mild"), (10, 14, "moderate"), (15, 21, "severe")],
}


def expected_severity(code: str, total: int) -> str:
    return next(name for low, high, name in BANDS[code] if low <= total <= high)


def answers_totalling(code: str, total: int) -> list[int]:
    """Valid answers with the given total, filled from the first item."""
    answers = []
    for _ in range(ITEM_COUNT[code]):
        value = min(3, total)
        answers.append(value)
        total -= value
    assert total == 0
    return answers


codes = st.sampled_from(["phq9", "gad7"])
not_an_answer = st.one_of(
    st.integers().filter(lambda value: not 0 <= value <= 3),
    st.booleans(),
    st.text(max_size=3),
    st.floats(allow_nan=True),
    st.just([1]),
)


# --- The instruments as data ----------------------------------------------------------------


def test_it_lists_phq9_then_gad7() -> None:
    assert list(INSTRUMENTS) == ["phq9", "gad7"]
    assert [instrument.name for instrument in INSTRUMENTS.values()] == ["PHQ-9", "GAD-7"]


@pytest.mark.parametrize("code", ["phq9", "gad7"])
def test_it_gets_an_instrument_by_code(code: str) -> None:
    instrument = get_instrument(code)

    assert instrument.code == code
    assert instrument.item_count == ITEM_COUNT[code]
    assert instrument.max_total == MAX_TOTAL[code]
    assert [item.number for item in instrument.items] == list(range(1, ITEM_COUNT[code] + 1))


@pytest.mark.parametrize("code", ["PHQ9", "phq-9", "phq8", "", None, ["phq9"]])
def test_it_refuses_an_unknown_instrument(code: object) -> None:
    with pytest.raises(UnknownInstrument) as caught:
        get_instrument(code)  # type: ignore[arg-type]

    assert caught.value.code == "unknown_instrument"
    assert caught.value.field == "instrument"
    assert "expected phq9 or gad7" in caught.value.message


def test_it_uses_the_loinc_codes_of_clinical_md() -> None:
    phq9, gad7 = INSTRUMENTS["phq9"], INSTRUMENTS["gad7"]

    assert (phq9.panel_loinc, phq9.total_loinc) == ("44249-1", "44261-6")
    assert " ".join(item.loinc for item in phq9.items) == (
        "44250-9 44255-8 44259-0 44254-1 44251-7 44258-2 44252-5 44253-3 44260-8"
    )
    assert (gad7.panel_loinc, gad7.total_loinc) == ("69737-5", "70274-6")
    assert " ".join(item.loinc for item in gad7.items) == (
        "69725-0 68509-9 69733-4 69734-2 69735-9 69689-8 69736-7"
    )


@pytest.mark.parametrize("code", ["phq9", "gad7"])
def test_it_offers_the_four_frequency_options(code: str) -> None:
    options = [(o.value, o.label, o.loinc) for o in get_instrument(code).options]

    assert options == [
        (0, "Not at all", "LA6568-5"),
        (1, "Several days", "LA6569-3"),
        (2, "More than half the days", "LA6570-1"),
        (3, "Nearly every day", "LA6571-9"),
    ]


@pytest.mark.parametrize("code", ["phq9", "gad7"])
def test_it_asks_the_unscored_difficulty_question(code: str) -> None:
    difficulty = get_instrument(code).difficulty

    assert difficulty.loinc == "69722-7"
    assert difficulty.text == (
        "If you checked off any problems, how difficult have these problems made it for you to do "
        "your work, take care of things at home, or get along with other people?"
    )
    assert [(o.value, o.label) for o in difficulty.options] == [
        (0, "Not difficult at all"),
        (1, "Somewhat difficult"),
        (2, "Very difficult"),
        (3, "Extremely difficult"),
    ]


def test_it_shows_the_phq9_wording_verbatim() -> None:
    phq9 = INSTRUMENTS["phq9"]

    assert phq9.stem == (
        "Over the last 2 weeks, how often have you been bothered by any of the following problems?"
    )
    assert phq9.items[0].text == "Little interest or pleasure in doing things"
    assert phq9.items[5].text == (
        "Feeling bad about yourself \u2014 or that you are a failure or have let yourself or your "
        "family down"
    )
    assert phq9.items[7].text == (
        "Moving or speaking so slowly that other people could have noticed. Or the opposite "
        "\u2014 being so fidgety or restless that you have been moving around a lot more than usual"
    )
    assert phq9.items[8].text == (
        "Thoughts that you would be better off dead, or of hurting yourself in some way"
    )


def test_it_shows_the_gad7_wording_verbatim() -> None:
    gad7 = INSTRUMENTS["gad7"]

    assert gad7.stem == (
        "Over the last 2 weeks, how often have you been bothered by the following problems?"
    )
    assert gad7.items[1].text == "Not being able to stop or control worrying"
    assert gad7.items[6].text == "Feeling afraid, as if something awful might happen"


@pytest.mark.parametrize("code", ["phq9", "gad7"])
def test_it_has_bands_covering_every_total_once(code: str) -> None:
    bands = get_instrument(code).bands

    assert [(band.low, band.high, band.code) for band in bands] == BANDS[code]
    assert all(isinstance(band, Band) and band.label for band in bands)
    covered = [total for band in bands for total in range(band.low, band.high + 1)]
    assert covered == list(range(MAX_TOTAL[code] + 1))


def test_it_labels_bands_for_humans() -> None:
    labels = [band.label for band in INSTRUMENTS["phq9"].bands]

    assert labels == ["Minimal", "Mild", "Moderate", "Moderately severe", "Severe"]


# --- Severity -------------------------------------------------------------------------------


# Both ends of every band of BANDS: PHQ-9 0/4, 5/9, 10/14, 15/19, 20/27; GAD-7 0/4, 5/9, 10/14,
# 15/21.
BOUNDARIES = [
    (code, total, name)
    for code, bands in BANDS.items()
    for low, high, name in bands
    for total in (low, high)
]


@pytest.mark.parametrize(("code", "total", "expected"), BOUNDARIES)
def test_it_bands_each_boundary_total(code: str, total: int, expected: str) -> None:
    assert severity(code, total) == expected
    assert score(code, answers_totalling(code, total)).severity == expected


@pytest.mark.parametrize(
    ("code", "total"),
    [("phq9", -1), ("phq9", 28), ("gad7", 22), ("gad7", -5), ("phq9", True), ("phq9", "5")],
)
def test_it_refuses_a_total_out_of_range(code: str, total: object) -> None:
    with pytest.raises(InvalidTotal) as caught:
        severity(code, total)  # type: ignore[arg-type]

    assert caught.value.code == "invalid_total"
    assert caught.value.field == "total"


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


# --- SMS answers ----------------------------------------------------------------------------


# What a patient may text for each option: the digit, the label, both when they agree, the
# number as a word or a keycap emoji, and the plain words that can mean nothing else.
REPLIES = {
    0: [
        *["0", "'0'", "not at all", "Not at all.", "NOT AT ALL", "notatall", "0 not at all"],
        *["zero", "Zero.", "no", "No!", "none", "never", "nope", "0\ufe0f\u20e3", "0\u20e3"],
    ],
    1: [
        *["1", "(1)", "several days", "Several day", "1) Several days", "one", "ONE"],
        *["1\ufe0f\u20e3", "Several days!", "1 - several days"],
    ],
    2: [
        *["2", " 2 ", "2.", "more than half the days", "More than half", "2 - more than half"],
        *["two", "Two.", "2\ufe0f\u20e3", "more than half of the days"],
    ],
    3: [
        *["3", "3!", "nearly every day", "Nearly everyday!", "3: nearly every day", "three"],
        *["Nearly every day", "3 - every day", "3) nearly every day", "3\ufe0f\u20e3"],
        *["every day", "Everyday", "daily", "all the time", "Always", "almost every day"],
    ],
}
NOT_ANSWERS = [
    *["4", "10", "-1", "+2", "2 or 3", "2/3", "1.5", "23", "", "   ", "1\ufe0f\u20e30\ufe0f\u20e3"],
    *["yes", "STOP", "half", "1 nearly every day", "several days, maybe more", "no one"],
    *["sometimes", "idk", "not sure", "two or three", "3 times", "0 every day", "4\ufe0f\u20e3"],
    "I want to die",
]


@pytest.mark.parametrize(
    ("text", "expected"), [(text, value) for value, texts in REPLIES.items() for text in texts]
)
def test_it_reads_a_digit_or_an_option_label_as_an_answer(text: str, expected: int) -> None:
    assert parse_answer(text) == expected


@pytest.mark.parametrize("text", NOT_ANSWERS)
def test_it_reads_anything_else_as_no_answer(text: str) -> None:
    assert parse_answer(text) is None


@given(st.text(max_size=40))
def test_it_never_reads_an_answer_outside_0_to_3(text: str) -> None:
    assert parse_answer(text) in {None, 0, 1, 2, 3}


@given(st.integers().filter(lambda value: not 0 <= value <= 3))
def test_it_never_reads_another_number_as_an_answer(value: int) -> None:
    assert parse_answer(str(value)) is None


# --- Purity ---------------------------------------------------------------------------------


@pytest.mark.processes
def test_it_imports_without_django_or_drf() -> None:
    code = (
        "import sys, followup.clinical.instruments, followup.clinical.rules, followup.clinical.crisis_language\n"
        "loaded = [m for m in sys.modules if m.split('.')[0] in {'django', 'rest_framework'}]\n"
        "assert not loaded, loaded\n"
    )
    root = Path(__file__).resolve().parents[2]

    subprocess.run([sys.executable, "-c", code], cwd=root, check=True)
