"""Where the answer path hands a fired rule to the safety machinery.

``triggers_fire`` raises (or adds to) the flag of each trigger and then pages: the on-call
clinician is paged and the patient gets the crisis message (``followup.services.paging``),
exactly once per trigger, inside the transaction that stored the answer and the flag.
"""

import logging
from collections.abc import Iterable
from dataclasses import replace

from followup.clinical.rules import Trigger
from followup.models import Clinic, FlagEvent, Patient, Response
from followup.services.flags import Fired, flag_raise
from followup.services.paging import flag_page

logger = logging.getLogger(__name__)


def _page(fired: Fired) -> bool:
    """Called once per trigger; returns whether a clinician is being paged."""
    logger.info(
        "flag %s %s (%s, %s)",
        fired.flag.pk,
        "raised" if fired.created else "re-triggered",
        fired.trigger.reason,
        fired.source,
    )
    return flag_page(fired)


def triggers_fire(
    *,
    patient: Patient | None,
    triggers: Iterable[Trigger],
    source: str,
    response: Response | None = None,
    clinic: Clinic | None = None,
    sender: str = "",
) -> list[Fired]:
    """Raise each trigger's flag and hand it on. ``patient`` None is a text from a number that is
    no patient's: the flag is ``clinic``'s and names the ``sender``."""
    fired = []
    for trigger in triggers:
        if _raised_at_intake(patient, trigger):
            logger.info(
                "inbound %s: %s already raised at intake", trigger.detail["inbound"], trigger.reason
            )
            continue
        flag, created = flag_raise(
            patient=patient, trigger=trigger, response=response, clinic=clinic, sender=sender
        )
        event = Fired(flag=flag, trigger=trigger, created=created, source=source)
        fired.append(replace(event, paged=_page(event)))
    return fired


def _raised_at_intake(patient: Patient | None, trigger: Trigger) -> bool:
    """Whether the webhook already raised this reason for the same inbound text at intake
    (``conversation.intake``): its flag, pages and crisis message exist, and the full handling
    of the text must not raise, page or tell the patient a second time."""
    inbound = trigger.detail.get("inbound")
    if inbound is None or trigger.detail.get("at_intake"):
        return False
    events = FlagEvent.objects.filter(
        kind__in=FlagEvent.TRIGGERS,
        flag__reason=trigger.reason,
        detail__inbound=inbound,
        detail__at_intake=True,
    )
    if patient is not None:
        events = events.filter(flag__patient=patient)
    return events.exists()
