"""Duplicates arriving at the same moment: Twilio's retries, and two schedulers."""

import datetime as dt
from collections import Counter

import pytest
import time_machine
from django.test import Client

from followup.models import Clinic, InboundMessage, Patient, Response
from followup.services.dispatch import checkins_dispatch_due
from followup.services.patients import patient_create
from followup.services.sessions import session_record
from tests.support.concurrency import at_once
from tests.support.sms import NOW, sign_and_post

# One clock for each test and its fixtures: NOW, unless a test moves it.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.time_machine(NOW, tick=False)]


def test_the_same_webhook_five_times_at_once_stores_one_answer(
    twilio: object, celery_inline: list, pat: Patient
) -> None:
    session_record(patient=pat, occurred_at=NOW - dt.timedelta(hours=25), treatment="other")
    checkins_dispatch_due()
    params = {
        "MessageSid": "SM" + "c" * 32,
        "AccountSid": twilio.account_sid,
        "From": pat.phone,
        "To": "+13125550100",
        "Body": "3",
    }

    statuses = at_once(
        5, lambda: sign_and_post(Client(), "/twilio/sms/", params, twilio.auth_token).status_code
    )

    assert statuses == [200] * 5
    assert InboundMessage.objects.count() == 1
    assert Response.objects.get().answers[:2] == [3, None]
    questions = [m.params["Body"] for m in twilio.messages_to(pat.phone)]
    assert len(questions) == 2
    assert "2/16 " in questions[1]


def test_two_schedulers_at_once_send_each_check_in_once(
    twilio: object, celery_inline: list, clinic: Clinic
) -> None:
    patients = [
        patient_create(
            clinic=clinic,
            first_name=f"P{n}",
            last_name="Test",
            phone=f"+1312555{2000 + n:04d}",
            timezone="America/Chicago",
            sms_consent=True,
        )
        for n in range(30)
    ]
    for patient in patients:
        session_record(patient=patient, occurred_at=NOW - dt.timedelta(hours=25), treatment="other")

    sweeps = at_once(2, checkins_dispatch_due)

    assert sum(sweep.opened for sweep in sweeps) == 30
    assert Counter(m.params["To"] for m in twilio.messages) == Counter(p.phone for p in patients)
    assert set(Counter(m.params["To"] for m in twilio.messages).values()) == {1}


def test_two_escalation_ticks_at_once_page_each_level_once(
    twilio: object, celery_inline: list, pat: Patient, alice: object
) -> None:
    from followup.clinical.rules import Trigger
    from followup.models import EscalationStep, Flag
    from followup.services.escalations import escalation_steps_run_due
    from followup.services.safety import triggers_fire

    trigger = Trigger("suicidal_ideation", "critical", {"instrument": "phq9", "item": 9})
    with time_machine.travel(NOW, tick=False):
        triggers_fire(patient=pat, triggers=[trigger], source="sms")
    flag = Flag.objects.get()
    first_round = len(twilio.requests)

    later = NOW + dt.timedelta(minutes=5)
    with time_machine.travel(later, tick=False):
        at_once(3, lambda: escalation_steps_run_due(now=later))

    assert EscalationStep.objects.filter(flag=flag, level=2, status="done").count() == 1
    # Level 2 has nobody on call: the gap pages the admin, by SMS and call, once.
    assert len(twilio.requests) - first_round == 2
