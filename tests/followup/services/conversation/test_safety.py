"""The safety net catches what patients in crisis actually write (CLINICAL.md flag rules): the
item 9 fail-safe, answers in words, messages nobody would otherwise read, replies that come
late, stray or after STOP, and two check-ins open at once."""

import datetime as dt
import json

import pytest
import time_machine
from rest_framework.test import APIClient

from followup.models import CheckIn, Clinician, Flag, OnCallShift, Patient, Response
from followup.services.dispatch import checkins_dispatch_due
from tests.support.sms import NOW, bodies, text

# One clock for each test and its fixtures: NOW, unless a test moves it.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.time_machine(NOW, tick=False)]
HOUR = dt.timedelta(hours=1)
OPTIONS = "0 Not at all, 1 Several days, 2 More than half the days, 3 Nearly every day"
EXACT = (
    "Riverside Ketamine Clinic: to be sure we understand, please reply to question 9/16 with "
    f"one number: {OPTIONS}."
)
UNREAD_IN_CHECK_IN = (
    "Thanks, the clinic will read your message. To answer question 1/16, reply with one "
    f"number: {OPTIONS}."
)
UNREAD = (
    "Riverside Ketamine Clinic: thank you, the clinic will read your message. Messages are not "
    "watched round the clock. If you are in crisis, reach the 988 Suicide & Crisis Lifeline "
    "(call or text 988). In an emergency, call 911 or go to the nearest emergency room."
)
CLOSED = (
    "Riverside Ketamine Clinic: that check-in has closed, so your answer was not recorded. The "
    "clinic will see your message. We will text you when the next check-in is due."
)


@pytest.fixture
def bob_on_call(bob: Clinician) -> None:
    OnCallShift.objects.create(
        clinic=bob.clinic,
        clinician=bob,
        level=1,
        starts_at=NOW - 48 * HOUR,
        ends_at=NOW + 30 * 24 * HOUR,
    )


def record_session(client: APIClient, patient: Patient, occurred_at: dt.datetime) -> list[int]:
    response = client.post(
        "/api/v1/sessions/",
        {"patient": patient.pk, "occurred_at": occurred_at.isoformat(), "treatment": "other"},
        format="json",
    )
    assert response.status_code == 201
    return [c["id"] for c in response.json()["check_ins"]]


@pytest.fixture
def check_in(
    twilio: object, celery_inline: list, as_alice: APIClient, pat: Patient, bob_on_call: None
) -> CheckIn:
    """The +24 h check-in of a session yesterday, sent now: its first question is waiting."""
    first = record_session(as_alice, pat, NOW - 25 * HOUR)[0]
    checkins_dispatch_due()
    return CheckIn.objects.get(pk=first)


@pytest.fixture
def at_item_9(twilio: object, pat: Patient, check_in: CheckIn) -> CheckIn:
    for _ in range(8):
        text(twilio, pat, "0")
    assert "9/16 Thoughts that you would be better off dead" in bodies(twilio, pat)[-1]
    return check_in


def pages_to(twilio: object, phone: str) -> list[str]:
    return [m.params["Body"] for m in twilio.messages_to(phone)]


def crisis_messages(twilio: object, patient: Patient) -> list[str]:
    return [body for body in bodies(twilio, patient) if "you are not alone" in body]


# Item 9 fails safe ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "reply", ["yes", "sometimes", "idk", "2 or 3", "10", "I'd rather not say", "kind of"]
)
def test_an_unclear_reply_to_item_9_pages_at_once_then_asks_for_the_exact_option(
    twilio: object, pat: Patient, bob: Clinician, at_item_9: CheckIn, reply: str
) -> None:
    text(twilio, pat, reply)

    flag = Flag.objects.get(patient=pat)
    assert (flag.reason, flag.priority, flag.status) == ("suicidal_ideation", "critical", "open")
    (page,) = pages_to(twilio, bob.phone)
    assert page.startswith("Follow-up CRITICAL: thoughts of self-harm reported. Patient PJ")
    sent = bodies(twilio, pat)
    assert len(crisis_messages(twilio, pat)) == 1
    assert sent[-2:] == [crisis_messages(twilio, pat)[0], EXACT]  # the crisis message first
    # The evidence says the reply was unclear, never what it said.
    (evidence,) = flag.evidence
    assert (evidence["item"], evidence["reply"]) == (9, "unclear")
    # (Ids in it are numbers, so "10" may well appear there as one: only its texts count.)
    assert not any(
        isinstance(value, str) and reply.lower() in value.lower() for value in evidence.values()
    )
    at_item_9.refresh_from_db()
    assert (at_item_9.current_instrument, at_item_9.current_item) == ("phq9", 9)
    assert Response.objects.get(check_in=at_item_9).answers[8] is None


@pytest.mark.parametrize(
    "reply", ["every day", "3 - every day", "all the time", "daily", "3\ufe0f\u20e3", "Always"]
)
def test_item_9_answered_in_words_or_emoji_is_stored_and_pages(
    twilio: object, pat: Patient, bob: Clinician, at_item_9: CheckIn, reply: str
) -> None:
    text(twilio, pat, reply)

    assert Response.objects.get(check_in=at_item_9, instrument="phq9").answers[8] == 3
    assert Flag.objects.get(patient=pat).reason == "suicidal_ideation"
    assert len(pages_to(twilio, bob.phone)) == 1
    assert "10/16 Feeling nervous, anxious, or on edge" in bodies(twilio, pat)[-1]


@pytest.mark.parametrize("reply", ["no", "Never.", "none", "nope", "Not at all", "zero", "0\u20e3"])
def test_a_clear_0_in_words_at_item_9_raises_nothing(
    twilio: object, pat: Patient, bob: Clinician, at_item_9: CheckIn, reply: str
) -> None:
    text(twilio, pat, reply)

    assert Response.objects.get(check_in=at_item_9, instrument="phq9").answers[8] == 0
    assert not Flag.objects.exists()
    assert pages_to(twilio, bob.phone) == []
    assert "10/16 Feeling nervous, anxious, or on edge" in bodies(twilio, pat)[-1]


def test_the_exact_answer_after_an_unclear_reply_is_stored_and_pages_nobody_twice(
    twilio: object, pat: Patient, bob: Clinician, at_item_9: CheckIn
) -> None:
    text(twilio, pat, "yes")
    text(twilio, pat, "2")

    assert Response.objects.get(check_in=at_item_9, instrument="phq9").answers[8] == 2
    flag = Flag.objects.get(patient=pat)
    assert [e.get("value") for e in flag.evidence] == [None, 2]  # one flag, made precise
    assert len(pages_to(twilio, bob.phone)) == 1
    assert len(crisis_messages(twilio, pat)) == 1
    assert "10/16 Feeling nervous, anxious, or on edge" in bodies(twilio, pat)[-1]


def test_an_exact_0_after_an_unclear_reply_shows_on_the_flag(
    twilio: object, pat: Patient, bob: Clinician, at_item_9: CheckIn
) -> None:
    text(twilio, pat, "idk")
    text(twilio, pat, "0")

    flag = Flag.objects.get(patient=pat)
    assert "item_9_clarified" in flag.events.values_list("kind", flat=True)
    assert len(pages_to(twilio, bob.phone)) == 1
    assert "10/16" in bodies(twilio, pat)[-1]


# Answers in words -----------------------------------------------------------------------------


def test_number_words_emoji_and_a_digit_with_its_words_answer_any_item(
    twilio: object, pat: Patient, check_in: CheckIn
) -> None:
    replies = ["zero", "One", "two.", "1\ufe0f\u20e3", "3 - every day", "3) nearly every day"]
    for reply in [*replies, "Nearly every day", "several days", "No"]:
        text(twilio, pat, reply)

    phq = Response.objects.get(check_in=check_in, instrument="phq9")
    assert phq.answers == [0, 1, 2, 1, 3, 3, 3, 1, 0]
    assert "10/16" in bodies(twilio, pat)[-1]
    assert not Flag.objects.exists()


# Nothing a patient writes goes unseen --------------------------------------------------------


def test_free_text_in_a_check_in_is_flagged_to_read_without_a_page_and_the_patient_is_told(
    twilio: object, pat: Patient, bob: Clinician, check_in: CheckIn
) -> None:
    text(twilio, pat, "Can someone call me about my next appointment?")
    text(twilio, pat, "sometimes")  # an attempt at an answer: asked again, nothing to read
    text(twilio, pat, "Also my new number from Friday is different")

    flag = Flag.objects.get(patient=pat)
    assert (flag.reason, flag.priority, flag.status) == ("unread_message", "moderate", "open")
    assert len(flag.evidence) == 2  # one open flag; the later message adds evidence
    assert all(isinstance(e["inbound"], int) for e in flag.evidence)
    assert "appointment" not in json.dumps(flag.evidence)
    assert pages_to(twilio, bob.phone) == []
    assert bodies(twilio, pat)[1:] == [
        UNREAD_IN_CHECK_IN,
        f"Please reply with one number: {OPTIONS}. Reply LINK for a web form, HELP for help.",
        UNREAD_IN_CHECK_IN,
    ]
    check_in.refresh_from_db()
    assert (check_in.current_instrument, check_in.current_item) == ("phq9", 1)


def test_free_text_outside_a_check_in_is_flagged_and_acknowledged_once_a_day(
    twilio: object, celery_inline: list, pat: Patient, bob: Clinician, bob_on_call: None
) -> None:
    text(twilio, pat, "Running late to my session tomorrow")
    text(twilio, pat, "Sorry, traffic is bad")
    text(twilio, pat, "Thanks!")  # carries nothing to read
    with time_machine.travel(NOW + 24 * HOUR, tick=False):
        text(twilio, pat, "Here now, parking")

    flag = Flag.objects.get(patient=pat)
    assert (flag.reason, len(flag.evidence)) == ("unread_message", 3)
    assert bodies(twilio, pat) == [UNREAD, UNREAD]
    assert pages_to(twilio, bob.phone) == []


# Late, stray and opted out --------------------------------------------------------------------


@pytest.mark.parametrize("state", ["no_check_in", "expired", "opted_out"])
def test_crisis_language_pages_in_every_state(
    twilio: object,
    celery_inline: list,
    as_alice: APIClient,
    pat: Patient,
    bob: Clinician,
    bob_on_call: None,
    state: str,
) -> None:
    later = NOW
    if state != "no_check_in":
        record_session(as_alice, pat, NOW - 25 * HOUR)
        checkins_dispatch_due()
        text(twilio, pat, "1")
    if state == "opted_out":
        text(twilio, pat, "STOP")
    if state == "expired":
        later = NOW + 73 * HOUR
    with time_machine.travel(later, tick=False):
        checkins_dispatch_due()
        text(twilio, pat, "i dont want to be alive anymore, I want to kill myself")

    flag = Flag.objects.get(patient=pat)
    assert (flag.reason, flag.priority) == ("crisis_language", "critical")
    (page,) = pages_to(twilio, bob.phone)
    assert ("cannot be texted: call" in page) is (state == "opted_out")
    assert len(crisis_messages(twilio, pat)) == (0 if state == "opted_out" else 1)


@pytest.mark.parametrize(
    "words",
    [
        "you won't have to worry about me after tonight",
        "returned everything I ever borrowed. library books too. clean slate",
    ],
)
def test_crisis_words_no_phrase_list_names_page_as_the_trained_reader_reads_them(
    twilio: object, celery_inline: list, pat: Patient, bob: Clinician, bob_on_call: None, words: str
) -> None:
    text(twilio, pat, words)

    flag = Flag.objects.get(patient=pat)
    assert (flag.reason, flag.priority) == ("crisis_language", "critical")
    assert [e["category"] for e in flag.evidence] == ["unlisted"]
    (page,) = pages_to(twilio, bob.phone)
    assert "crisis" in page.lower()
    assert len(crisis_messages(twilio, pat)) == 1


def test_an_ack_that_acknowledges_nothing_is_a_command_not_crisis_language(
    twilio: object, celery_inline: list, pat: Patient, bob: Clinician, bob_on_call: None
) -> None:
    text(twilio, pat, "ACK K7QP2")  # the trained reader alone takes "K7QP2" for crisis words

    assert not Flag.objects.filter(reason="crisis_language").exists()
    assert pages_to(twilio, bob.phone) == []
    assert crisis_messages(twilio, pat) == []


def test_an_opted_out_patients_page_says_to_call_by_sms_and_by_voice(
    twilio: object, pat: Patient, bob: Clinician, at_item_9: CheckIn
) -> None:
    text(twilio, pat, "STOP")
    text(twilio, pat, "3")

    flag = Flag.objects.get(patient=pat)
    (page,) = pages_to(twilio, bob.phone)
    assert page == (
        "Follow-up CRITICAL: thoughts of self-harm reported. Patient PJ, flag "
        f"{flag.code}. Patient cannot be texted: call. "
        f"http://127.0.0.1:8000/dashboard/flags/{flag.pk}/\nReply ACK {flag.code} to acknowledge."
    )
    assert len(page) <= 320
    (call,) = [c.params["Twiml"] for c in twilio.calls if c.params["To"] == bob.phone]
    assert "cannot be texted: call them" in call


@pytest.mark.parametrize(
    ("reply", "stored"), [("every day", 3), ("2", 2), ("yes", None), ("I don't know", None)]
)
def test_a_reply_after_the_check_in_closed_on_item_9_still_pages(
    twilio: object,
    pat: Patient,
    bob: Clinician,
    at_item_9: CheckIn,
    reply: str,
    stored: int | None,
) -> None:
    with time_machine.travel(NOW + 73 * HOUR, tick=False):
        checkins_dispatch_due()
        at_item_9.refresh_from_db()
        assert at_item_9.status == "expired"
        text(twilio, pat, reply)

    flag = Flag.objects.get(patient=pat)
    assert flag.reason == "suicidal_ideation"
    assert flag.evidence[0]["late"] is True
    assert len(pages_to(twilio, bob.phone)) == 1
    assert len(crisis_messages(twilio, pat)) == 1
    assert Response.objects.get(check_in=at_item_9, instrument="phq9").answers[8] == stored


def test_a_late_0_or_a_late_digit_elsewhere_is_a_message_to_read(
    twilio: object, pat: Patient, bob: Clinician, at_item_9: CheckIn
) -> None:
    with time_machine.travel(NOW + 73 * HOUR, tick=False):
        checkins_dispatch_due()
        text(twilio, pat, "0")

    assert Flag.objects.get(patient=pat).reason == "unread_message"
    assert bodies(twilio, pat)[-1] == CLOSED
    assert pages_to(twilio, bob.phone) == []
    assert Response.objects.get(check_in=at_item_9, instrument="phq9").answers[8] is None


def test_a_reply_long_after_the_check_in_closed_is_not_read_as_item_9(
    twilio: object, pat: Patient, bob: Clinician, at_item_9: CheckIn
) -> None:
    with time_machine.travel(NOW + (72 + 73) * HOUR, tick=False):
        text(twilio, pat, "3")

    assert Flag.objects.get(patient=pat).reason == "unread_message"
    assert pages_to(twilio, bob.phone) == []


# Two check-ins open at once -------------------------------------------------------------------


def test_a_newer_check_in_waits_until_the_older_ones_item_9_is_answered(
    twilio: object, as_alice: APIClient, pat: Patient, bob: Clinician, at_item_9: CheckIn
) -> None:
    with time_machine.travel(NOW + HOUR, tick=False):
        newer = record_session(as_alice, pat, NOW + HOUR)[0]
    with time_machine.travel(NOW + 5 * HOUR, tick=False):
        checkins_dispatch_due()  # the older check-in's one reminder
    with time_machine.travel(NOW + 25 * HOUR, tick=False):
        checkins_dispatch_due()
        assert CheckIn.objects.get(pk=newer).status == "sent"
        # The older check-in's item 9 is asked again, not the newer one's first question.
        assert "9/16 Thoughts that you would be better off dead" in bodies(twilio, pat)[-1]
        text(twilio, pat, "2")
        for _ in range(7):
            text(twilio, pat, "1")

    assert Response.objects.get(check_in=at_item_9, instrument="phq9").answers[8] == 2
    assert Flag.objects.get(patient=pat).reason == "suicidal_ideation"
    assert len(pages_to(twilio, bob.phone)) == 1
    at_item_9.refresh_from_db()
    assert at_item_9.status == "completed"
    sent = bodies(twilio, pat)
    assert sent[-2] == "Thank you. Your answers have been sent to Riverside Ketamine Clinic."
    assert sent[-1].startswith("Riverside Ketamine Clinic: your check-in.")
    assert "1/16 Little interest or pleasure in doing things" in sent[-1]
    with time_machine.travel(NOW + 26 * HOUR, tick=False):
        text(twilio, pat, "1")
    assert Response.objects.get(check_in_id=newer, instrument="phq9").answers[0] == 1
