"""Sending without waste: a sweep's messages go out in batches whose provider calls run at once,
a handled reply's next question goes out from the task that handled it, and a text waiting
behind a backlog is enqueued again once a minute, not at every tick. Each message still goes out
once, whoever sends it and however often."""

import datetime as dt
from collections import Counter

import pytest
import time_machine
from django.test import Client

from config.celery import app
from followup.messaging.outbox import SEND_BATCH, message_queue
from followup.models import Clinic, InboundMessage, OutboundMessage, Patient
from followup.services.dispatch import OPEN_PER_SECOND, checkins_dispatch_due
from followup.services.messages import messages_send
from followup.services.patients import patient_create
from followup.services.sessions import session_record
from tests.support.concurrency import at_once
from tests.support.sms import NOW, sign_and_post, text

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.time_machine(NOW, tick=False)]
PATIENTS = 2 * SEND_BATCH + 10


def enrol_due(clinic: Clinic, count: int) -> list[Patient]:
    """``count`` SMS patients, each with a check-in due now."""
    patients = []
    for n in range(count):
        patient = patient_create(
            clinic=clinic,
            first_name=f"P{n}",
            last_name="Test",
            phone=f"+1312555{3000 + n:04d}",
            timezone="America/Chicago",
            sms_consent=True,
        )
        session_record(patient=patient, occurred_at=NOW - dt.timedelta(hours=25), treatment="other")
        patients.append(patient)
    return patients


def queued_rows(clinic: Clinic, count: int) -> list[int]:
    """Ledger rows recorded and not sent (their tasks wait in the test's broker)."""
    return [
        message_queue(
            key=f"test:{n}",
            to=f"+1312555{4000 + n:04d}",
            body=f"Message {n}",
            purpose="question",
            clinic=clinic,
        ).pk
        for n in range(count)
    ]


def test_a_sweep_sends_its_first_questions_in_batches_each_once(
    twilio: object, celery_inline: list, clinic: Clinic
) -> None:
    patients = enrol_due(clinic, PATIENTS)
    celery_inline.clear()

    sweep = checkins_dispatch_due()

    assert sweep.opened == PATIENTS
    batches = [args[0] for name, args, _ in celery_inline if name == "followup.send_messages"]
    assert [len(batch) for batch in batches] == [SEND_BATCH, SEND_BATCH, 10]
    assert not [name for name, _, _ in celery_inline if name == "followup.send_message"]
    sent = Counter(m.params["To"] for m in twilio.messages)
    assert sent == Counter(p.phone for p in patients)
    assert all("1/16 " in m.params["Body"] for m in twilio.messages)
    assert set(OutboundMessage.objects.values_list("status", flat=True)) == {"sent"}
    assert (
        OutboundMessage.objects.filter(provider_sid__in=[m.sid for m in twilio.messages]).count()
        == PATIENTS
    )


def test_the_same_batch_sent_by_two_workers_at_once_sends_each_message_once(
    twilio: object, clinic: Clinic
) -> None:
    rows = queued_rows(clinic, 30)
    twilio.delay_seconds = 0.05  # each call in flight long enough for the other to overlap

    outcomes = at_once(2, lambda: messages_send(rows))

    total = sum(outcomes, Counter())
    assert total == Counter(sent=30, not_claimed=30)
    assert sorted(m.params["Body"] for m in twilio.messages) == sorted(
        f"Message {n}" for n in range(30)
    )


def test_a_failure_in_a_batch_retries_that_message_alone(twilio: object, clinic: Clinic) -> None:
    rows = queued_rows(clinic, 10)
    twilio.fail_next(1, status=503)

    first = messages_send(rows)
    with time_machine.travel(NOW + dt.timedelta(seconds=5), tick=False):
        again = messages_send(rows)

    assert first == Counter(sent=9, retry=1)
    assert again == Counter(sent=1, not_claimed=9)
    assert Counter(m.params["Body"] for m in twilio.messages if m.status_code == 201) == Counter(
        f"Message {n}" for n in range(10)
    )
    assert set(OutboundMessage.objects.values_list("status", flat=True)) == {"sent"}


def test_a_handled_reply_sends_its_next_question_from_the_same_task(
    twilio: object, celery_inline: list, pat: Patient
) -> None:
    session_record(patient=pat, occurred_at=NOW - dt.timedelta(hours=25), treatment="other")
    checkins_dispatch_due()
    celery_inline.clear()

    text(twilio, pat, "2")

    assert [name for name, _, _ in celery_inline] == ["followup.handle_inbound"]
    assert "2/16 " in twilio.messages_to(pat.phone)[-1].params["Body"]
    assert OutboundMessage.objects.filter(patient=pat, status="sent").count() == 2


@pytest.fixture
def enqueued(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the tasks enqueued from here on (none of them runs)."""
    names: list[str] = []
    monkeypatch.setattr(app, "send_task", lambda name, args=(), **_: names.append(name))
    return names


def test_a_text_waiting_behind_a_backlog_is_enqueued_again_once_a_minute(
    twilio: object, enqueued: list[str], pat: Patient
) -> None:
    params = {
        "MessageSid": "SM" + "d" * 32,
        "AccountSid": twilio.account_sid,
        "From": pat.phone,
        "To": "+13125550100",
        "Body": "1",
    }
    assert sign_and_post(Client(), "/twilio/sms/", params, twilio.auth_token).status_code == 200
    message = InboundMessage.objects.get()

    def handles_enqueued_at(seconds: int) -> int:
        enqueued.clear()
        with time_machine.travel(NOW + dt.timedelta(seconds=seconds), tick=False):
            checkins_dispatch_due()
        return enqueued.count("followup.handle_inbound")

    # Still waiting (a backlog, or its first enqueue was lost): again after 10 s, then once a
    # minute, not at every tick.
    seconds = (5, 11, 12, 30, 70, 72, 100, 133)
    assert [handles_enqueued_at(s) for s in seconds] == [0, 1, 0, 0, 0, 1, 0, 1]
    message.refresh_from_db()
    assert message.status == "received"


def test_a_morning_burst_goes_out_at_a_short_codes_pace(
    twilio: object, celery_inline: list, clinic: Clinic, settings: object
) -> None:
    """At most OPEN_PER_SECOND check-ins open per second of the tick's interval; the rest wait
    for the next tick, due all the same."""
    settings.DISPATCH_INTERVAL_SECONDS = 1
    enrol_due(clinic, OPEN_PER_SECOND + 15)

    first, second = checkins_dispatch_due(), checkins_dispatch_due()

    assert (first.opened, second.opened) == (OPEN_PER_SECOND, 15)
    assert len(twilio.messages) == OPEN_PER_SECOND + 15
