"""Django admin: the operators' window. Clinic admins see their own clinic's rows, read-only;
every write of clinical data goes through the services (API and dashboard), where the rules are.
"""

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse

from followup import models
from followup.clinical.phones import normalize_clinic_phone
from followup.errors import DomainError, ValidationError
from followup.services.audit import audit_record
from followup.services.clinics import clinic_sender
from followup.web.dashboard.auth import second_factor_satisfied

_has_permission = admin.site.has_permission


def _admin_has_permission(request: HttpRequest) -> bool:
    """The admin asks for the same second factor as the dashboard (sign-in is there)."""
    return _has_permission(request) and second_factor_satisfied(request)


admin.site.has_permission = _admin_has_permission  # type: ignore[method-assign]  # the second factor


class ClinicScopedAdmin(admin.ModelAdmin):
    clinic_path = "clinic"

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(**{self.clinic_path: request.user.clinic_id})  # type: ignore[union-attr]  # staff only

    def get_list_filter(self, request: HttpRequest) -> list[Any] | tuple[Any, ...]:
        # A filter by clinic would list every clinic's name; a clinic admin sees one clinic.
        filters = super().get_list_filter(request)
        if request.user.is_superuser:
            return filters
        return [f for f in filters if f != "clinic" and not str(f).startswith("clinic__")]

    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.is_superuser or _is_clinic_admin(request)

    def has_view_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return request.user.is_superuser or _is_clinic_admin(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return request.user.is_superuser

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return request.user.is_superuser

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        # Clinical records are kept; nobody deletes them from here.
        return False

    def save_model(self, request: HttpRequest, obj: Model, form: forms.Form, change: bool) -> None:
        """An operator's change is an audit event too, naming the fields, never their values."""
        super().save_model(request, obj, form, change)
        audit_record(
            actor=request.user,
            action=f"{obj._meta.model_name}.{'admin_change' if change else 'admin_add'}",
            obj=obj,
            patient=_patient_of(obj),
            clinic=obj if isinstance(obj, models.Clinic) else None,
            detail={"fields": sorted(form.changed_data)},
        )


def _patient_of(obj: Model) -> models.Patient | None:
    if isinstance(obj, models.Patient):
        return obj
    return getattr(obj, "patient", None) if getattr(obj, "patient_id", None) else None


def _patient_ids(rows: list[Model]) -> list[int]:
    ids = {
        row.pk if isinstance(row, models.Patient) else getattr(row, "patient_id", None)
        for row in rows
    }
    return sorted(pid for pid in ids if pid is not None)


class AuditedReadsAdmin(ClinicScopedAdmin):
    """Rows with patient data: each list page and each object shown is an audit event
    (``<model>.admin_list`` naming the page's rows and their patients, ``<model>.admin_view``)."""

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        response = super().changelist_view(request, extra_context)
        changelist = (getattr(response, "context_data", None) or {}).get("cl")
        if response.status_code == 200 and changelist is not None:
            rows = list(changelist.result_list)  # the queryset keeps them for the page
            audit_record(
                actor=request.user,
                action=f"{self.model._meta.model_name}.admin_list",
                detail={"ids": [row.pk for row in rows], "patients": _patient_ids(rows)},
            )
        return response

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None
    ) -> HttpResponse:
        response = super().change_view(request, object_id, form_url, extra_context)
        shown = (getattr(response, "context_data", None) or {}).get("original")
        if response.status_code == 200 and shown is not None:
            audit_record(
                actor=request.user,
                action=f"{self.model._meta.model_name}.admin_view",
                obj=shown,
                patient=_patient_of(shown),
            )
        return response


def _is_clinic_admin(request: HttpRequest) -> bool:
    user = request.user
    return bool(user.is_active and user.is_staff and getattr(user, "is_clinic_admin", False))


class ClinicForm(forms.ModelForm):
    class Meta:
        model = models.Clinic
        # The admin adds the others; only the numbers and the sender need our checks.
        fields = ["phone", "sms_number", "messaging_service_sid", "drill_at"]

    def clean_phone(self) -> str:
        """Checked as every number is (followup/clinical/phones.py), read in the clinic's country."""
        region = (self.cleaned_data.get("country") or self.instance.country or "US").upper()
        try:
            return normalize_clinic_phone(self.cleaned_data.get("phone", ""), region=region)
        except ValidationError as exc:
            raise forms.ValidationError(exc.message, code=exc.code) from None

    def clean(self) -> dict:
        """The clinic's own sender, checked as ``clinic_create`` checks it."""
        data = super().clean()
        assert data is not None  # ModelForm.clean returns cleaned_data
        try:
            data["sms_number"], data["messaging_service_sid"] = clinic_sender(
                self.instance,
                sms_number=data.get("sms_number", ""),
                messaging_service_sid=data.get("messaging_service_sid", ""),
            )
        except DomainError as exc:
            self.add_error(exc.field if exc.field in self.fields else None, exc.message)
        return data


@admin.register(models.Clinic)
class ClinicAdmin(ClinicScopedAdmin):
    clinic_path = "pk"
    form = ClinicForm
    list_display = [
        "name",
        "timezone",
        "country",
        "phone",
        "sms_number",
        "quiet_hours_start",
        "quiet_hours_end",
        "drill_at",
    ]
    search_fields = ["name"]


@admin.register(models.Clinician)
class ClinicianAdmin(ClinicScopedAdmin, UserAdmin):
    list_display = ["username", "first_name", "last_name", "clinic", "role", "is_active"]
    list_filter = ["role", "is_active", "clinic"]
    fieldsets = (
        *(UserAdmin.fieldsets or ()),
        ("Clinic", {"fields": ("clinic", "role", "phone")}),
    )

    def save_model(self, request: HttpRequest, obj: Model, form: forms.Form, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        assert isinstance(obj, models.Clinician)  # this admin's model
        # A new account: the same event as one made through the API or ``createclinic``.
        admin.ModelAdmin.save_model(self, request, obj, form, change)
        audit_record(
            actor=request.user,
            action="clinician.create",
            obj=obj,
            clinic=obj.clinic,
            detail={"role": obj.role, "via": "admin"},
        )


@admin.register(models.FollowUpPlan)
class FollowUpPlanAdmin(ClinicScopedAdmin):
    list_display = ["clinic", "reminder_after_hours", "expire_after_hours", "updated_at"]


@admin.register(models.EscalationPolicy)
class EscalationPolicyAdmin(ClinicScopedAdmin):
    list_display = ["clinic", "repeat_every_seconds", "updated_at"]


@admin.register(models.Patient)
class PatientAdmin(AuditedReadsAdmin):
    list_display = ["id", "last_name", "first_name", "channel", "opted_out", "created_at"]
    list_filter = ["channel", "opted_out", "sms_consent"]
    search_fields = ["last_name", "first_name", "phone"]
    readonly_fields = ["sms_consent_at", "opted_out_at", "created_at", "updated_at"]


@admin.register(models.TreatmentSession)
class TreatmentSessionAdmin(AuditedReadsAdmin):
    clinic_path = "patient__clinic"
    list_display = ["id", "patient", "occurred_at", "treatment"]
    list_filter = ["treatment"]
    raw_id_fields = ["patient", "recorded_by"]


@admin.register(models.CheckIn)
class CheckInAdmin(AuditedReadsAdmin):
    clinic_path = "patient__clinic"
    list_display = ["id", "patient", "due_at", "status", "channel", "sent_at", "completed_at"]
    list_filter = ["status", "channel"]
    raw_id_fields = ["patient", "session"]
    date_hierarchy = "due_at"


@admin.register(models.Response)
class ResponseAdmin(AuditedReadsAdmin):
    clinic_path = "patient__clinic"
    list_display = ["id", "patient", "instrument", "total", "severity", "complete", "submitted_at"]
    list_filter = ["instrument", "complete", "severity"]
    raw_id_fields = ["patient", "check_in"]


class FlagEventInline(admin.TabularInline):
    model = models.FlagEvent
    extra = 0
    can_delete = False
    readonly_fields = ["kind", "at", "actor", "detail"]


@admin.register(models.Flag)
class FlagAdmin(AuditedReadsAdmin):
    # ``sender``: the number of a text from no patient (then ``patient`` is empty).
    list_display = ["code", "patient", "sender", "reason", "priority", "status", "created_at"]
    list_filter = ["status", "priority", "reason"]
    search_fields = ["code", "sender"]
    raw_id_fields = ["patient", "response", "acknowledged_by", "resolved_by"]
    inlines = [FlagEventInline]


@admin.register(models.OutboundMessage)
class OutboundMessageAdmin(AuditedReadsAdmin):
    list_display = ["id", "purpose", "channel", "status", "provider_sid", "created_at"]
    list_filter = ["status", "purpose", "channel"]
    raw_id_fields = ["patient", "clinician", "check_in", "flag"]


@admin.register(models.InboundMessage)
class InboundMessageAdmin(AuditedReadsAdmin):
    clinic_path = "patient__clinic"
    list_display = ["id", "message_sid", "status", "received_at"]
    list_filter = ["status"]
    raw_id_fields = ["patient"]


@admin.register(models.AuditEvent)
class AuditEventAdmin(ClinicScopedAdmin):
    """Read-only for everyone, operators included: the log is append-only (and on PostgreSQL
    its table refuses UPDATE and DELETE whatever the admin allows)."""

    list_display = ["seq", "at", "actor", "action", "object_type", "object_id", "ip_address"]
    list_filter = ["action"]
    raw_id_fields = ["patient", "actor", "clinic"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False
