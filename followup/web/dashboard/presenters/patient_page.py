"""Each patient's page as it shows: the course facts, the chart's data, the score tables and
the timeline, with times, links and answer tables worked out here in Python, once per page.

A long history (the cap: 50 sessions, 50 check-ins with their answers, 50 flags and 200 scores
per scale) has thousands of cells; through the template engine, with a date filter and a zone
lookup each, they cost several times what the rest of the page does. Built here from pieces
made once per value, the heaviest page costs little more than a typical one.
"""

import datetime as dt
import functools
import zoneinfo
from dataclasses import dataclass

from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from followup.clinical.instruments import INSTRUMENTS, severity_band
from followup.clinical.progress import Baseline, BaselineTiming, Point, statuses, trend
from followup.models import CheckIn
from followup.models.checkins import QUIET_HOURS
from followup.web.dashboard.presenters.patient_list import PatientRow
from followup.web.dashboard.presenters.patient_record import Entry, PatientRecord, ResponseRecord

NOT_ANSWERED = mark_safe('<span class="unanswered">not answered</span>')
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_ID = 2_147_483_647  # stands for an id in a URL reversed once per page


def url_pattern(name: str) -> str:
    """The URL of ``name`` for any one id: ``url_pattern(name).format(pk)``."""
    return reverse(name, args=[_ID]).replace(str(_ID), "{}")


@functools.cache
def _zone(key: str) -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(key)


def short_time(local: dt.datetime) -> str:
    """As the date filter's "D j M, H:i" (Tue 25 Nov, 14:30), without it."""
    return f"{_DAYS[local.weekday()]} {local.day} {_MONTHS[local.month - 1]}, {local:%H:%M}"


# The list --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ListRow:
    row: PatientRow
    url: str
    check_in_words: str
    check_in_iso: str
    check_in_day: str


_CHECK_IN_WORDS = {"completed": "Answered", "in_progress": "In progress"}


def list_rows(rows: list[PatientRow]) -> list[ListRow]:
    """The list's rows with their links and the last check-in's date in the patient's zone."""
    url = url_pattern("dashboard-patient")
    shown = []
    for row in rows:
        last, words, iso, day = row.last_check_in, "", "", ""
        if last is not None:
            local = last.at.astimezone(_zone(row.patient.timezone))
            words = _CHECK_IN_WORDS.get(last.status) or last.status[:1].upper() + last.status[1:]
            iso, day = local.isoformat(), f"{local.day} {_MONTHS[local.month - 1]} {local.year}"
        shown.append(ListRow(row, url.format(row.patient.pk), words, iso, day))
    return shown


# One patient -------------------------------------------------------------------------------


def _ms(at: dt.datetime) -> int:
    return int(at.timestamp() * 1000)


def chart_payload(record: PatientRecord) -> dict:
    """What ``patient_chart.js`` draws: per scale its bands and complete scores (epoch ms), and
    the sessions to mark. Partial responses have no total and are not plotted."""
    zone = zoneinfo.ZoneInfo(record.patient.timezone)
    sessions = [
        {
            "x": _ms(s.occurred_at),
            "label": f"S{record.session_count - index}",
            "treatment": s.get_treatment_display(),
            "when": _when(s.occurred_at, zone)["text"],
        }
        for index, s in enumerate(record.sessions)
    ]
    return {
        "timezone": record.patient.timezone,
        "sessions": sessions[::-1],
        "instruments": {
            code: {
                "name": instrument.name,
                "max": instrument.max_total,
                "bands": [
                    {"low": b.low, "high": b.high, "code": b.code, "label": b.label}
                    for b in instrument.bands
                ],
                "points": _points(record, code),
            }
            for code, instrument in INSTRUMENTS.items()
        },
    }


def session_rows(chart: dict) -> SafeString:
    """The sessions' table rows, newest first (up to HISTORY_CAP of them, built here)."""
    return format_html_join(
        "",
        "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
        ((s["label"], s["when"], s["treatment"]) for s in reversed(chart["sessions"])),
    )


def _points(record: PatientRecord, code: str) -> list[dict]:
    """Complete scores and prorated totals in time order; a prorated one says so (the chart
    draws it differently and its tooltip says "prorated")."""
    points = [{"x": _ms(p.at), "y": p.total} for p in record.scores[code]]
    points += [{"x": _ms(p.at), "y": p.total, "prorated": True} for p in record.prorated[code]]
    return sorted(points, key=lambda point: point["x"])


def _when(at: dt.datetime, zone: zoneinfo.ZoneInfo) -> dict[str, str]:
    """``iso`` for a ``<time datetime>``, ``text`` as the page shows times (25 Nov 2026, 14:30)."""
    local = at.astimezone(zone)
    return {"iso": local.isoformat(), "text": f"{local.day} {local:%b %Y, %H:%M}"}


def _day(at: dt.datetime, zone: zoneinfo.ZoneInfo) -> str:
    return date_format(at.astimezone(zone), "j M Y")


def course_facts(record: PatientRecord) -> list[dict]:
    """Per scale: the course (baseline, latest, change), its statuses, the latest score against
    the one before, what the chart's canvas says to a screen reader, and the table rows."""
    zone = zoneinfo.ZoneInfo(record.patient.timezone)
    facts = []
    for code, instrument in INSTRUMENTS.items():
        points, course = record.scores[code], record.courses[code]
        if points:
            last = points[-1]
            band = severity_band(code, last.total).label.lower()
            summary = (
                f"{instrument.name} totals over time: {len(points)} complete "
                f"score{'s' if len(points) != 1 else ''} from {_day(points[0].at, zone)} to "
                f"{_day(last.at, zone)}; latest {last.total} ({band}). "
            )
        else:
            summary = f"{instrument.name}: no complete scores yet. "
        sessions = len(record.sessions)
        summary += f"{sessions} treatment session{'s' if sessions != 1 else ''} marked."
        facts.append(
            {
                "code": code,
                "name": instrument.name,
                "course": course,
                "statuses": statuses(course),
                "baseline_band": _band(code, course.baseline.total if course.baseline else None),
                "baseline_used": _baseline_used(course.baseline, record.first_session_at),
                "latest_band": _band(code, course.latest.total if course.latest else None),
                "change_text": _signed(course.change),
                "percent_text": f"{_signed(course.percent_change)}%",
                "trend": trend(points[-2].total, points[-1].total) if len(points) > 1 else None,
                "summary": summary,
                "rows": len(points) + len(record.prorated[code]),
                "rows_html": _score_rows(code, points, record.prorated[code], zone),
                "truncated": record.truncated[code],
            }
        )
    return facts


@functools.cache
def _score_cells(code: str, total: int, prorated: bool) -> str:
    """A score's total and band cells: a handful of distinct ones, made once."""
    return format_html(
        '<td class="num">{}{}</td><td>{}</td>',
        total,
        mark_safe(' <span class="muted">prorated</span>') if prorated else "",
        _band(code, total),
    )


def _score_rows(
    code: str, points: list[Point], prorated: list[Point], zone: zoneinfo.ZoneInfo
) -> SafeString:
    """The scores' table rows, newest first. Built here: with up to CHART_CAP rows per scale
    the template engine spent more on them than on the rest of the page."""
    rows = sorted(
        [(p.at, p.total, False) for p in points] + [(p.at, p.total, True) for p in prorated],
        key=lambda row: row[0],
        reverse=True,
    )
    html = []
    for at, total, is_prorated in rows:
        when = _when(at, zone)  # dates and totals only: nothing to escape
        html.append(
            f'<tr><td><time datetime="{when["iso"]}">{when["text"]}</time></td>'
            f"{_score_cells(code, total, is_prorated)}</tr>"
        )
    return mark_safe("".join(html))  # noqa: S308 - dates, numbers and escaped cells


def _baseline_used(base: Baseline | None, first_session_at: dt.datetime | None) -> str:
    """Which score the course is measured from, in the clinician's words (CLINICAL.md)."""
    if base is None:
        return ""
    if base.timing is BaselineTiming.NO_SESSION_YET:
        return "Latest score; no session recorded yet."
    if base.timing is BaselineTiming.BEFORE_FIRST_SESSION:
        return "Before the first session."
    assert first_session_at is not None  # a score after the first session: there is one
    return (
        f"First score, {_after(base.at - first_session_at)} after the first session "
        "\N{EM DASH} no score before treatment."
    )


def _after(delta: dt.timedelta) -> str:
    hours = int(delta.total_seconds() // 3600)
    if hours < 1:
        return f"{int(delta.total_seconds() // 60)} min"
    return f"{hours} h" if hours < 48 else f"{delta.days} days"


def _signed(value: int | None) -> str:
    if not value:
        return "0"
    return f"+{value}" if value > 0 else f"\N{MINUS SIGN}{-value}"


@functools.cache
def _answer_row(number: int, text: str, value: int | None, label: str) -> str:
    answer = NOT_ANSWERED if value is None else format_html("{} · {}", value, label)
    return format_html(
        '<tr><td>{}</td><td>{}</td><td class="num">{}</td></tr>', number, text, answer
    )


def answers_table(r: ResponseRecord) -> SafeString:
    """A response's answers, item by item. Built here rather than in the template, from rows
    made once per item and answer: a long history has a couple of thousand of these rows,
    and the template engine spent ~100 ms on them."""
    rows = "".join(_answer_row(a.number, a.text, a.value, a.label) for a in r.answers)
    if r.difficulty:
        rows += format_html(
            '<tr><td></td><td>Difficulty (not scored)</td><td class="num">{}</td></tr>',
            r.difficulty,
        )
    return format_html(
        '<table class="answers"><caption class="visually-hidden">{} answers, item by item'
        '</caption><thead><tr><th scope="col">#</th><th scope="col">Item</th>'
        '<th scope="col" class="num">Answer</th></tr></thead><tbody>{}</tbody></table>',
        r.name,
        mark_safe(rows),  # noqa: S308 - each row is escaped by format_html
    )


def dressed(entries: list[Entry], zone: zoneinfo.ZoneInfo) -> list[Entry]:
    """Times, links and answer tables formatted once, in Python: see ``answers_table``."""
    flag_url = url_pattern("dashboard-flag")

    def short(at: dt.datetime | None) -> str:
        return short_time(at.astimezone(zone)) if at is not None else ""

    for entry in entries:
        local = entry.at.astimezone(zone)
        entry.when = {
            "iso": local.isoformat(),
            "day": f"{local:%a} {local.day} {local:%b %Y}",
            "time": f"{local:%H:%M} {local.tzname()}",
        }
        if entry.kind == "check_in":
            c = entry.item.check_in
            entry.when |= {
                name: short(getattr(c, f"{name}_at"))
                for name in ("due", "sent", "expires", "reminded", "completed", "cancelled")
            }
            entry.when["reason"] = status_reason_words(c, zone)
            for response in entry.item.responses:
                response.table = answers_table(response)
        elif entry.kind == "response":
            entry.item.table = answers_table(entry.item)
        elif entry.kind == "flag":
            f = entry.item
            entry.when |= {
                "acknowledged": short(f.acknowledged_at),
                "resolved": short(f.resolved_at),
                "url": flag_url.format(f.pk),
            }
    return entries


def status_reason_words(check_in: CheckIn, zone: zoneinfo.ZoneInfo) -> str:
    """Why a check-in was not sent, or was sent later than planned, in plain words (its API
    ``status_reason``); times in ``zone``, as the page shows them. Empty when nothing to say
    (a cancelled check-in says why on its own line)."""
    reason = check_in.status_reason
    if check_in.status == CheckIn.Status.UNDELIVERABLE:
        return f"Not sent: {_UNDELIVERABLE.get(str(reason)) or _failed_words(str(reason))}"
    if reason == QUIET_HOURS and check_in.deferred_from is not None:
        moved, planned = check_in.due_at.astimezone(zone), check_in.deferred_from.astimezone(zone)
        to = f"{moved:%H:%M}" if moved.date() == planned.date() else short_time(moved)
        return f"Moved to {to} (quiet hours); planned for {short_time(planned)}"
    return ""


_UNDELIVERABLE = {
    "opted_out": "the patient has opted out (STOP)",
    "no_sms_consent": "no SMS consent",
    "unknown": "no reason recorded",
}


def _failed_words(reason: str) -> str:
    kind, _, code = reason.partition(":")
    if kind != "send_failed":
        return reason.replace("_", " ")
    if code and code != "error":
        return f"the message failed (Twilio error {code})"
    return "the message failed"


def _band(code: str, total: int | None) -> str:
    return severity_band(code, total).label if total is not None else ""
