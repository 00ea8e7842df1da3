"""The SMS loop end to end: dispatcher → Twilio-compatible server → signed webhooks → answers."""

import datetime as dt

import pytest
from django.test import Client
from rest_framework.test import APIClient

from followup.models import CheckIn, InboundMessage, OutboundMessage, Patient, Response
from followup.services.dispatch import checkins_dispatch_due
from tests.support.sms import NOW, bodies, sign_and_post, text

# One clock for each test and its fixtures: NOW, unless a test moves it.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.time_machine(NOW, tick=False)]


@pytest.fixture
def due_check_in(as_alice: APIClient, pat: Patient) -> CheckIn:
    response = as_alice.post(
        "/api/v1/sessions/",
        {
            "patient": pat.pk,
            "occurred_at": (NOW - dt.timedelta(hours=25)).isoformat(),
            "treatment": "esketamine",
        },
        format="json",
    )
    return CheckIn.objects.get(pk=response.json()["check_ins"][0]["id"])


def test_a_due_check_in_sends_exactly_one_first_question_at_the_next_tick(
    twilio: object, celery_inline: list, due_check_in: CheckIn, pat: Patient
) -> None:
    checkins_dispatch_due()
    checkins_dispatch_due()  # a second tick (or a second scheduler) sends nothing more

    assert len(twilio.messages_to(pat.phone)) == 1
    first = bodies(twilio, pat)[0]
    assert first.startswith("Riverside Ketamine Clinic: your check-in.")
    assert "Over the last 2 weeks, how often have you been bothered by" in first
    assert "1/16 Little interest or pleasure in doing things" in first
    assert "0 Not at all\n1 Several days\n2 More than half the days\n3 Nearly every day" in first
    assert len(first) <= 320
    params = twilio.messages_to(pat.phone)[0].params
    assert params["From"] == "+13125550100"
    message = OutboundMessage.objects.get()
    assert params["StatusCallback"] == f"http://127.0.0.1:8000/twilio/status/?m={message.pk}"
    assert (message.status, message.provider_sid) == ("sent", twilio.messages[0].sid)
    due_check_in.refresh_from_db()
    assert due_check_in.status == "sent"
    assert due_check_in.expires_at == NOW + dt.timedelta(hours=72)


def test_answering_every_question_by_sms_completes_the_check_in_with_the_right_totals(
    twilio: object, celery_inline: list, due_check_in: CheckIn, pat: Patient
) -> None:
    checkins_dispatch_due()
    phq9 = ["1", "2", "Several days", "3", "0", "nearly every day", "1", "0", "0"]
    gad7 = ["2", "2", "1", "not at all", "1", "3", "0"]

    for answer in phq9 + gad7:
        text(twilio, pat, answer)

    due_check_in.refresh_from_db()
    assert due_check_in.status == "completed"
    phq, gad = (Response.objects.get(check_in=due_check_in, instrument=c) for c in ("phq9", "gad7"))
    assert (phq.answers, phq.total, phq.severity, phq.complete) == (
        [1, 2, 1, 3, 0, 3, 1, 0, 0],
        11,
        "moderate",
        True,
    )
    assert (gad.answers, gad.total, gad.severity, gad.complete) == (
        [2, 2, 1, 0, 1, 3, 0],
        9,
        "mild",
        True,
    )
    sent = bodies(twilio, pat)
    assert len(sent) == 17  # 16 questions, one each, then thanks
    assert [f"{n}/16 " in body for n, body in enumerate(sent[:16], start=1)] == [True] * 16
    assert "10/16 Feeling nervous, anxious, or on edge" in sent[9]
    assert "Over the last 2 weeks, how often have you been bothered by the following" in sent[9]
    assert sent[-1] == "Thank you. Your answers have been sent to Riverside Ketamine Clinic."
    assert all(len(s) <= 320 for s in sent)
    # No scores, severities or echoed answers in any SMS (CLINICAL.md).
    assert not any(
        word in body.lower() for body in sent for word in ("score", "total", "mild", "moderate")
    )


def test_an_invalid_reply_gets_a_short_reprompt_and_the_same_question_waits(
    twilio: object, celery_inline: list, due_check_in: CheckIn, pat: Patient
) -> None:
    checkins_dispatch_due()

    text(twilio, pat, "7")
    text(twilio, pat, "not sure")

    sent = bodies(twilio, pat)
    reprompt = (
        "Please reply with one number: 0 Not at all, 1 Several days, 2 More than half the "
        "days, 3 Nearly every day. Reply LINK for a web form, HELP for help."
    )
    assert sent[1:] == [reprompt, reprompt]
    due_check_in.refresh_from_db()
    assert (due_check_in.current_instrument, due_check_in.current_item) == ("phq9", 1)
    assert not Response.objects.exists()


def test_each_answer_is_stored_as_it_comes_and_item_9_counts_at_once(
    twilio: object, celery_inline: list, due_check_in: CheckIn, pat: Patient
) -> None:
    checkins_dispatch_due()

    for answer in ["0"] * 8 + ["2"]:
        text(twilio, pat, answer)

    partial = Response.objects.get(check_in=due_check_in, instrument="phq9")
    assert partial.answers == [0, 0, 0, 0, 0, 0, 0, 0, 2]
    assert pat.flags.get().reason == "suicidal_ideation"
    due_check_in.refresh_from_db()
    assert (due_check_in.status, due_check_in.current_instrument) == ("in_progress", "gad7")


def test_the_same_webhook_twice_stores_one_message_and_one_answer(
    twilio: object, celery_inline: list, due_check_in: CheckIn, pat: Patient
) -> None:
    checkins_dispatch_due()

    for _ in range(5):
        text(twilio, pat, "2", sid="SM" + "d" * 32)

    assert InboundMessage.objects.count() == 1
    assert Response.objects.get().answers[:2] == [2, None]
    assert len(bodies(twilio, pat)) == 2  # the first question, then the second, once


def test_a_wrong_signature_is_a_403_and_stores_nothing(twilio: object, pat: Patient) -> None:
    params = {"MessageSid": "SM" + "e" * 32, "From": pat.phone, "Body": "1"}

    forged = Client().post(
        "/twilio/sms/",
        params,
        HTTP_X_TWILIO_SIGNATURE="bm90IGEgc2lnbmF0dXJl",
    )
    unsigned = Client().post("/twilio/sms/", params)
    wrong_key = sign_and_post(Client(), "/twilio/sms/", params, "not-the-auth-token")

    assert [forged.status_code, unsigned.status_code, wrong_key.status_code] == [403, 403, 403]
    assert not InboundMessage.objects.exists()


def test_without_an_auth_token_every_webhook_is_refused(settings: object, pat: Patient) -> None:
    settings.TWILIO_AUTH_TOKEN = ""
    params = {"MessageSid": "SM" + "f" * 32, "From": pat.phone, "Body": "1"}

    response = sign_and_post(Client(), "/twilio/sms/", params, "")

    assert response.status_code == 403
    assert not InboundMessage.objects.exists()


def test_an_unknown_sender_gets_nothing(twilio: object, celery_inline: list, pat: Patient) -> None:
    stranger = Patient(phone="+13125550999")

    text(twilio, stranger, "hello?")

    assert InboundMessage.objects.get().status == "ignored"
    assert twilio.messages == []
