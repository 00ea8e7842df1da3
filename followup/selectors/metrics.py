"""Reads for the monitoring endpoint (``/metrics``): counts and ages taken from the database at
scrape time, the one truth every web and worker process shares. Counts only, never patient
data."""

import datetime as dt

from django.db.models import Count, Min, Q

from followup.models import CheckIn, Flag, OutboundMessage

PAGE = OutboundMessage.Purpose.PAGE
# A page reached Twilio (``sent_at`` is set then, whatever its delivery did afterwards).
_PAGE_SENT = Q(sent_at__isnull=False)
# A page that never reached the clinician: refused by Twilio or by the carrier.
_PAGE_FAILED = Q(status__in=[OutboundMessage.Status.FAILED, OutboundMessage.Status.UNDELIVERED])


def flags_open_by_priority() -> dict[str, int]:
    """Open (not yet acknowledged) flags per priority, every priority named, 0 when none."""
    counts = dict(
        Flag.objects.filter(status=Flag.Status.OPEN)
        .values_list("priority")
        .annotate(count=Count("id"))
        .values_list("priority", "count")
    )
    return {priority: counts.get(priority, 0) for priority in Flag.Priority.values}


def flag_oldest_open_critical_at() -> dt.datetime | None:
    """When the oldest critical flag still unacknowledged was raised; None when there is none."""
    return Flag.objects.filter(status=Flag.Status.OPEN, priority=Flag.Priority.CRITICAL).aggregate(
        oldest=Min("created_at")
    )["oldest"]


def pages_by_outcome() -> dict[str, int]:
    """Pages ever sent and failed (one per message: an SMS and a call are two pages), and flags
    acknowledged after a page."""
    totals = OutboundMessage.objects.filter(purpose=PAGE).aggregate(
        sent=Count("id", filter=_PAGE_SENT), failed=Count("id", filter=_PAGE_FAILED)
    )
    acknowledged = (
        Flag.objects.filter(acknowledged_at__isnull=False, messages__purpose=PAGE)
        .distinct()
        .count()
    )
    return {"sent": totals["sent"], "failed": totals["failed"], "acknowledged": acknowledged}


def page_latencies() -> list[float]:
    """For each flag that paged: seconds from the flag being raised (the moment the answer
    that raised it was read) to its first page being sent. All of them, so that the histogram
    built from them only ever grows, as Prometheus expects of one."""
    first_sent = (
        Flag.objects.annotate(first_sent=Min("messages__sent_at", filter=Q(messages__purpose=PAGE)))
        .filter(first_sent__isnull=False)
        .values_list("created_at", "first_sent")
    )
    return [max(0.0, (sent - raised).total_seconds()) for raised, sent in first_sent]


def checkin_oldest_due_at(*, now: dt.datetime) -> dt.datetime | None:
    """The due time of the oldest check-in still waiting for the dispatcher; None when none is
    due. (The dispatcher's own index, status and due_at, answers it.)"""
    return CheckIn.objects.filter(status=CheckIn.Status.SCHEDULED, due_at__lte=now).aggregate(
        oldest=Min("due_at")
    )["oldest"]
