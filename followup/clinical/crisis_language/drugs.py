"""Medicine names, so "took 20 of my klonopin" reads like "took 20 of my pills".

The names are vendored in ``drug_names.txt`` (source, licence and how it was made in its header;
the MIT licence in ``drug_names.LICENSE.txt``), read once at import: no network and no file access
when a message is checked.
"""

import re
from pathlib import Path

_REPEATS = re.compile(r"([a-z])\1+")


def _load() -> frozenset[str]:
    lines = Path(__file__).with_name("drug_names.txt").read_text(encoding="utf-8").splitlines()
    names = {line.strip() for line in lines if line.strip() and not line.startswith("#")}
    # Squeezed too, as messages are read squeezed: "xanaxxx" and "efexor" find "effexor".
    return frozenset(names | {_REPEATS.sub(r"\1", name) for name in names})


DRUG_NAMES = _load()


def is_drug_name(word: str) -> bool:
    """Whether a lower-case word is a medicine's name (generic, brand or street), as it is or
    squeezed."""
    return word in DRUG_NAMES or _REPEATS.sub(r"\1", word) in DRUG_NAMES
