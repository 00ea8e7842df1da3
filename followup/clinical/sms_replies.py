"""Reading a patient's SMS reply to a check-in question (SPEC §7, CLINICAL.md flag rules).

Plain Python over plain text, no Django: which option a reply means (``parse_answer``), and
whether a reply that is no answer still reads as an attempt at one (``looks_like_answer``: ask
again) rather than a message for the clinic to read.

Every option has the same four values on both scales, so one table serves every item. A reply is
read whole: any word the table does not know makes it no answer, so "2 or 3", "10" or "several
days, maybe more" are never read as a value. For PHQ-9 item 9 that matters most: what is not an
answer there raises the flag (CLINICAL.md fail-safe), so the 0 side of the table holds only the
replies that unambiguously mean "not at all".
"""

import re
import unicodedata

# The words a patient may use for each option, besides its digit. Spaces inside the words are
# forgiven ("notatall", "everyday"). "every day", "daily", "all the time" and "always" are read
# as "nearly every day": they can mean nothing less.
OPTION_WORDS: dict[int, tuple[str, ...]] = {
    0: ("not at all", "zero", "no", "nope", "nah", "none", "none at all", "never", "not ever"),
    1: ("several days", "several day", "one"),
    2: ("more than half the days", "more than half of the days", "more than half", "two"),
    3: (
        "nearly every day",
        "nearly every days",
        "almost every day",
        "every day",
        "every single day",
        "daily",
        "all the time",
        "always",
        "three",
    ),
}


def _words_pattern(words: str) -> str:
    return r"\s*".join(re.escape(word) for word in words.split())


_LABEL = "|".join(
    f"(?P<l{value}>{'|'.join(_words_pattern(w) for w in sorted(words, key=len, reverse=True))})"
    for value, words in OPTION_WORDS.items()
)
# An optional digit, optional option words, or both when they agree: "2", "(2)", "Several days",
# "3 - every day", "3) nearly every day".
_ANSWER = re.compile(r"(?:(?P<digit>[0-3])(?:\s*[-=:.)]\s*|\s+)?)?(?:" + _LABEL + ")?")
# Punctuation allowed around an answer. Not "-" or "+": "-1" must not read as 1.
_SURROUNDING = " \t\r\n.,!?;:'\"()[]{}*_~"
# A keycap emoji is the digit, a variation selector and the combining keycap: "3️⃣" reads "3".
_KEYCAP = str.maketrans({"\ufe0f": None, "\u20e3": None, "\ufe0e": None})
_APOSTROPHES = re.compile(r"[\u2018\u2019\u02bc`']")


def _clean(text: str) -> str:
    text = unicodedata.normalize("NFKC", text.translate(_KEYCAP))
    return " ".join(text.lower().split()).strip(_SURROUNDING)


def parse_answer(text: str) -> int | None:
    """The option value (0-3) a patient's SMS reply means, or None when it is not a clear answer.

    Accepts "0" to "3" (also as keycap emoji, with surrounding spaces or punctuation), the option
    labels and the words of ``OPTION_WORDS`` in any case, and a digit with its words when they
    agree ("3 - every day"). "4", "10", "-1", "2 or 3", "1 nearly every day" are not answers.
    """
    if not isinstance(text, str):
        return None
    cleaned = _clean(text)
    if not cleaned:
        return None
    match = _ANSWER.fullmatch(cleaned)
    if match is None:
        return None
    digit = match.group("digit")
    label = next((value for value in OPTION_WORDS if match.group(f"l{value}") is not None), None)
    if digit is not None and label is not None and int(digit) != label:
        return None  # "1 nearly every day": contradictory, ask again
    if digit is not None:
        return int(digit)
    return label


# Words of a reply that tries to answer but is not clear: ask again rather than hand it to a
# clinician to read. Anything else is a message (CLINICAL.md ``unread_message``).
_UNSURE_WORDS = (
    "a about and bit days dont dunno every few guess half i idk it kinda know like little lot "
    "maybe most mostly not nothing occasionally of often ok okay once or rarely some sometimes "
    "somewhat sort sure than the think time times to unsure usually yeah yep yes y n um uh hmm hm"
)
_ANSWER_LIKE_WORDS = frozenset(
    {word for words in OPTION_WORDS.values() for phrase in words for word in phrase.split()}
    | set(_UNSURE_WORDS.split())
)
_ANSWER_LIKE_MAX_WORDS = 6


def looks_like_answer(text: str) -> bool:
    """Whether a reply that is no answer is still only an attempt at one: numbers, option words,
    "sometimes", "idk", "2 or 3", "not sure". Such a reply is asked again; a reply with any other
    word is a message the clinic must read."""
    if not isinstance(text, str):
        return True
    cleaned = _APOSTROPHES.sub("", _clean(text))
    tokens = re.findall(r"[^\W\d_]+|\d+", cleaned)
    if len(tokens) > _ANSWER_LIKE_MAX_WORDS:
        return False
    return all(token.isdigit() or token in _ANSWER_LIKE_WORDS for token in tokens)


# Replies that carry no message: a thank-you or an "ok" after a check-in needs no clinician.
_PLEASANTRY_PHRASES = frozenset(
    {
        "ok",
        "okay",
        "k",
        "kk",
        "ok thanks",
        "ok thank you",
        "okay thanks",
        "okay thank you",
        "thanks",
        "thank you",
        "thank you so much",
        "thanks so much",
        "thankyou",
        "thx",
        "ty",
        "thank u",
        "got it",
        "will do",
        "cool",
        "great",
        "great thanks",
        "sounds good",
        "noted",
        "\U0001f44d",
    }
)


def is_pleasantry(text: str) -> bool:
    """ "ok", "thanks", "got it", a thumbs-up: a reply with nothing in it for a clinician."""
    if not isinstance(text, str):
        return False
    cleaned = " ".join(re.findall(r"[^\W_]+|\U0001f44d", _clean(text)))
    return cleaned in _PLEASANTRY_PHRASES
