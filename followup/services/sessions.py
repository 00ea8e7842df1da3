import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone

from followup.clinical.scheduling import PlannedCheckIn, plan_check_ins
from followup.errors import ValidationError
from followup.models import CheckIn, Clinician, Patient, TreatmentSession
from followup.services.audit import audit_record

# Clocks differ a little between an EHR and us; a session further ahead is a mistake.
MAX_CLOCK_SKEW = dt.timedelta(minutes=10)
# Why a session cancels the check-in at enrolment that has not gone out yet.
TREATMENT_STARTED = "treatment_started"
# Why a newer session cancels an older session's check-ins that fall after it.
SUPERSEDED = "superseded"


def session_record(
    *,
    patient: Patient,
    occurred_at: dt.datetime,
    treatment: str,
    actor: Clinician | None = None,
    now: dt.datetime | None = None,
    external_id: str | None = None,
) -> tuple[TreatmentSession, list[CheckIn]]:
    """Record a session and, in the same transaction, the check-ins of the clinic's plan.

    A newer session cancels the older sessions' check-ins that are not yet sent and fall after
    it. Any session cancels the check-in at enrolment while it is not yet sent: an answer given
    after treatment began is no baseline. One already sent or being answered stays, and keeps
    its day. Returns the session and the check-ins it created.
    """
    now = now or timezone.now()
    session_validate(occurred_at=occurred_at, treatment=treatment, now=now)

    with transaction.atomic():
        # One writer per patient: sessions recorded at once for one patient queue up here. The
        # plan comes with it (only the patient's row is locked).
        patient = (
            Patient.objects.select_for_update(of=("self",))
            .select_related("clinic__follow_up_plan")
            .get(pk=patient.pk)
        )
        plan = patient.clinic.follow_up_plan
        session = TreatmentSession.objects.create(
            patient=patient,
            occurred_at=occurred_at,
            treatment=treatment,
            recorded_by=_user(actor),
            external_id=external_id or "",
        )
        # Read after the lock, so a session recorded meanwhile for this patient is seen.
        # django-stubs types these named rows twice, as two classes of one shape.
        existing = list(
            CheckIn.objects.filter(patient=patient).values_list(  # type: ignore[arg-type]
                "id",
                "session_id",
                "status",
                "due_at",
                "local_date",
                "session__occurred_at",
                named=True,
            )
        )
        scheduled = [row for row in existing if row.status == CheckIn.Status.SCHEDULED]
        # Cancelled before the plan looks for free days, as a cancelled check-in no longer
        # holds its day. Each update takes the rows' locks and cancels only those still
        # scheduled: one the dispatcher (SKIP LOCKED) claimed meanwhile is sent, and stays.
        baseline_ids = _cancel(
            [row.id for row in scheduled if row.session_id is None],
            reason=TREATMENT_STARTED,
            now=now,
        )
        # The enrolment check-in has no session, so this never picks it up.
        superseded_ids = _cancel(
            [
                row.id
                for row in scheduled
                if row.session_id is not None
                and row.due_at > occurred_at
                and row.session__occurred_at <= occurred_at
            ],
            reason=SUPERSEDED,
            now=now,
        )
        cancelled = {*baseline_ids, *superseded_ids}
        next_session_at = (
            patient.sessions.filter(occurred_at__gt=occurred_at)
            .order_by("occurred_at")
            .values_list("occurred_at", flat=True)
            .first()
        )
        taken = [
            row.local_date
            for row in existing
            if row.status != CheckIn.Status.CANCELLED and row.id not in cancelled
        ]
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
            checkin_planned(patient=patient, session=session, item=item) for item in planned
        )
        audit_record(
            actor=actor,
            action="session.record",
            obj=session,
            patient=patient,
            detail=session_audit_detail(
                check_ins=check_ins, superseded=superseded_ids, enrolment_cancelled=baseline_ids
            ),
        )
    return session, check_ins


def session_record_or_get(
    *,
    patient: Patient,
    occurred_at: dt.datetime,
    treatment: str,
    external_id: str | None = None,
    actor: Clinician | None = None,
    now: dt.datetime | None = None,
) -> tuple[TreatmentSession, list[CheckIn], bool]:
    """``session_record``, unless the patient already has a session with this ``external_id``
    (an EHR's retry): then that session, unchanged, with its check-ins, and nothing is written
    or cancelled. Returns the session, its check-ins and whether it is new. Two requests at once
    for one new id: the unique constraint lets one in and the other gets its session."""
    if external_id:
        existing = _session_by_external_id(patient, external_id)
        if existing is not None:
            return existing, _check_ins_of(existing), False
    try:
        session, check_ins = session_record(
            patient=patient,
            occurred_at=occurred_at,
            treatment=treatment,
            actor=actor,
            now=now,
            external_id=external_id or "",
        )
    except IntegrityError:
        existing = _session_by_external_id(patient, external_id) if external_id else None
        if existing is None:
            raise
        return existing, _check_ins_of(existing), False
    return session, check_ins, True


def _session_by_external_id(patient: Patient, external_id: str) -> TreatmentSession | None:
    return TreatmentSession.objects.filter(patient=patient, external_id=external_id).first()


def _check_ins_of(session: TreatmentSession) -> list[CheckIn]:
    return list(session.check_ins.order_by("due_at", "id"))


def session_validate(*, occurred_at: dt.datetime, treatment: str, now: dt.datetime) -> None:
    """What ``session_record`` refuses before it writes anything."""
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


def checkin_planned(
    *, patient: Patient, session: TreatmentSession | None, item: PlannedCheckIn
) -> CheckIn:
    """The row of one planned check-in, not yet saved."""
    return CheckIn(
        patient_id=patient.pk,
        session_id=session.pk if session is not None else None,
        step=item.step,
        due_at=item.due_at,
        local_date=item.local_date,
        instruments=list(item.instruments),
        channel=patient.channel,
    )


def session_audit_detail(
    *, check_ins: list[CheckIn], superseded: list[int], enrolment_cancelled: list[int]
) -> dict:
    return {
        "check_ins": [c.pk for c in check_ins],
        "superseded": superseded,
        "enrolment_check_in_cancelled": enrolment_cancelled,
    }


def _cancel(ids: list[int], *, reason: str, now: dt.datetime) -> list[int]:
    """Cancel those of ``ids`` still scheduled; returns the ids it cancelled."""
    if not ids:
        return []
    fields = {"status": CheckIn.Status.CANCELLED, "cancelled_at": now, "cancel_reason": reason}
    done = CheckIn.objects.filter(id__in=ids, status=CheckIn.Status.SCHEDULED).update(
        **fields, updated_at=now
    )
    if done == len(ids):
        return ids
    # Some went out meanwhile (rare): which ones this update cancelled, in order.
    return list(CheckIn.objects.filter(id__in=ids, **fields).values_list("id", flat=True))


def _user(actor: Clinician | None) -> Clinician | None:
    return actor if getattr(actor, "pk", None) else None
