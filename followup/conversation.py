"""The SMS conversation (SPEC §2 step 4, §7): one question per message, answers as they come.

Every patient-facing text goes through ``followup.messaging`` (a ledger row first). Answers are
stored the moment they arrive, so PHQ-9 item 9 reaches the flag rules before the check-in ends.
"""

import dataclasses
import datetime as dt
import logging
import re
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from followup import defaults, rules
from followup.instruments import get_instrument, parse_answer, score
from followup.messaging.outbox import PAGES_QUEUE, message_queue
from followup.messaging.texts import render_sms
from followup.models import (
    CheckIn,
    Clinic,
    Clinician,
    Flag,
    FlagEvent,
    InboundMessage,
    OutboundMessage,
    Patient,
    Response,
)
from followup.paging import crisis_text
from followup.safety import rules_fired
from followup.services.flags import flag_acknowledge
from followup.services.patients import patient_opt_in, patient_opt_out
from followup.services.responses import deterioration_references
from followup.sms_replies import is_pleasantry, looks_like_answer
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


def question_number(check_in: CheckIn, code: str, item_number: int) -> int:
    """The question's place in the whole check-in: GAD-7 item 1 is question 10 of 16."""
    before = 0
    for other in check_in.instruments:
        if other == code:
            break
        before += get_instrument(other).item_count
    return before + item_number


def question_text(check_in: CheckIn, code: str, item_number: int, *, first: bool) -> str:
    instrument = get_instrument(code)
    return render_sms(
        "question",
        first=first,
        clinic=check_in.patient.clinic.name,
        stem=instrument.stem if item_number == 1 else "",
        number=question_number(check_in, code, item_number),
        count=question_count(check_in),
        item=instrument.items[item_number - 1].text,
        options=instrument.options,
    )


def _crisis_pending(patient: Patient) -> OutboundMessage | None:
    """The crisis message not yet out, if any: what the patient is told next waits for it."""
    return (
        OutboundMessage.objects.filter(
            patient=patient,
            purpose="crisis",
            status__in=[OutboundMessage.Status.PENDING, OutboundMessage.Status.SENDING],
        )
        .order_by("-pk")
        .first()
    )


def _question_key(check_in: CheckIn, code: str, item_number: int) -> str:
    return f"check-in:{check_in.pk}:question:{code}:{item_number}"


def _ask(
    check_in: CheckIn,
    code: str,
    item_number: int,
    *,
    first: bool = False,
    again: str = "",
    after: OutboundMessage | None = None,
) -> None:
    """Send the question (once; ``again`` names a deliberate second asking)."""
    patient = check_in.patient
    key = _question_key(check_in, code, item_number)
    message_queue(
        # The crisis message goes out before the next question (SPEC §7).
        after=_crisis_pending(patient) or after,
        key=f"{key}:{again}" if again else key,
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
    after: OutboundMessage | None = None,
    **context: object,
) -> OutboundMessage:
    clinic = patient.clinic
    return message_queue(
        after=after,
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
        older = _conversation(patient, exclude=check_in.pk, lock=False)
        if older is None:
            _ask(check_in, check_in.current_instrument, 1, first=True)
        else:
            # Two sessions close together leave two check-ins open. A reply answers the question
            # the patient read last, so one conversation runs at a time: the older check-in's
            # waiting question (perhaps PHQ-9 item 9) is asked again now, and this check-in's
            # first question follows when that one is finished (``_answer``), or when the older
            # one has closed (``send_reminder``, or the patient's next text). Answering the newer
            # one first would leave the older one's item 9 unasked, silently.
            _ask(
                older,
                older.current_instrument,
                older.current_item,
                first=older.status == CheckIn.Status.SENT,
                again=f"before:{check_in.pk}",
            )
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
        if not _question_sent(check_in):
            # Held behind an older check-in (``open_check_in``): once that one has closed, the
            # reminder is this check-in's first question itself.
            current = _conversation(check_in.patient, lock=False)
            if current is None or current.pk == check_in.pk:
                _ask(check_in, check_in.current_instrument, check_in.current_item, first=True)
                return
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
                message.status = (
                    InboundMessage.Status.HANDLED
                    if _from_unknown_sender(message)
                    else InboundMessage.Status.IGNORED
                )
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


# How long after a check-in closed a reply may still be its late answer to item 9.
LATE_WINDOW = dt.timedelta(hours=72)


def _open_check_ins(patient: Patient) -> list[CheckIn]:
    """The patient's open check-ins, oldest first (usually one)."""
    return list(
        CheckIn.objects.select_for_update()
        .filter(patient=patient, status__in=OPEN, expires_at__gt=timezone.now())
        .order_by("sent_at", "pk")
    )


def _conversation(
    patient: Patient, *, exclude: int | None = None, lock: bool = True
) -> CheckIn | None:
    """The SMS check-in the patient's next reply answers: the oldest open one with a question
    waiting (see ``open_check_in`` for why the oldest)."""
    queryset = CheckIn.objects.select_for_update() if lock else CheckIn.objects.all()
    queryset = queryset.filter(
        patient=patient, status__in=OPEN, expires_at__gt=timezone.now()
    ).exclude(current_instrument="")
    if exclude is not None:
        queryset = queryset.exclude(pk=exclude)
    return queryset.order_by("sent_at", "pk").first()


def _question_sent(check_in: CheckIn) -> bool:
    """Whether the waiting question was ever sent: not when it is held behind an older
    check-in. Asked only of a check-in not yet started (once started, it was)."""
    if check_in.status != CheckIn.Status.SENT:
        return True
    key = _question_key(check_in, check_in.current_instrument, check_in.current_item)
    return OutboundMessage.objects.filter(idempotency_key=key).exists()


def _about(
    triggers: list[rules.Trigger], message: InboundMessage, **more: object
) -> list[rules.Trigger]:
    """The triggers, naming the message by id (never its words) for the dashboard to show."""
    return [
        dataclasses.replace(trigger, detail={**trigger.detail, "inbound": message.pk, **more})
        for trigger in triggers
    ]


def _handle(patient: Patient, message: InboundMessage) -> None:
    """One text from a patient. Keywords first; then the answer to the waiting question; what
    is no answer is read for safety in every state (CLINICAL.md: a check-in open, none, expired,
    or after STOP), and what is left is a message for the clinic to read."""
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
    open_check_ins = _open_check_ins(patient)
    check_in = next((c for c in open_check_ins if c.current_instrument), None)
    if word == "link":
        target = check_in or (open_check_ins[0] if open_check_ins else None)
        if target is not None:
            _say(patient, f"{key}:link", "link", check_in=target, url=check_in_url(target.pk))
        else:
            _say(patient, f"{key}:link", "no_check_in")
        return
    if check_in is not None and not _question_sent(check_in):
        # Held behind an older check-in that has closed since: this text answered the older
        # one's question, late. Then this check-in begins.
        _outside_check_in(patient, message, key)
        _ask(check_in, check_in.current_instrument, check_in.current_item, first=True)
        return
    if check_in is not None:
        _in_check_in(patient, check_in, message, key)
    else:
        _outside_check_in(patient, message, key)


def _in_check_in(patient: Patient, check_in: CheckIn, message: InboundMessage, key: str) -> None:
    code, item = check_in.current_instrument, check_in.current_item
    instrument = get_instrument(code)
    value = parse_answer(message.body)
    if value is not None:
        _answer(check_in, value, key)
        return
    number = question_number(check_in, code, item)
    count = question_count(check_in)
    if rules.is_item_9(code, item):
        # CLINICAL.md fail-safe: at item 9 whatever is not unambiguously 0 raises the flag at
        # once (pages, crisis message), then the exact option is asked. The check-in stays on
        # item 9; its exact answer is stored as usual and does not page again (``paging``).
        response = Response.objects.filter(check_in=check_in, instrument=code).first()
        triggers = _about(rules.item_9_reply_triggers(message.body), message, check_in=check_in.pk)
        rules_fired(patient=patient, triggers=triggers, source="sms", response=response)
        _say(
            patient,
            f"{key}:exact",
            "item9_exact",
            check_in=check_in,
            after=_crisis_pending(patient),
            number=number,
            count=count,
            options=instrument.options,
        )
        return
    crisis = _about(rules.message_triggers(message.body), message)
    if crisis:
        rules_fired(patient=patient, triggers=crisis, source="sms")
    elif not (looks_like_answer(message.body) or is_pleasantry(message.body)):
        # Words for the clinic to read: said so, and how to answer the waiting question.
        rules_fired(
            patient=patient,
            triggers=_about(rules.unread_message_triggers(), message),
            source="sms",
        )
        _say(
            patient,
            f"{key}:unread",
            "unread_in_check_in",
            check_in=check_in,
            number=number,
            count=count,
            options=instrument.options,
        )
        return
    _say(
        patient,
        f"{key}:reprompt",
        "reprompt",
        check_in=check_in,
        after=_crisis_pending(patient) if crisis else None,
        options=instrument.options,
    )


def _outside_check_in(patient: Patient, message: InboundMessage, key: str) -> None:
    """A text with no question waiting: late, stray, or after STOP. Item-9-like replies and
    crisis language still page; anything else is a message for the clinic to read."""
    body = message.body
    closed = _recently_closed(patient)
    if closed is not None and _late_item_9(patient, closed, message):
        return
    crisis = _about(rules.message_triggers(body), message)
    if crisis:
        rules_fired(patient=patient, triggers=crisis, source="sms")
        return
    if is_pleasantry(body):
        return
    rules_fired(
        patient=patient,
        triggers=_about(
            rules.unread_message_triggers(),
            message,
            **({"check_in": closed.pk, "late": True} if closed is not None else {}),
        ),
        source="sms",
    )
    if closed is not None and looks_like_answer(body):
        _say(patient, f"check-in:{closed.pk}:closed", "check_in_closed", check_in=closed)
        return
    # An acknowledgement at most once a day: the patient is not left wondering, nor flooded.
    today = timezone.localdate(timezone=_zone(patient))
    _say(patient, f"patient:{patient.pk}:unread:{today.isoformat()}", "unread")


def _zone(patient: Patient) -> ZoneInfo:
    try:
        return ZoneInfo(patient.timezone)
    except (ValueError, KeyError):
        return ZoneInfo(patient.clinic.timezone)


def _recently_closed(patient: Patient) -> CheckIn | None:
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
    response = Response.objects.select_for_update().filter(check_in=closed, instrument="phq9")
    response = response.first()
    asked = OutboundMessage.objects.filter(
        check_in=closed,
        purpose="question",
        idempotency_key__startswith=_question_key(closed, "phq9", rules.SUICIDAL_IDEATION_ITEM),
    ).exists()
    item = rules.SUICIDAL_IDEATION_ITEM - 1
    if response is None or not asked or response.answers[item] is not None:
        return False
    if value is None and (
        FlagEvent.objects.filter(
            flag__patient=patient,
            flag__reason=Flag.Reason.SUICIDAL_IDEATION,
            kind__in=["raised", "trigger_added"],
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
    triggers = _about(
        rules.item_9_reply_triggers(message.body), message, check_in=closed.pk, late=True
    )
    rules_fired(patient=patient, triggers=triggers, source="sms", response=response)
    return True


# Texts from a number that is no patient's ---------------------------------------------------


def clinics_texted(to_number: str) -> list[Clinic]:
    """The clinic that owns the number texted; else the only clinic; else every clinic (when in
    doubt, flag: an unread crisis is worse than a flag another clinic resolves)."""
    if to_number:
        owners = list(Clinic.objects.filter(phone=to_number).select_related("escalation_policy"))
        if owners:
            return owners
    return list(Clinic.objects.select_related("escalation_policy").order_by("pk"))


def _from_unknown_sender(message: InboundMessage) -> bool:
    """Crisis language from a number that is no patient's raises a critical flag in the clinic
    it texted, naming the sender, and gets the crisis resources (at most once a day per
    number). Anything else stays ignored. Returns whether it was handled."""
    triggers = _about(rules.message_triggers(message.body), message)
    clinics = clinics_texted(message.to_number) if triggers else []
    if not clinics:
        logger.info("inbound %s from an unknown sender ignored", message.pk)
        return False
    fired = [
        event
        for clinic in clinics
        for event in rules_fired(
            patient=None, clinic=clinic, sender=message.from_number, triggers=triggers, source="sms"
        )
    ]
    owner = clinics[0] if len(clinics) == 1 else None
    zone = ZoneInfo(owner.timezone if owner else clinics[0].timezone)
    today = timezone.localdate(timezone=zone)
    if owner is not None:
        # The owning clinic's own crisis message: its resources, its number, and that the
        # on-call clinician is being told only when a page really went out.
        body = crisis_text(owner, clinician_told=any(event.paged for event in fired))
    else:
        body = render_sms(
            "crisis_resources",
            clinic="",
            crisis_line=defaults.CRISIS_LINE,
            emergency_line=defaults.EMERGENCY_LINE,
        )
    message_queue(
        key=f"unknown:{message.from_number}:crisis:{today.isoformat()}",
        to=message.from_number,
        body=body,
        purpose="crisis",
        clinic=clinics[0],
        queue=PAGES_QUEUE,
    )
    logger.info("inbound %s from an unknown sender flagged in %s clinics", message.pk, len(clinics))
    return True


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
    # Item 9 counts the moment it arrives, complete or not (CLINICAL.md). Its trigger names the
    # check-in, so an exact answer after an unclear reply is known as the same report.
    triggers = rules.answer_triggers(code, item, value)
    if rules.is_item_9(code, item):
        triggers = [
            dataclasses.replace(t, detail={**t.detail, "check_in": check_in.pk}) for t in triggers
        ]
        if not value:
            _clarified_as_0(check_in)
    # Answered items that already reach a severe total count now too, before the last one.
    triggers += rules.partial_triggers(code, answers, before)
    rules_fired(patient=check_in.patient, triggers=triggers, source="sms", response=response)
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
    thanks = _say(check_in.patient, f"check-in:{check_in.pk}:thanks", "thanks", check_in=check_in)
    # A newer check-in held behind this one (``open_check_in``) begins now.
    following = _conversation(check_in.patient, exclude=check_in.pk)
    if following is not None:
        _ask(
            following,
            following.current_instrument,
            following.current_item,
            first=following.status == CheckIn.Status.SENT,
            again="" if not _question_sent(following) else f"after:{check_in.pk}",
            after=thanks,
        )


def _clarified_as_0(check_in: CheckIn) -> None:
    """Item 9 answered 0 after an unclear reply had raised the flag: the clinician sees it on
    the flag's timeline (the flag stays theirs to resolve)."""
    flag = Flag.objects.filter(
        patient_id=check_in.patient_id,
        reason=Flag.Reason.SUICIDAL_IDEATION,
        status__in=Flag.UNRESOLVED,
    ).first()
    if flag is not None and any(
        isinstance(entry, dict)
        and entry.get("reply") == "unclear"
        and entry.get("check_in") == check_in.pk
        for entry in flag.evidence
    ):
        FlagEvent.objects.create(
            flag=flag, kind="item_9_clarified", detail={"value": 0, "check_in": check_in.pk}
        )


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
