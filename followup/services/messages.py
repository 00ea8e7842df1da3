"""Sending the ledger's messages, and what a message that failed for good means for the thing it
was sent for.

The ledger (``followup.messaging.outbox``) records and transmits and says what happened; this
service acts on it: a page that failed escalates at once, a check-in whose opening message failed
is undeliverable, and a carrier's opt-out (21610) opts the patient out.
"""

import contextlib
from collections import Counter
from collections.abc import Iterator

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from followup.clinical.rules import PRIORITY_MODERATE, Trigger
from followup.jobs import Queue
from followup.messaging.outbox import (
    messages_collected,
    messages_enqueue,
    messages_transmit,
)
from followup.messaging.status import message_status_update
from followup.messaging.transports import OPTED_OUT_CODE
from followup.models import CheckIn, Flag, OutboundMessage, Patient
from followup.services.escalations import escalation_advance
from followup.services.flags import flag_raise
from followup.services.patients import patient_opt_out

# Messages whose failure leaves a check-in with no way to reach the patient.
OPENING_PURPOSES = (OutboundMessage.Purpose.QUESTION, OutboundMessage.Purpose.WEB_LINK)
Status = OutboundMessage.Status


def message_send(message_id: int) -> str:
    """Send one ledger row, at most once per claim. Returns what happened, for logs and tests."""
    outcomes = messages_send([message_id])
    return next(iter(outcomes), "not_claimed")


def messages_send(message_ids: list[int]) -> Counter:
    """Send ledger rows, each at most once per claim, the provider's round trips concurrently,
    and act on those that failed for good. Returns how many of each outcome (sent, retry, failed,
    cancelled, not_claimed)."""
    report = messages_transmit(message_ids)
    for message in report.failed:
        if message.error_code == str(OPTED_OUT_CODE) and message.patient is not None:
            patient_opt_out(patient=message.patient, source="carrier")
        message_failure_handle(message_id=message.pk)
    return report.counts


@contextlib.contextmanager
def messages_send_together(*, here: bool = False) -> Iterator[None]:
    """Messages queued inside the block are sent together once it has committed: by one task per
    ``SEND_BATCH`` messages (per queue), or with ``here`` by this process, at once (a task that
    has just handled a reply sends the next question itself instead of queueing one more task;
    the webhook that raised a flag sends its first pages before it answers Twilio).
    Nothing is sent when the block fails: its rows were rolled back with it."""
    with messages_collected() as collected:
        yield
    if collected:
        transaction.on_commit(lambda: _send_collected(collected, here=here), robust=True)


def _send_collected(collected: list[tuple[int, Queue | None]], *, here: bool) -> None:
    if not here:
        messages_enqueue(collected)
        return
    # Messages about a flag are on the pages queue all the same: if this process cannot send
    # them, the next free worker does (whoever claims a row first sends it).
    messages_enqueue([(pk, queue) for pk, queue in collected if queue == Queue.PAGES])
    messages_send([pk for pk, _ in collected])


def message_status_record(
    *, message_id: int, provider_status: str, sid: str = "", error_code: str = ""
) -> bool:
    """Apply Twilio's delivery status callback to the ledger, and act on a failure. Returns
    whether the row moved on (repeats and reorders are harmless)."""
    status = message_status_update(
        message_id=message_id, provider_status=provider_status, sid=sid, error_code=error_code
    )
    if status in (Status.UNDELIVERED, Status.FAILED):
        message_failure_handle(message_id=message_id)
    return status is not None


# What Twilio reports, in order, for a text delivered and a call answered.
CONSOLE_STATUSES = {
    OutboundMessage.Channel.SMS: ("queued", "sent", "delivered"),
    OutboundMessage.Channel.VOICE: ("initiated", "ringing", "in-progress", "completed"),
}


def message_console_deliver(*, message_id: int) -> str:
    """Development (console SMS backend): play back the status callbacks Twilio would send for
    a message sent, through the same service as the status webhook. Returns the row's status.
    Never with Twilio: its callbacks are real."""
    message = OutboundMessage.objects.filter(pk=message_id).only("channel", "status").first()
    if message is None:
        return "missing"
    if settings.SMS_BACKEND != "console":
        return message.status
    for provider_status in CONSOLE_STATUSES[OutboundMessage.Channel(message.channel)]:
        message_status_record(message_id=message_id, provider_status=provider_status)
    return OutboundMessage.objects.values_list("status", flat=True).get(pk=message_id)


def message_failure_handle(*, message_id: int) -> None:
    """A message failed for good: a page escalates to the next level now, and a check-in whose
    opening message failed is undeliverable, and shows so on the dashboard."""
    message = OutboundMessage.objects.filter(pk=message_id).first()
    if message is None:
        return
    if message.purpose == OutboundMessage.Purpose.PAGE and message.flag_id:
        escalation_advance(message.flag_id)
        return
    if message.patient_id is not None:
        patient_unreachable_check(patient_id=message.patient_id)
    if message.check_in_id is None or message.purpose not in OPENING_PURPOSES:
        return
    with transaction.atomic():
        check_in = CheckIn.objects.select_for_update().get(pk=message.check_in_id)
        if check_in.status == CheckIn.Status.SENT and not check_in.responses.exists():
            check_in.status = CheckIn.Status.UNDELIVERABLE
            check_in.undeliverable_reason = f"send_failed:{message.error_code or 'error'}"[:32]
            check_in.updated_at = timezone.now()
            check_in.save(update_fields=["status", "undeliverable_reason", "updated_at"])


# How many of a patient's latest messages must have failed before the clinic is told.
UNREACHABLE_AFTER = 2
_NOT_REACHED = (Status.FAILED, Status.UNDELIVERED)


def patient_unreachable_check(*, patient_id: int) -> bool:
    """The patient's last two messages failed or went undelivered (a disconnected number, a
    carrier block): a moderate ``unreachable`` flag on the queue, raised once while one is
    unresolved (moderate flags page nobody), instead of every check-in silently missing them.
    Returns whether a flag was raised."""
    patient = Patient.objects.filter(pk=patient_id, is_drill=False).first()
    if patient is None:
        return False
    latest = list(
        OutboundMessage.objects.filter(patient=patient)
        .exclude(status__in=(Status.PENDING, Status.SENDING, Status.CANCELLED))
        .order_by("-created_at", "-pk")
        .values_list("pk", "status", "error_code")[:UNREACHABLE_AFTER]
    )
    if len(latest) < UNREACHABLE_AFTER or any(s not in _NOT_REACHED for _, s, _ in latest):
        return False
    if Flag.objects.filter(
        patient=patient, reason=Flag.Reason.UNREACHABLE, status__in=Flag.UNRESOLVED
    ).exists():
        return False
    trigger = Trigger(
        reason=Flag.Reason.UNREACHABLE,
        priority=PRIORITY_MODERATE,
        detail={"messages": [pk for pk, _, _ in latest], "errors": [e for _, _, e in latest]},
    )
    _, new = flag_raise(patient=patient, trigger=trigger)
    return new
