"""Crisis language in a patient's free-text SMS (CLINICAL.md, flag rules, ``crisis_language``).

A false negative is the worst error, so this errs towards flagging: it reads the words, not the
intent, and never interprets negation ("I'm not suicidal" flags; a clinician reads the message).

How a message is read:

1. It is normalised: accents and invisible characters dropped, lower case, apostrophes (curly
   ones too) removed ("don't" -> "dont"), common digit/symbol substitutions undone inside words
   ("k1ll", "$uicide"), spelled out letters joined ("s u i c i d e", "k.m.s"), and texting
   shorthands expanded ("2" -> "to"). Punctuation is read twice: once as spaces, so "self-harm"
   and "want to... die" read as words, and once as a sentence break, so "I can't go on. The
   pain..." is not mistaken for "can't go on the trip". A match in either reading counts.
2. Runs of a repeated letter are squeezed to one ("suiciiide", "killl", "kil" all read "kil").
   Patterns are written in ordinary spelling and squeezed the same way when compiled.
3. The named patterns below are tried in order; the first match names the category.

A few patterns read the text before squeezing, where doubled letters matter: "off myself" must
not become "of myself" ("proud of myself"), and "OD" must not match "odd".
"""

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

SUICIDE = "suicide"
KILL_SELF = "kill_self"
END_LIFE = "end_life"
SUICIDE_METHOD = "suicide_method"
OVERDOSE = "overdose"
WANT_TO_DIE = "want_to_die"
SELF_HARM = "self_harm"
NO_REASON_TO_LIVE = "no_reason_to_live"
CANT_GO_ON = "cant_go_on"
FAREWELL = "farewell"


@dataclass(frozen=True)
class CrisisMatch:
    """What was found: a stable ``category`` and the normalised ``phrase`` that matched."""

    category: str
    phrase: str


# --- Normalisation --------------------------------------------------------------------------

_APOSTROPHES = re.compile(r"[\u2018\u2019\u201b\u2032\u02bc\u02b9`\u00b4]")
# Digits and symbols standing for letters, undone only inside a word that has letters,
# so a bare "2" or "3" (answers, times) is left alone.
_LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a"})
_LEET_DOLLAR = re.compile(r"\$(?=[a-z])|(?<=[a-z])\$")
_LEET_BANG = re.compile(r"(?<=[a-z])[!|](?=[a-z])")
# Three or more single letters in a row are one spelled-out word: "s u i c i d e", "k.m.s".
_SPELLED_OUT = re.compile(r"(?<![a-z0-9])[a-z](?:[\s.,*_-]+[a-z](?![a-z0-9])){2,}")
# Texting shorthands, as whole words: "want 2 die", "nothing 4 me", "u", "ur".
_SHORTHANDS = {"2": "to", "4": "for", "u": "you", "ur": "your", "r": "are", "dnt": "dont"}
_REPEATS = re.compile(r"([a-z])\1+")
# The same squeeze on a pattern's source, skipping regex escapes such as the b of \bbetter.
_PATTERN_REPEATS = re.compile(r"(?<!\\)([a-z])\1+")


def _unleet(token: str) -> str:
    if not re.search(r"[a-z]", token):
        return token
    token = _LEET_DOLLAR.sub("s", token.translate(_LEET))
    return _LEET_BANG.sub("i", token)


def _lowered(text: str) -> str:
    """Lower case, no accents or invisible characters, one apostrophe, digits read as letters."""
    decomposed = unicodedata.normalize("NFKD", text)
    kept = "".join(
        char
        for char in decomposed
        if unicodedata.category(char) not in {"Mn", "Cf", "Cc"} or char in "\n\t"
    )
    lowered = _APOSTROPHES.sub("'", kept.casefold())
    return " ".join(_unleet(token) for token in lowered.split())


def _words(lowered: str, *, sentence_breaks: bool = False) -> str:
    """Words only: apostrophes dropped, spelled-out words joined, punctuation as spaces (or as
    " . " sentence breaks)."""
    text = lowered.replace("'", "")
    text = re.sub(r"(?<=[a-z])2(?=[a-z])", " to ", text)  # "want2die"
    text = _SPELLED_OUT.sub(lambda match: re.sub(r"[^a-z]", "", match.group()), text)
    text = re.sub(r"[^a-z0-9\s]+", " . " if sentence_breaks else " ", text)
    return " ".join(_SHORTHANDS.get(word, word) for word in text.split())


def normalise(text: str) -> str:
    """The squeezed word form most patterns read (exposed for tests and debugging)."""
    return _REPEATS.sub(r"\1", _words(_lowered(text)))


# --- Patterns -------------------------------------------------------------------------------

# Shared fragments, in ordinary spelling (squeezed with the pattern that uses them).
SELF = r"(?:my\s*self|myslef|mysef|myslf|me\s*self)"
CANT = r"(?:cant|cannot|can\s+not|cnt|couldnt)"
DONT = r"(?:dont|do\s+not|didnt|never|no\s+longer)"
WANT = r"(?:want|wanted|wanna|wish|wished)"
PILLS = (
    r"(?:pills?|meds|medications?|medicine|tablets?|capsules?|bottle|paracetamol|tylenol"
    r"|acetaminophen|ibuprofen|aspirin|opioids?|oxy\w*|benzos?|xanax|insulin)"
)
# "end", but not "in the end it worked out".
END = r"(?<!the )\b(?:end|ending|ended)"
# "go on", but not "go on Tuesday", "go on the trip" or "go on medication". "Go on tonight",
# "go on this way" and "go on with my life" still flag.
OUTING = (
    r"(?!\s+(?:(?:mon|tue|wed|thu|fri|sat|sun)\w*|the|a|an|at|to|next|holiday|vacation|trip"
    r"|leave|time|my|medication|meds)\b)"
)
ANYMORE = r"(?:anymore|any\s+more|no\s+more|much\s+longer)"

# (category, pattern). Read after squeezing; order matters only for which category is reported.
_PATTERNS: tuple[tuple[str, str], ...] = (
    # "suicide", "suicidal", and misspellings: sucide, suiside, suicde, suacide, siucide.
    (SUICIDE, r"\bs(?:ui|iu|u)[iay]?[cs]+[iy]?d"),
    # Euphemisms from social media.
    (SUICIDE, r"\bunalive|\bsewer\s*slide|\bself\s*delet"),
    (KILL_SELF, rf"\b(?:kill|kills|killed|killing|killin)\s*{SELF}|{END}\s*{SELF}"),
    (KILL_SELF, r"\bkys\b|(?<![0-9] )\bkms\b"),  # not "ran 5 kms"
    # "kill me now", but not "shoot me a text" or "this is killing me" (an idiom for pain).
    (KILL_SELF, r"\b(?:kill|shoot|end)\s+me\b(?!\s+(?:a|an|the|some|your|over|up|back)\b)"),
    (END_LIFE, rf"{END}\s+(?:it\s+all|my\s+(?:own\s+)?life|everything)"),
    # "end it", "end it tonight"; not "end it with him" (a relationship).
    (END_LIFE, rf"{END}\s+(?:it|things)\b(?!\s+with\b)"),
    (END_LIFE, r"\b(?:take|taking|took)\s+my\s+(?:own\s+)?life\b(?!\s+back)"),
    (
        SUICIDE_METHOD,
        rf"\b(?:hang|hanged|hung|hanging|shoot|shot|shooting|stab|stabbing|drown|drowning"
        rf"|poison|poisoning|suffocate|strangle|gas)\s*{SELF}",
    ),
    (SUICIDE_METHOD, r"\bblow\s+my\s+brains?\s+out"),
    (
        SUICIDE_METHOD,
        r"\b(?:gun|pistol|rifle|shotgun|bullet)\s+(?:\w+\s+){0,3}?"
        r"(?:my\s+(?:head|mouth|temple|brains?|chest)|myself)",
    ),
    # "jump off" ("off" squeezes to "of"), and jumping from a height.
    (SUICIDE_METHOD, r"\bjump(?:s|ed|ing)?\s+of\b"),
    (
        SUICIDE_METHOD,
        r"\bjump\w*\s+(?:from|out\s+of)\s+(?:a|the|my|an)\s+(?:\w+\s+)?"
        r"(?:bridge|building|roof|rooftop|window|balcony|cliff|tower|ledge|overpass|floor)",
    ),
    (
        SUICIDE_METHOD,
        r"\b(?:jump|step|walk|throw|lie|lay|run|get\s+hit)\w*\s+(?:myself\s+)?(?:out\s+)?"
        r"(?:in\s*front\s+of|under)\s+(?:a|an|the|some)\s+(?:\w+\s+)?"
        r"(?:train|bus|truck|lorry|car|traffic|subway)",
    ),
    (
        SUICIDE_METHOD,
        r"\b(?:drive|driving|drove|crash|crashing|crashed|steer)\w*\s+(?:my\s+car\s+)?"
        r"(?:into|of)\s+(?:a|the|an)\s+(?:\w+\s+)?"
        r"(?:tree|wall|bridge|cliff|river|lake|truck|oncoming|pole|barrier)",
    ),
    (OVERDOSE, r"\bover\s*dos(?:e|ed|es|ing|in)?\b"),
    # "take all my pills", "took the whole bottle"; not "I take all my meds every day".
    (
        OVERDOSE,
        rf"\b(?:take|takes|took|taking|swallow\w*|downed|downing|pop|popped|popping|chug\w*)"
        rf"\s+(?:\w+\s+){{0,2}}?(?:all|every|whole|entire)\s+(?:of\s+)?(?:\w+\s+){{0,2}}?{PILLS}"
        rf"(?!\s+(?:as\s+prescribed|on\s+time|every\s+day|daily|each\s+day|with\s+food)\b)",
    ),
    (OVERDOSE, rf"\btoo\s+many\s+(?:\w+\s+)?{PILLS}"),
    (OVERDOSE, rf"\b(?:stockpil|hoard|saving\s+up|stash)\w*\s+(?:\w+\s+)?{PILLS}"),
    # "want to die", "wanna die", "ready to die", "let me die"; not "a cake to die for".
    (
        WANT_TO_DIE,
        r"\b(?:to|wanna|gonna|i|id|me|just|should|rather|could|would|lets)\s+"
        r"(?:just\s+|really\s+|fucking\s+|actually\s+|simply\s+|quietly\s+)?die\b(?!\s+for\b)",
    ),
    (
        WANT_TO_DIE,
        r"\b(?:wish|want|wanna|rather|hope|should|ready|prefer|deserve|need)\w*\s+"
        r"(?:\w+\s+){0,2}?(?:be|being|was|were|am|im)\s+dead\b",
    ),
    (
        WANT_TO_DIE,
        r"\bwish\w*\s+(?:that\s+)?(?:i|id)\s+(?:\w+\s+){0,2}?"
        r"(?:dead|die|died|never\s+born|not\s+born|wasnt\s+born|didnt\s+exist|never\s+existed"
        r"|wasnt\s+alive|wasnt\s+here|werent\s+here|was\s+gone|were\s+gone|disappear"
        r"|(?:wouldnt|didnt|dont|wont|never)\s+wake\s+up)\b",
    ),
    (WANT_TO_DIE, r"\bbetter\s+off\s+(?:dead|gone|without\s+me)|\bbetter\s+without\s+me\b"),
    (WANT_TO_DIE, r"\bshould\s*(?:have|of|ve)\s+died\b"),
    (
        WANT_TO_DIE,
        rf"\b{DONT}\s+(?:really\s+|even\s+)?(?:want|wanna|wish|feel\s+like)\s+(?:to\s+)?"
        r"(?:live|living|be\s+alive|exist|be\s+here|be\s+around|keep\s+living|wake\s+up"
        rf"|see\s+tomorrow|(?:go\s+on|carry\s+on|keep\s+going)\b{OUTING})",
    ),
    (
        WANT_TO_DIE,
        r"\b(?:hope|wish|pray)\w*\s+(?:that\s+)?i\s+(?:dont|do\s+not|wont|never|wouldnt|didnt"
        r"|will\s+not)\s+wake\s+up|\bsleep\s+(?:and\s+)?(?:never|not)\s+wake\s+up|\bsleep\s+forever",
    ),
    (WANT_TO_DIE, rf"\b{WANT}\w*\s+(?:for\s+)?death\b|\bdeath\s+would\s+be\s+(?:a\s+)?relief"),
    (WANT_TO_DIE, r"\b(?:stop|quit)\s+(?:living|existing|being\s+alive)\b"),
    (WANT_TO_DIE, rf"\b{WANT}\w*\s+(?:to\s+)?(?:just\s+)?disappear"),
    (
        WANT_TO_DIE,
        r"\b(?:wont|will\s+not|not\s+going\s+to|not\s+gonna)\s+be\s+(?:here|around|alive)\s+"
        r"(?:much\s+longer|anymore|any\s+more|for\s+long|tomorrow|by\s+tomorrow)",
    ),
    (
        SELF_HARM,
        rf"\b(?:hurt|hurts|hurting|harm|harming|harmed|cut|cuts|cutting|cuttin|burn|burned|burnt"
        rf"|burning|starve|starving|injure|injuring|punch|punching)\s*{SELF}",
    ),
    (SELF_HARM, r"\bself\s*(?:harm|hurt|injur|mutilat|destruct)"),
    (
        SELF_HARM,
        r"\b(?:cut|cutting|slit|slice|slash|carve)\w*\s+(?:open\s+)?(?:my|me)\s+(?:\w+\s+)?"
        r"(?:wrists?|arms?|legs?|thighs?|skin|veins?|throat|stomach)",
    ),
    # "cutting" on its own, but not "cutting back on coffee" or "cutting the grass".
    (
        SELF_HARM,
        r"\bcutt(?:ing|in)\b(?!\s+(?:back|down|out|off|of|up|in|the|a|an|some|my\s+hair|hair"
        r"|carbs|sugar|caffeine|coffee|alcohol|drinking|corners|ties|costs|grass|lawn|wood"
        r"|class|onions?|vegetables|veg|it\s+close|through|across|edge)\b)",
    ),
    (
        NO_REASON_TO_LIVE,
        r"\b(?:no|not\s+any|lost\s+(?:the|my|all|any)|without\s+(?:a|any))\s+(?:real\s+)?"
        r"(?:reason|point|purpose|will|desire)\s+(?:to|for|in|of)\s+(?:live|living|life"
        r"|be\s+alive|being\s+alive|go\s+on|going\s+on|keep\s+going|exist|existing)\b",
    ),
    (NO_REASON_TO_LIVE, r"\bnothing\s+(?:left\s+)?(?:to\s+)?live\s+for\b"),
    (
        NO_REASON_TO_LIVE,
        r"\b(?:whats|what\s+is)\s+the\s+point\s+(?:of|in)\s+(?:living|life|going\s+on|being\s+alive)",
    ),
    (
        NO_REASON_TO_LIVE,
        r"\b(?:not|isnt|aint|never|no\s+longer)\s+(?:\w+\s+)?worth\s+"
        r"(?:living|being\s+alive|it\s+anymore|it\s+any\s+more|it\s+to\s+live)",
    ),
    (
        NO_REASON_TO_LIVE,
        r"\b(?:tired|sick|weary|exhausted)\s+of\s+(?:living|life|being\s+alive|existing)\b"
        r"|\bdone\s+(?:with\s+)?(?:life|living|being\s+alive)\b",
    ),
    # "can't go on", but not "can't go on Tuesday" or "can't go on the trip".
    (
        CANT_GO_ON,
        rf"\b{CANT}\s+(?:go\s+on|carry\s+on|keep\s+going)\b{OUTING}",
    ),
    (
        CANT_GO_ON,
        rf"\b{CANT}\s+(?:do|take|handle|stand|bear|cope\s+with|cope|live\s+with)\s+"
        rf"(?:(?:it|this|life|living|the\s+pain|this\s+pain|myself)\s+)?{ANYMORE}",
    ),
    (CANT_GO_ON, rf"\b{CANT}\s+live\s+like\s+this\b"),
    (CANT_GO_ON, r"\bgiv(?:e|ing)\s+up\s+on\s+(?:life|living|everything)|\bgave\s+up\s+on\s+life"),
    (
        FAREWELL,
        r"\bthis\s+is\s+(?:my\s+)?goodbye|\bgoodbye\s+(?:forever|world|everyone)"
        r"|\b(?:final|last)\s+goodbye",
    ),
)

# Read before squeezing, where a doubled letter changes the word.
_UNSQUEEZED_PATTERNS: tuple[tuple[str, str], ...] = (
    # "off myself" ("I want to off myself"), but not "proud of myself".
    (KILL_SELF, rf"\bof{{2,}}(?:ing|ed)?\s*{SELF}"),
    # "noose", which squeezes to "nose".
    (SUICIDE_METHOD, r"\bno{2,}ses?\b"),
)

# Read on the lowered text with its punctuation: "OD", "o.d.", "OD'd", "ODing"; not "odd", "Odin".
_LOWERED_PATTERNS: tuple[tuple[str, str], ...] = (
    (OVERDOSE, r"\bo[./]?d\.?(?:'(?:d|ed|ing|in|s)|ed|ing|s)?(?![a-z'])"),
)


def _squeezed(pattern: str) -> str:
    return _PATTERN_REPEATS.sub(r"\1", pattern)


def _compile(
    table: tuple[tuple[str, str], ...], prepare: Callable[[str], str] = str
) -> tuple[tuple[str, re.Pattern[str]], ...]:
    return tuple((category, re.compile(prepare(pattern))) for category, pattern in table)


_SQUEEZED = _compile(_PATTERNS, _squeezed)
_UNSQUEEZED = _compile(_UNSQUEEZED_PATTERNS)
_LOWERED = _compile(_LOWERED_PATTERNS)


def match_crisis_language(text: str) -> CrisisMatch | None:
    """The first crisis pattern found in ``text``, with its category and normalised phrase."""
    if not isinstance(text, str) or not text.strip():
        return None
    lowered = _lowered(text)
    words = (_words(lowered), _words(lowered, sentence_breaks=True))
    squeezed = tuple(_REPEATS.sub(r"\1", form) for form in words)
    for table, forms in ((_SQUEEZED, squeezed), (_UNSQUEEZED, words), (_LOWERED, (lowered,))):
        for category, pattern in table:
            for form in forms:
                found = pattern.search(form)
                if found:
                    return CrisisMatch(category=category, phrase=found.group())
    return None


def find_crisis_language(text: str) -> str | None:
    """The category of crisis language in ``text`` (e.g. ``"suicide"``), or None.

    Returns a category, not the patient's words, so it is safe to store in a flag or a log.
    """
    found = match_crisis_language(text)
    return found.category if found else None


def contains_crisis_language(text: str) -> bool:
    return match_crisis_language(text) is not None
