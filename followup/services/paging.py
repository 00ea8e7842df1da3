"""What happens when a rule fires: the clinician is paged, and the patient gets the crisis
message (CLINICAL.md). Called by ``followup.services.safety.triggers_fire`` for every fired rule."""

import logging

from django.utils import timezone
from django.utils.html import format_html

from followup.clinical import rules
from followup.clinical.phones import format_phone
from followup.jobs import Queue
from followup.messaging.outbox import message_queue
from followup.messaging.texts import CrisisText, crisis_render
from followup.models import Clinic, Flag, FlagEvent, OutboundMessage
from followup.services.escalations import escalation_start
from followup.services.flags import Fired

logger = logging.getLogger(__name__)


def flag_page(fired: Fired) -> bool:
    """Page for a fired rule and send the crisis message. Returns whether a clinician is being
    paged."""
    flag = fired.flag
    if clarifies_unclear_reply(fired):
        # The exact option asked for after an unclear reply to item 9: the same report made
        # precise. The fail-safe already paged for it and sent the crisis message; the value is
        # on the flag (its evidence and timeline), and nobody is paged twice for one answer.
        return False
    critical = fired.trigger.priority == Flag.Priority.CRITICAL
    if not fired.created and critical and flag.status == Flag.Status.ACKNOWLEDGED:
        # New danger on a flag someone already holds: it needs a new acknowledgement.
        flag.status = Flag.Status.OPEN
        flag.save(update_fields=["status"])
        FlagEvent.objects.create(
            flag=flag, kind=FlagEvent.Kind.REOPENED, detail={"reason": flag.reason}
        )
    paged = False
    if fired.created or critical:
        paged = escalation_start(flag)
    if fired.trigger.reason in rules.CRISIS_REASONS:
        if fired.trigger.detail.get("shared_number"):
            # Raised for every clinic behind a shared number (``conversation.routing``): the
            # person has the crisis message of the clinic whose conversation it is, and one is
            # enough.
            FlagEvent.objects.create(
                flag=flag,
                kind=FlagEvent.Kind.CRISIS_MESSAGE_NOT_SENT,
                detail={"why": "shared_number"},
            )
        else:
            crisis_message_send(flag, clinician_told=paged)
    return paged


def crisis_wording(
    clinic: Clinic, *, clinician_told: bool, web: bool = False, html: bool = False
) -> CrisisText:
    """The crisis message of ``clinic`` (CLINICAL.md, ``sms/crisis.txt``): its crisis resources,
    the clinic's own number when it has one (with ``html``, a link to call), and that the on-call
    clinician is being told only when ``clinician_told``. The one place its context is built,
    whoever shows it: the SMS, or with ``web`` the web check-in's crisis box and the API."""
    phone = format_phone(clinic.phone, region=clinic.country) if clinic.phone else ""
    if html and phone:
        phone = format_html('<a href="tel:{}">{}</a>', clinic.phone, phone)
    return crisis_render(
        web=web,
        html=html,
        clinic=clinic.name,
        crisis_line=clinic.crisis_line,
        emergency_line=clinic.emergency_line,
        clinic_phone=phone,
        clinician_told=clinician_told,
    )


def crisis_text(clinic: Clinic, *, clinician_told: bool) -> str:
    """The crisis message of ``clinic`` as the SMS it sends."""
    return crisis_wording(clinic, clinician_told=clinician_told).sms


def clarifies_unclear_reply(fired: Fired) -> bool:
    """Whether this trigger is the exact answer to a PHQ-9 item 9 whose unclear reply, to the
    same question of the same check-in, already raised this (still unresolved) flag."""
    detail = fired.trigger.detail
    if fired.created or "value" not in detail or detail.get("check_in") is None:
        return False
    earlier = fired.flag.evidence[:-1] if isinstance(fired.flag.evidence, list) else []
    return any(
        isinstance(entry, dict)
        and entry.get("reply") == "unclear"
        and entry.get("check_in") == detail["check_in"]
        and entry.get("item") == detail.get("item")
        for entry in earlier
    )


def crisis_message_send(flag: Flag, *, clinician_told: bool) -> None:
    """988, 911, the clinic's number and, only when a page really went out, that the on-call
    clinician is being told. Never echoes answers or scores. Not by SMS to a patient who sent
    STOP.

    A flag with no patient (an unknown sender) gets nothing here: the conversation answers such
    a number with the crisis resources at most once a day, however many flags it raises."""
    patient = flag.patient
    if patient is None:
        return
    clinic = patient.clinic
    if patient.opted_out or not patient.sms_consent:
        FlagEvent.objects.create(
            flag=flag,
            kind=FlagEvent.Kind.CRISIS_MESSAGE_NOT_SENT,
            detail={"why": "opted_out" if patient.opted_out else "no_sms_consent"},
        )
        return
    message = message_queue(
        key=f"crisis:{flag.pk}:{len(flag.evidence)}",
        to=patient.phone,
        body=crisis_text(clinic, clinician_told=clinician_told),
        purpose=OutboundMessage.Purpose.CRISIS,
        clinic=clinic,
        patient=patient,
        flag=flag,
        # Urgent, like the pages: never behind a backlog of check-ins.
        queue=Queue.PAGES,
    )
    FlagEvent.objects.create(
        flag=flag,
        kind=FlagEvent.Kind.CRISIS_MESSAGE,
        detail={
            "message": message.pk,
            "clinician_told": clinician_told,
            "at": timezone.now().isoformat(),
        },
    )
