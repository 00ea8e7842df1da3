"""The one seam between the domain and Celery: enqueue a task once the transaction commits.

A broker that is down must never undo or fail the work that was committed: the row is the
obligation, and the periodic sweep re-drives whatever the fast path could not enqueue.
"""

import logging
import time

from django.db import transaction

from config.celery import app
from followup.job_names import Job, Queue

__all__ = ["Job", "Queue", "enqueue"]

logger = logging.getLogger(__name__)

# Each attempt on a broker that is down costs seconds (kombu's connection timeout), and one
# webhook that pages enqueues several tasks: after a failure, the next few seconds' enqueues are
# left to the sweep at once, so the webhook still answers Twilio in time.
BROKER_DOWN_SKIP_SECONDS = 5.0
_broker_down_until = 0.0


def enqueue(
    task_name: Job, *args: object, queue: Queue | None = None, countdown: float | None = None
) -> None:
    """``countdown`` is for short waits only (a retry's backoff): longer obligations are rows."""

    def send() -> None:
        global _broker_down_until
        if time.monotonic() < _broker_down_until:
            logger.warning(
                "enqueue %s%r skipped, the broker is down; left to the sweep", task_name, args
            )
            return
        options = {"countdown": countdown} if countdown else {}
        try:
            app.send_task(task_name, args=args, queue=queue, retry=False, **options)
        except Exception as exc:  # the broker is down: the sweep will pick the row up
            _broker_down_until = time.monotonic() + BROKER_DOWN_SKIP_SECONDS
            logger.warning("enqueue %s%r failed (%s); left to the sweep", task_name, args, exc)

    transaction.on_commit(send, robust=True)
