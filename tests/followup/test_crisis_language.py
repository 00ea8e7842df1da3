"""Crisis language in free text (CLINICAL.md, flag rules): when in doubt, flag.

The true positives are the worst thing to miss; the true negatives are ordinary replies to a
check-in that must not page a clinician at night.
"""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from followup.crisis_language import (
    BURDEN,
    CANT_GO_ON,
    CATEGORIES,
    COMMAND_HALLUCINATION,
    END_LIFE,
    FAREWELL,
    HOPELESSNESS,
    KILL_SELF,
    MEANS_ACCESS,
    NO_REASON_TO_LIVE,
    OVERDOSE,
    PLAN_INTENT,
    PREPARATION,
    SELF_HARM,
    SUICIDE,
    SUICIDE_METHOD,
    WANT_TO_DIE,
    CrisisMatch,
    contains_crisis_language,
    find_crisis_language,
    match_crisis_language,
    normalise,
)
from followup.crisis_language.drugs import DRUG_NAMES, is_drug_name
from tests.support.crisis_corpus import BENIGN, CONCERNING

# The benign share a category may flag, and all benign messages together (the product's target).
MAX_FALSE_POSITIVE_RATE = 0.10

TRUE_POSITIVES = [
    # suicide, in its spellings
    "suicide",
    "I'm feeling suicidal",
    "SUICIDAL THOUGHTS AGAIN",
    "sucide",
    "suiside",
    "suicde",
    "thinking about suiciiide",
    "su1c1de",
    "$uicide",
    "s u i c i d e",
    "s.u.i.c.i.d.e",
    "suicidé",
    "sui\u200bcide",
    "\uff33\uff55\uff49\uff43\uff49\uff44\uff45",  # full-width letters
    "unalive myself",
    "sewerslide",
    # killing oneself
    "I want to kill myself",
    "kms",
    "KMS tbh",
    "k.m.s",
    "killing my self",
    "kil myself",
    "k1ll mys3lf",
    "KILLLL MYSELF",
    "I want to off myself",
    "kill me now",
    # wanting to die
    "i want to die",
    "I just want to die",
    "wanna die",
    "want 2 die",
    "want2die",
    "I want to... die",
    "wish I was dead",
    "I wish I were dead",
    "I\u2019d rather be dead",
    "better off dead",
    "everyone would be better off without me",
    "i wish i was never born",
    "should've died",
    "let me die",
    "I don\u2019t want to be here anymore",
    "i dont want to wake up",
    "i hope i don't wake up tomorrow",
    "I want to go to sleep and never wake up",
    "dont wanna live",
    "I don't want to live like this",
    "I won't be here tomorrow",
    "i want to disappear",
    # ending one's life
    "I want to end my life",
    "end it all",
    "thinking about ending it",
    "I might end it tonight",
    "thinking of taking my own life",
    # methods
    "hang myself",
    "I'm going to jump off a bridge",
    "jump off",
    "going to step in front of a train",
    "put a gun to my head",
    "tied a noose",
    # overdose
    "overdose",
    "over dose",
    "I could OD",
    "OD'd last night",
    "might o.d.",
    "ODing",
    "take all my pills",
    "Gonna take all my sleeping pills",
    "took the whole bottle",
    "I took too many pills",
    # self-harm
    "hurt myself",
    "I want to harm myself",
    "self harm",
    "self-harm",
    "selfharm again",
    "cut myself",
    "I've been cutting again",
    "cutting",
    "slit my wrists",
    # no reason to live, can't go on
    "no reason to live",
    "nothing to live for",
    "nothing left 2 live 4",
    "lost the will to live",
    "life isn't worth living",
    "whats the point of living",
    "tired of living",
    "I'm done with life",
    "I can\u2019t go on",
    "I can't go on. The pain is too much",
    "I can't go on this way",
    "I can't go on with my life",
    "i cant take it anymore",
    "Can't do this anymore",
    "giving up on life",
    "this is goodbye",
]

TRUE_NEGATIVES = [
    "I feel fine",
    "2",
    "0",
    "STOP",
    "HELP",
    "Yes",
    "Nearly every day",
    "thanks",
    "tired but ok",
    "better today",
    "a bit anxious",
    "feeling much better since the session",
    "the skill of my team",
    "pills for my headache",
    "my dad died last year",
    "dead tired but ok",
    "big deadline at work",
    "killing it at work",
    "I could kill for a coffee",
    "my back is killing me",
    "I'm cutting back on caffeine",
    "cutting the grass today",
    "cutting my hair short",
    "I succeeded at work",
    "that's odd",
    "the odds are good",
    "ran 5 kms this morning",
    "my nose is runny",
    "overdue bills stress me out",
    "In the end it worked out",
    "ended things with him, I feel relieved",
    "I'm taking my life back",
    "I take all my meds every day",
    "I can't go on Tuesday",
    "I can't go on the trip",
    "I don't want to go on medication",
    "proud of myself",
    "take care of myself",
    "I'd die for my kids",
    "a cake to die for",
    "I want to live my best life",
    "feeling down all day, meds help",
    "no point in going to the gym",
    "shoot me a text when you can",
    "sleeping better",
    "I'm good, too tired to chat",
    "see you tomorrow",
]


def test_it_has_a_realistic_test_set() -> None:
    assert len(TRUE_POSITIVES) >= 40
    assert len(TRUE_NEGATIVES) >= 20
    assert not set(TRUE_POSITIVES) & set(TRUE_NEGATIVES)


@pytest.mark.parametrize("text", TRUE_POSITIVES)
def test_it_flags_crisis_language(text: str) -> None:
    assert contains_crisis_language(text)
    assert find_crisis_language(text) is not None


@pytest.mark.parametrize("text", TRUE_NEGATIVES)
def test_it_does_not_flag_an_ordinary_reply(text: str) -> None:
    assert not contains_crisis_language(text)
    assert find_crisis_language(text) is None
    assert match_crisis_language(text) is None


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("suicidal", SUICIDE),
        ("kms", KILL_SELF),
        ("end it all", END_LIFE),
        ("hang myself", SUICIDE_METHOD),
        ("overdose", OVERDOSE),
        ("wanna die", WANT_TO_DIE),
        ("self-harm", SELF_HARM),
        ("no reason to live", NO_REASON_TO_LIVE),
        ("can't go on", CANT_GO_ON),
        ("took 20 of my ativan an hour ago", OVERDOSE),
        ("i have a plan and i know when", PLAN_INTENT),
        ("bought a rope today", MEANS_ACCESS),
        ("the voices tell me to hurt myself", COMMAND_HALLUCINATION),
        ("i wrote letters to my family", PREPARATION),
        ("this is the last text you'll get from me", FAREWELL),
        ("nobody would notice if i was gone", BURDEN),
        ("what's the point", HOPELESSNESS),
    ],
)
def test_it_names_what_it_found_by_category_not_by_the_patients_words(
    text: str, category: str
) -> None:
    assert find_crisis_language(text) == category


def test_it_reports_the_normalised_phrase_that_matched() -> None:
    assert match_crisis_language("Honestly I want to KILLL myself") == CrisisMatch(
        category=KILL_SELF, phrase="kil myself"
    )


# Deliberate choices, so a change to them is a decision and not an accident.
@pytest.mark.parametrize(
    "text",
    [
        "I'm not suicidal",  # negation is not interpreted: a clinician reads the message
        "I hurt myself at the gym",  # accidental injury reads the same as self-harm
        "I feel like I'm going to die",  # panic, but it says dying: flag
        "just kill me now lol",  # hyperbole reads the same as a wish to die
        "I took all my meds this morning",  # only "every day", "as prescribed"... read as routine
    ],
)
def test_it_flags_ambiguous_messages_rather_than_risk_missing_one(text: str) -> None:
    assert contains_crisis_language(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Don\u2019t", "dont"),
        ("SUIIICIDE", "suicide"),
        ("k1ll mys3lf", "kil myself"),
        ("self-harm", "self harm"),
        ("s u i c i d e", "suicide"),
        ("want 2 die", "want to die"),
        ("café", "cafe"),
    ],
)
def test_it_normalises_case_accents_apostrophes_leetspeak_and_repeats(
    text: str, expected: str
) -> None:
    assert normalise(text) == expected


@pytest.mark.parametrize("text", ["", "   ", "\n"])
def test_it_finds_nothing_in_an_empty_message(text: str) -> None:
    assert find_crisis_language(text) is None


@given(st.text())
def test_it_never_fails_on_any_text(text: str) -> None:
    assert isinstance(contains_crisis_language(text), bool)


@given(
    st.sampled_from(TRUE_POSITIVES),
    st.sampled_from(["", "honestly ", "Hi. ", "tbh i think ", "I don't know, "]),
    st.sampled_from(["", ".", "!!!", " tonight", " :(", ". Sorry"]),
)
def test_it_still_flags_a_crisis_phrase_inside_a_longer_message(
    phrase: str, before: str, after: str
) -> None:
    assert contains_crisis_language(f"{before}{phrase}{after}")


@pytest.mark.parametrize("phrase", TRUE_POSITIVES)
def test_it_flags_a_crisis_phrase_in_any_case_and_with_curly_apostrophes(phrase: str) -> None:
    assert contains_crisis_language(phrase.upper())
    assert contains_crisis_language(phrase.lower())
    assert contains_crisis_language(phrase.replace("'", "\u2019"))


# --- The corpus (tests/support/crisis_corpus.py) ---------------------------------------------

CONCERNING_MESSAGES = [
    pytest.param(text, id=f"{category}-{index}")
    for category, texts in CONCERNING.items()
    for index, text in enumerate(texts)
]


@pytest.mark.parametrize("text", CONCERNING_MESSAGES)
def test_it_flags_every_concerning_message_of_the_corpus(text: str) -> None:
    assert find_crisis_language(text) in CATEGORIES


# The messages the first version missed (13 of 30 realistic ones were flagged).
@pytest.mark.parametrize(
    "text",
    [
        "been saving up my seroquel just in case",
        "i have all my pills lined up on the counter",
        "took 20 of my ativan about an hour ago",
        "looking up how many paracetamol tablets it would take",
        "bought a rope today",
        "got my dads gun out of the safe",
        "im thinking about walking into the ocean and not coming back",
        "thank you for everything, please tell the kids i love them",
        "this is the last text youll get from me",
        "everyone would be better off if i was gone",
        "im a burden, theyd be happier without me",
        "nobody would notice if i was gone",
        "i have a plan and i know when",
        "i just want to not exist",
        "i feel like dying every day",
        "hate myself, want to cut again",
    ],
)
def test_it_flags_what_the_first_version_missed(text: str) -> None:
    assert contains_crisis_language(text)


@pytest.mark.parametrize("category", sorted(BENIGN))
def test_it_flags_few_benign_look_alikes_in_each_category(category: str) -> None:
    flagged = [text for text in BENIGN[category] if contains_crisis_language(text)]
    rate = len(flagged) / len(BENIGN[category])
    assert rate <= MAX_FALSE_POSITIVE_RATE, (
        f"{category}: {len(flagged)} of {len(BENIGN[category])} benign messages flagged "
        f"({rate:.0%}): {flagged}"
    )


def test_it_flags_few_benign_messages_overall() -> None:
    texts = [text for texts in BENIGN.values() for text in texts]
    flagged = [text for text in texts if contains_crisis_language(text)]
    rate = len(flagged) / len(texts)
    assert rate <= MAX_FALSE_POSITIVE_RATE, (
        f"{len(flagged)} of {len(texts)} benign messages flagged ({rate:.0%}): {flagged}"
    )


def test_it_has_a_corpus_of_a_few_hundred_messages_each_way() -> None:
    assert sum(map(len, CONCERNING.values())) >= 300
    assert sum(map(len, BENIGN.values())) >= 300
    assert len(BENIGN["check_in"]) >= 100


@pytest.mark.parametrize(
    "text",
    [
        "im not suicidal but i looked up how many pills it would take",
        "i would never kill myself but sometimes i want to",
        "not that i would but i have a rope",
    ],
)
def test_it_never_reads_a_negation_as_safe(text: str) -> None:
    assert contains_crisis_language(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("took 20 klonopin", "tok 20 pils"),  # a medicine's name reads as "pills"
        ("\U0001f52b to my head", "gun to my head"),
        ("\U0001f48a\U0001f48a\U0001f48a", "pil pil pil"),
        ("im so sucidal", "im so suicidal"),  # one edit from a key word
        ("the steak was overdone", "the steak was overdone"),  # an ordinary neighbour is kept
        ("tmrw", "tomorow"),
    ],
)
def test_it_reads_medicine_names_emoji_and_misspellings(text: str, expected: str) -> None:
    assert normalise(text) == expected


def test_it_knows_brand_and_generic_names_from_a_maintained_list() -> None:
    assert len(DRUG_NAMES) > 5000
    for name in [
        "alprazolam", "xanax", "klonopin", "lorazepam", "oxycodone", "percocet", "fentanyl",
        "paracetamol", "acetaminophen", "tylenol", "ibuprofen", "advil", "sertraline",
        "zoloft", "seroquel", "quetiapine", "zolpidem", "ambien", "diphenhydramine",
        "trazodone", "lithium", "amitriptyline", "gabapentin", "insulin",
    ]:  # fmt: skip
        assert is_drug_name(name), name
    for word in ["today", "coffee", "water", "sleep", "rope", "lean", "bars"]:
        assert not is_drug_name(word), word


def test_it_names_a_category_from_the_stable_list() -> None:
    assert len(set(CATEGORIES)) == len(CATEGORIES)
    assert all(category.isidentifier() and category.islower() for category in CATEGORIES)
