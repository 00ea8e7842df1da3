"""The queue's rows as the page shows them: links and clinic-local times worked out once per
page rather than once per row in the template, and each row's own version, so that a poll
sends only the rows that changed.

A changed poll from a browser that says which rows it shows (``X-Followup-Queue-Rows``: ``id:
version`` pairs) gets the rows' new order, the counts, and the markup of the new and changed
rows only; queue.js keeps the rest of its rows (and what is being typed in them) and puts them
in order. Without that header (no JavaScript, or nothing shown yet) the whole table is sent.

A row's markup depends only on its version (what it shows, the clinic's zone, the markup's
format), its age and the page's CSRF field: it is rendered once per version and process, with
marks where the age and the field go, and reused by every page and poll that shows the row.
"""

import dataclasses
import hashlib
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.template.loader import get_template
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from followup.web.dashboard.presenters.flag_queue import ROWS_FORMAT, Queue, QueueRow, row_state

ROWS_HEADER = "X-Followup-Queue-Rows"
_PAIR = re.compile(r"(\d{1,12}):([0-9a-f]{1,32})")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_ID = 2_147_483_647  # stands for a row's id in the URLs reversed once per page
# Marks in a rendered row: HTML comments, which escaped text (a name, a reason) never holds.
_AGE_MARK = mark_safe("<!--followup:age-->")
_CSRF_MARK = mark_safe("<!--followup:csrf-->")
_RENDERED: dict[str, str] = {}  # row version -> its markup, with the marks
_RENDERED_MAX = 5000  # rows kept (a few MB); past it the store starts again


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


def rows_html(rows: list[ShownRow], *, csrf_input: str, queue_url: str) -> list[SafeString]:
    """Each row's markup: rendered once per row version, then only its age and the page's
    CSRF field put in."""
    template = get_template("dashboard/_queue_row.html")
    html = []
    for shown in rows:
        markup = _RENDERED.get(shown.version)
        if markup is None:
            marked = dataclasses.replace(shown, row=dataclasses.replace(shown.row, age=_AGE_MARK))
            context = {"item": marked, "csrf_input": _CSRF_MARK, "queue_url": queue_url}
            markup = template.render(context)
            if len(_RENDERED) >= _RENDERED_MAX:
                _RENDERED.clear()
            _RENDERED[shown.version] = markup
        age = escape(shown.row.age)
        filled = markup.replace(_AGE_MARK, age).replace(_CSRF_MARK, csrf_input)
        html.append(mark_safe(filled))  # noqa: S308 - rendered with autoescape; safe parts
    return html
