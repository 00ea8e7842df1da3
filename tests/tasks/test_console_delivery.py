"""With the console SMS backend (development), a message sent is reported delivered and a call
answered and completed, as Twilio's status callbacks would, through the status service."""

import datetime as dt
from collections.abc import Callable

import pytest
from django.utils import timezone

from followup.job_names import Job, Queue
from followup.messaging.outbox import message_queue
from followup.models import Clinician, FlagEvent, OnCallShift, OutboundMessage, Patient
from followup.services.safety import triggers_fire
from tasks.messages import console_delivery
from tests.support.flags import SI

pytestmark = [pytest.mark.django_db(transaction=True)]


def _queue_text(pat: Patient) -> OutboundMessage:
    return message_queue(
        key="test:console",
        to=pat.phone,
        body="Hello",
        purpose=OutboundMessage.Purpose.HELP,
        clinic=pat.clinic,
        patient=pat,
    )


@pytest.mark.usefixtures("dev_mode")
def test_a_text_moves_on_to_delivered_after_its_send(pat: Patient, celery_inline: list) -> None:
    message = _queue_text(pat)

    message.refresh_from_db()
    assert message.status == "delivered"
    assert message.sent_at is not None
    assert (Job.CONSOLE_DELIVERY, (message.pk,), None) in celery_inline


@pytest.mark.usefixtures("dev_mode")
def test_a_page_by_call_moves_on_to_completed_on_the_pages_queue(
    pat: Patient,
    bob: Clinician,
    celery_inline: list,
    django_capture_on_commit_callbacks: Callable,
) -> None:
    now = timezone.now()
    OnCallShift.objects.create(
        clinic=bob.clinic,
        clinician=bob,
        level=1,
        starts_at=now - dt.timedelta(hours=1),
        ends_at=now + dt.timedelta(hours=8),
    )
    with django_capture_on_commit_callbacks(execute=True):
        paged_flag = triggers_fire(patient=pat, triggers=[SI], source="sms")[0].flag

    call = OutboundMessage.objects.get(flag=paged_flag, channel="voice")
    text = OutboundMessage.objects.get(flag=paged_flag, channel="sms", purpose="page")

    assert (call.status, text.status) == ("delivered", "delivered")
    assert (Job.CONSOLE_DELIVERY, (call.pk,), Queue.PAGES) in celery_inline
    # On the flag's timeline: the call no longer "ringing", answered.
    delivered = FlagEvent.objects.filter(flag=paged_flag, kind="page_delivered")
    assert {event.detail["channel"] for event in delivered} == {"sms", "voice"}


@pytest.mark.usefixtures("dev_mode")
def test_a_repeat_changes_nothing(pat: Patient, celery_inline: list) -> None:
    message = _queue_text(pat)

    assert console_delivery.apply(args=(message.pk,)).get() == "delivered"
    assert OutboundMessage.objects.get(pk=message.pk).status == "delivered"


def test_never_with_twilio(
    pat: Patient, twilio: object, settings: object, celery_inline: list
) -> None:
    settings.DEBUG = True  # development, but with Twilio: its own callbacks are the truth
    message = _queue_text(pat)

    assert OutboundMessage.objects.get(pk=message.pk).status == "sent"
    assert [name for name, *_ in celery_inline] == [Job.SEND_MESSAGE]
    # Even if one were queued by mistake: Twilio's own callbacks say what became of it.
    assert console_delivery.apply(args=(message.pk,)).get() == "sent"
