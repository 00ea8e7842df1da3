"""Integration keys: a clinic admin makes a key for the clinic's EHR (a name, a scope, how long it
is valid), sees it once, and revokes keys. The list shows who made each key and whether it
still works, never the key."""

import datetime as dt
import zoneinfo

from django import forms
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from followup.errors import DomainError, NotFound
from followup.models import IntegrationKey
from followup.services.credentials import (
    NAME_LENGTH,
    integration_key_create,
    integration_key_revoke,
)
from followup.web.dashboard.auth import ClinicianRequest, admin_required
from followup.web.dashboard.clinic_admin._common import _attach, _summary

VALIDITY_CHOICES = [(30, "30 days"), (90, "90 days"), (180, "180 days"), (365, "1 year")]


class KeyForm(forms.Form):
    group = "new-key"
    name = forms.CharField(
        label="Name",
        max_length=NAME_LENGTH,
        help_text="What the key is for, e.g. the EHR's name. Shown in the audit log.",
    )
    scope = forms.ChoiceField(
        label="Scope",
        choices=IntegrationKey.Scope.choices,
        initial=IntegrationKey.Scope.READ_WRITE,
        help_text="A read-only key can list and read, but never change anything.",
    )
    valid_days = forms.TypedChoiceField(
        label="Valid for",
        choices=VALIDITY_CHOICES,
        coerce=int,
        initial=365,
        help_text="After this the key stops working; make a new one before then.",
    )


def _status(key: IntegrationKey, now: dt.datetime) -> str:
    if key.revoked_at is not None:
        return "revoked"
    return "expired" if key.expires_at <= now else "active"


@admin_required
@require_http_methods(["GET", "POST"])
def keys_page(request: ClinicianRequest) -> HttpResponse:
    clinic = request.user.clinic
    form = KeyForm()
    made: str | None = None
    status = 200
    if request.method == "POST" and request.POST.get("action") == "revoke":
        try:
            key_id = int(request.POST.get("key", ""))
            key = integration_key_revoke(clinic=clinic, key_id=key_id, actor=request.user)
        except (ValueError, NotFound):
            raise Http404("No such key.") from None
        messages.success(request, f"Key “{key.name}” revoked: it no longer works.")
        return redirect("dashboard-keys")
    if request.method == "POST":
        form = KeyForm(request.POST)
        if form.is_valid():
            try:
                key, made = integration_key_create(
                    clinic=clinic, actor=request.user, **form.cleaned_data
                )
            except DomainError as error:
                _attach(form, error)
            else:
                form = KeyForm()
        if form.errors:
            status = 400
    now = timezone.now()
    keys = [
        (key, _status(key, now))
        for key in IntegrationKey.objects.filter(clinic=clinic).select_related("created_by")
    ]
    context = {
        "nav": "keys",
        "form": form,
        "page_errors": _summary(form, form.group),
        "keys": keys,
        "made": made,
    }
    with timezone.override(zoneinfo.ZoneInfo(clinic.timezone)):
        return render(request, "dashboard/keys.html", context, status=status)
