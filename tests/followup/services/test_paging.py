"""The crisis message a patient receives at once after reporting thoughts of self-harm gives
the clinic's own number when it has one (CLINICAL.md, flag rules; SPEC §7)."""

import datetime as dt

import pytest
import time_machine
from django.test import Client

from followup.models import Clinician, Flag, OnCallShift, OutboundMessage, Patient
from followup.services.dispatch import checkins_dispatch_due
from followup.services.sessions import session_record
from tests.support.sms import NOW, bodies, sign_and_post, text

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.time_machine(NOW, tick=False)]

RESOURCES = (
    "Riverside Ketamine Clinic: if you are thinking about hurting yourself, you are not "
    "alone. Reach the 988 Suicide & Crisis Lifeline (call or text 988) now. In an emergency, "
    "call 911 or go to the nearest emergency room.\n"
)


@pytest.fixture
def at_item_9(twilio: object, celery_inline: list, pat: Patient) -> None:
    """Pat has answered PHQ-9 items 1-8 by SMS; item 9 is the question waiting."""
    with time_machine.travel(NOW - dt.timedelta(hours=25), tick=False):
        session_record(patient=pat, occurred_at=NOW - dt.timedelta(hours=25), treatment="other")
    checkins_dispatch_due()
    for answer in ["0"] * 8:
        text(twilio, pat, answer)


@pytest.fixture
def bob_on_call(bob: Clinician) -> None:
    OnCallShift.objects.create(
        clinic=bob.clinic,
        clinician=bob,
        level=1,
        starts_at=NOW - dt.timedelta(hours=8),
        ends_at=NOW + dt.timedelta(hours=16),
    )


def crisis_sms(twilio: object, pat: Patient) -> str:
    (body,) = [body for body in bodies(twilio, pat) if "you are not alone" in body]
    return body


def test_the_crisis_message_gives_the_clinics_number_beside_the_page(
    twilio: object, bob_on_call: None, at_item_9: None, pat: Patient
) -> None:
    pat.clinic.phone = "+13125550142"
    pat.clinic.save()

    text(twilio, pat, "2")

    assert crisis_sms(twilio, pat) == (
        RESOURCES
        + "Our on-call clinician is being told now. You can also call us at (312) 555-0142."
    )


def test_with_nobody_to_page_it_asks_the_patient_to_call_the_clinics_number(
    twilio: object, alice: Clinician, at_item_9: None, pat: Patient
) -> None:
    """Nobody on call, no fallback phones and an admin without a phone: no page went out, so
    the message does not say one did; it gives the number to call instead."""
    Clinician.objects.filter(pk=alice.pk).update(phone="")
    pat.clinic.phone = "+13125550142"
    pat.clinic.save()

    text(twilio, pat, "2")

    assert crisis_sms(twilio, pat) == (
        RESOURCES + "Please also call us at (312) 555-0142 and tell us how you are."
    )


def test_without_a_clinic_number_it_gives_none(
    twilio: object, bob_on_call: None, at_item_9: None, pat: Patient
) -> None:
    text(twilio, pat, "2")

    assert crisis_sms(twilio, pat) == RESOURCES + "Our on-call clinician is being told now."


def test_a_number_that_is_no_patients_gets_the_clinics_crisis_message_with_its_number(
    twilio: object, celery_inline: list, bob_on_call: None, pat: Patient
) -> None:
    clinic = pat.clinic
    clinic.phone = "+13125550142"
    clinic.save()
    stranger = "+13125550177"
    params = {
        "MessageSid": "SM" + "7" * 32,
        "AccountSid": twilio.account_sid,
        "From": stranger,
        "To": clinic.phone,
        "Body": "i want to end my life tonight",
    }

    assert sign_and_post(Client(), "/twilio/sms/", params, twilio.auth_token).status_code == 200

    flag = Flag.objects.get(sender=stranger)
    (message,) = OutboundMessage.objects.filter(purpose="crisis", to=stranger)
    assert (message.patient, flag.patient, flag.clinic) == (None, None, clinic)
    assert [m.params["Body"] for m in twilio.messages_to(stranger)] == [
        RESOURCES + "Our on-call clinician is being told now. You can also call us at "
        "(312) 555-0142."
    ]
