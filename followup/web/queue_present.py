"""The queue's rows as the page shows them: links and clinic-local times worked out once per
page rather than once per row in the template, and each row's own version, so that a poll
sends only the rows that changed.

A changed poll from a browser that says which rows it shows (``X-Followup-Queue-Rows``: ``id:
version`` pairs) gets the rows' new order, the counts, and the markup of the new and changed
rows only; queue.js keeps the rest of its rows (and what is being typed in them) and puts them
in order. Without that header (no JavaScript, or nothing shown yet) the whole table is sent.
"""

import hashlib
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.urls import reverse

from followup.flag_queue import ROWS_FORMAT, Queue, QueueRow, row_state

ROWS_HEADER = "X-Followup-Queue-Rows"
_PAIR = re.compile(r"(\d{1,12}):([0-9a-f]{1,32})")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_ID = 2_147_483_647  # stands for a row's id in the URLs reversed once per page


@dataclass(frozen=True)
class ShownRow:
    row: QueueRow
    version: str
    flag_url: str
    patient_url: str
    ack_url: str
    resolve_url: str
    created_iso: str
    created_time: str
    created_day: str
    acknowledged_iso: str
    acknowledged_time: str


def _url_pattern(name: str) -> str:
    return reverse(name, args=[_ID]).replace(str(_ID), "{}")


def row_version(row: QueueRow, zone: ZoneInfo) -> str:
    state = repr((ROWS_FORMAT, zone.key, row_state(row)))
    return hashlib.blake2b(state.encode(), digest_size=8).hexdigest()


def shown_rows(queue: Queue, zone: ZoneInfo) -> list[ShownRow]:
    flag, patient, ack, resolve = (
        _url_pattern(name)
        for name in (
            "dashboard-flag",
            "dashboard-patient",
            "dashboard-flag-ack",
            "dashboard-flag-resolve",
        )
    )
    shown = []
    for row in queue.rows:
        created = row.created_at.astimezone(zone)
        acked = row.acknowledged_at.astimezone(zone) if row.acknowledged_at else None
        shown.append(
            ShownRow(
                row=row,
                version=row_version(row, zone),
                flag_url=flag.format(row.id),
                patient_url=patient.format(row.patient_id) if row.patient_id else "",
                ack_url=ack.format(row.id),
                resolve_url=resolve.format(row.id),
                created_iso=created.isoformat(),
                created_time=f"{created:%H:%M}",
                created_day=f"{created.day} {_MONTHS[created.month - 1]}",
                acknowledged_iso=acked.isoformat() if acked else "",
                acknowledged_time=f"{acked:%H:%M}" if acked else "",
            )
        )
    return shown


def rows_known(header: str | None) -> dict[int, str] | None:
    """The rows the browser shows, by id, with their versions; None when it did not say."""
    if not header:
        return None
    pairs = header.split(",")
    if len(pairs) > 1000:
        return None
    known = {}
    for pair in pairs:
        match = _PAIR.fullmatch(pair.strip())
        if match is None:
            return None
        known[int(match[1])] = match[2]
    return known
