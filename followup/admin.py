"""Django admin: the operators' window. Clinic admins see their own clinic's rows, read-only;
every write of clinical data goes through the services (API and dashboard), where the rules are.
"""

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest

from followup import models
from followup.errors import DomainError, ValidationError
from followup.phones import normalize_clinic_phone
from followup.services.clinics import clinic_sender
from followup.web.auth import second_factor_satisfied

_has_permission = admin.site.has_permission


def _admin_has_permission(request: HttpRequest) -> bool:
    """The admin asks for the same second factor as the dashboard (sign-in is there)."""
    return _has_permission(request) and second_factor_satisfied(request)


admin.site.has_permission = _admin_has_permission


class ClinicScopedAdmin(admin.ModelAdmin):
    clinic_path = "clinic"

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(**{self.clinic_path: request.user.clinic_id})

    def get_list_filter(self, request: HttpRequest) -> list:
        # A filter by clinic would list every clinic's name; a clinic admin sees one clinic.
        filters = super().get_list_filter(request)
        if request.user.is_superuser:
            return filters
        return [f for f in filters if f != "clinic" and not str(f).startswith("clinic__")]

    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.is_superuser or _is_clinic_admin(request)

    def has_view_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return request.user.is_superuser or _is_clinic_admin(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return request.user.is_superuser

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return request.user.is_superuser

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        # Clinical records are kept; nobody deletes them from here.
        return False


def _is_clinic_admin(request: HttpRequest) -> bool:
    user = request.user
    return bool(user.is_active and user.is_staff and getattr(user, "is_clinic_admin", False))


class ClinicForm(forms.ModelForm):
    class Meta:
        model = models.Clinic
        # The admin adds the others; only the numbers and the sender need our checks.
        fields = ["phone", "sms_number", "messaging_service_sid"]

    def clean_phone(self) -> str:
        """Checked as every number is (followup/phones.py), read in the clinic's country."""
        region = (self.cleaned_data.get("country") or self.instance.country or "US").upper()
        try:
            return normalize_clinic_phone(self.cleaned_data.get("phone", ""), region=region)
        except ValidationError as exc:
            raise forms.ValidationError(exc.message, code=exc.code) from None

    def clean(self) -> dict:
        """The clinic's own sender, checked as ``clinic_create`` checks it."""
        data = super().clean()
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
    ]
    search_fields = ["name"]


@admin.register(models.Clinician)
class ClinicianAdmin(ClinicScopedAdmin, UserAdmin):
    list_display = ["username", "first_name", "last_name", "clinic", "role", "is_active"]
    list_filter = ["role", "is_active", "clinic"]
    fieldsets = (
        *UserAdmin.fieldsets,
        ("Clinic", {"fields": ("clinic", "role", "phone")}),
    )


@admin.register(models.FollowUpPlan)
class FollowUpPlanAdmin(ClinicScopedAdmin):
    list_display = ["clinic", "reminder_after_hours", "expire_after_hours", "updated_at"]


@admin.register(models.EscalationPolicy)
class EscalationPolicyAdmin(ClinicScopedAdmin):
    list_display = ["clinic", "repeat_every_seconds", "updated_at"]


@admin.register(models.Patient)
class PatientAdmin(ClinicScopedAdmin):
    list_display = ["id", "last_name", "first_name", "channel", "opted_out", "created_at"]
    list_filter = ["channel", "opted_out", "sms_consent"]
    search_fields = ["last_name", "first_name", "phone"]
    readonly_fields = ["sms_consent_at", "opted_out_at", "created_at", "updated_at"]


@admin.register(models.TreatmentSession)
class TreatmentSessionAdmin(ClinicScopedAdmin):
    clinic_path = "patient__clinic"
    list_display = ["id", "patient", "occurred_at", "treatment"]
    list_filter = ["treatment"]
    raw_id_fields = ["patient", "recorded_by"]


@admin.register(models.CheckIn)
class CheckInAdmin(ClinicScopedAdmin):
    clinic_path = "patient__clinic"
    list_display = ["id", "patient", "due_at", "status", "channel", "sent_at", "completed_at"]
    list_filter = ["status", "channel"]
    raw_id_fields = ["patient", "session"]
    date_hierarchy = "due_at"


@admin.register(models.Response)
class ResponseAdmin(ClinicScopedAdmin):
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
class FlagAdmin(ClinicScopedAdmin):
    # ``sender``: the number of a text from no patient (then ``patient`` is empty).
    list_display = ["code", "patient", "sender", "reason", "priority", "status", "created_at"]
    list_filter = ["status", "priority", "reason"]
    search_fields = ["code", "sender"]
    raw_id_fields = ["patient", "response", "acknowledged_by", "resolved_by"]
    inlines = [FlagEventInline]


@admin.register(models.OutboundMessage)
class OutboundMessageAdmin(ClinicScopedAdmin):
    list_display = ["id", "purpose", "channel", "status", "provider_sid", "created_at"]
    list_filter = ["status", "purpose", "channel"]
    raw_id_fields = ["patient", "clinician", "check_in", "flag"]


@admin.register(models.InboundMessage)
class InboundMessageAdmin(ClinicScopedAdmin):
    clinic_path = "patient__clinic"
    list_display = ["id", "message_sid", "status", "received_at"]
    list_filter = ["status"]
    raw_id_fields = ["patient"]


@admin.register(models.AuditEvent)
class AuditEventAdmin(ClinicScopedAdmin):
    list_display = ["at", "actor", "action", "object_type", "object_id", "ip_address"]
    list_filter = ["action"]
    raw_id_fields = ["patient", "actor", "clinic"]
