"""Patients: the searchable list, each patient's page (course, charts, timeline), recording a
session from it, and the admins' audit log of a patient.

Another clinic's patient is a 404 everywhere. Every GET of a patient's page is an audit event
(``patient.view``, with the caller's address from ``AuditMiddleware``); so is reading the list
and the audit log. Titles and URLs carry ids only; the search text is never logged or audited.
"""

import datetime as dt
import zoneinfo
from typing import Any

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from followup.errors import DomainError
from followup.models import AuditEvent, Patient, TreatmentSession
from followup.services.audit import audit_record
from followup.services.sessions import session_record
from followup.text import storable
from followup.web.dashboard.auth import ClinicianRequest, admin_required, clinician_required
from followup.web.dashboard.presenters.patient_list import PAGE_SIZE, patient_list_page
from followup.web.dashboard.presenters.patient_page import (
    chart_payload,
    course_facts,
    dressed,
    list_rows,
    session_rows,
)
from followup.web.dashboard.presenters.patient_record import (
    HISTORY_CAP,
    PatientRecord,
    patient_for,
    patient_record,
    timeline,
)

EARLIEST_SESSION = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)  # before this it is a typo
# After this too; and near the end of the calendar (9999) the plan's weeks would overflow.
LATEST_SESSION = dt.datetime(2100, 12, 31, tzinfo=dt.UTC)
AUDIT_PAGE_SIZE = 50
# A patient's page shows this many of the newest timeline entries; a link shows the rest.
TIMELINE_FIRST = 10
WHEN = "j M Y, H:i"


def _page_number(request: HttpRequest) -> int:
    raw = (request.POST if request.method == "POST" else request.GET).get("page", "1")
    return int(raw) if raw.isdigit() and 0 < len(raw) < 7 else 1


def _patient_or_404(request: ClinicianRequest, patient_id: int) -> Patient:
    patient = patient_for(clinic=request.user.clinic, patient_id=patient_id)
    if patient is None:
        raise Http404("No such patient.")
    return patient


# The list ----------------------------------------------------------------------------------


@clinician_required
@require_http_methods(["GET", "POST"])
def patient_list(request: ClinicianRequest) -> HttpResponse:
    # A search is a POST: what is searched for is often a name, and names stay out of URLs
    # (browser history, proxies, access logs). Its pages are POSTs too.
    # Without the characters PostgreSQL cannot store (NUL): a search for them finds nothing else.
    query = storable(request.POST.get("q", "")).strip()[:100] if request.method == "POST" else ""
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
        "rows": list_rows(page.rows),
        "first_index": (page.number - 1) * PAGE_SIZE + 1 if page.rows else 0,
        "last_index": (page.number - 1) * PAGE_SIZE + len(page.rows),
    }
    return render(request, "dashboard/patients.html", context)


# One patient -------------------------------------------------------------------------------


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
        # Before the time is converted: near the ends of the calendar it would overflow.
        if naive.year < EARLIEST_SESSION.year:
            raise forms.ValidationError("That date is too far in the past: check the year.")
        if naive.year > LATEST_SESSION.year:
            raise forms.ValidationError("That date is too far in the future: check the year.")
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
def patient_page(request: ClinicianRequest, patient_id: int) -> HttpResponse:
    patient = _patient_or_404(request, patient_id)
    audit_record(actor=request.user, action="patient.view", obj=patient, patient=patient)
    whole = request.GET.get("timeline") == "all"
    record = patient_record(patient, cap=HISTORY_CAP if whole else TIMELINE_FIRST)
    zone = zoneinfo.ZoneInfo(patient.timezone)
    form = SessionForm(zone=patient.timezone)
    chart = chart_payload(record)
    context = {
        **_session_context(patient, form),
        "record": record,
        "courses": course_facts(record),
        "chart": chart,
        "session_rows": session_rows(chart),
        **_timeline_context(record, zone, whole=whole),
        "partials": sum(
            r.response.total is None for entry in record.check_ins for r in entry.responses
        )
        + sum(r.response.total is None for r in record.loose_responses),
        "prorated": any(record.prorated.values()),
        "now_local": timezone.now().astimezone(zone),
        "zone_parts": patient.timezone.split("/"),
    }
    return render(request, "dashboard/patient.html", context)


def _timeline_context(record: PatientRecord, zone: zoneinfo.ZoneInfo, *, whole: bool) -> dict:
    """The newest entries, and the rest (to the history's caps) behind a link: a long history
    costs its page no more than a few entries do, until someone asks for it."""
    entries = timeline(record)
    shown = entries if whole else entries[:TIMELINE_FIRST]
    kinds = ("sessions", "check_ins", "flags", "responses")
    truncated = any(record.truncated[kind] for kind in kinds)
    more = not whole and (len(entries) > len(shown) or truncated)
    return {
        "timeline": dressed(shown, zone),
        "timeline_more": more,
        "history_cap": HISTORY_CAP,
        # Beyond the caps even the whole timeline stops; the page says so.
        "history_truncated": whole and truncated,
    }


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
def patient_record_session(request: ClinicianRequest, patient_id: int) -> HttpResponse:
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
def patient_audit(request: ClinicianRequest, patient_id: int) -> HttpResponse:
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
