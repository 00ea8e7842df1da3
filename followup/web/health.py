"""``/healthz``: 200 when the database and the broker answer, 503 otherwise. The last safety
drill of each clinic is shown too, as information: a failed drill never makes it fail."""

import datetime as dt
import logging
import os

import redis
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from followup.selectors.drills import drills_last_finished
from followup.services.heartbeat import tick_latest

logger = logging.getLogger(__name__)

FIRST_SEEN_KEY = "followup:healthz-first-seen"
# The dispatcher ticks every DISPATCH_INTERVAL_SECONDS; a minute without one means the pipeline
# that sends check-ins and pages is down, and an outside monitor must page someone.
STALE_AFTER = dt.timedelta(minutes=1)


def _database() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:
        logger.exception("healthz: database unreachable")
        return False


def _broker() -> bool:
    url = settings.CELERY_BROKER_URL
    if url.startswith(("redis://", "rediss://")):
        try:
            client = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)
            try:
                return bool(client.ping())
            finally:
                client.close()
        except redis.RedisError:
            logger.warning("healthz: broker unreachable")
            return False
    # The embedded file-system broker: reachable when its folder is there and writable.
    folder = settings.BROKER_DIR / "queue"
    return folder.is_dir() and os.access(folder, os.W_OK)


def _scheduler(tick: dt.datetime | None) -> bool:
    now = timezone.now()
    if tick is not None:
        return now - tick <= STALE_AFTER
    # Never ticked: fine for the first minute after start-up, then it is down.
    try:
        cache.add(FIRST_SEEN_KEY, now.isoformat(), timeout=None)
        first_seen = dt.datetime.fromisoformat(cache.get(FIRST_SEEN_KEY) or now.isoformat())
    except Exception:
        return False
    return now - first_seen <= STALE_AFTER


def _safety_drills() -> dict[str, dict[str, str]]:
    """Each clinic's last finished drill, by clinic id (ids only: no names on an open URL)."""
    try:
        return {
            str(clinic_id): {"status": status, "finished_at": finished_at.isoformat()}
            for clinic_id, status, finished_at in drills_last_finished()
        }
    except Exception:
        logger.exception("healthz: safety drills unreadable")
        return {}


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    checks = {"database": _database(), "broker": _broker()}
    tick = tick_latest() if checks["broker"] else None
    checks["scheduler"] = checks["broker"] and _scheduler(tick)
    healthy = all(checks.values())
    return JsonResponse(
        {
            "status": "ok" if healthy else "unavailable",
            "checks": checks,
            # The last time the scheduler and a worker ran the dispatcher's tick.
            "scheduler_last_tick": tick.isoformat() if tick else None,
            "safety_drills": _safety_drills() if checks["database"] else None,
        },
        status=200 if healthy else 503,
    )
