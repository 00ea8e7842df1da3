"""Helpers for the patient pages' tests: scores, patients and check-ins in the past.

History in the past is made with the real services (``session_record``, ``response_record``
with a past ``submitted_at``); check-in and message statuses that only the dispatcher and
Twilio's callbacks would set are written as rows, as those paths are tested on their own.
"""

import datetime as dt
import re

from django.utils import timezone

from followup.models import (
    CheckIn,
    Patient,
    TreatmentSession,
)
from followup.services.patients import patient_create
from followup.services.responses import response_record

NOW = timezone.now


def answers(code: str, total: int) -> list[int]:
    """Answers adding up to ``total``, item 9 of the PHQ-9 always 0."""
    count = 9 if code == "phq9" else 7
    values = []
    for index in range(count):
        value = 0 if (code == "phq9" and index == 8) else min(3, total)
        values.append(value)
        total -= value
    assert total == 0
    return values


def score(patient: Patient, code: str, total: int, days_ago: float, **kwargs: object) -> None:
    response_record(
        patient=patient,
        instrument=code,
        answers=answers(code, total),
        channel="sms",
        submitted_at=NOW() - dt.timedelta(days=days_ago),
        **kwargs,
    )


def enrol(clinic: object, first: str, last: str, phone: str, **fields: object) -> Patient:
    return patient_create(
        clinic=clinic,
        first_name=first,
        last_name=last,
        phone=phone,
        timezone=fields.pop("timezone", "America/Chicago"),
        channel="sms",
        sms_consent=fields.pop("sms_consent", True),
        **fields,
    )


def past_check_in(session: TreatmentSession, *, days_ago: float) -> CheckIn:
    """An answered check-in of long ago: the plan no longer schedules a step whose answer
    window has closed, so history in the past is written as the row it would have become."""
    at = NOW() - dt.timedelta(days=days_ago)
    return CheckIn.objects.create(
        patient=session.patient,
        session=session,
        step=0,
        due_at=at,
        local_date=at.date(),
        instruments=["phq9", "gad7"],
        status="completed",
        channel="sms",
        sent_at=at,
        completed_at=at + dt.timedelta(minutes=5),
    )


def text_of(response: object) -> str:
    """The page's text without tags, spaces squeezed."""
    html = response.content.decode().replace("<wbr>", "")
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", html, flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())
