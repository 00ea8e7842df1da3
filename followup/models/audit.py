from django.conf import settings
from django.db import models

from followup.models.clinics import Clinic
from followup.models.patients import Patient


class AuditEvent(models.Model):
    """Who saw or changed what, when, and from where. Append-only."""

    clinic = models.ForeignKey(
        Clinic, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    action = models.CharField(max_length=64)
    object_type = models.CharField(max_length=64)
    object_id = models.CharField(max_length=64, blank=True)
    patient = models.ForeignKey(
        Patient, on_delete=models.PROTECT, null=True, blank=True, related_name="audit_events"
    )
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    at = models.DateTimeField(auto_now_add=True)
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["patient", "at"], name="audit_patient_at"),
            models.Index(fields=["clinic", "at"], name="audit_clinic_at"),
        ]

    def __str__(self) -> str:
        return f"{self.action} {self.object_type} #{self.object_id}"
