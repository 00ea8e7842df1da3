"""Reads about safety drills, for /healthz and the metrics."""

import datetime as dt

from followup.models import SafetyDrill


def drills_last_finished() -> list[tuple[int, str, dt.datetime]]:
    """Per clinic that has run one, its last finished drill: (clinic_id, status, finished_at)."""
    rows = (
        SafetyDrill.objects.filter(finished_at__isnull=False)
        .order_by("clinic_id", "-finished_at", "-pk")
        .distinct("clinic_id")
        .values_list("clinic_id", "status", "finished_at")
    )
    return [
        (clinic_id, status, finished_at)
        for clinic_id, status, finished_at in rows
        if finished_at is not None
    ]
