"""STOP, START, HELP and LINK, in any case, at any time (SPEC §7)."""

import datetime as dt

import pytest
import time_machine
from rest_framework.test import APIClient

from followup.models import CheckIn, Patient
from followup.services.dispatch import checkins_dispatch_due
from tests.support.sms import NOW, bodies, text

# One clock for each test and its fixtures: NOW, unless a test moves it.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.time_machine(NOW, tick=False)]


def record_session(client: APIClient, patient: Patient, occurred_at: dt.datetime) -> list[int]:
    response = client.post(
        "/api/v1/sessions/",
        {"patient": patient.pk, "occurred_at": occurred_at.isoformat(), "treatment": "other"},
        format="json",
    )
    return [c["id"] for c in response.json()["check_ins"]]


def test_stop_stops_every_later_sms_and_start_resumes(
    twilio: object, celery_inline: list, as_alice: APIClient, pat: Patient
) -> None:
    ids = record_session(as_alice, pat, NOW - dt.timedelta(hours=25))
    checkins_dispatch_due()

    text(twilio, pat, "stop")
    text(twilio, pat, "STOP")  # confirmed once
    text(twilio, pat, "1")  # an answer after STOP gets no next question
    with time_machine.travel(NOW + dt.timedelta(days=6, hours=1), tick=False):
        checkins_dispatch_due()  # the +7 d check-in comes due while opted out

    sent = bodies(twilio, pat)
    assert sent[1:] == [
        "You will get no more messages from Riverside Ketamine Clinic. Reply START to resume."
    ]
    pat.refresh_from_db()
    assert pat.opted_out is True
    second = CheckIn.objects.get(pk=ids[1])
    assert (second.status, second.undeliverable_reason) == ("undeliverable", "opted_out")

    with time_machine.travel(NOW + dt.timedelta(days=13, hours=1), tick=False):
        text(twilio, pat, "Start")
        checkins_dispatch_due()  # the +14 d check-in goes out again

    sent = bodies(twilio, pat)
    assert sent[2] == (
        "Riverside Ketamine Clinic: messages are on again. Reply STOP to stop, HELP for help."
    )
    assert "1/16 Little interest or pleasure in doing things" in sent[3]
    assert CheckIn.objects.get(pk=ids[2]).status == "sent"


@pytest.mark.parametrize("word", ["STOPALL", "unsubscribe", "Cancel", "end", "QUIT", " stop. "])
def test_every_stop_word_opts_out(
    twilio: object, celery_inline: list, pat: Patient, word: str
) -> None:
    text(twilio, pat, word)

    pat.refresh_from_db()
    assert pat.opted_out
    assert len(bodies(twilio, pat)) == 1


def test_help_names_the_clinic_how_to_stop_and_the_crisis_line(
    twilio: object, celery_inline: list, pat: Patient
) -> None:
    text(twilio, pat, "help")

    assert bodies(twilio, pat) == [
        "Riverside Ketamine Clinic follow-up check-ins. Reply STOP to stop messages, START to "
        "resume. These messages are not watched round the clock. If you are in crisis, reach "
        "the 988 Suicide & Crisis Lifeline (call or text 988). In an emergency, call 911 or go "
        "to the nearest emergency room."
    ]


def test_link_sends_the_web_link_of_the_check_in_in_progress(
    twilio: object, celery_inline: list, as_alice: APIClient, pat: Patient
) -> None:
    record_session(as_alice, pat, NOW - dt.timedelta(hours=25))
    checkins_dispatch_due()
    text(twilio, pat, "2")

    text(twilio, pat, "link")

    link = bodies(twilio, pat)[-1]
    assert link.startswith(
        "Riverside Ketamine Clinic: answer your check-in on the web: http://127.0.0.1:8000/c/"
    )
    token = link.rsplit("/c/", 1)[1]
    page = APIClient().get(f"/api/v1/public/check-ins/{token}/")
    assert page.status_code == 200
    assert page.json()["answers"]["phq9"][:2] == [2, None]


def test_link_without_an_open_check_in_says_so(
    twilio: object, celery_inline: list, pat: Patient
) -> None:
    text(twilio, pat, "LINK")

    assert bodies(twilio, pat) == [
        "Riverside Ketamine Clinic: you have no check-in open right now. We will text you when "
        "the next one is due."
    ]


def test_help_still_answers_after_stop(twilio: object, celery_inline: list, pat: Patient) -> None:
    text(twilio, pat, "STOP")
    text(twilio, pat, "HELP")

    sent = bodies(twilio, pat)
    assert len(sent) == 2
    assert sent[1].startswith("Riverside Ketamine Clinic follow-up check-ins.")
