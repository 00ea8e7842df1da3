"""Trial patients for the latency benchmarks: each of their own clinic with a check-in open at
a PHQ-9 item and a clinician on call at level 1, written through the services; and, for a
scenario that must stay idle until it starts, due check-ins held a day ahead and released at
once."""

import datetime as dt
import secrets
from dataclasses import dataclass

ON_CALL_PHONE = "+13125550177"


@dataclass(frozen=True)
class TrialPatients:
    clinic_id: int
    clinician_id: int
    phones: list[str]


def seed_trial_patients(count: int, zone: str, item: int = 9) -> TrialPatients:
    """``count`` patients of their own clinic, each with a check-in open at PHQ-9 ``item`` (9:
    what the dispatcher and eight answers would have left), and a clinician on call at
    level 1."""
    from django.utils import timezone

    from followup.models import CheckIn
    from followup.services.clinics import clinic_create, clinician_create
    from followup.services.patients import patient_create
    from followup.services.rota import shift_create
    from followup.services.sessions import session_record

    clinic = clinic_create(name="Bench Pages Clinic", timezone="America/Chicago")
    oncall = clinician_create(
        clinic=clinic,
        username="bench-oncall",
        password=secrets.token_urlsafe(16),
        phone=ON_CALL_PHONE,
    )
    now = timezone.now()
    shift_create(
        clinic=clinic,
        clinician=oncall,
        starts_at=now - dt.timedelta(hours=1),
        ends_at=now + dt.timedelta(hours=12),
    )
    phones = []
    for n in range(count):
        patient = patient_create(
            clinic=clinic,
            first_name=f"T{n}",
            last_name="Page",
            phone=f"+1312555{1000 + n:04d}",
            timezone=zone,
            sms_consent=True,
        )
        session_record(
            patient=patient, occurred_at=now - dt.timedelta(hours=25), treatment="iv_ketamine"
        )
        phones.append(patient.phone)
    plan = clinic.follow_up_plan
    opened = CheckIn.objects.filter(patient__clinic=clinic, session__isnull=False, step=0).update(
        status=CheckIn.Status.IN_PROGRESS,
        channel="sms",
        sent_at=now,
        expires_at=now + dt.timedelta(hours=plan.expire_after_hours),
        reminder_due_at=now + dt.timedelta(hours=plan.reminder_after_hours),
        current_instrument="phq9",
        current_item=item,
    )
    if opened != count:
        raise RuntimeError(f"expected {count} open check-ins, made {opened}")
    return TrialPatients(clinic_id=clinic.pk, clinician_id=oncall.pk, phones=phones)


def hold_check_ins(clinic_id: int) -> list[int]:
    """Push the due check-ins of the load clinic a day ahead (until ``release``), so the idle
    scenario really is idle; returns their ids."""
    from django.utils import timezone

    from followup.models import CheckIn

    now = timezone.now()
    due = CheckIn.objects.filter(
        patient__clinic_id=clinic_id, status=CheckIn.Status.SCHEDULED, due_at__lte=now
    )
    ids = list(due.values_list("pk", flat=True))
    CheckIn.objects.filter(pk__in=ids).update(due_at=now + dt.timedelta(days=1))
    return ids


def release_check_ins(ids: list[int]) -> float:
    """Make the held check-ins due now, all at once; returns when."""
    from django.utils import timezone

    from followup.models import CheckIn

    now = timezone.now()
    CheckIn.objects.filter(pk__in=ids).update(due_at=now)
    return now.timestamp()


def acknowledge_flags(trial: TrialPatients) -> int:
    """The on-call clinician acknowledges every open flag (paging stops: no level 2 pages from
    the idle trials during the load scenario)."""
    from followup.models import Clinician, Flag
    from followup.services.flags import flag_acknowledge

    clinician = Clinician.objects.get(pk=trial.clinician_id)
    flags = list(Flag.objects.filter(clinic_id=trial.clinic_id, status=Flag.Status.OPEN))
    for flag in flags:
        flag_acknowledge(flag=flag, actor=clinician, via="api")
    return len(flags)
