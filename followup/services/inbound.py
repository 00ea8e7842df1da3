import logging

from django.db import IntegrityError, transaction

from followup.jobs import Job, Queue, enqueue
from followup.models import InboundMessage
from followup.services.conversation.intake import Intake, intake_read
from followup.text import storable

logger = logging.getLogger(__name__)


def inbound_receive(
    *, message_sid: str, from_number: str, to_number: str, body: str, payload: dict
) -> tuple[InboundMessage, bool]:
    """Store an inbound SMS raw, before anything else; unique by Twilio's MessageSid, so
    retries and duplicate deliveries store nothing new.

    Then the cheap safety checks run (``conversation.intake``): crisis language, or a reply to
    PHQ-9 item 9 that is not clearly 0, raises its flag here, and its first pages and crisis
    message are sent before the webhook answers (and queued on ``pages`` for a worker, should
    this process fail to send them). The full handling
    runs in a task enqueued last (or in the sweep, when the broker is down): with the routine
    work, unless intake saw something only the full handling can judge.

    The message is committed on its own first (one statement, no transaction around it): a
    routine answer costs the webhook its insert and a few reads, and a failure in its reading
    never loses it. Characters PostgreSQL cannot store (NUL) are dropped from it."""
    try:
        message = _store(
            message_sid=storable(message_sid),
            from_number=storable(from_number),
            to_number=storable(to_number),
            body=storable(body),
            payload={
                storable(str(k)): storable(v) if isinstance(v, str) else v
                for k, v in payload.items()
            },
        )
    except IntegrityError:
        return InboundMessage.objects.get(message_sid=storable(message_sid)), False
    try:
        reading = intake_read(message)
    except Exception:
        # Stored all the same: the full handling reads it, first in line.
        logger.exception("intake of inbound %s failed; left to its handling", message.pk)
        reading = Intake.URGENT
    enqueue(Job.HANDLE_INBOUND, message.pk, queue=Queue.PAGES if reading is Intake.URGENT else None)
    return message, True


def _store(**fields: object) -> InboundMessage:
    if transaction.get_connection().in_atomic_block:
        # Inside a caller's transaction a duplicate must not break it.
        with transaction.atomic():
            return InboundMessage.objects.create(**fields)
    return InboundMessage.objects.create(**fields)
