"""The one seam between the domain and Celery: enqueue a task once the transaction commits.

A broker that is down must never undo or fail the work that was committed: the row is the
obligation, and the periodic sweep re-drives whatever the fast path could not enqueue.
"""

import logging

from django.db import transaction

logger = logging.getLogger(__name__)


def enqueue(
    task_name: str, *args: object, queue: str | None = None, countdown: float | None = None
) -> None:
    """``countdown`` is for short waits only (a retry's backoff): longer obligations are rows."""

    def send() -> None:
        from config.celery import app

        options = {"countdown": countdown} if countdown else {}
        try:
            app.send_task(task_name, args=args, queue=queue, retry=False, **options)
        except Exception as exc:  # the broker is down: the sweep will pick the row up
            logger.warning("enqueue %s%r failed (%s); left to the sweep", task_name, args, exc)

    transaction.on_commit(send, robust=True)
