from django.db import models
from django.db.models import Q

from followup.models.clinics import Clinic


class SafetyDrill(models.Model):
    """One run of the safety drill: a synthetic PHQ-9 item-9 answer of the clinic's drill patient
    sent through the real inbound path, and what became of it, step by step."""

    class Status(models.TextChoices):
        RUNNING = "running", "Running"
        PASSED = "passed", "Passed"
        FAILED = "failed", "Failed"

    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="safety_drills")
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.RUNNING)
    # One entry per step: {"name", "ok", "at" (ISO UTC), "elapsed_ms", "detail"}.
    steps = models.JSONField(default=list, blank=True)
    failure_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["running", "passed", "failed"]), name="drill_status"
            ),
        ]
        indexes = [models.Index(fields=["clinic", "started_at"], name="drill_clinic_started")]

    def __str__(self) -> str:
        return f"Safety drill #{self.pk}"
