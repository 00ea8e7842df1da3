"""The second reading: a message that combines broad evidence of crisis, whatever its phrasing.

The pattern tables (``patterns.py``) recognise the ways patients have been seen to say things;
each new round of messages showed that a list of phrasings misses the next way of saying the
same thing ("my kids would have a better life without me around"). This reading does not look
for a phrase. It marks which *concepts* a message touches (death and its euphemisms, a means, a
wish or an intention, a time, hurting oneself, being a burden, hopelessness, preparations,
goodbyes, voices, swallowing many pills) and flags the message when the weights of the concepts
present add up to ``THRESHOLD``. Most concepts are worth less than the threshold on their own,
so a death word needs a wish, a time, a means or the patient's own "I" with it; a few are
strong enough alone.

Weights and the threshold were chosen for the product's budget: at least 98 % of concerning
messages flagged with at most 10 % of benign ones. False negatives are the worst error, so a
message that says "I" and "die" flags even when it may be hyperbole; a clinician reads it.

Before the concepts are looked for, ``BENIGN_IDIOMS`` are blanked: the look-alikes that would
otherwise supply a concept ("I'd die for a coffee", "my phone is dying", "killing time", "I cut
my hair", "took 2 tylenol", "done with work", "what's the point of this form", "my dad died").

Everything here is read on the squeezed word form (normalise.py), written in ordinary spelling
and squeezed the same way when compiled (so "kill" is written here and read as "kil").
"""

import re
from dataclasses import dataclass

import followup.clinical.crisis_language.categories as c
from followup.clinical.crisis_language.fragments import PILLS
from followup.clinical.crisis_language.lexicons import (
    AMOUNT,
    BURDEN,
    CONTEMPLATION,
    DEATH,
    DEATH_SOFT,
    EXHAUST,
    FAREWELL,
    FAREWELL_SOFT,
    FINALITY,
    HOARDING,
    HOPELESS,
    HOPELESS_GLOBAL,
    HOPELESS_SOFT,
    INGEST,
    INTENT,
    LAST_HOPE,
    LAST_THANKS,
    LEFT_BEHIND,
    LETHAL_QUESTION,
    MEANS,
    MEANS_ACTION,
    MEANS_SOFT,
    PASSIVE_WISH,
    PLAN,
    PREPARATION,
    PREPARATION_SOFT,
    PURPOSE,
    RESOLVED,
    SELF,
    SELF_HARM,
    SELF_HARM_OTHER_WAYS,
    SELF_HARM_SOFT,
    STARING,
    TIMING,
    VOICES,
    VOICES_SOFT,
    WHEN_ALONE,
    WONDERING,
)
from followup.clinical.crisis_language.look_alikes import BENIGN_IDIOMS, OTHER_PURPOSES


@dataclass(frozen=True)
class Concept:
    """One concept at one strength: its group (a concept counts once, at its strongest), the
    category it names, its weight, its pattern, and whether it is evidence of a crisis (the
    rest say who, when or how)."""

    group: str
    category: str
    weight: int
    pattern: str
    crisis: bool = True


CONCEPTS: tuple[Concept, ...] = (
    Concept("self", "", 1, SELF, crisis=False),
    Concept("intent", c.PLAN_INTENT, 1, INTENT, crisis=False),
    Concept("intent", c.PLAN_INTENT, 1, WONDERING, crisis=False),
    Concept("contemplation", c.PLAN_INTENT, 2, CONTEMPLATION, crisis=False),
    Concept("contemplation", c.PLAN_INTENT, 2, PURPOSE, crisis=False),
    Concept("timing", c.PLAN_INTENT, 1, TIMING, crisis=False),
    Concept("timing", c.PLAN_INTENT, 1, WHEN_ALONE, crisis=False),
    Concept("holding", c.MEANS_ACCESS, 2, STARING, crisis=False),
    Concept("holding", c.MEANS_ACCESS, 1, MEANS_ACTION, crisis=False),
    Concept("death", c.WANT_TO_DIE, 2, DEATH),
    Concept("death", c.WANT_TO_DIE, 2, PASSIVE_WISH),
    Concept("finality", c.END_LIFE, 2, FINALITY),
    Concept("death", c.WANT_TO_DIE, 1, DEATH_SOFT),
    Concept("means", c.MEANS_ACCESS, 2, MEANS),
    Concept("means", c.MEANS_ACCESS, 2, EXHAUST),
    Concept("means", c.MEANS_ACCESS, 1, MEANS_SOFT),
    Concept("self_harm", c.SELF_HARM, 2, SELF_HARM),
    Concept("self_harm", c.SELF_HARM, 2, SELF_HARM_OTHER_WAYS),
    Concept("self_harm", c.SELF_HARM, 1, SELF_HARM_SOFT),
    Concept("burden", c.BURDEN, 2, BURDEN),
    Concept("hopeless", c.HOPELESSNESS, 3, HOPELESS_GLOBAL),
    Concept("hopeless", c.HOPELESSNESS, 2, HOPELESS),
    Concept("hopeless", c.HOPELESSNESS, 2, LAST_HOPE),
    Concept("hopeless", c.HOPELESSNESS, 1, HOPELESS_SOFT),
    Concept("preparation", c.PREPARATION, 2, PREPARATION),
    Concept("preparation", c.PREPARATION, 2, LEFT_BEHIND),
    Concept("preparation", c.PREPARATION, 1, PREPARATION_SOFT),
    Concept("plan", c.PLAN_INTENT, 2, PLAN),
    Concept("plan", c.PLAN_INTENT, 2, RESOLVED),
    Concept("farewell", c.FAREWELL, 2, FAREWELL),
    Concept("farewell", c.FAREWELL, 2, LAST_THANKS),
    Concept("farewell", c.FAREWELL, 1, FAREWELL_SOFT),
    Concept("voices", c.COMMAND_HALLUCINATION, 2, VOICES),
    Concept("voices", c.COMMAND_HALLUCINATION, 1, VOICES_SOFT),
    Concept("ingest", c.OVERDOSE, 0, INGEST, crisis=False),
    Concept("amount", c.OVERDOSE, 0, AMOUNT, crisis=False),
)
# A message flags when its concepts weigh THRESHOLD together with at least CRISIS_FLOOR of it
# from evidence of a crisis ("I will be there tonight" says who and when, but of nothing); or
# with one weak piece of crisis evidence, LONE_WEAK_TOTAL in all and a wish, a thought or a stare
# ("thinking of driving to the cliffs": thinking 2, driving 1, cliffs 1).
THRESHOLD = 3
CRISIS_FLOOR = 2
LONE_WEAK_TOTAL = 4
# Swallowing, many and medicines together are an overdose whatever else is said.
OVERDOSE_GROUPS = frozenset({"ingest", "amount"})

# When several concepts are present, the first of these that is present names the message.
_NAMING = (
    (c.COMMAND_HALLUCINATION, "voices"),
    (c.MEANS_ACCESS, "means"),
    (c.SELF_HARM, "self_harm"),
    (c.BURDEN, "burden"),
    (c.PREPARATION, "preparation"),
    (c.FAREWELL, "farewell"),
    (c.WANT_TO_DIE, "death"),
    (c.END_LIFE, "finality"),
    (c.HOPELESSNESS, "hopeless"),
)


def _squeezed(pattern: str) -> str:
    return re.sub(r"(?<!\\)([a-z])\1+", r"\1", pattern)


_BENIGN = re.compile(
    "|".join(f"(?:{_squeezed(idiom)})" for idiom in BENIGN_IDIOMS + OTHER_PURPOSES)
)
_CONCEPTS = tuple((concept, re.compile(_squeezed(concept.pattern))) for concept in CONCEPTS)
# Pills, or what patients call them when they do not name them.
PILL_STAND_INS = (
    r"(?:(?:blue|white|pink|yellow|little|sleeping|anxiety|night|nighttime)\s+ones|(?:medicine\s+)?"
    r"cabinet)"
)
_PILLS = re.compile(_squeezed(rf"\b(?:{PILLS}|{PILL_STAND_INS})\b"))
_HOARDING = re.compile(_squeezed(HOARDING))
_LETHAL_QUESTION = re.compile(_squeezed(LETHAL_QUESTION))
# A routine dose: the overdose compound does not count it.
_ROUTINE = re.compile(
    _squeezed(
        r"\b(?:every\s+(?:morning|day|night|evening)|daily|as\s+prescribed|a\s+day|per\s+day"
        r"|with\s+(?:breakfast|dinner|food)|on\s+time)\b"
    )
)


@dataclass(frozen=True)
class Evidence:
    """What the second reading found: each concept group's weight, and the total."""

    weights: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.weights.values())

    @property
    def crisis(self) -> int:
        return sum(self.weights[group] for group in self.weights if group in _CRISIS_GROUPS)

    @property
    def overdose(self) -> bool:
        return self.weights.keys() >= OVERDOSE_GROUPS and self.weights.get("means", 0) >= 1

    @property
    def flags(self) -> bool:
        if self.overdose:
            return True
        if self.total < THRESHOLD or not self.crisis:
            return False
        if self.crisis >= CRISIS_FLOOR:
            return True
        wish = {"intent", "contemplation"} & self.weights.keys() or self.weights.get("holding") == 2
        return bool(wish) and self.total >= LONE_WEAK_TOTAL

    @property
    def category(self) -> str:
        if self.overdose:
            return c.OVERDOSE
        if "death" in self.weights and ("timing" in self.weights or "plan" in self.weights):
            return c.PLAN_INTENT  # dying, with a time or a decision
        for category, group in _NAMING:
            if group in self.weights:
                return category
        return c.HOPELESSNESS


_CRISIS_GROUPS = frozenset(concept.group for concept in CONCEPTS if concept.crisis)


def _separate(spans: list[tuple[int, int, int]]) -> bool:
    """Whether a strong mention (weight 2 or more) has another mention that does not overlap it."""
    return any(
        weight >= 2 and (other_start >= end or other_end <= start)
        for start, end, weight in spans
        for other_start, other_end, _ in spans
    )


def blank_look_alikes(squeezed_text: str) -> str:
    """``squeezed_text`` with the look-alikes of ``BENIGN_IDIOMS`` blanked (the pattern tables
    read it so too)."""
    return _BENIGN.sub(" ~ ", squeezed_text)


def read_evidence(squeezed_text: str) -> Evidence:
    """The concept groups ``squeezed_text`` touches, look-alikes blanked, at their strongest."""
    text = _BENIGN.sub(" ~ ", squeezed_text)
    weights: dict[str, int] = {}
    spans: dict[str, list[tuple[int, int, int]]] = {}
    for concept, pattern in _CONCEPTS:
        for hit in pattern.finditer(text):
            weights[concept.group] = max(concept.weight, weights.get(concept.group, 0))
            spans.setdefault(concept.group, []).append((*hit.span(), concept.weight))
    # More of the same evidence is more evidence: a strong mention of a crisis concept and another,
    # separate one ("it wasn't your fault" and "thank you") weigh one more, up to 3.
    for group, found in spans.items():
        if group in _CRISIS_GROUPS and _separate(found):
            weights[group] = min(3, weights[group] + 1)
    pills = _PILLS.search(text)
    if weights.keys() >= OVERDOSE_GROUPS and (not pills or _ROUTINE.search(squeezed_text)):
        del weights["amount"]  # "took 40 minutes", "6 pills every morning": not an overdose
    if pills and (_HOARDING.search(text) or _LETHAL_QUESTION.search(text)):
        weights["means"] = 2
    return Evidence(weights)


def assess(squeezed_text: str) -> str | None:
    """The category this reading names for ``squeezed_text``, or None when it does not flag."""
    found = read_evidence(squeezed_text)
    return found.category if found.flags else None
