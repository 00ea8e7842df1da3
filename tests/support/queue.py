"""The flag queue's addresses, and the flags its rows show, for the tests that read it."""

import re

QUEUE = "/dashboard/"
ROWS = "/dashboard/queue/rows/"


def row_ids(html: str) -> list[int]:
    """The flags the queue's rows show, top to bottom."""
    return [int(i) for i in re.findall(r'data-flag-id="(\d+)"', html)]
