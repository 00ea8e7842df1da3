import datetime as dt

from django.db import transaction
from django.utils import timezone

from followup.clinical.scheduling import plan_enrolment_check_in
from followup.errors import Conflict
from followup.models import CheckIn, Clinician, Patient
from followup.services.audit import audit_record

CANCELLABLE = (CheckIn.Status.SCHEDULED, CheckIn.Status.SENT, CheckIn.Status.IN_PROGRESS)


def checkin_cancel(*, check_in: CheckIn, actor: Clinician | None = None) -> CheckIn:
    """Cancel a check-in that is not finished. Cancelling twice is harmless."""
    with transaction.atomic():
        check_in = CheckIn.objects.select_for_update().get(pk=check_in.pk)
        if check_in.status == CheckIn.Status.CANCELLED:
            return check_in
        if check_in.status not in CANCELLABLE:
            raise Conflict(
                f"This check-in is {check_in.status} and can no longer be cancelled.",
                code="not_cancellable",
                status=check_in.status,
            )
        check_in.status = CheckIn.Status.CANCELLED
        check_in.cancelled_at = timezone.now()
        check_in.cancel_reason = "by_clinician"
        check_in.save(update_fields=["status", "cancelled_at", "cancel_reason", "updated_at"])
        audit_record(actor=actor, action="check_in.cancel", obj=check_in, patient=check_in.patient)
    return check_in


def checkin_schedule_at_enrolment(*, patient: Patient, now: dt.datetime) -> CheckIn | None:
    """The pre-treatment baseline: a check-in with no session, due at once, when the clinic's
    plan asks for one. Call it inside the transaction that enrols the patient."""
    if not patient.clinic.follow_up_plan.enrolment_check_in:
        return None
    planned = plan_enrolment_check_in(now=now, timezone=patient.timezone)
    return CheckIn.objects.create(
        patient=patient,
        session=None,
        step=planned.step,
        due_at=planned.due_at,
        local_date=planned.local_date,
        instruments=list(planned.instruments),
        channel=patient.channel,
    )
