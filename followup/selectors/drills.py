"""Reads about safety drills, for /healthz and the metrics."""

import datetime as dt

from django.db.models import OuterRef, Subquery

from followup.models import SafetyDrill


def drills_last_finished() -> list[tuple[int, str, dt.datetime]]:
    """Per clinic that has run one, its last finished drill: (clinic_id, status, finished_at).

    One query on any database (no DISTINCT ON): each clinic's latest finished drill by id.
    """
    finished = SafetyDrill.objects.filter(finished_at__isnull=False)
    latest = finished.filter(clinic_id=OuterRef("clinic_id")).order_by("-finished_at", "-pk")
    rows = (
        finished.filter(pk=Subquery(latest.values("pk")[:1]))
        .order_by("clinic_id")
        .values_list("clinic_id", "status", "finished_at")
    )
    return [
        (clinic_id, status, finished_at)
        for clinic_id, status, finished_at in rows
        if finished_at is not None
    ]
