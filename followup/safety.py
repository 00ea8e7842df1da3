"""Where the answer path hands a fired rule to the safety machinery.

``rules_fired`` raises (or adds to) the flag of each trigger and then calls ``on_trigger``
exactly once per trigger. Paging the on-call clinician and the patient's crisis message hang
off ``on_trigger``; handlers are registered with ``register`` so the answer path does not need
to know who listens.
"""

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from followup.models import Flag, Patient, Response
from followup.rules import Trigger
from followup.services.flags import flag_raise

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Fired:
    flag: Flag
    trigger: Trigger
    created: bool
    source: str  # "sms", "web" or "import"


Handler = Callable[[Fired], None]
_handlers: list[Handler] = []


def register(handler: Handler) -> Handler:
    if handler not in _handlers:
        _handlers.append(handler)
    return handler


def on_trigger(fired: Fired) -> None:
    """Called once per trigger, inside the transaction that stored the answer and the flag."""
    logger.info(
        "flag %s %s (%s, %s)",
        fired.flag.pk,
        "raised" if fired.created else "re-triggered",
        fired.trigger.reason,
        fired.source,
    )
    for handler in _handlers:
        handler(fired)


def rules_fired(
    *,
    patient: Patient,
    triggers: Iterable[Trigger],
    source: str,
    response: Response | None = None,
) -> list[Fired]:
    fired = []
    for trigger in triggers:
        flag, created = flag_raise(patient=patient, trigger=trigger, response=response)
        event = Fired(flag=flag, trigger=trigger, created=created, source=source)
        on_trigger(event)
        fired.append(event)
    return fired
