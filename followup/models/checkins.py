from django.db import models
from django.db.models import Q

from followup.models.patients import Channel, Patient, TreatmentSession

# The status reason of a check-in moved out of the patient's quiet hours.
QUIET_HOURS = "quiet_hours"


class CheckIn(models.Model):
    """One scheduled check-in: a row with a due time, never a task parked in the broker."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        SENT = "sent", "Sent"
        IN_PROGRESS = "in_progress", "In progress"
        COMPLETED = "completed", "Completed"
        EXPIRED = "expired", "Expired"
        CANCELLED = "cancelled", "Cancelled"
        UNDELIVERABLE = "undeliverable", "Undeliverable"

    OPEN_STATUSES = (Status.SENT, Status.IN_PROGRESS)

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="check_ins")
    # None for the check-in at enrolment, the pre-treatment baseline.
    session = models.ForeignKey(
        TreatmentSession,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="check_ins",
    )
    step = models.PositiveSmallIntegerField(help_text="Index of the plan step that made it.")
    due_at = models.DateTimeField()
    # The patient's own calendar day of due_at: at most one live check-in per patient per day.
    local_date = models.DateField()
    instruments = models.JSONField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.SCHEDULED)
    channel = models.CharField(max_length=8, choices=Channel.choices)
    sent_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.CharField(max_length=32, blank=True)
    # Why nothing could be sent (no SMS consent, opted out), shown on the dashboard.
    undeliverable_reason = models.CharField(max_length=32, blank=True)
    # The due time the plan gave it, when the dispatcher moved it out of the patient's quiet
    # hours (due_at is then the time it was moved to); null when it went out when planned.
    deferred_from = models.DateTimeField(null=True, blank=True)
    # The SMS conversation: the question the patient is answering now.
    current_instrument = models.CharField(max_length=8, blank=True)
    current_item = models.PositiveSmallIntegerField(null=True, blank=True)
    reminder_due_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["due_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["patient", "local_date"],
                condition=~Q(status="cancelled"),
                name="checkin_one_per_local_day",
            ),
            models.CheckConstraint(
                condition=Q(
                    status__in=[
                        "scheduled",
                        "sent",
                        "in_progress",
                        "completed",
                        "expired",
                        "cancelled",
                        "undeliverable",
                    ]
                ),
                name="checkin_status",
            ),
            models.CheckConstraint(
                condition=~Q(status="completed") | Q(completed_at__isnull=False),
                name="checkin_completed_has_time",
            ),
        ]
        indexes = [
            # The dispatcher: WHERE status = 'scheduled' AND due_at <= now ORDER BY due_at.
            models.Index(fields=["status", "due_at"], name="checkin_status_due"),
            models.Index(fields=["patient", "due_at"], name="checkin_patient_due"),
            # Reminders and expiry of open check-ins.
            models.Index(
                fields=["reminder_due_at"],
                condition=Q(status__in=["sent", "in_progress"], reminded_at__isnull=True),
                name="checkin_reminder_due",
            ),
            models.Index(
                fields=["expires_at"],
                condition=Q(status__in=["sent", "in_progress"]),
                name="checkin_open_expiry",
            ),
        ]

    def __str__(self) -> str:
        return f"Check-in #{self.pk}"

    @property
    def status_reason(self) -> str | None:
        """Why it will not go out, or why it went out later than planned, as a stable code:
        ``no_sms_consent``, ``opted_out``, ``send_failed:<Twilio error code>`` (undeliverable),
        the cancel reason (cancelled), ``quiet_hours`` (moved out of the patient's quiet hours
        to ``due_at``, from ``deferred_from``); None when there is nothing to explain."""
        if self.status == self.Status.UNDELIVERABLE:
            return self.undeliverable_reason or "unknown"
        if self.status == self.Status.CANCELLED:
            return self.cancel_reason or None
        if self.deferred_from is not None:
            return QUIET_HOURS
        return None


class Response(models.Model):
    """A patient's answers to one instrument of one check-in, complete or partial."""

    class Instrument(models.TextChoices):
        PHQ9 = "phq9", "PHQ-9"
        GAD7 = "gad7", "GAD-7"

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="responses")
    check_in = models.ForeignKey(
        CheckIn, on_delete=models.PROTECT, null=True, blank=True, related_name="responses"
    )
    instrument = models.CharField(max_length=8, choices=Instrument.choices)
    # One value 0-3 per item, in item order; null for an item not answered yet.
    answers = models.JSONField()
    difficulty = models.PositiveSmallIntegerField(null=True, blank=True)
    total = models.PositiveSmallIntegerField(null=True, blank=True)
    severity = models.CharField(max_length=24, blank=True)
    complete = models.BooleanField(default=False)
    # A partial response with at most two PHQ-9 items (one GAD-7 item) missing has a total all
    # the same, prorated (CLINICAL.md), and says so wherever the total is shown.
    prorated = models.BooleanField(default=False)
    channel = models.CharField(max_length=8, choices=Channel.choices)
    started_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-submitted_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["check_in", "instrument"], name="response_one_per_instrument"
            ),
            models.CheckConstraint(
                condition=Q(instrument__in=["phq9", "gad7"]), name="response_instrument"
            ),
            models.CheckConstraint(
                condition=Q(total__isnull=True)
                | Q(instrument="phq9", total__lte=27)
                | Q(instrument="gad7", total__lte=21),
                name="response_total_range",
            ),
            # A partial response has no total and no severity, unless it is prorated
            # (CLINICAL.md).
            models.CheckConstraint(
                condition=Q(
                    complete=True, prorated=False, total__isnull=False, submitted_at__isnull=False
                )
                | Q(complete=False, prorated=False, total__isnull=True, severity="")
                | Q(complete=False, prorated=True, total__isnull=False),
                name="response_complete_has_total",
            ),
            models.CheckConstraint(
                condition=Q(difficulty__isnull=True) | Q(difficulty__lte=3),
                name="response_difficulty_range",
            ),
        ]
        indexes = [
            models.Index(
                fields=["patient", "instrument", "submitted_at"], name="response_patient_trend"
            ),
        ]

    def __str__(self) -> str:
        return f"Response #{self.pk}"
