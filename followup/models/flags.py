from django.conf import settings
from django.db import models
from django.db.models import Q

from followup.models.checkins import Response
from followup.models.clinics import Clinic
from followup.models.patients import Patient


class Flag(models.Model):
    """Something a clinician must look at, raised by a rule of CLINICAL.md."""

    class Reason(models.TextChoices):
        SUICIDAL_IDEATION = "suicidal_ideation", "Thoughts of self-harm (PHQ-9 item 9)"
        CRISIS_LANGUAGE = "crisis_language", "Crisis language in a message"
        SEVERE_DEPRESSION = "severe_depression", "Severe depression score"
        SEVERE_ANXIETY = "severe_anxiety", "Severe anxiety score"
        RELIABLE_DETERIORATION = "reliable_deterioration", "Reliable deterioration"
        UNREAD_MESSAGE = "unread_message", "A message to read"
        UNREACHABLE = "unreachable", "Unreachable: last two messages not delivered"

    class Priority(models.TextChoices):
        CRITICAL = "critical", "Critical"
        HIGH = "high", "High"
        MODERATE = "moderate", "Moderate"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        ACKNOWLEDGED = "acknowledged", "Acknowledged"
        RESOLVED = "resolved", "Resolved"

    # Still someone's to deal with: on the queue, counted as the patient's open flags.
    UNRESOLVED = (Status.OPEN, Status.ACKNOWLEDGED)
    # Paged to the clinician on call; moderate flags page nobody (CLINICAL.md, escalation).
    PAGED_PRIORITIES = (Priority.CRITICAL, Priority.HIGH)

    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="flags")
    # None only for a message from a number that is no patient's: then ``sender`` is that number.
    patient = models.ForeignKey(
        Patient, on_delete=models.PROTECT, null=True, blank=True, related_name="flags"
    )
    sender = models.CharField(
        max_length=20, blank=True, help_text="E.164 number of an unknown sender (no patient)."
    )
    response = models.ForeignKey(
        Response, on_delete=models.PROTECT, null=True, blank=True, related_name="flags"
    )
    code = models.CharField(max_length=12, unique=True, help_text="Short code for ACK <code>.")
    reason = models.CharField(max_length=32, choices=Reason.choices)
    priority = models.CharField(max_length=16, choices=Priority.choices)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    evidence = models.JSONField(default=list, blank=True)
    policy_snapshot = models.JSONField(default=dict, blank=True)
    escalation_level = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    resolution_note = models.TextField(blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            # One unresolved flag per patient and reason: new triggers are added to it.
            models.UniqueConstraint(
                fields=["patient", "reason"],
                condition=Q(status__in=["open", "acknowledged"]),
                name="flag_one_unresolved_per_reason",
            ),
            # The same for a number that is no patient's, within the clinic it texted.
            models.UniqueConstraint(
                fields=["clinic", "sender", "reason"],
                condition=Q(status__in=["open", "acknowledged"], patient__isnull=True),
                name="flag_one_unresolved_per_sender_reason",
            ),
            models.CheckConstraint(
                condition=Q(patient__isnull=False, sender="")
                | (Q(patient__isnull=True) & ~Q(sender="")),
                name="flag_patient_or_sender",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["open", "acknowledged", "resolved"]), name="flag_status"
            ),
            models.CheckConstraint(
                condition=Q(priority__in=["critical", "high", "moderate"]), name="flag_priority"
            ),
            models.CheckConstraint(
                condition=~Q(status="resolved")
                | (Q(resolved_at__isnull=False) & ~Q(resolution_note="")),
                name="flag_resolved_has_note",
            ),
        ]
        indexes = [models.Index(fields=["clinic", "status", "created_at"], name="flag_queue")]

    def __str__(self) -> str:
        return f"Flag {self.code}"

    @property
    def is_paged(self) -> bool:
        """Whether its priority pages the clinician on call (moderate ones wait on the queue)."""
        return self.priority in self.PAGED_PRIORITIES


class FlagEvent(models.Model):
    """One entry of a flag's timeline: raised, paged, delivered, acknowledged, resolved."""

    class Kind(models.TextChoices):
        RAISED = "raised", "Raised"
        TRIGGER_ADDED = "trigger_added", "Triggered again"
        REOPENED = "reopened", "Re-opened"
        PAGED = "paged", "Paged"
        ESCALATED = "escalated", "Escalated"
        ESCALATED_EARLY = "escalated_early", "Escalated early (a page failed)"
        ROTA_GAP = "rota_gap", "Rota gap"
        # A page's delivery, one per status it reaches (``OutboundMessage.PAGE_EVENT_KIND``).
        PAGE_SENT = "page_sent", "Page sent"
        PAGE_DELIVERED = "page_delivered", "Page delivered"
        PAGE_UNDELIVERED = "page_undelivered", "Page undelivered"
        PAGE_FAILED = "page_failed", "Page failed"
        PAGE_CANCELLED = "page_cancelled", "Page cancelled"
        ACKNOWLEDGED = "acknowledged", "Acknowledged"
        RESOLVED = "resolved", "Resolved"
        CRISIS_MESSAGE = "crisis_message", "Crisis message sent"
        CRISIS_MESSAGE_NOT_SENT = "crisis_message_not_sent", "Crisis message not sent"
        ITEM_9_CLARIFIED = "item_9_clarified", "Item 9 clarified"

    # A trigger of the flag's rule: the first (raised) or a later one (added to the open flag).
    TRIGGERS = (Kind.RAISED, Kind.TRIGGER_ADDED)

    flag = models.ForeignKey(Flag, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=32, choices=Kind.choices)
    at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [
            models.Index(fields=["flag", "at"], name="flagevent_flag_at"),
            # The queue asks, every few seconds, which flags met a rota gap: a few rows among
            # every event ever written.
            models.Index(fields=["flag"], condition=Q(kind="rota_gap"), name="flagevent_rota_gap"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} at {self.at:%Y-%m-%d %H:%M}"
