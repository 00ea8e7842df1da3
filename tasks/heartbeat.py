from celery import shared_task

from followup.health import record_tick


@shared_task(name="followup.heartbeat")
def heartbeat() -> None:
    """The scheduler, broker and worker are alive when this runs. Idempotent: it only records
    the time of its last run, which ``/healthz`` shows."""
    record_tick()
