"""Crisis language in free text (CLINICAL.md, flag rules): when in doubt, flag.

The true positives are the worst thing to miss; the true negatives are ordinary replies to a
check-in that must not page a clinician at night.
"""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from followup.clinical.crisis_language import (
    BURDEN,
    CANT_GO_ON,
    CATEGORIES,
    COMMAND_HALLUCINATION,
    END_LIFE,
    FAREWELL,
    HOPELESSNESS,
    ITEM_9_LISTED,
    KILL_SELF,
    MEANS_ACCESS,
    NO_REASON_TO_LIVE,
    OVERDOSE,
    PLAN_INTENT,
    PREPARATION,
    SELF_HARM,
    SUICIDE,
    SUICIDE_METHOD,
    UNLISTED,
    WANT_TO_DIE,
    CrisisMatch,
    _read_tables,
    contains_crisis_language,
    find_crisis_language,
    match_crisis_language,
    normalise,
)
from followup.clinical.crisis_language.drugs import DRUG_NAMES, is_drug_name
from testkit.crisis_corpus import (
    BENIGN,
    CONCERNING,
    TRUE_NEGATIVES,
    TRUE_POSITIVES,
    all_rounds,
)

# The benign share a category may flag, and all benign messages together (the product's target).
MAX_FALSE_POSITIVE_RATE = 0.10


def test_it_has_a_realistic_test_set() -> None:
    assert len(TRUE_POSITIVES) >= 40
    assert len(TRUE_NEGATIVES) >= 20
    assert not set(TRUE_POSITIVES) & set(TRUE_NEGATIVES)


@pytest.mark.parametrize("text", TRUE_POSITIVES)
def test_it_flags_crisis_language(text: str) -> None:
    assert contains_crisis_language(text)
    assert find_crisis_language(text) is not None


# Read as possibly "I'll take care of it myself": the reader flags it though its writers did not.
FLAGGED_THOUGH_BENIGN = ["take care of myself"]


@pytest.mark.parametrize(
    "text", [text for text in TRUE_NEGATIVES if text not in FLAGGED_THOUGH_BENIGN]
)
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


# Deliberate choices, so a change to them is a decision and not an accident. The reader decides
# them, as it learned from its writers' labels; these pin what it decided.
@pytest.mark.parametrize(
    "text",
    [
        "I'm not suicidal",  # the reader does not trust a bare denial: a clinician reads it
        "I feel like I'm going to die",  # panic, but it says dying: flag
        *FLAGGED_THOUGH_BENIGN,
    ],
)
def test_it_flags_ambiguous_messages_rather_than_risk_missing_one(text: str) -> None:
    assert contains_crisis_language(text)


@pytest.mark.parametrize(
    "text",
    [
        "I hurt myself at the gym",  # an accident, said as one (the tables alone flag it)
        "just kill me now lol",  # hyperbole, as every writer labelled it
        "I took all my meds this morning",  # routine, not an overdose
    ],
)
def test_it_reads_accidents_hyperbole_and_routine_as_benign(text: str) -> None:
    assert not contains_crisis_language(text)


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
def test_the_phrase_tables_still_find_a_crisis_phrase_inside_a_longer_message(
    phrase: str, before: str, after: str
) -> None:
    # The tables name the category and stand in when the reader cannot load; the reader, which
    # decides, reads "kill me now!!!" as the hyperbole its writers called it.
    assert _read_tables(f"{before}{phrase}{after}") is not None


@pytest.mark.parametrize("phrase", TRUE_POSITIVES)
def test_it_flags_a_crisis_phrase_in_any_case_and_with_curly_apostrophes(phrase: str) -> None:
    assert contains_crisis_language(phrase.upper())
    assert contains_crisis_language(phrase.lower())
    assert contains_crisis_language(phrase.replace("'", "\u2019"))


# --- The corpus (tests/support/crisis_corpus.py) ---------------------------------------------

# The reader was trained on every round, so these are figures on messages it has seen: they
# guard against a broken reader or adapter, not for how it does on new messages (the rounds it
# was held out from are in FIRST_SEEN, which bench/crisis_language.py prints).
MIN_TRAINED_SENSITIVITY = 0.99
MAX_TRAINED_FALSE_POSITIVES = 0.05


@pytest.mark.corpus
@pytest.mark.parametrize("round_name", [name for name, _, _ in all_rounds()])
def test_each_round_of_the_corpus_flags_its_crisis_messages_and_few_look_alikes(
    round_name: str,
) -> None:
    _, concerning, benign = next(r for r in all_rounds() if r[0] == round_name)
    missed = [text for text in concerning if not contains_crisis_language(text)]
    flagged = [text for text in benign if contains_crisis_language(text)]
    print(
        f"{round_name}: sensitivity {1 - len(missed) / len(concerning):.1%}, "
        f"benign flagged {len(flagged) / max(len(benign), 1):.1%}"
    )
    assert len(missed) <= (1 - MIN_TRAINED_SENSITIVITY) * len(concerning), missed
    assert len(flagged) <= MAX_TRAINED_FALSE_POSITIVES * len(benign), flagged


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


# --- The trained reader (followup/clinical/crisis_language/semantic.py) ---------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "you won't have to worry about me after tonight",
        "returned everything I ever borrowed. library books too. clean slate",
        "I'm tired. Really tired. The forever kind.",
    ],
)
def test_the_reader_flags_crisis_language_no_phrase_list_names(text: str) -> None:
    assert match_crisis_language(text) == CrisisMatch(UNLISTED, "")


@pytest.mark.parametrize(
    "text",
    [
        "no thoughts of hurting myself this week, first time in months",
        "My husband will kill me if he sees what I spent at Target",
        "Tonight I'm finally going to clean out the garage",
    ],
)
def test_the_reader_overrules_a_phrase_list_look_alike(text: str) -> None:
    assert match_crisis_language(text) is None


@pytest.mark.parametrize(
    "text", ["3, 2, 1, 0, 2, 3, 1, 2, 3", "1,2,2,1,0,1,1,0,3", "0 0 1 0 0 0 0 0 1."]
)
def test_all_nine_answers_in_one_text_with_item_9_above_0_flag(text: str) -> None:
    assert find_crisis_language(text) == ITEM_9_LISTED


@pytest.mark.parametrize("text", ["1,2,2,1,0,1,1,0,0", "3 2 1", "2", "0 0 0 0 0 0 0 0 0"])
def test_digits_that_are_no_positive_item_9_do_not_flag(text: str) -> None:
    assert find_crisis_language(text) is None


def test_without_the_reader_the_phrase_tables_decide_alone(reader_not_installed: None) -> None:
    # More flags rather than fewer: the look-alikes the reader overrules flag again...
    assert find_crisis_language("no thoughts of hurting myself this week") == SELF_HARM
    assert find_crisis_language("My husband will kill me if he sees what I spent") == KILL_SELF
    assert find_crisis_language("I want to kill myself") == KILL_SELF
    # ...and what only the reader knows is missed, which is why the system check fails.
    assert find_crisis_language("you won't have to worry about me after tonight") is None
