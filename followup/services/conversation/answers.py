"""An answer stored the moment it arrives, so PHQ-9 item 9 reaches the flag rules before the
check-in ends; then the next question, or the totals and the thanks."""

import dataclasses
import logging

from django.utils import timezone

from followup.clinical import rules
from followup.clinical.instruments import get_instrument, score
from followup.models import (
    CheckIn,
    Flag,
    FlagEvent,
    Response,
)
from followup.services.conversation.outgoing import (
    checkin_in_conversation,
    question_ask,
    question_sent,
    reply_send,
)
from followup.services.responses import deterioration_references
from followup.services.safety import triggers_fire

logger = logging.getLogger(__name__)


def answer_record(check_in: CheckIn, value: int, key: str, *, inbound: int | None = None) -> None:
    """Store ``value`` for the waiting question. ``inbound`` is the text it came in (its id names
    an item-9 trigger, so one already raised for it at intake is not raised again)."""
    code, item = check_in.current_instrument, check_in.current_item
    assert item is not None  # a check-in in conversation waits on a question
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
        more = {"check_in": check_in.pk, **({"inbound": inbound} if inbound else {})}
        triggers = [dataclasses.replace(t, detail={**t.detail, **more}) for t in triggers]
        if not value:
            _clarified_as_0(check_in)
    # Answered items that already reach a severe total count now too, before the last one.
    triggers += rules.partial_triggers(code, answers, before)
    triggers_fire(patient=check_in.patient, triggers=triggers, source="sms", response=response)
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
    thanks = reply_send(
        check_in.patient, f"check-in:{check_in.pk}:thanks", "thanks", check_in=check_in
    )
    # A newer check-in held behind this one (``checkin_open``) begins now.
    following = checkin_in_conversation(check_in.patient, exclude=check_in.pk)
    if following is not None:
        assert following.current_item is not None  # a check-in in conversation waits on a question
        question_ask(
            following,
            following.current_instrument,
            following.current_item,
            first=following.status == CheckIn.Status.SENT,
            again="" if not question_sent(following) else f"after:{check_in.pk}",
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
            flag=flag,
            kind=FlagEvent.Kind.ITEM_9_CLARIFIED,
            detail={"value": 0, "check_in": check_in.pk},
        )


def _move(check_in: CheckIn, code: str, item: int) -> None:
    check_in.status = CheckIn.Status.IN_PROGRESS
    check_in.current_instrument = code
    check_in.current_item = item
    check_in.save(update_fields=["status", "current_instrument", "current_item", "updated_at"])
    question_ask(check_in, code, item)


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
    triggers_fire(patient=response.patient, triggers=triggers, source="sms", response=response)
