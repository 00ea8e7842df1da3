"""The SMS conversation (SPEC §2 step 4, §7): one question per message, answers as they come.

Every patient-facing text goes through ``followup.messaging`` (a ledger row first). Answers are
stored the moment they arrive, so PHQ-9 item 9 reaches the flag rules before the check-in ends.
"""

import dataclasses
import datetime as dt
import logging
import re

from django.db import transaction
from django.utils import timezone

from followup import rules
from followup.instruments import get_instrument, parse_answer, score
from followup.messaging.outbox import PAGES_QUEUE, message_queue
from followup.messaging.texts import render_sms
from followup.models import (
    CheckIn,
    Clinician,
    Flag,
    InboundMessage,
    OutboundMessage,
    Patient,
    Response,
)
from followup.safety import rules_fired
from followup.services.flags import flag_acknowledge
from followup.services.patients import patient_opt_in, patient_opt_out
from followup.services.responses import deterioration_references
from followup.tokens import check_in_url

logger = logging.getLogger(__name__)

OPEN = (CheckIn.Status.SENT, CheckIn.Status.IN_PROGRESS)

# SPEC §7 keywords, any case, any time (and the carriers' own opt-out and opt-in words).
STOP_WORDS = {"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "OPTOUT", "REVOKE"}
START_WORDS = {"START", "UNSTOP", "OPTIN"}
HELP_WORDS = {"HELP", "INFO"}
LINK_WORDS = {"LINK"}
_KEYWORD = re.compile(r"^\s*([A-Za-z]+)\s*[.!]*\s*$")
# A clinician's "ACK <code>" in reply to a page.
ACK = re.compile(r"^\s*ACK\s+([A-Za-z0-9]{3,12})\s*[.!]*\s*$", re.IGNORECASE)


def keyword(text: str) -> str | None:
    match = _KEYWORD.match(text or "")
    if not match:
        return None
    word = match.group(1).upper()
    for name, words in (
        ("stop", STOP_WORDS),
        ("start", START_WORDS),
        ("help", HELP_WORDS),
        ("link", LINK_WORDS),
    ):
        if word in words:
            return name
    return None


# Opening and reminding ---------------------------------------------------------------------


def question_count(check_in: CheckIn) -> int:
    return sum(get_instrument(code).item_count for code in check_in.instruments)


def question_text(check_in: CheckIn, code: str, item_number: int, *, first: bool) -> str:
    instrument = get_instrument(code)
    before = 0
    for other in check_in.instruments:
        if other == code:
            break
        before += get_instrument(other).item_count
    return render_sms(
        "question",
        first=first,
        clinic=check_in.patient.clinic.name,
        stem=instrument.stem if item_number == 1 else "",
        number=before + item_number,
        count=question_count(check_in),
        item=instrument.items[item_number - 1].text,
        options=instrument.options,
    )


def _ask(check_in: CheckIn, code: str, item_number: int, *, first: bool = False) -> None:
    patient = check_in.patient
    # The crisis message goes out before the next question (SPEC §7).
    crisis = (
        OutboundMessage.objects.filter(
            patient=patient,
            purpose="crisis",
            status__in=[OutboundMessage.Status.PENDING, OutboundMessage.Status.SENDING],
        )
        .order_by("-pk")
        .first()
    )
    message_queue(
        after=crisis,
        key=f"check-in:{check_in.pk}:question:{code}:{item_number}",
        to=patient.phone,
        body=question_text(check_in, code, item_number, first=first),
        purpose="question",
        clinic=patient.clinic,
        patient=patient,
        check_in=check_in,
    )


def _say(
    patient: Patient,
    key: str,
    template: str,
    *,
    check_in: CheckIn | None = None,
    purpose: str | None = None,
    **context: object,
) -> None:
    clinic = patient.clinic
    message_queue(
        key=key,
        to=patient.phone,
        body=render_sms(
            template,
            clinic=clinic.name,
            crisis_line=clinic.crisis_line,
            emergency_line=clinic.emergency_line,
            **context,
        ),
        purpose=purpose or template,
        clinic=clinic,
        patient=patient,
        check_in=check_in,
    )


def open_check_in(check_in: CheckIn, *, now: dt.datetime) -> None:
    """Mark a due check-in sent and queue its first message (inside the dispatcher's claim)."""
    patient = check_in.patient
    plan = patient.clinic.follow_up_plan
    check_in.status = CheckIn.Status.SENT
    check_in.sent_at = now
    check_in.channel = patient.channel
    check_in.expires_at = now + dt.timedelta(hours=plan.expire_after_hours)
    check_in.reminder_due_at = now + dt.timedelta(hours=plan.reminder_after_hours)
    if patient.channel == "sms":
        check_in.current_instrument = check_in.instruments[0]
        check_in.current_item = 1
    check_in.save()
    if patient.channel == "sms":
        _ask(check_in, check_in.current_instrument, 1, first=True)
    else:
        _say(
            patient,
            f"check-in:{check_in.pk}:web_link",
            "web_link",
            check_in=check_in,
            url=check_in_url(check_in.pk),
        )


def send_reminder(check_in: CheckIn) -> None:
    if check_in.channel == "sms" and check_in.current_instrument:
        _say(check_in.patient, f"check-in:{check_in.pk}:reminder", "reminder", check_in=check_in)
    else:
        _say(
            check_in.patient,
            f"check-in:{check_in.pk}:reminder",
            "web_reminder",
            check_in=check_in,
            purpose="reminder",
            url=check_in_url(check_in.pk),
        )


# Inbound -------------------------------------------------------------------------------------


def find_patient(from_number: str) -> Patient | None:
    """The patient texting from this number: with an open check-in first, else the latest."""
    candidates = list(
        Patient.objects.filter(phone=from_number).select_related("clinic").order_by("-updated_at")
    )
    if len(candidates) > 1:
        with_open = [p for p in candidates if p.check_ins.filter(status__in=OPEN).exists()]
        candidates = with_open or candidates
    return candidates[0] if candidates else None


def handle_inbound(inbound_id: int) -> str:
    """Handle a stored inbound SMS, and any earlier ones of the same sender still waiting, in
    the order they arrived. Idempotent: a message is handled once (its status says so)."""
    first = InboundMessage.objects.filter(pk=inbound_id).first()
    if first is None or first.status != InboundMessage.Status.RECEIVED:
        return "already_handled"
    ack = ACK.match(first.body or "")
    if ack and _clinician_ack(first, ack.group(1).upper()):
        return "acknowledged"
    patient = find_patient(first.from_number)
    with transaction.atomic():
        if patient is not None:
            # One conversation at a time per patient: concurrent tasks queue up here.
            patient = (
                Patient.objects.select_for_update().select_related("clinic").get(pk=patient.pk)
            )
        waiting = list(
            InboundMessage.objects.select_for_update()
            .filter(
                from_number=first.from_number,
                status=InboundMessage.Status.RECEIVED,
                received_at__lte=first.received_at,
            )
            .order_by("received_at", "pk")
        )
        for message in waiting:
            if patient is None:
                message.status = InboundMessage.Status.IGNORED
                logger.info("inbound %s from an unknown sender ignored", message.pk)
            else:
                message.patient = patient
                message.status = InboundMessage.Status.HANDLED
                _handle(patient, message)
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
            flag=flag, purpose="page", to=message.from_number
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
            purpose="ack_reply",
            clinic=flag.clinic,
            clinician=clinician,
            queue=PAGES_QUEUE,
        )
        locked.status = InboundMessage.Status.HANDLED
        locked.handled_at = timezone.now()
        locked.save(update_fields=["status", "handled_at"])
    return True


def _open_check_in(patient: Patient) -> CheckIn | None:
    return (
        CheckIn.objects.select_for_update()
        .filter(patient=patient, status__in=OPEN, expires_at__gt=timezone.now())
        .order_by("-sent_at")
        .first()
    )


def _handle(patient: Patient, message: InboundMessage) -> None:
    key = f"inbound:{message.message_sid}"
    word = keyword(message.body)
    if word == "stop":
        if patient_opt_out(patient=patient, source="sms"):
            patient.opted_out = True
            _say(patient, f"{key}:stop", "stop", purpose="stop_confirmation")
        return
    if word == "start":
        if patient_opt_in(patient=patient, source="sms"):
            patient.opted_out = False
            _say(patient, f"{key}:start", "start")
        return
    if word == "help":
        _say(patient, f"{key}:help", "help")
        return
    check_in = _open_check_in(patient)
    if word == "link":
        if check_in is not None:
            _say(patient, f"{key}:link", "link", check_in=check_in, url=check_in_url(check_in.pk))
        else:
            _say(patient, f"{key}:link", "no_check_in")
        return
    value = parse_answer(message.body)
    if check_in is not None and check_in.current_instrument and value is not None:
        _answer(check_in, value, key)
        return
    # Free text: any message that is not an answer or a keyword is read for crisis language.
    # The flag's evidence names the message by id (never its words), for the dashboard to show.
    triggers = [
        dataclasses.replace(trigger, detail={**trigger.detail, "inbound": message.pk})
        for trigger in rules.message_triggers(message.body)
    ]
    if triggers:
        rules_fired(patient=patient, triggers=triggers, source="sms")
    if check_in is not None and check_in.current_instrument:
        instrument = get_instrument(check_in.current_instrument)
        _say(patient, f"{key}:reprompt", "reprompt", check_in=check_in, options=instrument.options)


def _answer(check_in: CheckIn, value: int, key: str) -> None:
    code, item = check_in.current_instrument, check_in.current_item
    instrument = get_instrument(code)
    response, _ = Response.objects.select_for_update().get_or_create(
        check_in=check_in,
        instrument=code,
        defaults={
            "patient": check_in.patient,
            "answers": [None] * instrument.item_count,
            "channel": "sms",
        },
    )
    before, answers = response.answers, list(response.answers)
    answers[item - 1] = value
    response.answers = answers
    response.save(update_fields=["answers", "updated_at"])
    # Item 9 counts the moment it arrives, complete or not (CLINICAL.md).
    rules_fired(
        patient=check_in.patient,
        triggers=rules.answer_triggers(code, item, value)
        + rules.partial_triggers(code, answers, before),
        source="sms",
        response=response,
    )
    if item < instrument.item_count:
        _move(check_in, code, item + 1)
        return
    _complete_response(response)
    remaining = check_in.instruments[check_in.instruments.index(code) + 1 :]
    if remaining:
        _move(check_in, remaining[0], 1)
        return
    now = timezone.now()
    check_in.status = CheckIn.Status.COMPLETED
    check_in.completed_at = now
    check_in.current_instrument = ""
    check_in.current_item = None
    check_in.save()
    _say(check_in.patient, f"check-in:{check_in.pk}:thanks", "thanks", check_in=check_in)


def _move(check_in: CheckIn, code: str, item: int) -> None:
    check_in.status = CheckIn.Status.IN_PROGRESS
    check_in.current_instrument = code
    check_in.current_item = item
    check_in.save(update_fields=["status", "current_instrument", "current_item", "updated_at"])
    _ask(check_in, code, item)


def _complete_response(response: Response) -> None:
    result = score(response.instrument, response.answers)
    now = timezone.now()
    previous, baseline = deterioration_references(
        patient=response.patient, instrument=response.instrument, before=now, exclude=response.pk
    )
    response.total = result.total
    response.severity = result.severity or ""
    response.complete = result.complete
    response.submitted_at = now
    response.save()
    # Item 9 was judged when it arrived; the totals are judged now.
    triggers = [
        t
        for t in rules.response_triggers(response.instrument, response.answers, previous, baseline)
        if t.reason != rules.SUICIDAL_IDEATION
    ]
    rules_fired(patient=response.patient, triggers=triggers, source="sms", response=response)
