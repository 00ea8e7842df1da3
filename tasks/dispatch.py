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
    """The escalation tick, on the pages queue. Idempotent: each step is claimed under a row
    lock and runs once."""
    from django.utils import timezone

    from followup.escalation import steps_due

    count = steps_due(now=timezone.now())
    record_tick()
    return count
