from celery import shared_task

from followup.job_names import Job
from followup.services.digest import digests_send_due


@shared_task(name=Job.DIGEST)
def digest() -> int:
    """The morning digest's periodic tick. Once per clinic and local day: each clinic's day is
    claimed by its unique ``Digest`` row in the transaction that sends it, so a repeated tick or
    two schedulers send nothing twice. At least once per clinician: a send the mail server broke
    off records nothing and is sent again, to everyone, at the next tick."""
    return digests_send_due()
