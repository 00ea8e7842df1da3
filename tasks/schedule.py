"""The beat schedule: periodic ticks only. Every future obligation is a row with a due time,
so a tick that runs twice or is missed does no harm."""

from django.conf import settings


def beat_schedule() -> dict:
    return {
        "heartbeat": {
            "task": "followup.heartbeat",
            "schedule": float(settings.DISPATCH_INTERVAL_SECONDS),
            "options": {"expires": settings.DISPATCH_INTERVAL_SECONDS},
        },
    }
