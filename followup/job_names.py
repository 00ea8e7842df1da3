"""The names of the Celery tasks and queues, one definition for the decorator and the caller.

No project imports: ``config/settings/`` (the beat schedule, the queues) reads them too. The
values are the wire names of tasks already queued (SPEC): never change one.
"""

from enum import StrEnum


class Job(StrEnum):
    """A task's stable name (``@shared_task(name=...)``, ``enqueue``, the beat schedule)."""

    SEND_MESSAGE = "followup.send_message"
    SEND_MESSAGES = "followup.send_messages"
    HANDLE_INBOUND = "followup.handle_inbound"
    ESCALATE = "followup.escalate"
    DISPATCH = "followup.dispatch"
    ESCALATIONS = "followup.escalations"
    DIGEST = "followup.digest"
    PURGE_IDEMPOTENCY_KEYS = "followup.purge_idempotency_keys"
    SAFETY_DRILLS = "followup.safety_drills"
    # Development only (console SMS backend): Twilio's status callbacks, played back.
    CONSOLE_DELIVERY = "followup.console_delivery"


class Queue(StrEnum):
    """Pages to clinicians and crisis messages have their own queue, so a backlog of check-ins
    never delays them; everything else is on the default one."""

    PAGES = "pages"
    DEFAULT = "celery"
