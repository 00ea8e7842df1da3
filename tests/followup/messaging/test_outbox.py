"""The outbound ledger against a Twilio-compatible server: once, retried when transient,
never when permanent; status callbacks move forward only."""

import datetime as dt
from collections.abc import Callable

import pytest
import time_machine
from django.test import Client

from config.celery import app
from followup.messaging.outbox import message_queue, messages_redrive
from followup.models import CheckIn, Clinician, OutboundMessage, Patient
from followup.services.messages import message_send
from followup.services.sessions import session_record
from tests.support.flags import SI, raise_flag
from tests.support.sms import sign_and_post

NOW = dt.datetime(2026, 11, 26, 18, 0, tzinfo=dt.UTC)

# One clock for each test and its fixtures: NOW, unless a test moves it.
pytestmark = pytest.mark.time_machine(NOW, tick=False)


def queue(pat: Patient, key: str = "test:1", **links: object) -> OutboundMessage:
    return message_queue(
        key=key,
        to=pat.phone,
        body="Hello from the clinic.",
        purpose="question",
        clinic=pat.clinic,
        patient=pat,
        **links,
    )


def test_a_message_is_sent_once_however_often_its_task_runs(twilio: object, pat: Patient) -> None:
    message = queue(pat)
    again = queue(pat)  # the same key: the same row

    results = [message_send(message.pk) for _ in range(3)]

    assert again.pk == message.pk
    assert results == ["sent", "not_claimed", "not_claimed"]
    assert len(twilio.messages) == 1
    message.refresh_from_db()
    assert (message.status, message.provider_sid, message.attempts) == (
        "sent",
        twilio.messages[0].sid,
        1,
    )


@pytest.mark.parametrize("status", [500, 503, 429])
def test_transient_errors_back_off_and_retry(twilio: object, pat: Patient, status: int) -> None:
    message = queue(pat)
    twilio.fail_next(3, status=status)

    outcomes = []
    for seconds in (0, 20, 40, 60):
        with time_machine.travel(NOW + dt.timedelta(seconds=seconds), tick=False):
            outcomes.append(message_send(message.pk))

    assert outcomes == ["retry", "retry", "retry", "sent"]
    assert len(twilio.messages) == 1
    assert OutboundMessage.objects.get().attempts == 4


def test_a_retry_waits_for_its_due_time(twilio: object, pat: Patient) -> None:
    message = queue(pat)
    twilio.fail_next(1)

    assert message_send(message.pk) == "retry"
    assert message_send(message.pk) == "not_claimed"  # backing off: due in 2 s
    assert twilio.messages == []


@pytest.mark.parametrize(
    ("code", "http"),
    [(21211, 400), (21614, 400), (21610, 400)],
)
def test_permanent_errors_are_not_retried(
    twilio: object, pat: Patient, code: int, http: int
) -> None:
    twilio.reject_numbers[pat.phone] = (http, code, "refused")
    message = queue(pat)

    assert message_send(message.pk) == "failed"
    message.refresh_from_db()
    assert (message.status, message.error_code) == ("failed", str(code))
    with time_machine.travel(NOW + dt.timedelta(minutes=10), tick=False):
        assert messages_redrive(now=NOW + dt.timedelta(minutes=10)) == 0
    assert len(twilio.requests) == 1
    pat.refresh_from_db()
    assert pat.opted_out is (code == 21610)


def test_a_failed_opening_message_makes_the_check_in_undeliverable(
    twilio: object, pat: Patient
) -> None:
    _, check_ins = session_record(
        patient=pat, occurred_at=NOW - dt.timedelta(hours=25), treatment="other"
    )
    CheckIn.objects.filter(pk=check_ins[0].pk).update(status="sent", sent_at=NOW)
    twilio.reject_numbers[pat.phone] = (400, 21211, "invalid number")
    message = queue(pat, key="open", check_in=check_ins[0])

    message_send(message.pk)

    check_in = CheckIn.objects.get(pk=check_ins[0].pk)
    assert (check_in.status, check_in.undeliverable_reason) == (
        "undeliverable",
        "send_failed:21211",
    )


def test_twilio_unreachable_is_transient(settings: object, twilio: object, pat: Patient) -> None:
    settings.TWILIO_API_BASE_URL = "http://127.0.0.1:9"  # nothing listens there
    message = queue(pat)

    assert message_send(message.pk) == "retry"
    assert OutboundMessage.objects.get().status == "pending"


def callback(twilio: object, message: OutboundMessage, status: str, **extra: str) -> int:
    params = {"MessageSid": message.provider_sid or "SMx", "MessageStatus": status, **extra}
    path = f"/twilio/status/?m={message.pk}"
    return sign_and_post(Client(), path, params, twilio.auth_token).status_code


def test_status_callbacks_move_forward_only(twilio: object, pat: Patient) -> None:
    message = queue(pat)
    message_send(message.pk)
    message.refresh_from_db()

    codes = [
        callback(twilio, message, "delivered"),
        callback(twilio, message, "sent"),  # late and out of order: ignored
        callback(twilio, message, "delivered"),  # repeated: harmless
        callback(twilio, message, "undelivered", ErrorCode="30003"),  # after delivered: ignored
    ]

    assert codes == [204, 204, 204, 204]
    message.refresh_from_db()
    assert message.status == "delivered"
    assert message.error_code == ""


def test_a_status_callback_needs_a_valid_signature(twilio: object, pat: Patient) -> None:
    message = queue(pat)

    response = Client().post(f"/twilio/status/?m={message.pk}", {"MessageStatus": "delivered"})

    assert response.status_code == 403
    assert OutboundMessage.objects.get().status == "pending"


@pytest.mark.django_db(transaction=True)
@pytest.mark.time_machine(NOW, tick=True)  # the server's callbacks come from another thread
def test_the_servers_callbacks_arrive_signed_and_mark_delivery(
    twilio: object, pat: Patient, live_server: object, settings: object
) -> None:
    settings.PUBLIC_BASE_URL = live_server.url
    twilio.status_callbacks_enabled = True
    message = queue(pat)

    message_send(message.pk)

    assert twilio.wait_for(lambda t: len(t.callback_results) == 2)
    assert [code for _, code in twilio.callback_results] == [204, 204]
    assert OutboundMessage.objects.get().status == "delivered"


def test_a_claim_cut_short_by_a_dead_worker_is_sent_again_later(
    twilio: object, pat: Patient
) -> None:
    message = queue(pat)
    OutboundMessage.objects.filter(pk=message.pk).update(status="sending", attempts=1)

    assert messages_redrive(now=NOW + dt.timedelta(seconds=30)) == 0  # may still be in flight
    later = NOW + dt.timedelta(minutes=3)
    with time_machine.travel(later, tick=False):
        redriven = messages_redrive(now=later)
        sent = message_send(message.pk)

    assert (redriven, sent) == (1, "sent")
    assert len(twilio.messages) == 1


def test_a_page_claimed_by_a_worker_that_died_goes_out_again_within_15_seconds(
    twilio: object,
    celery_inline: list,
    pat: Patient,
    bob: Clinician,
    django_capture_on_commit_callbacks: Callable,
) -> None:
    flag = raise_flag(pat, SI)
    page = message_queue(
        key="page:test",
        to=bob.phone,
        body="Follow-up CRITICAL: a page.",
        purpose="page",
        clinic=pat.clinic,
        clinician=bob,
        flag=flag,
    )
    question = queue(pat)
    # Both claimed by a worker that died mid-send: no answer from Twilio, no provider id.
    OutboundMessage.objects.filter(pk__in=[page.pk, question.pk]).update(
        status="sending", attempts=1
    )

    def pages_tick(seconds: int) -> None:
        with (
            time_machine.travel(NOW + dt.timedelta(seconds=seconds), tick=False),
            django_capture_on_commit_callbacks(execute=True),
        ):
            app.tasks["followup.escalations"].apply(throw=True)

    for seconds in (3, 6, 9):  # the pages tick, every 3 s: the claim may still be in flight
        pages_tick(seconds)
    assert twilio.messages == []
    pages_tick(12)

    assert [m.params["To"] for m in twilio.messages] == [bob.phone]
    statuses = dict(OutboundMessage.objects.values_list("pk", "status"))
    # A question is no page: it waits for the generic claim timeout (120 s by default).
    assert (statuses[page.pk], statuses[question.pk]) == ("sent", "sending")
