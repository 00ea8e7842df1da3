"""The Celery app (``celery -A config worker`` / ``celery -A config beat``).

Without ``REDIS_URL`` the broker is kombu's file-system transport under ``var/broker``, which
web, worker and scheduler share with no server; with it, Redis. Delivery is at least once
(``acks_late``, redelivery after the visibility timeout), so every task is idempotent.
"""

import logging.config
import os
from contextvars import Token

from celery import Celery, Task
from celery.signals import beat_init, setup_logging, task_postrun, task_prerun, worker_init
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import close_old_connections

from followup import logs
from followup.checks import refuse_to_start_when_misconfigured
from followup.clinical.crisis_language import semantic

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("config")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(["tasks"], related_name=None)


@worker_init.connect
@beat_init.connect
def _refuse_to_start_when_misconfigured(**kwargs: object) -> None:
    # With DEBUG off: no http PUBLIC_BASE_URL, weak SECRET_KEY or console SMS backend. Celery
    # logs and ignores an exception in a signal handler; SystemExit stops the process.
    try:
        refuse_to_start_when_misconfigured()
    except ImproperlyConfigured as problem:
        raise SystemExit(str(problem)) from None


@worker_init.connect
def _warm_crisis_reader(**kwargs: object) -> None:
    # Loaded once in the worker's main process, before it forks its pool: the children share
    # the encoder's 90 MB, and no crisis text waits half a second for it to load.
    semantic.warm()


@task_prerun.connect
@task_postrun.connect
def _database_connections_as_a_request_would(task: Task | None = None, **kwargs: object) -> None:
    # Celery's Django fixup closes the connection around every task unless
    # ``CELERY_DB_REUSE_MAX`` is set (settings set it): every task then paid a new PostgreSQL
    # backend, about a third of the worker's CPU. Instead each task is treated like a web
    # request: the connection is kept for ``CONN_MAX_AGE`` and dropped when it is unusable (a
    # database restart, an error mid-transaction), with Django's health check before reuse.
    # A task applied in the caller's process (tests) uses the caller's connection: not ours.
    if not getattr(getattr(task, "request", None), "is_eager", False):
        close_old_connections()


@setup_logging.connect
def _django_logging(**kwargs: object) -> None:
    # Connected, this signal stops Celery from setting up logging its own way: worker and
    # scheduler log through Django's LOGGING, masking patient data, as JSON with
    # LOG_FORMAT=json.
    logging.config.dictConfig(settings.LOGGING)


# The task each log line belongs to (LOG_FORMAT=json), by the id Celery gave it; a token per
# running task, as a task applied inside another (tests) must give the outer id back.
_task_tokens: dict[str, list[Token[str | None]]] = {}


@task_prerun.connect
def _task_id_in_logs(task_id: str | None = None, **kwargs: object) -> None:
    if task_id:
        _task_tokens.setdefault(task_id, []).append(logs.task_id.set(task_id))


@task_postrun.connect
def _task_id_out_of_logs(task_id: str | None = None, **kwargs: object) -> None:
    tokens = _task_tokens.get(task_id or "")
    if tokens:
        logs.task_id.reset(tokens.pop())
        if not tokens:
            del _task_tokens[task_id or ""]
