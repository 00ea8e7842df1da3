"""Reading a patient's SMS reply: an attempt at an answer, a message to read, or a thank-you
(``followup.clinical.sms_replies``; ``parse_answer`` itself is tested with the instruments)."""

import pytest

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
