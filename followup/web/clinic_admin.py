"""Admin-only pages: the on-call rota, the escalation policy and the follow-up plan.

Each page is a plain form that posts to its own URL with an ``action``; it works without
JavaScript. The services validate and audit every change; their messages are shown beside the
field they name. Bad input renders the page again with status 400 and writes nothing.
"""

import datetime as dt
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.forms.forms import NON_FIELD_ERRORS
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.views.decorators.http import require_http_methods

from followup.errors import DomainError, ValidationError
from followup.instruments import INSTRUMENTS
from followup.models import (
    AuditEvent,
    Clinic,
    Clinician,
    EscalationPolicy,
    FollowUpPlan,
    OnCallShift,
)
from followup.phones import normalize_phone
from followup.services.plans import MAX_OFFSET_HOURS, MAX_STEPS, plan_update
from followup.services.rota import (
    Gap,
    coverage_gaps,
    policy_update,
    shift_cancel,
    shift_create,
    shift_end,
    shift_pageable,
)
from followup.web.auth import admin_required

ROTA_DAYS = 14  # shifts listed
GAP_DAYS = 7  # coverage checked
MAX_LEVELS = 9  # the API's limit too
WHEN = "D j M, H:i"
DATETIME_LOCAL = "%Y-%m-%dT%H:%M"
# The services name fields as the API does; the pages name them as their labels do.
FIELD_WORDS = {
    "expire_after_hours": "“Expires after”",
    "reminder_after_hours": "“Reminder after”",
    "ends_at": "The end",
    "starts_at": "the start",
}


def _human(message: str) -> str:
    for name, words in FIELD_WORDS.items():
        message = message.replace(name, words)
    return message


def _attach(form: forms.Form, error: DomainError) -> None:
    """Show a service's refusal beside the field it names (else above the form)."""
    form.add_error(error.field if error.field in form.fields else None, _human(error.message))


def _summary(form: forms.Form, anchor: str) -> list[tuple[str, str]]:
    """(target id, message) for the error summary at the top of the page."""
    return [
        (anchor if name == NON_FIELD_ERRORS else form[name].id_for_label, message)
        for name, errors in form.errors.items()
        for message in errors
    ]


def _when(value: dt.datetime) -> str:
    return date_format(timezone.localtime(value), WHEN)


def _last_change(clinic: Clinic, action: str) -> AuditEvent | None:
    return AuditEvent.objects.filter(clinic=clinic, action=action).select_related("actor").first()


def _edit_page(
    request: HttpRequest,
    form: "PolicyForm | PlanForm",
    save: Callable[[dict], str],
    *,
    page: str,
    audit: str,
) -> HttpResponse:
    """Show the form; on a valid post, save through the service and go back with a notice."""
    if form.is_bound and form.is_valid():
        try:
            done = save(form.cleaned_data)
        except DomainError as error:
            _attach(form, error)
        else:
            messages.success(request, done)
            return redirect(f"dashboard-{page}")
    context = {
        "nav": page,
        "form": form,
        "rows": form.table(),
        "page_errors": _summary(form, form.group),
        "last_change": _last_change(request.user.clinic, audit),
    }
    with timezone.override(zoneinfo.ZoneInfo(request.user.clinic.timezone)):
        status = 400 if form.is_bound else 200
        return render(request, f"dashboard/{page}.html", context, status=status)


def _rows(request: HttpRequest, shown: int, limit: int) -> int:
    """How many rows the form had: as posted (the page that was shown), else as shown now."""
    try:
        posted = int(request.POST.get("rows", ""))
    except ValueError:
        return shown
    return max(1, min(posted, limit))


# On-call rota ---------------------------------------------------------------------------------


@dataclass
class RotaLevel:
    number: int
    in_policy: bool
    shifts: list[OnCallShift] = field(default_factory=list)
    now: list[OnCallShift] = field(default_factory=list)
    gaps: list[Gap] = field(default_factory=list)


def _local_datetime(label: str) -> forms.DateTimeField:
    """A ``datetime-local`` input, read in the current (the clinic's) time zone."""
    return forms.DateTimeField(
        label=label,
        input_formats=[DATETIME_LOCAL, f"{DATETIME_LOCAL}:%S"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL),
    )


class ClinicianChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Clinician) -> str:
        name = obj.get_full_name() or obj.username
        return name if obj.phone else f"{name} (no phone: cannot be paged)"


class ShiftForm(forms.Form):
    clinician = ClinicianChoice(
        queryset=Clinician.objects.none(),
        empty_label="Choose a clinician",
        error_messages={
            "required": "Choose who is on call.",
            "invalid_choice": "Choose one of this clinic's clinicians.",
        },
    )
    starts_at = _local_datetime("Starts")
    ends_at = _local_datetime("Ends")
    level = forms.TypedChoiceField(coerce=int, label="Level")

    def __init__(self, *args: Any, clinic: Clinic, depth: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["clinician"].queryset = Clinician.objects.filter(clinic=clinic, is_active=True)
        self.fields["level"].choices = [(n, f"Level {n}") for n in range(1, depth + 1)]
        self.fields["level"].error_messages["invalid_choice"] = (
            f"Choose a level of the escalation policy (1 to {depth})."
        )

    def clean(self) -> dict:
        data = super().clean()
        ends_at = data.get("ends_at")
        if ends_at and ends_at <= timezone.now():
            self.add_error("ends_at", "That time has passed: a shift must end in the future.")
        return data


def _shift_or_404(clinic: Clinic, raw: str) -> OnCallShift:
    """This clinic's shift; any other id (or none) is a 404, as for every other clinic's row."""
    if not raw.isdigit():
        raise Http404("No such shift.")
    return get_object_or_404(OnCallShift.objects.select_related("clinician"), pk=raw, clinic=clinic)


def _zone_label(now: dt.datetime) -> str:
    local = timezone.localtime(now)
    offset = int(local.utcoffset().total_seconds() // 60)
    sign = "+" if offset >= 0 else "-"
    return f"{local.tzname()}, UTC{sign}{abs(offset) // 60:02d}:{abs(offset) % 60:02d}"


def _rota_context(clinic: Clinic, now: dt.datetime, form: ShiftForm) -> dict:
    policy = clinic.escalation_policy
    depth = len(policy.levels)
    horizon = now + dt.timedelta(days=ROTA_DAYS)
    shifts = list(
        OnCallShift.objects.filter(clinic=clinic, ends_at__gt=now, starts_at__lt=horizon)
        .select_related("clinician")
        .order_by("level", "starts_at", "id")
    )
    top = max([depth, *(s.level for s in shifts)])
    levels = [RotaLevel(number, number <= depth) for number in range(1, top + 1)]
    for shift in shifts:
        shift.in_progress, shift.pageable = shift.starts_at <= now, shift_pageable(shift)
        row = levels[shift.level - 1]
        row.shifts.append(shift)
        if shift.in_progress and shift.pageable:
            row.now.append(shift)
    for row in levels[:depth]:
        end = now + dt.timedelta(days=GAP_DAYS)
        row.gaps = coverage_gaps(row.shifts, level=row.number, start=now, end=end)
    admins = Clinician.objects.filter(clinic=clinic, role=Clinician.Role.ADMIN, is_active=True)
    return {
        "nav": "rota",
        "form": form,
        "levels": levels,
        "gaps": [gap for row in levels for gap in row.gaps],
        "gap_days": GAP_DAYS,
        "rota_days": ROTA_DAYS,
        "nobody_else": not policy.fallback_phones and not admins.exclude(phone="").exists(),
        "without_phone": [c for c in form.fields["clinician"].queryset if not c.phone],
        "zone": clinic.timezone,
        "zone_now": _zone_label(now),
    }


def _confirm_context(clinic: Clinic, shift: OnCallShift, now: dt.datetime) -> dict:
    """What ending or cancelling ``shift`` would leave uncovered, said before it is done."""
    leaves: list[Gap] = []
    if shift_pageable(shift) and shift.level <= len(clinic.escalation_policy.levels):
        others = OnCallShift.objects.filter(
            clinic=clinic, level=shift.level, ends_at__gt=now, starts_at__lt=shift.ends_at
        ).exclude(pk=shift.pk)
        leaves = coverage_gaps(
            list(others.select_related("clinician")),
            level=shift.level,
            start=max(shift.starts_at, now),
            end=shift.ends_at,
        )
    return {"shift": shift, "started": shift.starts_at < now, "leaves": leaves}


def _name(clinician: Clinician) -> str:
    return clinician.get_full_name() or clinician.username


@admin_required
@require_http_methods(["GET", "POST"])
def rota_page(request: HttpRequest) -> HttpResponse:
    clinic = request.user.clinic
    # Forms read and show times in the clinic's zone; the database keeps UTC.
    with timezone.override(zoneinfo.ZoneInfo(clinic.timezone)):
        now = timezone.now()
        depth = len(clinic.escalation_policy.levels)
        start = timezone.localtime(now).replace(minute=0, second=0, microsecond=0)
        start += dt.timedelta(hours=1)
        initial = {"starts_at": start, "ends_at": start + dt.timedelta(hours=12), "level": 1}
        form = ShiftForm(clinic=clinic, depth=depth, initial=initial)
        extra: dict[str, Any] = {}
        action = request.POST.get("action")
        if action == "add":
            form = ShiftForm(request.POST, clinic=clinic, depth=depth)
            if form.is_valid():
                try:
                    shift = shift_create(clinic=clinic, actor=request.user, **form.cleaned_data)
                except DomainError as error:
                    _attach(form, error)
                else:
                    messages.success(
                        request,
                        f"Shift added: {_name(shift.clinician)} at level {shift.level}, "
                        f"{_when(shift.starts_at)} to {_when(shift.ends_at)} ({clinic.timezone}).",
                    )
                    return redirect("dashboard-rota")
            extra["page_errors"] = _summary(form, "add-shift")
        elif action == "end":
            shift = _shift_or_404(clinic, request.POST.get("shift", ""))
            if request.POST.get("confirm") != "yes":
                return redirect(f"{request.path}?end={shift.pk}#confirm")
            try:
                done = _end_shift(request, shift, now)
            except ValidationError as error:
                extra["page_errors"] = [("shifts", error.message)]
            else:
                messages.success(request, done)
                return redirect("dashboard-rota")
        elif request.method == "POST":
            extra["page_errors"] = [("add-shift", "Unknown action: nothing was changed.")]
        elif "end" in request.GET:
            shift = _shift_or_404(clinic, request.GET["end"])
            if shift.ends_at > now:
                extra["confirm"] = _confirm_context(clinic, shift, now)
        context = {**_rota_context(clinic, now, form), **extra}
        status = 400 if request.method == "POST" else 200
        return render(request, "dashboard/rota.html", context, status=status)


def _end_shift(request: HttpRequest, shift: OnCallShift, now: dt.datetime) -> str:
    """End a shift in progress now, or cancel one not yet started; say what was done."""
    who = f"{_name(shift.clinician)}'s level {shift.level} shift"
    if shift.starts_at < now:
        shift_end(shift=shift, now=now, actor=request.user)
        return f"{who} ended at {_when(now)}."
    shift_cancel(shift=shift, now=now, actor=request.user)
    return f"{who} from {_when(shift.starts_at)} was cancelled."


# Escalation policy -------------------------------------------------------------------------


def _minutes(seconds: int) -> str:
    return f"{seconds / 60:g}"  # 300 -> "5", 450 -> "7.5"


class PolicyForm(forms.Form):
    group = "levels"  # where errors about the levels as a whole are shown
    repeat_minutes = forms.DecimalField(
        label="Repeat the last level every (minutes)",
        min_value=1,
        max_value=1440,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
    )
    fallback_phones = forms.CharField(
        label="Fallback phone numbers",
        required=False,
        help_text="One mobile number per line, e.g. +13125550100. Paged with the clinic's "
        "admins at the last level, and whenever a level has nobody on call.",
        widget=forms.Textarea(attrs={"rows": 4, "autocomplete": "off", "spellcheck": "false"}),
    )

    def __init__(self, *args: Any, rows: int, region: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rows, self.region = rows, region
        for n in range(1, rows + 1):
            self.fields[f"level_{n}_minutes"] = forms.DecimalField(
                label=f"Level {n}: minutes before the next level",
                required=False,
                min_value=Decimal("0.5"),
                max_value=1440,
                decimal_places=2,
                widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
            )
            self.fields[f"level_{n}_sms"] = forms.BooleanField(label="SMS", required=False)
            self.fields[f"level_{n}_voice"] = forms.BooleanField(label="Voice call", required=False)

    def table(self) -> list[dict]:
        return [
            {key: self[f"level_{n}_{key}"] for key in ("minutes", "sms", "voice")} | {"number": n}
            for n in range(1, self.rows + 1)
        ]

    def clean_fallback_phones(self) -> list[str]:
        numbers, problems = [], []
        for line in self.cleaned_data["fallback_phones"].splitlines():
            if not line.strip():
                continue
            try:
                number = normalize_phone(line, region=self.region, field="fallback_phones")
            except ValidationError as error:
                problems.append(error.message)
            else:
                numbers.append(number)
        if problems:
            raise forms.ValidationError(problems)
        return list(dict.fromkeys(numbers))

    def clean(self) -> dict:
        data = super().clean()
        levels = []
        for n in range(1, self.rows + 1):
            minutes = data.get(f"level_{n}_minutes")
            channels = [c for c in ("sms", "voice") if data.get(f"level_{n}_{c}")]
            if f"level_{n}_minutes" in self.errors or (minutes is None and not channels):
                continue  # an error shown already, or an empty row: that level is removed
            if minutes is None:
                self.add_error(
                    f"level_{n}_minutes",
                    "Give the minutes before the next level, or untick SMS and voice call to "
                    "remove this level.",
                )
            elif not channels:
                self.add_error(f"level_{n}_minutes", "Tick SMS, voice call or both.")
            else:
                timeout = int((minutes * 60).to_integral_value())
                levels.append({"timeout_seconds": timeout, "channels": channels})
        if not levels and not self.errors:
            raise forms.ValidationError("Keep at least one level: someone must be paged.")
        # Empty rows go; the levels below them move up.
        data["levels"] = [{"level": i, **lvl} for i, lvl in enumerate(levels, start=1)]
        return data


def _policy_initial(policy: EscalationPolicy) -> dict[str, Any]:
    initial: dict[str, Any] = {
        "repeat_minutes": _minutes(policy.repeat_every_seconds),
        "fallback_phones": "\n".join(policy.fallback_phones),
    }
    for level in policy.levels:
        n = level["level"]
        initial[f"level_{n}_minutes"] = _minutes(level["timeout_seconds"])
        initial.update({f"level_{n}_{channel}": True for channel in level["channels"]})
    return initial


@admin_required
@require_http_methods(["GET", "POST"])
def policy_page(request: HttpRequest) -> HttpResponse:
    clinic = request.user.clinic
    policy = clinic.escalation_policy
    rows = _rows(request, min(MAX_LEVELS, max(5, len(policy.levels) + 1)), MAX_LEVELS)
    data = request.POST if request.method == "POST" else None
    form = PolicyForm(data, initial=_policy_initial(policy), rows=rows, region=clinic.country)

    def save(data: dict) -> str:
        policy = policy_update(
            clinic=clinic,
            actor=request.user,
            levels=data["levels"],
            repeat_every_seconds=int((data["repeat_minutes"] * 60).to_integral_value()),
            fallback_phones=data["fallback_phones"],
        )
        count = len(policy.levels)
        return (
            f"Escalation policy saved: {count} level{'s' if count != 1 else ''}. Flags raised "
            "from now on follow it; open flags keep the policy they were raised under."
        )

    return _edit_page(request, form, save, page="policy", audit="escalation_policy.update")


# Follow-up plan ----------------------------------------------------------------------------


class PlanForm(forms.Form):
    group = "steps"
    reminder_after_hours = forms.IntegerField(
        label="Reminder after (hours)",
        help_text="One reminder if the check-in is not finished by then (never in quiet hours).",
    )
    expire_after_hours = forms.IntegerField(
        label="Expires after (hours)",
        help_text="How long a patient has to answer once the check-in is sent (at most 336).",
    )

    def __init__(self, *args: Any, rows: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rows = rows
        for n in range(1, rows + 1):
            self.fields[f"step_{n}_offset"] = forms.IntegerField(
                label=f"Step {n}: time after the session", required=False, min_value=1
            )
            self.fields[f"step_{n}_unit"] = forms.ChoiceField(
                label=f"Step {n}: unit",
                choices=[("days", "days"), ("hours", "hours")],
                initial="days",
                required=False,
            )
            for code, instrument in INSTRUMENTS.items():
                self.fields[f"step_{n}_{code}"] = forms.BooleanField(
                    label=instrument.name, required=False
                )

    def table(self) -> list[dict]:
        return [
            {
                "number": n,
                "offset": self[f"step_{n}_offset"],
                "unit": self[f"step_{n}_unit"],
                "instruments": [self[f"step_{n}_{code}"] for code in INSTRUMENTS],
            }
            for n in range(1, self.rows + 1)
        ]

    def clean(self) -> dict:
        data = super().clean()
        steps = []
        for n in range(1, self.rows + 1):
            offset = data.get(f"step_{n}_offset")
            chosen = [code for code in INSTRUMENTS if data.get(f"step_{n}_{code}")]
            if f"step_{n}_offset" in self.errors or (offset is None and not chosen):
                continue  # an error shown already, or an empty row: no such step
            hours = (offset or 0) * (1 if data.get(f"step_{n}_unit") == "hours" else 24)
            if offset is None:
                self.add_error(
                    f"step_{n}_offset",
                    "Give the time after the session, or untick the scales to remove this step.",
                )
            elif hours > MAX_OFFSET_HOURS:
                self.add_error(f"step_{n}_offset", "At most 365 days after the session.")
            elif not chosen:
                self.add_error(f"step_{n}_offset", "Tick PHQ-9, GAD-7 or both.")
            else:
                steps.append({"offset_hours": hours, "instruments": chosen})
        data["steps"] = steps
        return data


def _plan_initial(plan: FollowUpPlan) -> dict[str, Any]:
    initial: dict[str, Any] = {
        "reminder_after_hours": plan.reminder_after_hours,
        "expire_after_hours": plan.expire_after_hours,
    }
    for n, step in enumerate(plan.steps, start=1):
        hours = step["offset_hours"]
        in_days = hours % 24 == 0 and hours > 24  # +24 h reads better than +1 days
        initial[f"step_{n}_offset"] = hours // 24 if in_days else hours
        initial[f"step_{n}_unit"] = "days" if in_days else "hours"
        initial.update({f"step_{n}_{code}": True for code in step["instruments"]})
    return initial


@admin_required
@require_http_methods(["GET", "POST"])
def plan_page(request: HttpRequest) -> HttpResponse:
    clinic = request.user.clinic
    plan = clinic.follow_up_plan
    rows = _rows(request, min(MAX_STEPS, max(6, len(plan.steps) + 2)), MAX_STEPS)
    data = request.POST if request.method == "POST" else None
    form = PlanForm(data, initial=_plan_initial(plan), rows=rows)

    def save(data: dict) -> str:
        plan = plan_update(
            clinic=clinic,
            actor=request.user,
            steps=data["steps"],
            reminder_after_hours=data["reminder_after_hours"],
            expire_after_hours=data["expire_after_hours"],
        )
        count = len(plan.steps)
        return (
            f"Follow-up plan saved: {count} check-in{'s' if count != 1 else ''} after each "
            "session. Sessions recorded from now on follow it."
        )

    return _edit_page(request, form, save, page="plan", audit="follow_up_plan.update")
