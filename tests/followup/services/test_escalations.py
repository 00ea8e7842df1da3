"""A patient reports thoughts of self-harm: the on-call clinician is paged at once, and up the
chain until someone acknowledges (SPEC §2 step 6, CLINICAL.md)."""

import datetime as dt
import re

import pytest
import time_machine
from django.test import Client

from followup.models import Clinician, Flag, OnCallShift, OutboundMessage, Patient
from followup.services.clinics import clinician_create
from followup.services.dispatch import checkins_dispatch_due
from followup.services.sessions import session_record
from tests.support.cast import PASSWORD
from tests.support.sms import NOW, bodies, sign_and_post, text

# One clock for each test and its fixtures: NOW, unless a test moves it.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.time_machine(NOW, tick=False)]
MINUTE = dt.timedelta(minutes=1)


@pytest.fixture
def carol(alice: Clinician) -> Clinician:
    """The level-2 clinician."""
    return clinician_create(
        clinic=alice.clinic,
        username="carol",
        password=PASSWORD,
        first_name="Carol",
        last_name="Backup",
        phone="+13125550113",
    )


@pytest.fixture
def rota(bob: Clinician, carol: Clinician) -> None:
    """Bob is on call at level 1 and Carol at level 2 all day; nobody at level 3."""
    for clinician, level in ((bob, 1), (carol, 2)):
        OnCallShift.objects.create(
            clinic=clinician.clinic,
            clinician=clinician,
            level=level,
            starts_at=NOW - dt.timedelta(hours=8),
            ends_at=NOW + dt.timedelta(hours=16),
        )


@pytest.fixture
def mid_check_in(twilio: object, celery_inline: list, pat: Patient, rota: None) -> None:
    with time_machine.travel(NOW - dt.timedelta(hours=25), tick=False):
        session_record(patient=pat, occurred_at=NOW - dt.timedelta(hours=25), treatment="other")
    with time_machine.travel(NOW, tick=False):
        checkins_dispatch_due()
        for answer in ["0"] * 8:
            text(twilio, pat, answer)


def pages_to(twilio: object, phone: str) -> list[str]:
    return [m.params["Body"] for m in twilio.messages_to(phone)]


def calls_to(twilio: object, phone: str) -> list[str]:
    return [c.params["Twiml"] for c in twilio.calls if c.params["To"] == phone]


def test_item_9_answered_2_pages_level_1_by_sms_and_call_and_tells_the_patient_first(
    twilio: object,
    mid_check_in: None,
    celery_inline: list,
    pat: Patient,
    bob: Clinician,
    carol: Clinician,
) -> None:
    enqueued_before = len(celery_inline)
    text(twilio, pat, "2")

    flag = Flag.objects.get(patient=pat)
    assert (flag.reason, flag.priority, flag.status) == ("suicidal_ideation", "critical", "open")
    (page,) = pages_to(twilio, bob.phone)
    assert page == (
        f"Follow-up CRITICAL: thoughts of self-harm reported. Patient PJ, flag {flag.code}. "
        f"http://127.0.0.1:8000/dashboard/flags/{flag.pk}/\nReply ACK {flag.code} to acknowledge."
    )
    (call,) = calls_to(twilio, bob.phone)
    assert '<Gather numDigits="1"' in call
    assert "Press 1 to acknowledge" in call
    assert "Pat" not in call
    assert "Jones" not in call
    assert pages_to(twilio, carol.phone) == []
    sent = bodies(twilio, pat)
    crisis = next(i for i, body in enumerate(sent) if "you are not alone" in body)
    assert "9/16 Thoughts that you would be better off dead" in sent[crisis - 1]
    assert "10/16 Feeling nervous, anxious, or on edge" in sent[crisis + 1]
    assert sent[crisis] == (
        "Riverside Ketamine Clinic: if you are thinking about hurting yourself, you are not "
        "alone. Reach the 988 Suicide & Crisis Lifeline (call or text 988) now. In an emergency, "
        "call 911 or go to the nearest emergency room.\nOur on-call clinician is being told now."
    )
    # The pages and the crisis message went on the urgent queue, raised by the webhook itself;
    # the reply's full handling is routine work.
    urgent = {
        OutboundMessage.objects.get(pk=pk).purpose
        for name, args, queue in celery_inline[enqueued_before:]
        if name == "followup.send_messages" and queue == "pages"
        for pk in args[0]
    }
    assert urgent == {"page", "crisis"}
    assert ("followup.handle_inbound", None) in {
        (name, queue) for name, _, queue in celery_inline[enqueued_before:]
    }
    # The patient's next question waited for the crisis message to go out.
    crisis_sent = twilio.messages_to(pat.phone)[crisis].at
    assert twilio.messages_to(pat.phone)[crisis + 1].at >= crisis_sent


def test_nobody_acknowledges_so_level_2_then_the_last_level_repeats_until_an_ack(
    twilio: object,
    mid_check_in: None,
    pat: Patient,
    alice: Clinician,
    bob: Clinician,
    carol: Clinician,
) -> None:
    with time_machine.travel(NOW, tick=False):
        text(twilio, pat, "3")
    flag = Flag.objects.get(patient=pat)

    def tick(minutes: float) -> None:
        with time_machine.travel(NOW + minutes * MINUTE, tick=False):
            checkins_dispatch_due()

    tick(4.9)
    assert pages_to(twilio, carol.phone) == []
    tick(5)
    assert len(pages_to(twilio, carol.phone)) == 1  # level 2 at the level-1 timeout
    assert pages_to(twilio, alice.phone) == []
    tick(10)
    assert len(pages_to(twilio, alice.phone)) == 1  # level 3: the clinic's admins
    tick(15)
    tick(15)  # a repeated tick pages nobody twice
    assert len(pages_to(twilio, alice.phone)) == 2  # the last level, again
    assert [len(pages_to(twilio, p)) for p in (bob.phone, carol.phone)] == [1, 1]

    with time_machine.travel(NOW + 16 * MINUTE, tick=False):
        intruder = Patient(phone="+13125550666")
        text(twilio, intruder, f"ACK {flag.code}")
        flag.refresh_from_db()
        assert flag.status == "open"  # an ACK from an unknown phone changes nothing
        text(twilio, Patient(phone=carol.phone), f"ack {flag.code.lower()}")

    flag.refresh_from_db()
    assert (flag.status, flag.acknowledged_by) == ("acknowledged", carol)
    assert (
        pages_to(twilio, carol.phone)[-1] == f"Follow-up: flag {flag.code} acknowledged. Thank you."
    )
    before = len(twilio.requests)
    for minutes in (20, 25, 30, 60):
        tick(minutes)
    assert len(twilio.requests) == before
    kinds = list(flag.events.values_list("kind", flat=True))
    assert kinds[:2] == ["raised", "paged"]
    # Each by SMS and call: Bob, Carol, then Alice (an admin, the last level) twice.
    assert kinds.count("page_sent") == 8
    assert kinds.count("escalated") == 3
    assert "acknowledged" in kinds


def test_twilio_failing_the_first_three_requests_delays_the_page_but_sends_it_once(
    twilio: object, mid_check_in: None, pat: Patient, bob: Clinician
) -> None:
    twilio.fail_next(3, status=503)
    with time_machine.travel(NOW, tick=False):
        text(twilio, pat, "1")

    for seconds in (5, 20, 40, 60, 90):
        with time_machine.travel(NOW + dt.timedelta(seconds=seconds), tick=False):
            checkins_dispatch_due()

    assert len(pages_to(twilio, bob.phone)) == 1
    assert len(calls_to(twilio, bob.phone)) == 1
    pages = OutboundMessage.objects.filter(purpose="page", to=bob.phone)
    assert {p.status for p in pages} == {"sent"}


def test_a_page_that_fails_for_good_pages_the_next_level_at_once(
    twilio: object, mid_check_in: None, pat: Patient, bob: Clinician, carol: Clinician
) -> None:
    twilio.reject_numbers[bob.phone] = (400, 21211, "The 'To' number is not a valid phone number.")
    with time_machine.travel(NOW, tick=False):
        text(twilio, pat, "2")
    with time_machine.travel(NOW + dt.timedelta(seconds=10), tick=False):
        checkins_dispatch_due()

    assert len(pages_to(twilio, carol.phone)) == 1  # not after 5 minutes: now
    assert "escalated_early" in Flag.objects.get().events.values_list("kind", flat=True)


def test_pressing_1_on_the_call_acknowledges(
    twilio: object, mid_check_in: None, pat: Patient, bob: Clinician
) -> None:
    text(twilio, pat, "2")
    flag = Flag.objects.get()
    (call,) = calls_to(twilio, bob.phone)
    action = re.search(r'action="([^"]+)"', call).group(1).replace("&amp;", "&")
    path = action.removeprefix("http://127.0.0.1:8000")

    pressed = sign_and_post(Client(), path, {"Digits": "1", "CallSid": "CA1"}, twilio.auth_token)

    assert pressed.status_code == 200
    assert b"acknowledged" in pressed.content
    flag.refresh_from_db()
    assert (flag.status, flag.acknowledged_by) == ("acknowledged", bob)


def test_a_rota_gap_pages_the_fallback_phones_and_shows_the_gap(
    twilio: object, celery_inline: list, pat: Patient, alice: Clinician
) -> None:
    policy = alice.clinic.escalation_policy
    policy.fallback_phones = ["+13125550199"]
    policy.save()
    with time_machine.travel(NOW - dt.timedelta(hours=25), tick=False):
        session_record(patient=pat, occurred_at=NOW - dt.timedelta(hours=25), treatment="other")
    checkins_dispatch_due()

    text(twilio, pat, "I have been thinking about suicide")

    flag = Flag.objects.get()
    assert flag.reason == "crisis_language"
    assert len(pages_to(twilio, "+13125550199")) == 1
    assert len(pages_to(twilio, alice.phone)) == 1
    assert "rota_gap" in flag.events.values_list("kind", flat=True)


def test_an_opted_out_patient_still_pages_clinicians(
    twilio: object, mid_check_in: None, pat: Patient, bob: Clinician
) -> None:
    text(twilio, pat, "STOP")
    text(twilio, pat, "2")  # the answer to item 9 still arrives

    (page,) = pages_to(twilio, bob.phone)
    assert "Patient PJ, flag" in page
    assert "Patient cannot be texted: call." in page
    assert not any("not alone" in body for body in bodies(twilio, pat))
    assert "crisis_message_not_sent" in Flag.objects.get().events.values_list("kind", flat=True)


def test_a_crisis_message_goes_out_even_when_the_clinics_resources_are_long(
    twilio: object, mid_check_in: None, pat: Patient, bob: Clinician
) -> None:
    clinic = pat.clinic
    clinic.crisis_line = "the crisis line of the county\u2019s health service " * 4
    clinic.save()

    text(twilio, pat, "2")

    crisis = [body for body in bodies(twilio, pat) if "In an emergency" in body]
    assert len(crisis) == 1
    assert "the crisis line of the county's health service" in crisis[0]  # whole, in GSM-7
    assert len(pages_to(twilio, bob.phone)) == 1
