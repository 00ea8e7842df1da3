"""What the conversation sends: a check-in's questions, one per message, its reminder and every
other text to a patient, each a ledger row first (``followup.messaging``); and which open
check-in a reply answers."""

import datetime as dt
import logging

from django.utils import timezone

from followup.clinical.instruments import get_instrument
from followup.messaging.outbox import message_queue
from followup.messaging.texts import render_sms
from followup.models import (
    CheckIn,
    OutboundMessage,
    Patient,
)
from followup.services.checkin_links import checkin_url

logger = logging.getLogger(__name__)


OPEN = (CheckIn.Status.SENT, CheckIn.Status.IN_PROGRESS)


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


def crisis_pending(patient: Patient) -> OutboundMessage | None:
    """The crisis message not yet out, if any: what the patient is told next waits for it."""
    return (
        OutboundMessage.objects.filter(
            patient=patient,
            purpose=OutboundMessage.Purpose.CRISIS,
            status__in=[OutboundMessage.Status.PENDING, OutboundMessage.Status.SENDING],
        )
        .order_by("-pk")
        .first()
    )


def question_key(check_in: CheckIn, code: str, item_number: int) -> str:
    return f"check-in:{check_in.pk}:question:{code}:{item_number}"


def question_ask(
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
    key = question_key(check_in, code, item_number)
    message_queue(
        # The crisis message goes out before the next question (SPEC §7).
        after=crisis_pending(patient) or after,
        key=f"{key}:{again}" if again else key,
        to=patient.phone,
        body=question_text(check_in, code, item_number, first=first),
        purpose=OutboundMessage.Purpose.QUESTION,
        clinic=patient.clinic,
        patient=patient,
        check_in=check_in,
    )


def reply_send(
    patient: Patient,
    key: str,
    template: str,
    *,
    check_in: CheckIn | None = None,
    purpose: OutboundMessage.Purpose | None = None,
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
        # A text is for what its template says unless the caller names another purpose.
        purpose=purpose or OutboundMessage.Purpose(template),
        clinic=clinic,
        patient=patient,
        check_in=check_in,
    )


def checkins_open_of(patient: Patient) -> list[CheckIn]:
    """The patient's open check-ins, oldest first (usually one)."""
    check_ins = list(
        CheckIn.objects.select_for_update()
        .filter(patient=patient, status__in=OPEN, expires_at__gt=timezone.now())
        .order_by("sent_at", "pk")
    )
    for check_in in check_ins:
        check_in.patient = patient  # the row just locked, with its clinic: not read again
    return check_ins


def checkin_in_conversation(
    patient: Patient, *, exclude: int | None = None, lock: bool = True
) -> CheckIn | None:
    """The SMS check-in the patient's next reply answers: the oldest open one with a question
    waiting (see ``checkin_open`` for why the oldest)."""
    queryset = CheckIn.objects.select_for_update() if lock else CheckIn.objects.all()
    queryset = queryset.filter(
        patient=patient, status__in=OPEN, expires_at__gt=timezone.now()
    ).exclude(current_instrument="")
    if exclude is not None:
        queryset = queryset.exclude(pk=exclude)
    return queryset.order_by("sent_at", "pk").first()


def question_sent(check_in: CheckIn) -> bool:
    """Whether the waiting question was ever sent: not when it is held behind an older
    check-in. Asked only of a check-in not yet started (once started, it was)."""
    if check_in.status != CheckIn.Status.SENT:
        return True
    assert check_in.current_item is not None  # a check-in in conversation waits on a question
    key = question_key(check_in, check_in.current_instrument, check_in.current_item)
    return OutboundMessage.objects.filter(idempotency_key=key).exists()


def checkin_open(check_in: CheckIn, *, now: dt.datetime) -> None:
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
        older = checkin_in_conversation(patient, exclude=check_in.pk, lock=False)
        if older is None:
            question_ask(check_in, check_in.current_instrument, 1, first=True)
        else:
            # Two sessions close together leave two check-ins open. A reply answers the question
            # the patient read last, so one conversation runs at a time: the older check-in's
            # waiting question (perhaps PHQ-9 item 9) is asked again now, and this check-in's
            # first question follows when that one is finished (``answer_record``), or when the older
            # one has closed (``reminder_send``, or the patient's next text). Answering the newer
            # one first would leave the older one's item 9 unasked, silently.
            assert older.current_item is not None  # a check-in in conversation waits on a question
            question_ask(
                older,
                older.current_instrument,
                older.current_item,
                first=older.status == CheckIn.Status.SENT,
                again=f"before:{check_in.pk}",
            )
    else:
        reply_send(
            patient,
            f"check-in:{check_in.pk}:web_link",
            "web_link",
            check_in=check_in,
            url=checkin_url(check_in.pk),
        )


def reminder_send(check_in: CheckIn) -> None:
    if check_in.channel == "sms" and check_in.current_instrument:
        if not question_sent(check_in):
            # Held behind an older check-in (``checkin_open``): once that one has closed, the
            # reminder is this check-in's first question itself.
            current = checkin_in_conversation(check_in.patient, lock=False)
            if current is None or current.pk == check_in.pk:
                assert (
                    check_in.current_item is not None
                )  # a check-in in conversation waits on a question
                question_ask(
                    check_in, check_in.current_instrument, check_in.current_item, first=True
                )
                return
        reply_send(
            check_in.patient, f"check-in:{check_in.pk}:reminder", "reminder", check_in=check_in
        )
    else:
        reply_send(
            check_in.patient,
            f"check-in:{check_in.pk}:reminder",
            "web_reminder",
            check_in=check_in,
            purpose=OutboundMessage.Purpose.REMINDER,
            url=checkin_url(check_in.pk),
        )
