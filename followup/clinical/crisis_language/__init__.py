"""Crisis language in a patient's free-text message (CLINICAL.md, flag rules, ``crisis_language``).

A false negative is the worst error, so this errs towards flagging. Two readers look at every
message:

1. The phrase tables. How a message is read (``normalise.py``): lower case, emoji as words,
   leetspeak and spelled-out letters undone, shorthands and misspellings written out, medicine
   names read as "pills", repeated letters squeezed. Idioms that only look like crisis language
   ("my phone is about to die") are blanked, then the pattern tables (``patterns.py``) are tried,
   most acute category first (``categories.ORDER``); the first match names the category. When no
   pattern matches, a second reading (``evidence.py``) weighs the concepts the message combines
   (death and its euphemisms, a means, a wish or a plan, a time, self-harm, burden...) against
   a threshold.
2. The trained reader (``semantic.py``): a small language model that learned from the corpus's
   rounds of messages what the tables cannot list. (Reading each sentence of a long message on
   its own as well caught 1 % more crisis texts and flagged twice the look-alikes: not done.)

Every round of messages written by someone new found phrasings the tables did not know (they
flagged 55-90 % of a new round's crisis texts, and 7-46 % of its look-alikes: "watched a
documentary about suicide prevention", "no thoughts of hurting myself this week"), and letting
either reader flag alone cost more look-alikes than it caught crises. So the reader decides;
the tables name the category when they match (a message only the reader flags is
``unlisted``), and decide alone when the reader cannot load. Pure: no Django and no I/O when a
message is checked.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass

from followup.clinical.crisis_language import evidence, patterns, semantic
from followup.clinical.crisis_language.categories import (
    BURDEN,
    CANT_GO_ON,
    COMMAND_HALLUCINATION,
    END_LIFE,
    FAREWELL,
    HOPELESSNESS,
    ITEM_9_LISTED,
    KILL_SELF,
    MEANS_ACCESS,
    NO_REASON_TO_LIVE,
    ORDER,
    OVERDOSE,
    PLAN_INTENT,
    PREPARATION,
    SELF_HARM,
    SUICIDE,
    SUICIDE_METHOD,
    UNLISTED,
    WANT_TO_DIE,
)
from followup.clinical.crisis_language.normalise import normalise, read

__all__ = [
    "BURDEN",
    "CANT_GO_ON",
    "CATEGORIES",
    "COMMAND_HALLUCINATION",
    "END_LIFE",
    "FAREWELL",
    "HOPELESSNESS",
    "ITEM_9_LISTED",
    "KILL_SELF",
    "MEANS_ACCESS",
    "NO_REASON_TO_LIVE",
    "OVERDOSE",
    "PLAN_INTENT",
    "PREPARATION",
    "SELF_HARM",
    "SUICIDE",
    "SUICIDE_METHOD",
    "UNLISTED",
    "WANT_TO_DIE",
    "CrisisMatch",
    "contains_crisis_language",
    "find_crisis_language",
    "match_crisis_language",
    "normalise",
]

CATEGORIES = ORDER


@dataclass(frozen=True)
class CrisisMatch:
    """What was found: a stable ``category`` and the normalised ``phrase`` that matched."""

    category: str
    phrase: str


# The same squeeze as the messages get, on a pattern's source, skipping regex escapes such as
# the b of \bbetter.
_PATTERN_REPEATS = re.compile(r"(?<!\\)([a-z])\1+")


def _squeezed(pattern: str) -> str:
    return _PATTERN_REPEATS.sub(r"\1", pattern)


def _compile(
    table: tuple[tuple[str, str], ...], prepare: Callable[[str], str] = str
) -> tuple[tuple[str, re.Pattern[str]], ...]:
    ordered = sorted(table, key=lambda row: ORDER.index(row[0]))  # stable within a category
    return tuple((category, re.compile(prepare(pattern))) for category, pattern in ordered)


_IDIOMS = re.compile("|".join(f"(?:{_squeezed(idiom)})" for idiom in patterns.IDIOMS))
_SQUEEZED = _compile(patterns.PATTERNS, _squeezed)
_UNSQUEEZED = _compile(patterns.UNSQUEEZED_PATTERNS)
_LOWERED = _compile(patterns.LOWERED_PATTERNS)
# One pass that says whether any squeezed pattern can match, so an ordinary message costs one
# search per reading instead of one per pattern.
_ANY_SQUEEZED = re.compile("|".join(f"(?:{pattern.pattern})" for _, pattern in _SQUEEZED))


def match_crisis_language(text: str) -> CrisisMatch | None:
    """Crisis language in ``text``: its category and the phrase that named it, or None.

    The trained reader decides (``semantic.THRESHOLD``); the phrase tables name the category
    when they match, and decide alone for a text of digits (no words to read) and when the
    reader cannot load (its package missing), flagging more rather than less.
    """
    if not isinstance(text, str) or not text.strip():
        return None
    if text.isascii() and not any(character.isalpha() for character in text):
        return _read_tables(text)  # digits and punctuation ("2", "3 3 1"): no words to read
    try:
        score = semantic.probability(text)
    except semantic.ReaderUnavailable:
        return _read_tables(text)
    if score < semantic.THRESHOLD:
        return None
    return _read_tables(text) or CrisisMatch(UNLISTED, "")


# All nine PHQ-9 answers in one text, the last (item 9) above 0: "3, 2, 1, 0, 2, 3, 1, 2, 3".
_NINE_ANSWERS = re.compile(r"\s*(?:[0-3]\s*[,;/.\s-]\s*){8}[1-3]\s*[.!]?\s*")


def _read_tables(text: str) -> CrisisMatch | None:
    """What the phrase tables find, else what the concept weighing finds."""
    if _NINE_ANSWERS.fullmatch(text):
        return CrisisMatch(ITEM_9_LISTED, text.strip())
    forms = read(text)
    squeezed = tuple(
        evidence.blank_look_alikes(_IDIOMS.sub(" ~ ", form)) for form in forms.squeezed
    )
    found: list[tuple[int, CrisisMatch]] = []
    if any(_ANY_SQUEEZED.search(form) for form in squeezed):
        found += _first(_SQUEEZED, squeezed)
    found += _first(_UNSQUEEZED, forms.words)
    found += _first(_LOWERED, (forms.lowered,))
    if not found:
        # No known phrasing: the second reading weighs the concepts the message combines.
        category = evidence.assess(forms.squeezed[1])
        return CrisisMatch(category, forms.squeezed[1]) if category else None
    return min(found, key=lambda rank_and_match: rank_and_match[0])[1]


def _first(
    table: tuple[tuple[str, re.Pattern[str]], ...], forms: tuple[str, ...]
) -> list[tuple[int, CrisisMatch]]:
    for category, pattern in table:
        for form in forms:
            hit = pattern.search(form)
            if hit:
                return [(ORDER.index(category), CrisisMatch(category, hit.group()))]
    return []


def find_crisis_language(text: str) -> str | None:
    """The category of crisis language in ``text`` (e.g. ``"suicide"``), or None.

    Returns a category, not the patient's words, so it is safe to store in a flag or a log.
    """
    found = match_crisis_language(text)
    return found.category if found else None


def contains_crisis_language(text: str) -> bool:
    return match_crisis_language(text) is not None
