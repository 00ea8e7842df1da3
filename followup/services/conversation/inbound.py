"""A stored inbound SMS, handled in order: a clinician's ACK, a keyword, an answer, or free text
read for safety in every state (a check-in open, none open, closed, or after STOP: CLINICAL.md)
and otherwise kept for a clinician to read."""

import datetime as dt
import logging
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from followup.clinical import rules
from followup.clinical.instruments import get_instrument, parse_answer
from followup.clinical.sms_replies import is_pleasantry, looks_like_answer
from followup.jobs import Queue
from followup.messaging.outbox import message_queue
from followup.messaging.texts import render_sms
from followup.models import (
    CheckIn,
    Clinician,
    Flag,
    FlagEvent,
    InboundMessage,
    OutboundMessage,
    Patient,
    Response,
)
from followup.services.checkin_links import checkin_url
from followup.services.conversation.answers import answer_record
from followup.services.conversation.outgoing import (
    OPEN,
    checkins_open_of,
    crisis_pending,
    question_ask,
    question_count,
    question_key,
    question_number,
    question_sent,
    reply_send,
)
from followup.services.conversation.reading import ACK, about, crisis_triggers, keyword
from followup.services.conversation.routing import every_clinic_told, patients_texting
from followup.services.conversation.strangers import stranger_text_handle
from followup.services.flags import flag_acknowledge
from followup.services.patients import patient_opt_in, patient_opt_out
from followup.services.safety import triggers_fire

logger = logging.getLogger(__name__)


def inbound_handle(inbound_id: int) -> str:
    """Handle a stored inbound SMS, and any earlier ones of the same sender still waiting, in
    the order they arrived. Idempotent: a message is handled once (its status says so)."""
    first = InboundMessage.objects.filter(pk=inbound_id).first()
    if first is None or first.status != InboundMessage.Status.RECEIVED:
        return "already_handled"
    ack = ACK.match(first.body or "")
    if ack and _clinician_ack(first, ack.group(1).upper()):
        return "acknowledged"
    with transaction.atomic():
        # One conversation at a time per patient: concurrent tasks queue up here.
        patients = patients_texting(first, lock=True)
        patient, others = (patients[0], patients[1:]) if patients else (None, [])
        waiting = list(
            InboundMessage.objects.select_for_update()
            .filter(
                from_number=first.from_number,
                to_number=first.to_number,
                status=InboundMessage.Status.RECEIVED,
                received_at__lte=first.received_at,
            )
            .order_by("received_at", "pk")
        )
        for message in waiting:
            if patient is None:
                message.status = (
                    InboundMessage.Status.HANDLED
                    if stranger_text_handle(message)
                    else InboundMessage.Status.IGNORED
                )
            else:
                message.patient = patient
                message.status = InboundMessage.Status.HANDLED
                _handle(patient, message, others)
                every_clinic_told(message, patient, others)
            message.handled_at = timezone.now()
            message.save(update_fields=["status", "patient", "handled_at"])
    return "handled" if waiting else "already_handled"


def _clinician_ack(message: InboundMessage, code: str) -> bool:
    """``ACK <code>`` from a phone that was paged for that flag acknowledges it. From any other
    phone it changes nothing (and the text is handled as a patient's, if it is one)."""
    flag = Flag.objects.filter(code=code).select_related("clinic").first()
    if (
        flag is None
        or not OutboundMessage.objects.filter(
            flag=flag, purpose=OutboundMessage.Purpose.PAGE, to=message.from_number
        ).exists()
    ):
        return False
    with transaction.atomic():
        locked = InboundMessage.objects.select_for_update().get(pk=message.pk)
        if locked.status != InboundMessage.Status.RECEIVED:
            return True
        clinician = Clinician.objects.filter(
            clinic=flag.clinic, phone=message.from_number, is_active=True
        ).first()
        flag_acknowledge(flag=flag, actor=clinician, via="sms")
        message_queue(
            key=f"inbound:{message.message_sid}:ack",
            to=message.from_number,
            body=render_sms("acknowledged", code=flag.code),
            purpose=OutboundMessage.Purpose.ACK_REPLY,
            clinic=flag.clinic,
            clinician=clinician,
            queue=Queue.PAGES,
        )
        locked.status = InboundMessage.Status.HANDLED
        locked.handled_at = timezone.now()
        locked.save(update_fields=["status", "handled_at"])
    return True


# How long after a check-in closed a reply may still be its late answer to item 9.
LATE_WINDOW = dt.timedelta(hours=72)


def _handle(patient: Patient, message: InboundMessage, others: list[Patient]) -> None:
    """One text from a patient. Keywords first; then the answer to the waiting question; what
    is no answer is read for safety in every state (CLINICAL.md: a check-in open, none, expired,
    or after STOP), and what is left is a message for the clinic to read. STOP and START apply
    to ``others`` too: the other records behind the same (To, From) pair."""
    key = f"inbound:{message.message_sid}"
    word = keyword(message.body)
    if word == "stop":
        changed = [p for p in (patient, *others) if patient_opt_out(patient=p, source="sms")]
        if changed:
            patient.opted_out = True
            reply_send(
                patient, f"{key}:stop", "stop", purpose=OutboundMessage.Purpose.STOP_CONFIRMATION
            )
        return
    if word == "start":
        changed = [p for p in (patient, *others) if patient_opt_in(patient=p, source="sms")]
        if changed:
            patient.opted_out = False
            reply_send(patient, f"{key}:start", "start")
        return
    if word == "help":
        reply_send(patient, f"{key}:help", "help")
        return
    open_now = checkins_open_of(patient)
    check_in = next((c for c in open_now if c.current_instrument), None)
    if word == "link":
        target = check_in or (open_now[0] if open_now else None)
        if target is not None:
            reply_send(patient, f"{key}:link", "link", check_in=target, url=checkin_url(target.pk))
        else:
            reply_send(patient, f"{key}:link", "no_check_in")
        return
    if check_in is not None and not question_sent(check_in):
        # Held behind an older check-in that has closed since: this text answered the older
        # one's question, late. Then this check-in begins.
        _outside_check_in(patient, message, key)
        assert check_in.current_item is not None  # a check-in in conversation waits on a question
        question_ask(check_in, check_in.current_instrument, check_in.current_item, first=True)
        return
    if check_in is not None:
        _in_check_in(patient, check_in, message, key)
    else:
        _outside_check_in(patient, message, key)


def _in_check_in(patient: Patient, check_in: CheckIn, message: InboundMessage, key: str) -> None:
    code, item = check_in.current_instrument, check_in.current_item
    assert item is not None  # a check-in in conversation waits on a question
    instrument = get_instrument(code)
    value = parse_answer(message.body)
    if value is not None:
        answer_record(check_in, value, key, inbound=message.pk)
        return
    number = question_number(check_in, code, item)
    count = question_count(check_in)
    if rules.is_item_9(code, item):
        # CLINICAL.md fail-safe: at item 9 whatever is not unambiguously 0 raises the flag at
        # once (pages, crisis message), then the exact option is asked. The check-in stays on
        # item 9; its exact answer is stored as usual and does not page again (``paging``).
        response = Response.objects.filter(check_in=check_in, instrument=code).first()
        triggers = about(rules.item_9_reply_triggers(message.body), message, check_in=check_in.pk)
        triggers_fire(patient=patient, triggers=triggers, source="sms", response=response)
        reply_send(
            patient,
            f"{key}:exact",
            "item9_exact",
            check_in=check_in,
            after=crisis_pending(patient),
            number=number,
            count=count,
            options=instrument.options,
        )
        return
    crisis = about(crisis_triggers(message.body), message)
    if crisis:
        triggers_fire(patient=patient, triggers=crisis, source="sms")
    elif not (looks_like_answer(message.body) or is_pleasantry(message.body)):
        # Words for the clinic to read: said so, and how to answer the waiting question.
        triggers_fire(
            patient=patient,
            triggers=about(rules.unread_message_triggers(), message),
            source="sms",
        )
        reply_send(
            patient,
            f"{key}:unread",
            "unread_in_check_in",
            check_in=check_in,
            number=number,
            count=count,
            options=instrument.options,
        )
        return
    reply_send(
        patient,
        f"{key}:reprompt",
        "reprompt",
        check_in=check_in,
        after=crisis_pending(patient) if crisis else None,
        options=instrument.options,
    )


def _outside_check_in(patient: Patient, message: InboundMessage, key: str) -> None:
    """A text with no question waiting: late, stray, or after STOP. Item-9-like replies and
    crisis language still page; anything else is a message for the clinic to read."""
    body = message.body
    closed = recently_closed(patient)
    if closed is not None and _late_item_9(patient, closed, message):
        return
    crisis = about(crisis_triggers(body), message)
    if crisis:
        triggers_fire(patient=patient, triggers=crisis, source="sms")
        return
    if is_pleasantry(body):
        return
    triggers_fire(
        patient=patient,
        triggers=about(
            rules.unread_message_triggers(),
            message,
            **({"check_in": closed.pk, "late": True} if closed is not None else {}),
        ),
        source="sms",
    )
    if closed is not None and looks_like_answer(body):
        reply_send(patient, f"check-in:{closed.pk}:closed", "check_in_closed", check_in=closed)
        return
    # An acknowledgement at most once a day: the patient is not left wondering, nor flooded.
    today = timezone.localdate(timezone=_zone(patient))
    reply_send(patient, f"patient:{patient.pk}:unread:{today.isoformat()}", "unread")


def _zone(patient: Patient) -> ZoneInfo:
    try:
        return ZoneInfo(patient.timezone)
    except (ValueError, KeyError):
        return ZoneInfo(patient.clinic.timezone)


def recently_closed(patient: Patient) -> CheckIn | None:
    """The patient's most recent SMS check-in that closed unfinished (expired, or past its
    expiry and not yet swept) within ``LATE_WINDOW``."""
    now = timezone.now()
    return (
        CheckIn.objects.filter(
            patient=patient,
            channel="sms",
            status__in=[CheckIn.Status.EXPIRED, *OPEN],
            expires_at__lte=now,
            expires_at__gt=now - LATE_WINDOW,
        )
        .order_by("-expires_at", "-pk")
        .first()
    )


def _late_item_9(patient: Patient, closed: CheckIn, message: InboundMessage) -> bool:
    """A reply to a check-in that closed while PHQ-9 item 9 was the question waiting (it was
    asked, and has no answer). Whatever is not unambiguously 0 raises ``suicidal_ideation``,
    marked late; a clear 1-3 is stored on that check-in's PHQ-9. Returns whether it did."""
    if "phq9" not in closed.instruments:
        return False
    value = parse_answer(message.body)
    if value == 0:
        return False
    response = (
        Response.objects.select_for_update().filter(check_in=closed, instrument="phq9").first()
    )
    asked = OutboundMessage.objects.filter(
        check_in=closed,
        purpose=OutboundMessage.Purpose.QUESTION,
        idempotency_key__startswith=question_key(closed, "phq9", rules.SUICIDAL_IDEATION_ITEM),
    ).exists()
    item = rules.SUICIDAL_IDEATION_ITEM - 1
    if response is None or not asked or response.answers[item] is not None:
        return False
    if value is None and (
        FlagEvent.objects.filter(
            flag__patient=patient,
            flag__reason=Flag.Reason.SUICIDAL_IDEATION,
            kind__in=FlagEvent.TRIGGERS,
            detail__check_in=closed.pk,
            detail__item=rules.SUICIDAL_IDEATION_ITEM,
        ).exists()
    ):
        # Item 9 of that check-in already raised the flag for an unclear reply: a second one
        # is read as any other text (crisis language, or a message to read).
        return False
    if value is not None:
        answers = list(response.answers)
        answers[item] = value
        response.answers = answers
        response.save(update_fields=["answers", "updated_at"])
    triggers = about(
        rules.item_9_reply_triggers(message.body), message, check_in=closed.pk, late=True
    )
    triggers_fire(patient=patient, triggers=triggers, source="sms", response=response)
    return True
