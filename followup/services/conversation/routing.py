"""Whose text it is: a reply is routed by the pair (To, From), as Twilio routes it.

A clinic with its own number or Messaging Service hears only its own patients' replies to it.
The clinics without one share the sender of the settings, and a phone number enrolled by two of
them is a pair that cannot be settled: the conversation goes on with one record (the one with a
check-in open, else the latest), and what would page pages every clinic behind the pair
(``every_clinic_told``). STOP and START apply to every record behind the pair, as Twilio's own
opt-out does.
"""

import logging

from followup.clinical import rules
from followup.models import CheckIn, Clinic, Flag, FlagEvent, InboundMessage, Patient
from followup.services.conversation.outgoing import OPEN
from followup.services.safety import triggers_fire

logger = logging.getLogger(__name__)


def service_of(message: InboundMessage) -> str:
    """The Messaging Service the text came in through, when its number is in one."""
    payload = message.payload if isinstance(message.payload, dict) else {}
    return str(payload.get("MessagingServiceSid") or "")


def owns(clinic: Clinic, to_number: str, service: str) -> bool:
    return bool(
        (to_number and clinic.sms_number == to_number)
        or (service and clinic.messaging_service_sid == service)
    )


def patients_texting(message: InboundMessage, *, lock: bool = False) -> list[Patient]:
    """Every patient record behind the text's (To, From) pair, the one the conversation is with
    first: with a check-in open, else the latest updated. ``lock``: their rows are locked.

    The patients of the clinic that owns the number texted; else those of the clinics on the
    shared sender; else (a patient who texted another clinic's number) whoever has the number:
    a text is never dropped for having reached the wrong number."""
    patients = Patient.objects.select_for_update(of=("self",)) if lock else Patient.objects
    candidates = list(
        patients.filter(phone=message.from_number)
        .select_related("clinic")
        .order_by("-updated_at", "-pk")
    )
    if len(candidates) <= 1:
        return candidates
    service = service_of(message)
    owned = [p for p in candidates if owns(p.clinic, message.to_number, service)]
    shared = [p for p in candidates if not p.clinic.has_own_sender]
    routed = owned or shared or candidates
    with_open = set(
        CheckIn.objects.filter(patient__in=routed, status__in=OPEN).values_list(
            "patient_id", flat=True
        )
    )
    return sorted(routed, key=lambda p: p.pk not in with_open)  # stable: latest first


def every_clinic_told(message: InboundMessage, patient: Patient, others: list[Patient]) -> None:
    """A text behind a pair that patients of several clinics share: whatever critical flag it
    raised for ``patient`` is raised for each of ``others`` as well, marked ``shared_number`` (the
    dashboard says it may be from either), so every clinic that may be this person's pages its
    on-call clinician. Once per text and patient, however often it is read."""
    if not others:
        return
    reasons = set(
        FlagEvent.objects.filter(
            flag__patient=patient,
            flag__priority=Flag.Priority.CRITICAL,
            kind__in=FlagEvent.TRIGGERS,
            detail__inbound=message.pk,
        ).values_list("flag__reason", flat=True)
    )
    if not reasons:
        return
    done = set(
        FlagEvent.objects.filter(
            flag__patient__in=others,
            kind__in=FlagEvent.TRIGGERS,
            detail__inbound=message.pk,
            detail__shared_number=True,
        ).values_list("flag__patient_id", "flag__reason")
    )
    clinics = len({patient.clinic_id, *(other.clinic_id for other in others)})
    for other in others:
        triggers = [
            rules.Trigger(
                reason=reason,
                priority=rules.PRIORITY_OF[reason],
                detail={"inbound": message.pk, "shared_number": True, "clinics": clinics},
            )
            for reason in sorted(reasons)
            if (other.pk, reason) not in done
        ]
        if triggers:
            triggers_fire(patient=other, triggers=triggers, source="sms")
            logger.info(
                "inbound %s from a number shared by %s clinics: %s raised for patient %s too",
                message.pk,
                clinics,
                sorted(reasons),
                other.pk,
            )
