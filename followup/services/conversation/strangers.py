"""Texts from a number that is no patient's: crisis language still raises a flag, in the clinic
it texted, and gets the crisis resources."""

import logging
from zoneinfo import ZoneInfo

from django.db.models import Q
from django.utils import timezone

from followup.clinical import defaults
from followup.jobs import Queue
from followup.messaging.outbox import message_queue
from followup.messaging.texts import crisis_render
from followup.models import (
    Clinic,
    InboundMessage,
    OutboundMessage,
)
from followup.services.conversation.reading import about, crisis_triggers
from followup.services.conversation.routing import service_of
from followup.services.paging import crisis_text
from followup.services.safety import triggers_fire

logger = logging.getLogger(__name__)


def clinics_texted(to_number: str, service: str = "") -> list[Clinic]:
    """The clinic that owns the number texted (its own Twilio number or Messaging Service, or
    the phone it gives patients); else every clinic on the shared number; else every clinic
    (when in doubt, flag: an unread crisis is worse than a flag another clinic resolves)."""
    clinics = Clinic.objects.select_related("escalation_policy").order_by("pk")
    owned = Q(pk__in=[])
    if to_number:
        owned |= Q(sms_number=to_number) | Q(phone=to_number)
    if service:
        owned |= Q(messaging_service_sid=service)
    return (
        list(clinics.filter(owned))
        or list(clinics.filter(sms_number="", messaging_service_sid=""))
        or list(clinics)
    )


def stranger_text_handle(message: InboundMessage) -> bool:
    """Crisis language from a number that is no patient's raises a critical flag in the clinic
    it texted, naming the sender, and gets the crisis resources (at most once a day per
    number). Anything else stays ignored. Returns whether it was handled."""
    triggers = about(crisis_triggers(message.body), message)
    clinics = clinics_texted(message.to_number, service_of(message)) if triggers else []
    if not clinics:
        logger.info("inbound %s from an unknown sender ignored", message.pk)
        return False
    fired = [
        event
        for clinic in clinics
        for event in triggers_fire(
            patient=None, clinic=clinic, sender=message.from_number, triggers=triggers, source="sms"
        )
    ]
    owner = clinics[0] if len(clinics) == 1 else None
    zone = ZoneInfo(owner.timezone if owner else clinics[0].timezone)
    today = timezone.localdate(timezone=zone)
    if owner is not None:
        # The owning clinic's own crisis message: its resources, its number, and that the
        # on-call clinician is being told only when a page really went out.
        body = crisis_text(owner, clinician_told=any(event.paged for event in fired))
    else:
        body = crisis_render(
            clinic="", crisis_line=defaults.CRISIS_LINE, emergency_line=defaults.EMERGENCY_LINE
        ).sms
    message_queue(
        key=f"unknown:{message.from_number}:crisis:{today.isoformat()}",
        to=message.from_number,
        body=body,
        purpose=OutboundMessage.Purpose.CRISIS,
        clinic=clinics[0],
        queue=Queue.PAGES,
    )
    logger.info("inbound %s from an unknown sender flagged in %s clinics", message.pk, len(clinics))
    return True
