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
