from django.db import IntegrityError, transaction

from followup.jobs import enqueue
from followup.messaging.outbox import PAGES_QUEUE
from followup.models import InboundMessage

HANDLE_TASK = "followup.handle_inbound"


def inbound_receive(
    *, message_sid: str, from_number: str, to_number: str, body: str, payload: dict
) -> tuple[InboundMessage, bool]:
    """Store an inbound SMS raw, before anything else; unique by Twilio's MessageSid, so
    retries and duplicate deliveries store nothing new. Handling runs in a task after commit
    (or in the sweep, when the broker is down)."""
    try:
        with transaction.atomic():
            message = InboundMessage.objects.create(
                message_sid=message_sid,
                from_number=from_number,
                to_number=to_number,
                body=body,
                payload=payload,
            )
            # On the urgent queue: a patient's answer may be the one that must page someone, and
            # must not wait behind a backlog of check-ins.
            enqueue(HANDLE_TASK, message.pk, queue=PAGES_QUEUE)
    except IntegrityError:
        return InboundMessage.objects.get(message_sid=message_sid), False
    return message, True
