from celery import shared_task

from followup.dispatch import dispatch_due
from followup.health import record_tick


@shared_task(name="followup.dispatch")
def dispatch() -> dict:
    """The periodic sweep. Idempotent: it claims due rows with SKIP LOCKED, so two schedulers,
    a repeated tick or a missed one change nothing."""
    sweep = dispatch_due()
    record_tick()
    return {key: value for key, value in vars(sweep).items() if key != "details"}


@shared_task(name="followup.escalations")
def escalations() -> int:
    """The pages tick, on the pages queue, every few seconds: escalation steps that are due, and
    pages or crisis messages whose send was lost or cut short by a dead worker. Idempotent: each
    step is claimed under a row lock and runs once; a message is sent once per claim."""
    from django.utils import timezone

    from followup.escalation import steps_due
    from followup.messaging.outbox import messages_redrive

    now = timezone.now()
    count = steps_due(now=now)
    messages_redrive(now=now, pages_only=True)
    record_tick()
    return count
