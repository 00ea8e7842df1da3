from celery import shared_task
from django.utils import timezone

from followup.job_names import Job
from followup.messaging.outbox import messages_redrive
from followup.services.dispatch import checkins_dispatch_due
from followup.services.escalations import escalation_steps_run_due
from followup.services.heartbeat import tick_record


@shared_task(name=Job.DISPATCH)
def dispatch() -> dict:
    """The periodic sweep. Idempotent: it claims due rows with SKIP LOCKED, so two schedulers,
    a repeated tick or a missed one change nothing."""
    sweep = checkins_dispatch_due()
    tick_record()
    return {key: value for key, value in vars(sweep).items() if key != "details"}


@shared_task(name=Job.ESCALATIONS)
def escalations() -> int:
    """The pages tick, on the pages queue, every few seconds: escalation steps that are due, and
    pages or crisis messages whose send was lost or cut short by a dead worker. Idempotent: each
    step is claimed under a row lock and runs once; a message is sent once per claim."""
    now = timezone.now()
    count = escalation_steps_run_due(now=now)
    messages_redrive(now=now, pages_only=True)
    tick_record()
    return count
