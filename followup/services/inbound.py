import logging

from django.db import IntegrityError, transaction

from followup.conversation.intake import Intake, intake_read
from followup.jobs import enqueue
from followup.messaging.outbox import PAGES_QUEUE
from followup.models import InboundMessage

logger = logging.getLogger(__name__)

HANDLE_TASK = "followup.handle_inbound"


def inbound_receive(
    *, message_sid: str, from_number: str, to_number: str, body: str, payload: dict
) -> tuple[InboundMessage, bool]:
    """Store an inbound SMS raw, before anything else; unique by Twilio's MessageSid, so
    retries and duplicate deliveries store nothing new.

    In the same transaction the cheap safety checks run (``conversation.intake``): crisis
    language, or a reply to PHQ-9 item 9 that is not clearly 0, raises its flag here, so its pages
    and crisis message are committed with the message and sent on the ``pages`` queue. The full
    handling runs in a task after commit (or in the sweep, when the broker is down): with the
    routine work, unless intake saw something only the full handling can judge."""
    try:
        with transaction.atomic():
            message = InboundMessage.objects.create(
                message_sid=message_sid,
                from_number=from_number,
                to_number=to_number,
                body=body,
                payload=payload,
            )
            try:
                with transaction.atomic():
                    reading = intake_read(message)
            except Exception:
                # Storing the message never fails on its reading: the full handling reads it,
                # first in line.
                logger.exception("intake of inbound %s failed; left to its handling", message.pk)
                reading = Intake.URGENT
            enqueue(
                HANDLE_TASK, message.pk, queue=PAGES_QUEUE if reading is Intake.URGENT else None
            )
    except IntegrityError:
        return InboundMessage.objects.get(message_sid=message_sid), False
    return message, True
