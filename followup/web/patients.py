"""Patients: the searchable list, each patient's page (course, charts, timeline), recording a
session from it, and the admins' audit log of a patient.

Another clinic's patient is a 404 everywhere. Every GET of a patient's page is an audit event
(``patient.view``, with the caller's address from ``AuditMiddleware``); so is reading the list
and the audit log. Titles and URLs carry ids only; the search text is never logged or audited.
"""

import datetime as dt
import functools
import zoneinfo
from typing import Any

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from followup.audit import audit_record
from followup.errors import DomainError
from followup.instruments import INSTRUMENTS, severity_band
from followup.models import AuditEvent, Patient, TreatmentSession
from followup.patient_list import PAGE_SIZE, patient_list_page
from followup.patient_record import (
    Entry,
    PatientRecord,
    ResponseRecord,
    patient_for,
    patient_record,
    timeline,
)
from followup.progress import Baseline, BaselineTiming, statuses, trend
from followup.services.sessions import session_record
from followup.web.auth import admin_required, clinician_required

EARLIEST_SESSION = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)  # before this it is a typo
AUDIT_PAGE_SIZE = 50
WHEN = "j M Y, H:i"
NOT_ANSWERED = mark_safe('<span class="unanswered">not answered</span>')


def _page_number(request: HttpRequest) -> int:
    raw = (request.POST if request.method == "POST" else request.GET).get("page", "1")
    return int(raw) if raw.isdigit() and 0 < len(raw) < 7 else 1


def _patient_or_404(request: HttpRequest, patient_id: int) -> Patient:
    patient = patient_for(clinic=request.user.clinic, patient_id=patient_id)
    if patient is None:
        raise Http404("No such patient.")
    return patient


# The list ----------------------------------------------------------------------------------


@clinician_required
@require_http_methods(["GET", "POST"])
def patient_list(request: HttpRequest) -> HttpResponse:
    # A search is a POST: what is searched for is often a name, and names stay out of URLs
    # (browser history, proxies, access logs). Its pages are POSTs too.
    query = request.POST.get("q", "").strip()[:100] if request.method == "POST" else ""
    page = patient_list_page(clinic=request.user.clinic, query=query, page=_page_number(request))
    # Who read which page of the list; never what was searched for (it may be a name).
    audit_record(
        actor=request.user,
        action="patient.list",
        detail={
            "page": page.number,
            "searched": bool(query),
            "patients": [row.patient.pk for row in page.rows],
        },
    )
    context = {
        "nav": "patients",
        "query": query,
        "page": page,
        "first_index": (page.number - 1) * PAGE_SIZE + 1 if page.rows else 0,
        "last_index": (page.number - 1) * PAGE_SIZE + len(page.rows),
    }
    return render(request, "dashboard/patients.html", context)


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
                # Formatted here: hundreds of rows through the date filter cost real time.
                "rows": sorted(
                    [
                        {**_when(p.at, zone), "at": p.at, "total": p.total, "prorated": False}
                        | {"band": _band(code, p.total)}
                        for p in points
                    ]
                    + [
                        {**_when(p.at, zone), "at": p.at, "total": p.total, "prorated": True}
                        | {"band": _band(code, p.total)}
                        for p in record.prorated[code]
                    ],
                    key=lambda row: row["at"],
                    reverse=True,
                ),
                "truncated": record.truncated[code],
            }
        )
    return facts


def _baseline_used(base: Baseline | None, first_session_at: dt.datetime | None) -> str:
    """Which score the course is measured from, in the clinician's words (CLINICAL.md)."""
    if base is None:
        return ""
    if base.timing is BaselineTiming.NO_SESSION_YET:
        return "Latest score; no session recorded yet."
    if base.timing is BaselineTiming.BEFORE_FIRST_SESSION:
        return "Before the first session."
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


def _dressed(entries: list[Entry], zone: zoneinfo.ZoneInfo) -> list[Entry]:
    """Times and answer tables formatted once, in Python: see ``answers_table``."""
    for entry in entries:
        local = entry.at.astimezone(zone)
        entry.when = {
            "iso": local.isoformat(),
            "day": f"{local:%a} {local.day} {local:%b %Y}",
            "time": f"{local:%H:%M} {local.tzname()}",
        }
        if entry.kind == "check_in":
            for response in entry.item.responses:
                response.table = answers_table(response)
        elif entry.kind == "response":
            entry.item.table = answers_table(entry.item)
    return entries


def _band(code: str, total: int | None) -> str:
    return severity_band(code, total).label if total is not None else ""


class SessionForm(forms.Form):
    """A session as the clinician saw it: a wall-clock time in the patient's own zone."""

    occurred_at = forms.CharField(
        label="Date and time of the session",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local", "step": 60}),
        error_messages={"required": "Give the date and time the session took place."},
    )
    treatment = forms.ChoiceField(
        label="Treatment",
        choices=[("", "Choose a treatment"), *TreatmentSession.Treatment.choices],
        error_messages={
            "required": "Choose the treatment given.",
            "invalid_choice": "Choose one of the treatments in the list: "
            + ", ".join(str(label) for label in TreatmentSession.Treatment.labels)
            + ".",
        },
    )

    def __init__(self, *args: Any, zone: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.zone = zone
        self.fields["occurred_at"].label = f"Date and time of the session ({zone} time)"
        self.fields["occurred_at"].help_text = (
            f"In the patient's time zone, {zone}, which may differ from the clinic's. The "
            "follow-up plan's check-ins are scheduled from it."
        )

    def clean_occurred_at(self) -> dt.datetime:
        raw = self.cleaned_data["occurred_at"].strip()
        try:
            naive = dt.datetime.fromisoformat(raw)
        except ValueError:
            raise forms.ValidationError(
                "Give a date and time like 2026-11-25 14:30 (the form's date picker does this)."
            ) from None
        if naive.tzinfo is not None:
            raise forms.ValidationError(f"Give the time without a zone: it is read in {self.zone}.")
        zone = zoneinfo.ZoneInfo(self.zone)
        local = naive.replace(second=0, microsecond=0, tzinfo=zone)
        # A time skipped when the clocks went forward does not survive a round trip through UTC.
        if local.astimezone(dt.UTC).astimezone(zone).replace(tzinfo=None) != local.replace(
            tzinfo=None
        ):
            raise forms.ValidationError(
                f"{naive:%H:%M} did not happen on {naive:%Y-%m-%d} in {self.zone}: the clocks "
                "moved forward. Give the time as the clock showed it."
            )
        if local < EARLIEST_SESSION:
            raise forms.ValidationError("That date is too far in the past: check the year.")
        return local


def _session_context(patient: Patient, form: SessionForm) -> dict:
    return {
        "nav": "patients",
        "patient": patient,
        "form": form,
        "zone": patient.timezone,
    }


@clinician_required
@require_GET
def patient_page(request: HttpRequest, patient_id: int) -> HttpResponse:
    patient = _patient_or_404(request, patient_id)
    audit_record(actor=request.user, action="patient.view", obj=patient, patient=patient)
    record = patient_record(patient)
    zone = zoneinfo.ZoneInfo(patient.timezone)
    form = SessionForm(zone=patient.timezone)
    context = {
        **_session_context(patient, form),
        "record": record,
        "courses": course_facts(record),
        "chart": chart_payload(record),
        "timeline": _dressed(timeline(record), zone),
        "partials": sum(
            r.response.total is None for entry in record.check_ins for r in entry.responses
        )
        + sum(r.response.total is None for r in record.loose_responses),
        "prorated": any(record.prorated.values()),
        "now_local": timezone.now().astimezone(zone),
        "zone_parts": patient.timezone.split("/"),
    }
    return render(request, "dashboard/patient.html", context)


def _scheduled_words(check_ins: list, zone: zoneinfo.ZoneInfo) -> str:
    if not check_ins:
        return (
            "No check-ins were scheduled: the plan's check-ins for it are already past or "
            "fall on days that have one."
        )
    times = [date_format(c.due_at.astimezone(zone), "D j M, H:i") for c in check_ins]
    return f"Check-ins scheduled ({zone.key}): {'; '.join(times)}."


@clinician_required
@require_POST
def patient_record_session(request: HttpRequest, patient_id: int) -> HttpResponse:
    patient = _patient_or_404(request, patient_id)
    form = SessionForm(request.POST, zone=patient.timezone)
    if form.is_valid():
        try:
            session, check_ins = session_record(
                patient=patient,
                occurred_at=form.cleaned_data["occurred_at"],
                treatment=form.cleaned_data["treatment"],
                actor=request.user,
            )
        except DomainError as error:
            field = error.field if error.field in form.fields else None
            form.add_error(field, error.message.replace("occurred_at", "The session's time"))
        else:
            zone = zoneinfo.ZoneInfo(patient.timezone)
            local = session.occurred_at.astimezone(zone)
            when = f"{date_format(local, WHEN)} {local.tzname()}"
            messages.success(
                request,
                f"Session recorded: {session.get_treatment_display()}, {when}. "
                + _scheduled_words(check_ins, zone),
            )
            return redirect("dashboard-patient", patient_id=patient.pk)
    # Only the form and what is wrong with it: no patient data, so nothing to audit, and
    # nothing was written.
    context = {**_session_context(patient, form), "session_errors": True}
    return render(request, "dashboard/patient.html", context, status=400)


# The audit log -----------------------------------------------------------------------------


@admin_required
@require_GET
def patient_audit(request: HttpRequest, patient_id: int) -> HttpResponse:
    patient = _patient_or_404(request, patient_id)
    events = (
        AuditEvent.objects.filter(patient=patient).select_related("actor").order_by("-at", "-id")
    )
    page = Paginator(events, AUDIT_PAGE_SIZE).get_page(_page_number(request))
    page.object_list = list(page.object_list)  # read before this reading is itself recorded
    audit_record(
        actor=request.user,
        action="patient.audit_view",
        obj=patient,
        patient=patient,
        detail={"page": page.number},
    )
    context = {
        "nav": "patients",
        "patient": patient,
        "page": page,
        "zone": patient.clinic.timezone,
    }
    return render(request, "dashboard/patient_audit.html", context)
