import datetime as dt

from django.db import transaction
from django.utils import timezone

from followup.audit import audit_record
from followup.errors import ValidationError
from followup.models import CheckIn, Patient, TreatmentSession
from followup.scheduling import plan_check_ins

# Clocks differ a little between an EHR and us; a session further ahead is a mistake.
MAX_CLOCK_SKEW = dt.timedelta(minutes=10)
# Why a session cancels the check-in at enrolment that has not gone out yet.
TREATMENT_STARTED = "treatment_started"


def session_record(
    *,
    patient: Patient,
    occurred_at: dt.datetime,
    treatment: str,
    actor: object = None,
    now: dt.datetime | None = None,
) -> tuple[TreatmentSession, list[CheckIn]]:
    """Record a session and, in the same transaction, the check-ins of the clinic's plan.

    A newer session cancels the older sessions' check-ins that are not yet sent and fall after
    it. Any session cancels the check-in at enrolment while it is not yet sent: an answer given
    after treatment began is no baseline. One already sent or being answered stays, and keeps
    its day. Returns the session and the check-ins it created.
    """
    now = now or timezone.now()
    if timezone.is_naive(occurred_at):
        raise ValidationError(
            "occurred_at needs a time zone offset, e.g. 2026-11-25T14:30:00Z.",
            field="occurred_at",
            code="naive_datetime",
        )
    if occurred_at > now + MAX_CLOCK_SKEW:
        raise ValidationError(
            "occurred_at is in the future; record a session once it has taken place.",
            field="occurred_at",
            code="future",
        )
    if treatment not in TreatmentSession.Treatment.values:
        raise ValidationError(
            f"treatment must be one of {', '.join(TreatmentSession.Treatment.values)}.",
            field="treatment",
            code="invalid_choice",
        )

    with transaction.atomic():
        # One writer per patient: sessions recorded at once for one patient queue up here.
        patient = Patient.objects.select_for_update().get(pk=patient.pk)
        plan = patient.clinic.follow_up_plan
        session = TreatmentSession.objects.create(
            patient=patient, occurred_at=occurred_at, treatment=treatment, recorded_by=_user(actor)
        )
        # Locked, so the dispatcher (SKIP LOCKED) cannot send it meanwhile; cancelled before the
        # plan looks for free days, as a cancelled check-in no longer holds its day.
        baseline_ids = list(
            CheckIn.objects.select_for_update()
            .filter(patient=patient, session__isnull=True, status=CheckIn.Status.SCHEDULED)
            .values_list("id", flat=True)
        )
        CheckIn.objects.filter(id__in=baseline_ids).update(
            status=CheckIn.Status.CANCELLED,
            cancelled_at=now,
            cancel_reason=TREATMENT_STARTED,
            updated_at=now,
        )
        # The enrolment check-in has no session, so this never picks it up.
        superseded = CheckIn.objects.filter(
            patient=patient,
            status=CheckIn.Status.SCHEDULED,
            due_at__gt=occurred_at,
            session__occurred_at__lte=occurred_at,
        ).exclude(session=session)
        superseded_ids = list(superseded.values_list("id", flat=True))
        CheckIn.objects.filter(id__in=superseded_ids).update(
            status=CheckIn.Status.CANCELLED,
            cancelled_at=now,
            cancel_reason="superseded",
            updated_at=now,
        )
        next_session_at = (
            patient.sessions.filter(occurred_at__gt=occurred_at)
            .order_by("occurred_at")
            .values_list("occurred_at", flat=True)
            .first()
        )
        taken = patient.check_ins.exclude(status=CheckIn.Status.CANCELLED).values_list(
            "local_date", flat=True
        )
        planned = plan_check_ins(
            occurred_at=occurred_at,
            steps=plan.steps,
            timezone=patient.timezone,
            expire_after_hours=plan.expire_after_hours,
            now=now,
            next_session_at=next_session_at,
            taken_dates=taken,
        )
        check_ins = CheckIn.objects.bulk_create(
            CheckIn(
                patient=patient,
                session=session,
                step=item.step,
                due_at=item.due_at,
                local_date=item.local_date,
                instruments=list(item.instruments),
                channel=patient.channel,
            )
            for item in planned
        )
        audit_record(
            actor=actor,
            action="session.record",
            obj=session,
            patient=patient,
            detail={
                "check_ins": [c.pk for c in check_ins],
                "superseded": superseded_ids,
                "enrolment_check_in_cancelled": baseline_ids,
            },
        )
    return session, check_ins


def _user(actor: object) -> object:
    return actor if getattr(actor, "pk", None) else None
