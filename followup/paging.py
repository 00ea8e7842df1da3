"""What happens when a rule fires: the clinician is paged, and the patient gets the crisis
message (CLINICAL.md). Registered as a safety handler in ``FollowupConfig.ready``."""

import logging

from django.utils import timezone

from followup import rules
from followup.escalation import escalation_start
from followup.messaging.outbox import PAGES_QUEUE, message_queue
from followup.messaging.texts import render_sms
from followup.models import Clinic, Flag, FlagEvent
from followup.phones import format_phone
from followup.safety import Fired

logger = logging.getLogger(__name__)


def on_fired(fired: Fired) -> bool:
    flag = fired.flag
    critical = fired.trigger.priority == Flag.Priority.CRITICAL
    if not fired.created and critical and flag.status == Flag.Status.ACKNOWLEDGED:
        # New danger on a flag someone already holds: it needs a new acknowledgement.
        flag.status = Flag.Status.OPEN
        flag.save(update_fields=["status"])
        FlagEvent.objects.create(flag=flag, kind="reopened", detail={"reason": flag.reason})
    paged = False
    if fired.created or critical:
        paged = escalation_start(flag)
    if fired.trigger.reason in rules.CRISIS_REASONS:
        crisis_message(flag, clinician_told=paged)
    return paged


def crisis_text(clinic: Clinic, *, clinician_told: bool) -> str:
    """The crisis message of ``clinic`` (CLINICAL.md): its crisis resources, the clinic's own
    number when it has one, and that the on-call clinician is being told only when
    ``clinician_told``. The one place its context is built, whoever sends it."""
    return render_sms(
        "crisis",
        clinic=clinic.name,
        crisis_line=clinic.crisis_line,
        emergency_line=clinic.emergency_line,
        clinic_phone=format_phone(clinic.phone, region=clinic.country) if clinic.phone else "",
        clinician_told=clinician_told,
    )


def crisis_message(flag: Flag, *, clinician_told: bool) -> None:
    """988, 911, the clinic's number and, only when a page really went out, that the on-call
    clinician is being told. Never echoes answers or scores. Not by SMS to a patient who sent
    STOP. A flag for a number that is no patient's answers that number."""
    patient = flag.patient
    clinic = flag.clinic
    if patient is not None and (patient.opted_out or not patient.sms_consent):
        FlagEvent.objects.create(
            flag=flag,
            kind="crisis_message_not_sent",
            detail={"why": "opted_out" if patient.opted_out else "no_sms_consent"},
        )
        return
    message = message_queue(
        key=f"crisis:{flag.pk}:{len(flag.evidence)}",
        to=patient.phone if patient is not None else flag.sender,
        body=crisis_text(clinic, clinician_told=clinician_told),
        purpose="crisis",
        clinic=clinic,
        patient=patient,
        flag=flag,
        # Urgent, like the pages: never behind a backlog of check-ins.
        queue=PAGES_QUEUE,
    )
    FlagEvent.objects.create(
        flag=flag,
        kind="crisis_message",
        detail={
            "message": message.pk,
            "clinician_told": clinician_told,
            "at": timezone.now().isoformat(),
        },
    )
