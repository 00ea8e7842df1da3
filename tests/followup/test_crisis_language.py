"""Crisis language in free text (CLINICAL.md, flag rules): when in doubt, flag.

The true positives are the worst thing to miss; the true negatives are ordinary replies to a
check-in that must not page a clinician at night.
"""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from followup.crisis_language import (
    CANT_GO_ON,
    END_LIFE,
    KILL_SELF,
    NO_REASON_TO_LIVE,
    OVERDOSE,
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
