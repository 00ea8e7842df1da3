from django.db import models
from django.db.models import F, Q

from followup.models.clinics import Clinic, Clinician
from followup.models.flags import Flag


class OnCallShift(models.Model):
    """Who is on call, at which escalation level, from when to when."""

    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="shifts")
    clinician = models.ForeignKey(Clinician, on_delete=models.PROTECT, related_name="shifts")
    level = models.PositiveSmallIntegerField(default=1)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["starts_at", "level", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="shift_positive"),
            models.CheckConstraint(condition=Q(level__gte=1, level__lte=9), name="shift_level"),
        ]
        indexes = [models.Index(fields=["clinic", "level", "ends_at"], name="shift_lookup")]

    def __str__(self) -> str:
        return f"Shift #{self.pk} (level {self.level})"


class EscalationStep(models.Model):
    """The next page of an open flag: a row with a due time, re-driven by the dispatcher.

    One row per (flag, level, round): that page goes out once, whoever runs it.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        DONE = "done", "Done"
        CANCELLED = "cancelled", "Cancelled"

    flag = models.ForeignKey(Flag, on_delete=models.CASCADE, related_name="steps")
    level = models.PositiveSmallIntegerField()
    round = models.PositiveSmallIntegerField(default=0)
    due_at = models.DateTimeField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["flag", "level", "round"], name="step_once"),
        ]
        indexes = [
            models.Index(fields=["due_at"], condition=Q(status="pending"), name="step_pending_due"),
        ]

    def __str__(self) -> str:
        return f"Step {self.level}.{self.round} of flag {self.flag_id}"
