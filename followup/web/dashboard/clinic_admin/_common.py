"""Helpers shared by the admin pages."""

import datetime as dt
import zoneinfo
from collections.abc import Callable

from django import forms
from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format

from followup.errors import DomainError
from followup.models import (
    AuditEvent,
    Clinic,
)
from followup.web.dashboard.auth import ClinicianRequest

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
        (anchor if name == NON_FIELD_ERRORS else form[name].id_for_label, str(message))
        for name, errors in form.errors.items()
        for message in errors
    ]


def _when(value: dt.datetime) -> str:
    return date_format(timezone.localtime(value), WHEN)


def _last_change(clinic: Clinic, action: str) -> AuditEvent | None:
    return AuditEvent.objects.filter(clinic=clinic, action=action).select_related("actor").first()


class TableForm(forms.Form):
    """A page's form shown as a table of rows (the plan's steps, the policy's levels)."""

    group: str  # where errors about the rows as a whole are shown

    def table(self) -> list[dict]:
        raise NotImplementedError


def _edit_page(
    request: ClinicianRequest,
    form: TableForm,
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
