"""Reading a patient's SMS reply (``followup.clinical.sms_replies``): which option an answer
means, an attempt at an answer, a message to read, or a thank-you."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from followup.clinical.sms_replies import is_pleasantry, looks_like_answer, parse_answer

ANSWER_LIKE = ["7", "10", "2 or 3", "sometimes", "idk", "not sure", "I don't know", "yes", ""]
MESSAGES = ["can you call me", "I feel awful today", "my dog died", "running late, sorry"]


@pytest.mark.parametrize("text", ANSWER_LIKE)
def test_it_reads_a_reply_that_only_tries_to_answer_as_answer_like(text: str) -> None:
    assert looks_like_answer(text)


@pytest.mark.parametrize("text", MESSAGES)
def test_it_reads_a_reply_with_other_words_as_a_message(text: str) -> None:
    assert not looks_like_answer(text)
    assert parse_answer(text) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        *[("ok", True), ("Thanks!", True), ("thank you", True), ("\U0001f44d", True)],
        *[("ok but I feel bad", False), ("thanks, can you call me", False), ("no", False)],
    ],
)
def test_it_knows_a_thank_you_carries_no_message(text: str, expected: bool) -> None:
    assert is_pleasantry(text) is expected


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
