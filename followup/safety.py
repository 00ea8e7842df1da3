"""Where the answer path hands a fired rule to the safety machinery.

``rules_fired`` raises (or adds to) the flag of each trigger and then calls ``on_trigger``
exactly once per trigger. Paging the on-call clinician and the patient's crisis message hang
off ``on_trigger``; handlers are registered with ``register`` so the answer path does not need
to know who listens.
"""

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace

from followup.models import Clinic, Flag, FlagEvent, Patient, Response
from followup.rules import Trigger
from followup.services.flags import flag_raise

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Fired:
    flag: Flag
    trigger: Trigger
    created: bool
    source: str  # "sms", "web" or "import"
    # Whether a clinician is really being paged for it: only then may the patient be told so.
    paged: bool = False


# A handler returns True when it paged someone.
Handler = Callable[[Fired], bool | None]
_handlers: list[Handler] = []


def register(handler: Handler) -> Handler:
    if handler not in _handlers:
        _handlers.append(handler)
    return handler


def on_trigger(fired: Fired) -> bool:
    """Called once per trigger, inside the transaction that stored the answer and the flag.
    Returns whether any handler paged a clinician."""
    logger.info(
        "flag %s %s (%s, %s)",
        fired.flag.pk,
        "raised" if fired.created else "re-triggered",
        fired.trigger.reason,
        fired.source,
    )
    results = [handler(fired) for handler in _handlers]
    return any(results)


def rules_fired(
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
        fired.append(replace(event, paged=on_trigger(event)))
    return fired


def _raised_at_intake(patient: Patient | None, trigger: Trigger) -> bool:
    """Whether the webhook already raised this reason for the same inbound text at intake
    (``conversation.intake``): its flag, pages and crisis message exist, and the full handling
    of the text must not raise, page or tell the patient a second time."""
    inbound = trigger.detail.get("inbound")
    if inbound is None or trigger.detail.get("at_intake"):
        return False
    events = FlagEvent.objects.filter(
        kind__in=["raised", "trigger_added"],
        flag__reason=trigger.reason,
        detail__inbound=inbound,
        detail__at_intake=True,
    )
    if patient is not None:
        events = events.filter(flag__patient=patient)
    return events.exists()
