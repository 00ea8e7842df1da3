"""The scheduler's heartbeat: each dispatcher tick records when it ran, and ``/healthz`` and an
outside monitor read it to tell a live pipeline from a stopped one."""

import datetime as dt

from django.core.cache import cache
from django.utils import timezone

TICK_KEY = "followup:scheduler-tick"


def tick_record() -> None:
    cache.set(TICK_KEY, timezone.now().isoformat(), timeout=None)


def tick_latest() -> dt.datetime | None:
    try:
        value = cache.get(TICK_KEY)
    except Exception:
        return None
    return dt.datetime.fromisoformat(value) if value else None
