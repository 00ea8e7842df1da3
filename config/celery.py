"""The Celery app (``celery -A config worker`` / ``celery -A config beat``).

Without ``REDIS_URL`` the broker is kombu's file-system transport under ``var/broker``, which
web, worker and scheduler share with no server; with it, Redis. Delivery is at least once
(``acks_late``, redelivery after the visibility timeout), so every task is idempotent.
"""

import os

from celery import Celery
from celery.signals import worker_init

from followup.crisis_language import semantic

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("config")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(["tasks"], related_name=None)


@worker_init.connect
def _warm_crisis_reader(**kwargs: object) -> None:
    # Loaded once in the worker's main process, before it forks its pool: the children share
    # the encoder's 90 MB, and no crisis text waits half a second for it to load.
    semantic.warm()
