"""Text that PostgreSQL can store.

A text column cannot hold NUL (U+0000), and UTF-8 cannot carry a lone surrogate (U+D800 to
U+DFFF, which JSON's ``\\ud800`` escapes can produce): either makes the query fail. Free text we
keep (a reply typed on the dev phone, a search) loses those characters and keeps the rest.
"""

import re

_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def storable(text: str) -> str:
    """``text`` without the characters PostgreSQL cannot store."""
    return _UNSTORABLE.sub("", text)


def has_unstorable(text: str) -> bool:
    return _UNSTORABLE.search(text) is not None
