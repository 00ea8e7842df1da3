"""Messages for the crisis-language detector: data only (tests, bench and the training tool).

``CONCERNING[category]`` should flag; ``BENIGN[category]`` are look-alikes of that category
(and ``BENIGN["check_in"]`` ordinary replies to a check-in) that should not. Written the way
patients text: lower case, no punctuation, typos, run-ons, news mixed in. A concerning message
is filed under the category it is mainly about; the detector may name another, as long as it
flags. The rounds (``written_later``, ``round_5``...) are filed by round, not by category.

Rounds: each was written before the detector saw it, measured as it stood (its "first-seen"
figures, in ``FIRST_SEEN``, which the bench prints), then tuned on. ``written_later`` holds rounds
1-4; ``round_5`` was kept out for a while (the held-out round); ``round_6`` was measured on the
phrase tables before the concept-weighing reading (``evidence.py``) was written, and ``round_7``
on that reading's first version. Round 9 waited in ``UNTUNED_CONCERNING`` / ``UNTUNED_BENIGN``
for the phrase tables; rounds 10 and later are files in ``rounds/`` (read below). The
trained reader (``followup/clinical/crisis_language/semantic.py``) learns from every round
(``all_rounds``); each round's figures from before it did are in ``FIRST_SEEN``.

The messages live in modules of this package: the first test set (``first_set``), round 0 by
category (``concerning``, ``benign``), the rounds tuned on (``rounds_1_to_4``,
``rounds_5_and_6``, ``rounds_7_and_8``), round 9 (``round_9``) and the round files.
"""

from pathlib import Path

from testkit.crisis_corpus import benign, concerning
from testkit.crisis_corpus.first_set import TRUE_NEGATIVES, TRUE_POSITIVES
from testkit.crisis_corpus.round_9 import UNTUNED_BENIGN, UNTUNED_CONCERNING
from testkit.crisis_corpus.rounds_1_to_4 import BENIGN as _ROUNDS_1_TO_4_BENIGN
from testkit.crisis_corpus.rounds_1_to_4 import CONCERNING as _ROUNDS_1_TO_4_CONCERNING
from testkit.crisis_corpus.rounds_5_and_6 import BENIGN as _ROUNDS_5_AND_6_BENIGN
from testkit.crisis_corpus.rounds_5_and_6 import CONCERNING as _ROUNDS_5_AND_6_CONCERNING
from testkit.crisis_corpus.rounds_7_and_8 import BENIGN as _ROUNDS_7_AND_8_BENIGN
from testkit.crisis_corpus.rounds_7_and_8 import CONCERNING as _ROUNDS_7_AND_8_CONCERNING

__all__ = [
    "BENIGN",
    "CONCERNING",
    "FIRST_SEEN",
    "ROUNDS_DIRECTORY",
    "TRUE_NEGATIVES",
    "TRUE_POSITIVES",
    "UNTUNED_BENIGN",
    "UNTUNED_CONCERNING",
    "all_rounds",
    "read_round",
    "written_rounds",
]

# By category (round 0), then the rounds tuned on, in the order they were written.
CONCERNING: dict[str, list[str]] = {
    **concerning.CATEGORIES,
    **_ROUNDS_1_TO_4_CONCERNING,
    **_ROUNDS_5_AND_6_CONCERNING,
    **_ROUNDS_7_AND_8_CONCERNING,
}
BENIGN: dict[str, list[str]] = {
    **benign.CATEGORIES,
    **_ROUNDS_1_TO_4_BENIGN,
    **_ROUNDS_5_AND_6_BENIGN,
    **_ROUNDS_7_AND_8_BENIGN,
}


# Each round as first seen, before it was tuned on: (round, what measured it, concerning flagged,
# concerning, benign flagged, benign). Rounds 1-4 are in ``written_later`` in order (60, 40, 40
# and 40 messages each way). Round 8's second row: the detector, or all-MiniLM-L6-v2 sentence
# embeddings read by nearest neighbours among the corpus's other messages (the 5 nearest
# concerning against the 5 nearest benign, threshold fixed by cross-validation on rounds 1-7
# before round 8 was read); it added 9 of the 16 messages the detector missed and 1 benign flag,
# short of the 15 points asked of it, so the detector was left as it was.
# Round 8 was then tuned on, as concepts (an end of one's own life said without a word for death,
# letters left for each of one's people, a car running in a garage, look-alikes that name another
# purpose); round 9 was written before the tuned detector read it.
FIRST_SEEN: tuple[tuple[str, str, int, int, int, int], ...] = (
    ("round 1", "phrase tables", 39, 60, 3, 60),
    ("round 2", "phrase tables", 26, 40, 2, 40),
    ("round 3", "phrase tables", 29, 40, 2, 40),
    ("round 4", "phrase tables", 27, 40, 1, 40),
    ("round 5 (held out)", "phrase tables", 12, 20, 2, 20),
    ("round 6", "phrase tables", 35, 65, 4, 60),
    ("round 7", "phrase tables + concept weighing, first version", 36, 65, 15, 60),
    ("round 7", "phrase tables alone (for comparison)", 33, 65, 11, 60),
    ("round 8", "phrase tables + concept weighing", 54, 70, 10, 64),
    (
        "round 8",
        "the same, or a sentence-embedding model (experiment, not adopted)",
        63,
        70,
        11,
        64,
    ),
    ("round 9", "phrase tables + concept weighing, tuned on round 8", 46, 70, 9, 64),
    ("round 10", "phrase tables + concept weighing", 111, 170, 30, 170),
    ("round 11", "phrase tables + concept weighing", 130, 170, 42, 170),
    ("round 12", "phrase tables + concept weighing", 123, 170, 31, 170),
    ("round 13", "phrase tables + concept weighing", 126, 170, 42, 170),
    ("round 14", "phrase tables + concept weighing", 116, 170, 43, 170),
    ("round 15", "phrase tables + concept weighing", 162, 200, 45, 200),
    ("round 15", "reader trained on rounds 0-14, alone, at 0.1", 194, 200, 23, 200),
    ("round 16", "phrase tables + concept weighing", 156, 200, 47, 200),
    ("round 17", "phrase tables + concept weighing", 95, 120, 97, 380),
    ("round 18", "phrase tables + concept weighing", 166, 300, 20, 150),
    ("round 19", "phrase tables + concept weighing", 151, 200, 55, 200),
    ("round 20", "phrase tables + concept weighing", 144, 160, 74, 160),
    ("round 21", "phrase tables + concept weighing", 131, 180, 12, 180),
    ("round 22", "phrase tables + concept weighing", 124, 180, 34, 180),
    ("round 23", "phrase tables + concept weighing", 140, 180, 32, 180),
    ("round 16", "tables + reader without rounds 16, 19, 20, emoji unread", 196, 200, 18, 200),
    ("round 19", "tables + reader without rounds 16, 19, 20, emoji unread", 199, 200, 19, 200),
    ("round 16", "the detector as shipped, reader trained without 16 and 19", 196, 200, 17, 200),
    ("round 19", "the detector as shipped, reader trained without 16 and 19", 199, 200, 16, 200),
)

# Rounds 10-19, written for the trained reader (``followup/clinical/crisis_language/semantic.py``): each by
# a different writer, to a different brief, without seeing the corpus above or each other:
# 10 teens and young adults (slang, emoji, dark humour both ways), 11 adults of 40-80 (formal,
# understated, religious, veterans), 12 indirect and euphemistic (and non-native English), 13
# means, overdose and self-harm named concretely, with dosing questions as look-alikes, 14
# hopelessness, burden, goodbyes and voices, 15, 16 and 19 general test sets written as an
# outside evaluator would, 17 hard look-alikes (idioms, recovery talk, grief, ketamine
# experiences), 18 subtle and understated crisis texts. One line each:
# ``C`` or ``B``, a tab, the writer's category, a tab, the message.
ROUNDS_DIRECTORY = Path(__file__).with_name("rounds")


def read_round(path: Path) -> tuple[list[str], list[str]]:
    """(concerning, benign) messages of one round file."""
    concerning: list[str] = []
    benign: list[str] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        label, _category, text = line.split("\t")
        (concerning if label == "C" else benign).append(text)
    return concerning, benign


def written_rounds() -> dict[str, tuple[list[str], list[str]]]:
    return {
        path.stem: read_round(path)
        for path in sorted(ROUNDS_DIRECTORY.glob("round_*.tsv"), key=lambda p: int(p.stem[6:]))
    }


def all_rounds() -> list[tuple[str, list[str], list[str]]]:
    """Every message, as (round, concerning, benign): the categories above are "round 0"."""
    rounds = ("written_later", "round_5", "round_6", "round_7", "round_8")
    first = (
        "round_0",
        [text for name, texts in CONCERNING.items() if name not in rounds for text in texts]
        + TRUE_POSITIVES,
        [text for name, texts in BENIGN.items() if name not in rounds for text in texts]
        + TRUE_NEGATIVES,
    )
    listed = [(name, CONCERNING[name], BENIGN[name]) for name in rounds]
    untuned = [
        (name, UNTUNED_CONCERNING[name], UNTUNED_BENIGN[name]) for name in UNTUNED_CONCERNING
    ]
    files = [(name, *messages) for name, messages in written_rounds().items()]
    return [first, *listed, *untuned, *files]
