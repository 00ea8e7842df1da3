"""A patient whose last two messages failed or went undelivered (a disconnected number, a carrier
block) gets one moderate ``unreachable`` flag on the queue, paging nobody, instead of silently
missing every check-in. Delivery receipts arrive through the signed status webhook."""

import datetime as dt

import pytest
from django.test import Client
from rest_framework.test import APIClient

from followup.models import CheckIn, Clinician, Flag, OnCallShift, OutboundMessage, Patient
from followup.services.dispatch import checkins_dispatch_due
from tests.support.sms import NOW, sign_and_post, text
from tests.support.web import web_client

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.time_machine(NOW, tick=False)]
HOUR = dt.timedelta(hours=1)


@pytest.fixture
def bob_on_call(bob: Clinician) -> Clinician:
    OnCallShift.objects.create(
        clinic=bob.clinic, clinician=bob, level=1, starts_at=NOW - HOUR, ends_at=NOW + 24 * HOUR
    )
    return bob


@pytest.fixture
def messages(
    twilio: object, celery_inline: list, as_alice: APIClient, pat: Patient, bob_on_call: Clinician
) -> list[OutboundMessage]:
    """Three texts sent to Pat: the first question of a check-in, then two HELP replies."""
    response = as_alice.post(
        "/api/v1/sessions/",
        {"patient": pat.pk, "occurred_at": (NOW - 25 * HOUR).isoformat(), "treatment": "other"},
        format="json",
    )
    assert response.status_code == 201
    checkins_dispatch_due()
    text(twilio, pat, "HELP")
    text(twilio, pat, "HELP")
    sent = list(OutboundMessage.objects.filter(patient=pat).order_by("pk"))
    assert [m.purpose for m in sent] == ["question", "help", "help"]
    assert {m.status for m in sent} == {"sent"}
    return sent


def receipt(twilio: object, message: OutboundMessage, status: str, code: str = "") -> None:
    """Twilio's delivery status callback for ``message``, signed."""
    params = {
        "MessageSid": message.provider_sid,
        "MessageStatus": status,
        "AccountSid": twilio.account_sid,
        "To": message.to,
        **({"ErrorCode": code} if code else {}),
    }
    response = sign_and_post(Client(), f"/twilio/status/?m={message.pk}", params, twilio.auth_token)
    assert response.status_code == 204


def unreachable(pat: Patient) -> list[Flag]:
    return list(Flag.objects.filter(patient=pat, reason=Flag.Reason.UNREACHABLE))


def test_two_failed_deliveries_raise_one_moderate_unreachable_flag_that_pages_nobody(
    twilio: object, pat: Patient, bob_on_call: Clinician, messages: list[OutboundMessage]
) -> None:
    question, help_1, help_2 = messages
    sent_before = len(twilio.messages)

    receipt(twilio, help_1, "undelivered", "30003")
    receipt(twilio, help_2, "failed", "30005")
    receipt(twilio, question, "failed", "30005")  # a third failure: still the same one flag

    [flag] = unreachable(pat)
    assert flag.priority == Flag.Priority.MODERATE
    assert flag.status == Flag.Status.OPEN
    assert flag.get_reason_display() == "Unreachable: last two messages not delivered"
    # Moderate flags wait on the queue: nobody is paged.
    assert twilio.messages_to(bob_on_call.phone) == []
    assert len(twilio.messages) == sent_before
    assert not OutboundMessage.objects.filter(flag=flag).exists()
    # On the queue, with a label that says why.
    queue = web_client(bob_on_call).get("/dashboard/").content.decode()
    assert f'id="flag-row-{flag.pk}"' in queue
    assert "Unreachable: last two messages not delivered" in queue


def test_one_failed_delivery_raises_nothing(
    twilio: object, pat: Patient, messages: list[OutboundMessage]
) -> None:
    _, help_1, help_2 = messages

    receipt(twilio, help_1, "delivered")
    receipt(twilio, help_2, "undelivered", "30003")

    assert unreachable(pat) == []


def test_the_last_two_count_not_any_two(
    twilio: object, pat: Patient, messages: list[OutboundMessage]
) -> None:
    question, help_1, help_2 = messages

    receipt(twilio, question, "undelivered", "30003")
    receipt(twilio, help_2, "failed", "30005")
    assert unreachable(pat) == []  # the one between them is not known to have failed

    receipt(twilio, help_1, "delivered")
    assert unreachable(pat) == []


def test_a_send_the_provider_refuses_counts_as_not_delivered(
    twilio: object, celery_inline: list, pat: Patient, messages: list[OutboundMessage]
) -> None:
    _, _, help_2 = messages
    receipt(twilio, help_2, "undelivered", "30003")
    twilio.fail_next(1, status=400, code=21211, message="Invalid 'To' Phone Number")

    text(twilio, pat, "HELP")

    assert OutboundMessage.objects.filter(patient=pat).last().status == "failed"
    assert len(unreachable(pat)) == 1
    assert CheckIn.objects.filter(patient=pat).exists()
