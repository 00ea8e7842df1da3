"""SMS patients of one clinic, each with one treatment session and its plan's check-ins: the
rows ``patient_create`` and ``session_record`` write, in bulk (``bulk_create``, the plan
computed by ``followup.clinical.scheduling.plan_check_ins`` as ``session_record`` computes it) or
through the services themselves, one patient at a time."""

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class Seeded:
    clinic_id: int
    phones: dict[str, int]  # phone -> patient id
    zone: str


def phone_number(n: int) -> str:
    return f"+1312{2_000_000 + n:07d}"


def seed(
    count: int,
    *,
    zone: str,
    mode: str,
    session_hours_ago: float = 25,
    first: int = 0,
    name: str = "Bench Clinic",
) -> Seeded:
    """``count`` SMS patients of one clinic, each with one session ``session_hours_ago``: the
    rows ``patient_create`` and ``session_record`` would write (patient, session, the plan's
    check-ins, audit events). ``mode='services'`` calls those services for real. Phone numbers
    are ``phone_number(first)`` on: give each clinic of a run its own range."""
    from django.utils import timezone

    from followup.services.clinics import clinic_create

    clinic = clinic_create(name=name, timezone="America/Chicago")
    now = timezone.now()
    occurred_at = now - dt.timedelta(hours=session_hours_ago)
    numbers = range(first, first + count)
    if mode == "services":
        _seed_services(clinic, numbers, zone, occurred_at, now)
    else:
        _seed_bulk(clinic, numbers, zone, occurred_at, now)
    from followup.models import Patient

    phones = dict(Patient.objects.filter(clinic=clinic).values_list("phone", "pk"))
    return Seeded(clinic_id=clinic.pk, phones=phones, zone=zone)


def _seed_services(clinic, numbers: range, zone, occurred_at, now) -> None:
    from followup.services.patients import patient_create
    from followup.services.sessions import session_record

    for n in numbers:
        patient = patient_create(
            clinic=clinic,
            first_name=f"P{n}",
            last_name="Bench",
            phone=phone_number(n),
            timezone=zone,
            sms_consent=True,
        )
        session_record(patient=patient, occurred_at=occurred_at, treatment="iv_ketamine", now=now)


def _seed_bulk(clinic, numbers: range, zone, occurred_at, now, batch: int = 1000) -> None:
    from django.db import transaction

    from followup.clinical.scheduling import plan_check_ins
    from followup.models import AuditEvent, CheckIn, Patient, TreatmentSession

    plan = clinic.follow_up_plan
    # Every patient has the same zone and session time, so the same plan (as session_record
    # computes it for a patient with no other session and no check-in yet).
    planned = plan_check_ins(
        occurred_at=occurred_at,
        steps=plan.steps,
        timezone=zone,
        expire_after_hours=plan.expire_after_hours,
        now=now,
        next_session_at=None,
        taken_dates=[],
    )
    for start in range(0, len(numbers), batch):
        chunk = numbers[start : start + batch]
        with transaction.atomic():
            patients = Patient.objects.bulk_create(
                Patient(
                    clinic=clinic,
                    first_name=f"P{n}",
                    last_name="Bench",
                    phone=phone_number(n),
                    timezone=zone,
                    channel="sms",
                    language="en",
                    sms_consent=True,
                    sms_consent_at=now,
                )
                for n in chunk
            )
            sessions = TreatmentSession.objects.bulk_create(
                TreatmentSession(patient=p, occurred_at=occurred_at, treatment="iv_ketamine")
                for p in patients
            )
            check_ins = CheckIn.objects.bulk_create(
                CheckIn(
                    patient=session.patient,
                    session=session,
                    step=item.step,
                    due_at=item.due_at,
                    local_date=item.local_date,
                    instruments=list(item.instruments),
                    channel="sms",
                )
                for session in sessions
                for item in planned
            )
            by_session: dict[int, list[int]] = {}
            for check_in in check_ins:
                by_session.setdefault(check_in.session_id, []).append(check_in.pk)
            AuditEvent.objects.bulk_create(
                [
                    *(
                        AuditEvent(
                            clinic=clinic,
                            action="patient.create",
                            object_type="patient",
                            object_id=str(p.pk),
                            patient=p,
                            detail={
                                "fields": [
                                    "first_name",
                                    "last_name",
                                    "phone",
                                    "sms_consent",
                                    "timezone",
                                ]
                            },
                        )
                        for p in patients
                    ),
                    *(
                        AuditEvent(
                            clinic=clinic,
                            action="session.record",
                            object_type="treatmentsession",
                            object_id=str(s.pk),
                            patient=s.patient,
                            detail={"check_ins": by_session[s.pk], "superseded": []},
                        )
                        for s in sessions
                    ),
                ]
            )
