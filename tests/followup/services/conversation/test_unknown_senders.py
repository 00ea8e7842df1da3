"""A text from a number that is no patient's (CLINICAL.md): crisis language gets the crisis
resources, at most once a day, and a critical flag in the clinic it texted, which pages."""

import datetime as dt

import pytest
import time_machine
from rest_framework.test import APIClient

from followup.models import Clinic, Clinician, Flag, OnCallShift, Patient
from tests.support.sms import NOW, bodies, text

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.time_machine(NOW, tick=False)]
STRANGER = Patient(phone="+13125550999")
RESOURCES = (
    "Riverside Ketamine Clinic: if you are thinking about hurting yourself, you are not alone. "
    "Reach the 988 Suicide & Crisis Lifeline (call or text 988) now. In an emergency, call 911 "
    "or go to the nearest emergency room."
)


@pytest.fixture
def bob_on_call(bob: Clinician) -> None:
    OnCallShift.objects.create(
        clinic=bob.clinic,
        clinician=bob,
        level=1,
        starts_at=NOW - dt.timedelta(hours=8),
        ends_at=NOW + dt.timedelta(days=3),
    )


def test_crisis_text_from_an_unknown_number_flags_the_clinic_it_texted_and_pages(
    twilio: object,
    celery_inline: list,
    clinic: Clinic,
    bob: Clinician,
    bob_on_call: None,
    mallory: Clinician,
    as_alice: APIClient,
) -> None:
    clinic.phone = "+13125550100"  # the number the stranger texted
    clinic.save()

    text(twilio, STRANGER, "i want to end it all tonight")
    text(twilio, STRANGER, "please i cant go on")
    with time_machine.travel(NOW + dt.timedelta(days=1), tick=False):
        text(twilio, STRANGER, "I want to die")

    flag = Flag.objects.get()
    assert (flag.clinic, flag.patient, flag.sender) == (clinic, None, STRANGER.phone)
    assert (flag.reason, flag.priority, len(flag.evidence)) == ("crisis_language", "critical", 3)
    pages = [m.params["Body"] for m in twilio.messages_to(bob.phone)]
    assert pages[0] == (
        f"Follow-up CRITICAL: crisis language in a message. Unknown sender ...0999, flag "
        f"{flag.code}. http://127.0.0.1:8000/dashboard/flags/{flag.pk}/\n"
        f"Reply ACK {flag.code} to acknowledge."
    )
    # Once a day: the clinic's own crisis message, with its number, and the page really went out.
    told = RESOURCES + "\nOur on-call clinician is being told now. You can also call us at "
    assert bodies(twilio, STRANGER) == [told + "(312) 555-0100."] * 2
    assert not Flag.objects.filter(clinic=mallory.clinic).exists()
    listed = as_alice.get("/api/v1/flags/").json()["results"]
    assert [(f["patient"], f["sender"]) for f in listed] == [(None, STRANGER.phone)]
    shown = as_alice.get(f"/api/v1/flags/{flag.pk}/")
    assert (shown.status_code, shown.json()["sender"]) == (200, STRANGER.phone)


def test_when_no_clinic_owns_the_number_every_clinic_is_flagged(
    twilio: object, celery_inline: list, clinic: Clinic, mallory: Clinician
) -> None:
    text(twilio, STRANGER, "going to kill myself")

    assert {f.clinic for f in Flag.objects.all()} == {clinic, mallory.clinic}
    (reply,) = bodies(twilio, STRANGER)
    assert reply.startswith("If you are thinking about hurting yourself")
    assert "988" in reply
    assert "911" in reply


def test_the_only_clinic_is_flagged_and_other_text_stays_ignored(
    twilio: object, celery_inline: list, clinic: Clinic, as_alice: APIClient
) -> None:
    text(twilio, STRANGER, "hello, is this the pharmacy?")
    assert not Flag.objects.exists()
    assert bodies(twilio, STRANGER) == []

    text(twilio, STRANGER, "I took all my pills, overdose")

    assert Flag.objects.get().clinic == clinic
    # A rota gap: the clinic's admin (Alice) was paged instead, so the clinic is being told.
    assert bodies(twilio, STRANGER) == [RESOURCES + "\nOur on-call clinician is being told now."]
