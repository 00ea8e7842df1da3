from celery import shared_task
from django.utils import timezone

from followup.job_names import Job
from followup.services.idempotency import idempotency_purge


@shared_task(name=Job.PURGE_IDEMPOTENCY_KEYS)
def purge_idempotency_keys() -> int:
    """The hourly purge of the API's Idempotency-Keys past their lifetime. Idempotent: a key
    deleted twice is deleted once, and a missed run leaves the keys to the next (an expired key
    never replays, purged or not)."""
    return idempotency_purge(now=timezone.now())
