"""Delivery status callbacks: Twilio's word on each message, applied to its ledger row.

Statuses only move forward; callbacks may arrive late, twice or reordered, and one arrives for
every message sent, twice: each costs a read and a conditional update.
"""

from django.utils import timezone

from followup.messaging.outbox import Status, page_events_record
from followup.models import OutboundMessage

# Delivery statuses only move forward; Twilio's callbacks may arrive late, twice or reordered.
_RANK: dict[str, int] = {
    Status.PENDING: 0,
    Status.SENDING: 1,
    Status.SENT: 2,
    Status.DELIVERED: 3,
    Status.UNDELIVERED: 3,
    Status.FAILED: 3,
    Status.CANCELLED: 3,
}
_TWILIO_STATUS = {
    "accepted": Status.SENT,
    "scheduled": Status.SENT,
    "queued": Status.SENT,
    "sending": Status.SENT,
    "sent": Status.SENT,
    "initiated": Status.SENT,
    "ringing": Status.SENT,
    "in-progress": Status.DELIVERED,
    "completed": Status.DELIVERED,
    "delivered": Status.DELIVERED,
    "read": Status.DELIVERED,
    "receiving": Status.SENT,
    "received": Status.DELIVERED,
    "undelivered": Status.UNDELIVERED,
    "busy": Status.UNDELIVERED,
    "no-answer": Status.UNDELIVERED,
    "canceled": Status.FAILED,
    "failed": Status.FAILED,
}


def message_status_update(
    *, message_id: int, provider_status: str, sid: str = "", error_code: str = ""
) -> str | None:
    """Apply a delivery status callback. Moves forward only; repeats and reorders are harmless.
    Returns the status the row moved to, or None when it did not move.

    A read and an update conditional on the status read (if another callback or the sender
    moved the row in between, it is read again): a callback arrives for every message sent,
    twice, and at a morning's rate they must cost the web little."""
    status = _TWILIO_STATUS.get(provider_status.lower())
    if status is None:
        return None
    failed = status in (Status.UNDELIVERED, Status.FAILED)
    for _ in range(5):
        message = (
            OutboundMessage.objects.only(*_STATUS_FIELDS).filter(pk=message_id)[:1] or [None]
        )[0]
        if message is None or _RANK[status] <= _RANK[message.status]:
            return None
        now = timezone.now()
        changes: dict[str, object] = {"status": status, "updated_at": now}
        if message.sent_at is None:
            changes["sent_at"] = now
        if sid and not message.provider_sid:
            changes["provider_sid"] = sid
        if failed:
            changes["error_code"] = error_code
        if OutboundMessage.objects.filter(pk=message_id, status=message.status).update(**changes):
            break
    else:
        return None
    if failed:
        message.error_code = error_code
    page_events_record([message], status)
    return status


_STATUS_FIELDS = (
    "status",
    "sent_at",
    "provider_sid",
    "flag_id",
    "purpose",
    "channel",
    "clinician_id",
    "error_code",
)
