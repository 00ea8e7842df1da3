"""The on-call rota: who is on call, the shifts ahead, coverage gaps, add/end/cancel."""

import datetime as dt
import zoneinfo
from dataclasses import dataclass, field
from typing import Any, cast

from django import forms
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from followup.errors import DomainError, ValidationError
from followup.models import (
    Clinic,
    Clinician,
    OnCallShift,
)
from followup.services.rota import (
    Gap,
    coverage_gaps,
    shift_cancel,
    shift_create,
    shift_end,
    shift_pageable,
)
from followup.web.dashboard.auth import ClinicianRequest, admin_required
from followup.web.dashboard.clinic_admin._common import (
    DATETIME_LOCAL,
    GAP_DAYS,
    ROTA_DAYS,
    _attach,
    _summary,
    _when,
)


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
        name = obj.display_name
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
        clinician = cast(forms.ModelChoiceField, self.fields["clinician"])
        clinician.queryset = Clinician.objects.filter(clinic=clinic, is_active=True)
        level = cast(forms.TypedChoiceField, self.fields["level"])
        level.choices = [(n, f"Level {n}") for n in range(1, depth + 1)]
        self.fields["level"].error_messages["invalid_choice"] = (
            f"Choose a level of the escalation policy (1 to {depth})."
        )

    def clean(self) -> dict:
        data = super().clean()
        assert data is not None  # Form.clean returns cleaned_data
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
    offset = int(local.utcoffset().total_seconds() // 60)  # type: ignore[union-attr]  # aware
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
        # Shown by the template beside the shift.
        shift.in_progress, shift.pageable = shift.starts_at <= now, shift_pageable(shift)  # type: ignore[attr-defined]
        row = levels[shift.level - 1]
        row.shifts.append(shift)
        if shift.in_progress and shift.pageable:  # type: ignore[attr-defined]
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
        "without_phone": [c for c in form.fields["clinician"].queryset if not c.phone],  # type: ignore[attr-defined]  # ShiftForm's choices
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


@admin_required
@require_http_methods(["GET", "POST"])
def rota_page(request: ClinicianRequest) -> HttpResponse:
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
                        f"Shift added: {shift.clinician.display_name} at level {shift.level}, "
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


def _end_shift(request: ClinicianRequest, shift: OnCallShift, now: dt.datetime) -> str:
    """End a shift in progress now, or cancel one not yet started; say what was done."""
    who = f"{shift.clinician.display_name}'s level {shift.level} shift"
    if shift.starts_at < now:
        shift_end(shift=shift, now=now, actor=request.user)
        return f"{who} ended at {_when(now)}."
    shift_cancel(shift=shift, now=now, actor=request.user)
    return f"{who} from {_when(shift.starts_at)} was cancelled."


# Escalation policy -------------------------------------------------------------------------
