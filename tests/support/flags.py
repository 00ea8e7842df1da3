"""Flags of every kind for the queue's tests: the triggers the rules would fire, and patients
to raise them for."""

import datetime as dt

from django.utils import timezone

from followup.clinical.rules import Trigger
from followup.models import Clinic, Flag, Patient
from followup.services.flags import flag_raise
from followup.services.patients import patient_create

SI = Trigger("suicidal_ideation", "critical", {"instrument": "phq9", "item": 9, "value": 2})
CRISIS = Trigger("crisis_language", "critical", {"category": "want_to_die"})
DEPRESSION = Trigger(
    "severe_depression", "high", {"instrument": "phq9", "total": 22, "threshold": 20}
)
ANXIETY = Trigger("severe_anxiety", "high", {"instrument": "gad7", "total": 17, "threshold": 15})
WORSE = Trigger(
    "reliable_deterioration",
    "moderate",
    {"instrument": "phq9", "total": 18, "previous_total": 11, "change": 7, "threshold": 6},
)


def make_patient(clinic: Clinic, n: int, **fields: object) -> Patient:
    return patient_create(
        clinic=clinic,
        first_name=f"Patient{n}",
        last_name="Test",
        phone=f"+1312555{n:04d}",
        timezone="America/Chicago",
        channel="sms",
        sms_consent=True,
        **fields,
    )


def raise_flag(patient: Patient, trigger: Trigger, minutes_ago: float = 0) -> Flag:
    """Raise a flag for ``patient`` as the rules would, raised ``minutes_ago``."""
    flag, _ = flag_raise(patient=patient, trigger=trigger)
    if minutes_ago:
        at = timezone.now() - dt.timedelta(minutes=minutes_ago)
        Flag.objects.filter(pk=flag.pk).update(created_at=at)
        flag.refresh_from_db()
    return flag
