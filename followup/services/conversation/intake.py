"""What the webhook reads of a text once it has stored it, before it answers Twilio: crisis
language, and a reply to PHQ-9 item 9 that is not clearly 0. When one fires, the flag is raised
there and then, with its pages and the crisis message in one transaction (ledger rows), and the
webhook sends them before it answers (they are on the ``pages`` queue too): a page never waits
behind a backlog of routine answers.

The rules are the conversation's own, read the way ``inbound._handle`` reads the same text. The
trigger is marked ``at_intake``; when the full handling of the message later fires the same
reason for it, ``safety.triggers_fire`` knows it by the message id and raises, pages and tells the
patient nothing twice (the answer is still stored, the next question or re-prompt still sent).
"""

import logging
from enum import Enum

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from followup.clinical import rules
from followup.clinical.instruments import PHQ9, parse_answer
from followup.models import CheckIn, InboundMessage, Patient, Response
from followup.services.conversation.inbound import LATE_WINDOW, recently_closed
from followup.services.conversation.outgoing import OPEN, question_sent
from followup.services.conversation.reading import ACK, about, keyword
from followup.services.conversation.routing import every_clinic_told, patients_texting
from followup.services.messages import messages_send_together
from followup.services.safety import triggers_fire

logger = logging.getLogger(__name__)


class Intake(Enum):
    """What intake made of a text, and so on which queue its full handling goes."""

    # Nothing urgent in it, or its flag is already raised: handled with the routine work.
    ROUTINE = "routine"
    FIRED = "fired"
    # It may page, but only the full handling can tell (a clinician's ACK, crisis language from
    # a number that is no patient's, a late reply to item 9): handled on the ``pages`` queue.
    URGENT = "urgent"


def intake_read(message: InboundMessage) -> Intake:
    body = message.body or ""
    if ACK.match(body):
        return Intake.URGENT
    if not body.strip() or keyword(body):
        return Intake.ROUTINE
    if (
        parse_answer(body) is not None
        and not rules.message_triggers(body)
        and not _item_9_within_reach(message.from_number)
    ):
        # The morning's common case, in one query: an answer, and no question it could be an
        # answer to is PHQ-9 item 9 (asked now, or in a check-in that closed lately).
        return Intake.ROUTINE
    patients = patients_texting(message)
    patient = patients[0] if patients else None
    if patient is None:
        # Unknown senders are left to the full handling (``strangers``: which clinic, the crisis
        # resources once a day), on the urgent queue when there is crisis language.
        return Intake.URGENT if rules.message_triggers(body) else Intake.ROUTINE
    reading = _triggers(patient, message)
    if reading is None:
        return Intake.URGENT
    triggers, response = reading
    if not triggers:
        return Intake.ROUTINE
    marked = about(triggers, message, at_intake=True)
    with messages_send_together(here=True), transaction.atomic():
        # The flag, its first pages and the crisis message: all or none. Once committed, this
        # process sends them, before the webhook answers: a page does not wait for a worker
        # that a morning's backlog keeps busy (they are on the pages queue too, should this
        # process fail to send them).
        triggers_fire(patient=patient, triggers=marked, source="sms", response=response)
        # A number that patients of several clinics share: each of them pages too.
        every_clinic_told(message, patient, patients[1:])
    logger.info("inbound %s raised %s at intake", message.pk, [t.reason for t in marked])
    return Intake.FIRED


def _triggers(
    patient: Patient, message: InboundMessage
) -> tuple[list[rules.Trigger], Response | None] | None:
    """The triggers the full handling will fire for this text (``_in_check_in`` and
    ``_outside_check_in``), with the response an item-9 reply names; None when only the full
    handling can tell (a reply that may be a late answer to item 9)."""
    body = message.body
    if _earlier_waiting(message):
        # The patient's earlier texts are handled first and may move the conversation on: only
        # what does not depend on where it stands is read now.
        return rules.message_triggers(body), None
    check_in = (
        CheckIn.objects.filter(
            patient=patient,
            status__in=OPEN,
            expires_at__gt=timezone.now(),
        )
        .exclude(current_instrument="")
        .order_by("sent_at", "pk")
        .first()
    )
    if check_in is not None and question_sent(check_in):
        code, item = check_in.current_instrument, check_in.current_item
        if rules.is_item_9(code, item):
            # The fail-safe: whatever is not unambiguously 0 fires (a clear 0 fires nothing).
            triggers = about(rules.item_9_reply_triggers(body), message, check_in=check_in.pk)
            response = Response.objects.filter(check_in=check_in, instrument=code).first()
            return triggers, response
        if parse_answer(body) is not None:
            return [], None
        return rules.message_triggers(body), None
    if _may_be_late_item_9(patient, message):
        return None
    return rules.message_triggers(body), None


_ITEM_9_COLUMNS = (
    "patient",
    "status",
    "current_instrument",
    "current_item",
    "channel",
    "expires_at",
)


def _item_9_sql() -> str:
    # Names from the models' metadata; every value is a parameter.
    check_in, patient = CheckIn._meta, Patient._meta
    # Concrete fields, never a reverse relation (which has no column).
    column = {name: check_in.get_field(name).column for name in _ITEM_9_COLUMNS}  # type: ignore[union-attr]
    return (
        f"SELECT 1 FROM {check_in.db_table} c JOIN {patient.db_table} p"  # noqa: S608
        f" ON p.{patient.pk.column} = c.{column['patient']}"
        f" WHERE p.{patient.get_field('phone').column} = %s AND ("
        f"(c.{column['status']} IN (%s, %s) AND c.{column['current_instrument']} = %s"
        f" AND c.{column['current_item']} = %s)"
        f" OR (c.{column['channel']} = %s AND c.{column['status']} IN (%s, %s, %s)"
        f" AND c.{column['expires_at']} <= %s AND c.{column['expires_at']} > %s)"
        ") LIMIT 1"
    )


def _item_9_within_reach(from_number: str) -> bool:
    """Whether a patient with this number has an open check-in at PHQ-9 item 9, or an SMS
    check-in that closed within the late window (``_may_be_late_item_9``). Broader than the
    full reading on purpose: when it says yes, the full reading decides.

    Written in SQL, as the ORM would write it: it runs for every answer a webhook takes, and
    building the query took the ORM a millisecond of CPU, most of the webhook's own work."""
    now = timezone.now()
    adapt = connection.ops.adapt_datetimefield_value
    params = [
        from_number,
        *OPEN,
        PHQ9.code,
        rules.SUICIDAL_IDEATION_ITEM,
        "sms",
        CheckIn.Status.EXPIRED,
        *OPEN,
        adapt(now),
        adapt(now - LATE_WINDOW),
    ]
    with connection.cursor() as cursor:
        cursor.execute(_ITEM_9_SQL, params)
        return cursor.fetchone() is not None


_ITEM_9_SQL = _item_9_sql()


def _earlier_waiting(message: InboundMessage) -> bool:
    return (
        InboundMessage.objects.filter(
            from_number=message.from_number,
            to_number=message.to_number,
            status=InboundMessage.Status.RECEIVED,
        )
        .filter(
            Q(received_at__lt=message.received_at)
            | Q(received_at=message.received_at, pk__lt=message.pk)
        )
        .exists()
    )


def _may_be_late_item_9(patient: Patient, message: InboundMessage) -> bool:
    """A text that ``inbound._late_item_9`` may read as a late answer to item 9: anything but a clear 0
    after an SMS check-in with a PHQ-9 that closed lately."""
    closed = recently_closed(patient)
    return closed is not None and "phq9" in closed.instruments and parse_answer(message.body) != 0
