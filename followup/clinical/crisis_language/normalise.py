"""How a message is read before the patterns look at it.

1. ``lowered``: accents and invisible characters dropped, lower case, one apostrophe, emoji
   that carry a meaning here read as words ("🔫" -> "gun", "💊" -> "pill"), digits and symbols
   standing for letters undone inside words ("k1ll", "$uicide").
2. ``words``: apostrophes dropped ("don't" -> "dont"), spelled-out letters joined
   ("s u i c i d e", "k.m.s"), punctuation as spaces, texting shorthands and common misspellings
   written out ("2" -> "to", "tmrw" -> "tomorrow", "noone" -> "no one"), near-misses of a few key
   words corrected ("sucidal", "overdoes", "goodbey"), and every medicine's name read as "pills"
   ("took 20 of my klonopin" -> "took 20 of my pills"). A second reading keeps punctuation as a
   sentence break (" . "), so "I can't go on. The pain..." is not "can't go on the trip".
3. ``squeezed``: runs of a repeated letter squeezed to one ("suiciiide", "killl" -> "kil").
   Patterns are written in ordinary spelling and squeezed the same way when compiled.
"""

import functools
import re
import unicodedata
from dataclasses import dataclass

from rapidfuzz import process
from rapidfuzz.distance import OSA

from followup.clinical.crisis_language.drugs import is_drug_name

_APOSTROPHES = re.compile(r"[\u2018\u2019\u201b\u2032\u02bc\u02b9`\u00b4]")
# Emoji that patients use for a means or for death, read as the word they stand for. The
# patterns then decide by context: "🔫 to my head" flags, a lone "💀" (laughing) does not.
_EMOJI = {
    "\U0001f52b": " gun ",  # pistol
    "\U0001f48a": " pill ",  # pill
    "\U0001faa2": " rope ",  # knot
    "\u26b0": " coffin ",  # coffin
    "\U0001faa6": " grave ",  # headstone
    "\U0001f52a": " knife ",  # kitchen knife
    "\U0001f5e1": " knife ",  # dagger
    "\U0001fa78": " blood ",  # drop of blood
    "\U0001f480": " skull ",  # skull (also "I'm dead" laughing: never enough alone)
    "\u2620": " skull ",  # skull and crossbones
    "\U0001f309": " bridge ",  # bridge at night
    "\U0001f30a": " ocean ",  # water wave
}
_EMOJI_RE = re.compile("|".join(map(re.escape, _EMOJI)))
# Digits and symbols standing for letters, undone only inside a word that has letters,
# so a bare "2" or "20" (answers, times, counts) is left alone.
_LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a"})
_LEET_DOLLAR = re.compile(r"\$(?=[a-z])|(?<=[a-z])\$")
_LEET_BANG = re.compile(r"(?<=[a-z])[!|*](?=[a-z])")
# Three or more single letters in a row are one spelled-out word: "s u i c i d e", "k.m.s".
_SPELLED_OUT = re.compile(r"(?<![a-z0-9])[a-z](?:[\s.,*_-]+[a-z](?![a-z0-9])){2,}")
# Counts with a unit or an ordinal stay counts: "20mg" -> "20 mg", "2nd" is left alone.
_NUMBER_UNIT = re.compile(r"(?<=[0-9])(?=(?:mg|mcg|ml|g|x|pills?|tabs?)\b)")
# Texting shorthands and misspellings, as whole words.
# fmt: off
_SHORTHANDS = {
    "2": "to", "4": "for", "u": "you", "ur": "your", "r": "are", "b": "be", "n": "and",
    "y": "why", "w": "with", "wo": "without", "dnt": "dont", "wnt": "want", "wana": "wanna",
    "gna": "gonna", "gunna": "gonna", "finna": "gonna", "tmrw": "tomorrow", "tmr": "tomorrow",
    "tmrow": "tomorrow", "tomoro": "tomorrow", "tomorow": "tomorrow", "2moro": "tomorrow",
    "2morrow": "tomorrow", "tonite": "tonight", "2nite": "tonight", "2night": "tonight",
    "nite": "night", "ppl": "people", "every1": "everyone", "evry1": "everyone",
    "some1": "someone", "any1": "anyone", "no1": "no one", "noone": "no one",
    "nobdy": "nobody", "bc": "because", "cuz": "because", "coz": "because", "cos": "because",
    "idc": "i dont care", "idk": "i dont know", "idw": "i dont want", "rn": "right now",
    "wud": "would", "wld": "would", "cud": "could", "shud": "should", "shld": "should",
    "ded": "dead", "luv": "love", "bout": "about", "alot": "a lot", "anymo": "anymore",
    "nomore": "no more", "evrything": "everything", "everythin": "everything", "thru": "through",
    "ima": "im gonna", "imma": "im gonna", "iam": "i am", "tryna": "trying to", "mself": "myself", "myslef": "myself", "mysef": "myself",
    "myslf": "myself", "meself": "myself", "lyf": "life", "lfe": "life",
}
# fmt: on
# Key words whose misspellings the patterns cannot all list: corrected when a word is one edit
# (two for long words) away from one. Words with an innocent neighbour ("kill" / "skill",
# "hopeless" / "homeless") are not here; their spellings are in the patterns.
# fmt: off
_KEY_WORDS = (
    "suicide", "suicidal", "overdose", "overdosed", "overdosing", "myself", "unalive",
    "goodbye", "anymore", "worthless", "pointless", "disappear", "medication", "medications",
    "tablets", "paracetamol", "acetaminophen", "ibuprofen", "tylenol", "sleeping", "funeral",
    "burden", "everyone", "without", "tonight", "tomorrow", "weekend",
)
# Ordinary words a key word must never swallow.
_NOT_MISSPELLINGS = frozenset(
    {"overdone", "overdue", "overdoses", "itself", "thyself", "mystify", "himself", "herself",
     "tablet", "burdens", "burden", "goodbyes", "without", "withhout", "weekends", "sleeping"}
)
# fmt: on
_REPEATS = re.compile(r"([a-z])\1+")


def _unleet(token: str) -> str:
    if not re.search(r"[a-z]", token):
        return token
    token = _LEET_DOLLAR.sub("s", token.translate(_LEET))
    return _LEET_BANG.sub("i", token)


def lowered(text: str) -> str:
    """Lower case, no accents or invisible characters, one apostrophe, emoji as words, digits
    read as letters inside words."""
    text = _EMOJI_RE.sub(lambda match: _EMOJI[match.group()], text)
    decomposed = unicodedata.normalize("NFKD", text)
    kept = "".join(
        char
        for char in decomposed
        if unicodedata.category(char) not in {"Mn", "Cf", "Cc"} or char in "\n\t"
    )
    text = _APOSTROPHES.sub("'", kept.casefold())
    text = _NUMBER_UNIT.sub(" ", text)
    return " ".join(_unleet(token) for token in text.split())


@functools.lru_cache(maxsize=8192)
def _word(word: str) -> str:
    """One word as the patterns read it: shorthand written out, near-miss corrected, a
    medicine's name read as "pills"."""
    if word in _SHORTHANDS:
        return _SHORTHANDS[word]
    if not word.isalpha() or len(word) < 6 or word in _KEY_WORDS or word in _NOT_MISSPELLINGS:
        return "pills" if word.isalpha() and len(word) >= 4 and is_drug_name(word) else word
    if is_drug_name(word):
        return "pills"
    squeezed = _REPEATS.sub(r"\1", word)
    limit = 1 if len(word) < 9 else 2
    found = process.extractOne(
        squeezed, _KEY_WORDS, scorer=OSA.distance, processor=None, score_cutoff=limit
    )
    return found[0] if found else word


def words(lowered_text: str, *, sentence_breaks: bool = False) -> str:
    """Words only: see the module's docstring, step 2."""
    text = lowered_text.replace("'", "")
    text = re.sub(r"(?<=[a-z])2(?=[a-z])", " to ", text)  # "want2die"
    text = _SPELLED_OUT.sub(lambda match: re.sub(r"[^a-z]", "", match.group()), text)
    text = re.sub(r"[^a-z0-9\s]+", " . " if sentence_breaks else " ", text)
    return " ".join(_word(word) for word in text.split())


def squeeze(text: str) -> str:
    return _REPEATS.sub(r"\1", text)


def normalise(text: str) -> str:
    """The squeezed word form most patterns read (exposed for tests and debugging)."""
    return squeeze(words(lowered(text)))


@dataclass(frozen=True)
class Forms:
    """The readings of one message the pattern tables are tried on."""

    lowered: str
    words: tuple[str, ...]  # spaces, sentence breaks
    squeezed: tuple[str, ...]  # the same, squeezed


def read(text: str) -> Forms:
    low = lowered(text)
    spaced = words(low)
    broken = words(low, sentence_breaks=True)
    return Forms(
        lowered=low,
        words=(spaced, broken),
        squeezed=(squeeze(spaced), squeeze(broken)),
    )
