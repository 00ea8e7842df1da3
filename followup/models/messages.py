from django.conf import settings
from django.db import models
from django.db.models import Q

from followup.models.checkins import CheckIn
from followup.models.clinics import Clinic
from followup.models.flags import Flag, FlagEvent
from followup.models.patients import Patient


class OutboundMessage(models.Model):
    """Every SMS or call we send is this row first, written before the provider is called.

    The idempotency key makes a retried or re-delivered task find the row instead of sending again.
    """

    class Channel(models.TextChoices):
        SMS = "sms", "SMS"
        VOICE = "voice", "Voice call"

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        DELIVERED = "delivered", "Delivered"
        UNDELIVERED = "undelivered", "Undelivered"
        FAILED = "failed", "Failed"
        CANCELLED = "cancelled", "Cancelled"

    class Purpose(models.TextChoices):
        """What a message is for. A text to a patient is named after its template
        (``sms/<purpose>.txt``) unless it says otherwise."""

        PAGE = "page", "Page to a clinician"
        ACK_REPLY = "ack_reply", "Reply to an ACK"
        CRISIS = "crisis", "Crisis message"
        QUESTION = "question", "Question"
        REPROMPT = "reprompt", "Re-prompt"
        ITEM9_EXACT = "item9_exact", "Item 9: the exact option"
        THANKS = "thanks", "Thanks"
        REMINDER = "reminder", "Reminder"
        WEB_LINK = "web_link", "Web link"
        LINK = "link", "Web link on request (LINK)"
        NO_CHECK_IN = "no_check_in", "No check-in open"
        CHECKIN_CLOSED = "check_in_closed", "Check-in closed"
        UNREAD = "unread", "Message received"
        UNREAD_IN_CHECK_IN = "unread_in_check_in", "Message received during a check-in"
        STOP_CONFIRMATION = "stop_confirmation", "STOP confirmation"
        START = "start", "START confirmation"
        HELP = "help", "HELP reply"

    # A page's delivery on its flag's timeline: one event kind per status a page reaches.
    PAGE_EVENT_KIND: dict[str, FlagEvent.Kind] = {
        Status.SENT: FlagEvent.Kind.PAGE_SENT,
        Status.DELIVERED: FlagEvent.Kind.PAGE_DELIVERED,
        Status.UNDELIVERED: FlagEvent.Kind.PAGE_UNDELIVERED,
        Status.FAILED: FlagEvent.Kind.PAGE_FAILED,
        Status.CANCELLED: FlagEvent.Kind.PAGE_CANCELLED,
    }

    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey(
        Patient, on_delete=models.PROTECT, null=True, blank=True, related_name="outbound_messages"
    )
    clinician = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    check_in = models.ForeignKey(
        CheckIn, on_delete=models.PROTECT, null=True, blank=True, related_name="messages"
    )
    flag = models.ForeignKey(
        Flag, on_delete=models.PROTECT, null=True, blank=True, related_name="messages"
    )
    channel = models.CharField(max_length=8, choices=Channel.choices, default=Channel.SMS)
    purpose = models.CharField(max_length=32, choices=Purpose.choices)
    to = models.CharField(max_length=20)
    body = models.TextField()
    idempotency_key = models.CharField(max_length=200, unique=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    provider_sid = models.CharField(max_length=64, blank=True)
    error_code = models.CharField(max_length=16, blank=True)
    error_message = models.CharField(max_length=500, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    # When a pending message may be (re)tried: transient failures back off through this row.
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    # Sent only once this one is out: the crisis message goes before the next question.
    after = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="followers"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider_sid"], condition=~Q(provider_sid=""), name="outbound_sid_unique"
            ),
            models.CheckConstraint(
                condition=Q(channel__in=["sms", "voice"]), name="outbound_channel"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "created_at"], name="outbound_status_created"),
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(status__in=["pending", "sending"]),
                name="outbound_unfinished",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.channel} #{self.pk} ({self.purpose}, {self.status})"


class InboundMessage(models.Model):
    """An SMS received, stored raw before anything else happens; unique by Twilio's MessageSid."""

    class Status(models.TextChoices):
        RECEIVED = "received", "Received"
        HANDLED = "handled", "Handled"
        IGNORED = "ignored", "Ignored"

    message_sid = models.CharField(max_length=64, unique=True)
    from_number = models.CharField(max_length=20)
    to_number = models.CharField(max_length=20, blank=True)
    body = models.TextField(blank=True)
    payload = models.JSONField(default=dict, blank=True)
    patient = models.ForeignKey(
        Patient, on_delete=models.PROTECT, null=True, blank=True, related_name="inbound_messages"
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.RECEIVED)
    received_at = models.DateTimeField(auto_now_add=True)
    handled_at = models.DateTimeField(null=True, blank=True)
    # When the sweep last enqueued its handling again (its first enqueue was lost, or it waits
    # behind a backlog): each waiting message is re-driven once in a while, not at every tick.
    redriven_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["received_at", "id"]
        indexes = [
            models.Index(fields=["status", "received_at"], name="inbound_status_received"),
            # A sender's texts still waiting, asked at intake and by each handling: a few rows,
            # however long the backlog of other patients' answers (a morning burst).
            models.Index(
                fields=["from_number", "received_at"],
                condition=Q(status="received"),
                name="inbound_waiting_by_sender",
            ),
        ]

    def __str__(self) -> str:
        return f"Inbound {self.message_sid}"
