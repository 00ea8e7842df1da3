"""A patient's whole record, and a clinic's, as plain data for export (``patient_export``).

Every column of every row the person has (patient, sessions, check-ins, responses, flags with
their events, messages both ways), by field name, foreign keys as ids. A clinic's export adds
the clinic's settings and accounts (never a password) and then each patient's record.
"""

from collections.abc import Iterator
from typing import Any

from django.db import models

from followup.models import (
    CheckIn,
    Clinic,
    Clinician,
    Flag,
    InboundMessage,
    OnCallShift,
    OutboundMessage,
    Patient,
    Response,
    TreatmentSession,
)

ACCOUNT_FIELDS = (
    "id",
    "username",
    "first_name",
    "last_name",
    "email",
    "phone",
    "role",
    "is_active",
    "is_staff",
    "date_joined",
    "last_login",
)


def row(obj: models.Model, only: tuple[str, ...] = ()) -> dict[str, Any]:
    """The row's columns by field name (a foreign key by its id)."""
    return {
        field.name: field.value_from_object(obj)
        for field in obj._meta.concrete_fields
        if not only or field.name in only
    }


def patient_record(patient: Patient) -> dict[str, Any]:
    flags = Flag.objects.filter(patient=patient).prefetch_related("events").order_by("id")
    return {
        "patient": row(patient),
        "sessions": [
            row(s) for s in TreatmentSession.objects.filter(patient=patient).order_by("id")
        ],
        "check_ins": [row(c) for c in CheckIn.objects.filter(patient=patient).order_by("id")],
        "responses": [row(r) for r in Response.objects.filter(patient=patient).order_by("id")],
        "flags": [
            {**row(flag), "events": [row(e) for e in flag.events.order_by("at", "id")]}
            for flag in flags
        ],
        "messages": {
            "outbound": [
                row(m) for m in OutboundMessage.objects.filter(patient=patient).order_by("id")
            ],
            "inbound": [
                row(m) for m in InboundMessage.objects.filter(patient=patient).order_by("id")
            ],
        },
    }


def clinic_records(clinic: Clinic) -> Iterator[dict[str, Any]]:
    """The clinic first, then one record per patient (a large clinic is never held whole)."""
    yield {
        "clinic": row(clinic),
        "follow_up_plan": row(clinic.follow_up_plan),
        "escalation_policy": row(clinic.escalation_policy),
        "clinicians": [
            row(c, ACCOUNT_FIELDS) for c in Clinician.objects.filter(clinic=clinic).order_by("id")
        ],
        "shifts": [row(s) for s in OnCallShift.objects.filter(clinic=clinic).order_by("id")],
        "flags_without_patient": [
            row(f) for f in Flag.objects.filter(clinic=clinic, patient=None).order_by("id")
        ],
    }
    for patient in Patient.objects.filter(clinic=clinic).order_by("id").iterator(chunk_size=200):
        yield patient_record(patient)
