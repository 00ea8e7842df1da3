from celery import shared_task

from followup.job_names import Job
from followup.services.drills import drills_due_run


@shared_task(name=Job.SAFETY_DRILLS)
def safety_drills() -> int:
    """The daily safety drills' periodic tick. At most once per clinic and local day: the drill's
    row is written under the clinic's row lock before it runs, so a repeated tick or two
    schedulers start nothing twice. A drill waits for Twilio's receipt (at most
    SAFETY_DRILL_TIMEOUT_SECONDS per step), so it holds a default-queue worker that long."""
    return len(drills_due_run())
