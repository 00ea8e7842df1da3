"""The series ``/metrics`` exposes, each a small function of the scrape's time that reads the
database (or the broker, or the heartbeat) at that moment: every web and worker process then
reports the same truth. To add one, write a function here and add it to ``SERIES``."""

import datetime as dt
import math
from collections.abc import Callable, Iterable

from prometheus_client.core import (
    CounterMetricFamily,
    GaugeMetricFamily,
    HistogramMetricFamily,
    Metric,
)

from followup.models import SafetyDrill
from followup.selectors.drills import drills_last_finished
from followup.selectors.metrics import (
    checkin_oldest_due_at,
    flag_oldest_open_critical_at,
    flags_open_by_priority,
    page_latencies,
    pages_by_outcome,
)
from followup.services.heartbeat import tick_latest
from followup.web.metrics.broker import queue_depths

Series = Callable[[dt.datetime], Iterable[Metric]]

# From a reply read to the page sent: seconds are the aim, minutes are an incident.
PAGE_LATENCY_BUCKETS = (1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0, 600.0)


def _seconds_since(now: dt.datetime, then: dt.datetime | None) -> float:
    return max(0.0, (now - then).total_seconds()) if then is not None else 0.0


def queue_depth(now: dt.datetime) -> Iterable[Metric]:
    gauge = GaugeMetricFamily(
        "followup_queue_depth", "Tasks waiting in the broker, per queue.", labels=["queue"]
    )
    for queue, depth in sorted((queue_depths() or {}).items()):
        gauge.add_metric([queue], depth)
    yield gauge


def dispatch_lag(now: dt.datetime) -> Iterable[Metric]:
    yield GaugeMetricFamily(
        "followup_dispatch_lag_seconds",
        "Seconds since the oldest check-in still waiting to be sent fell due (0: none waits).",
        value=_seconds_since(now, checkin_oldest_due_at(now=now)),
    )


def page_latency(now: dt.datetime) -> Iterable[Metric]:
    latencies = page_latencies()
    buckets = [
        (str(bound), sum(1 for seconds in latencies if seconds <= bound))
        for bound in PAGE_LATENCY_BUCKETS
    ]
    family = HistogramMetricFamily(
        "followup_page_latency_seconds",
        "Seconds from a flag being raised (its answer read) to its first page being sent.",
    )
    family.add_metric([], [*buckets, ("+Inf", len(latencies))], sum(latencies))
    yield family


def pages(now: dt.datetime) -> Iterable[Metric]:
    counter = CounterMetricFamily(
        "followup_pages",
        "Pages to clinicians sent and failed, and paged flags acknowledged.",
        labels=["outcome"],
    )
    for outcome, count in pages_by_outcome().items():
        counter.add_metric([outcome], count)
    yield counter


def open_flags(now: dt.datetime) -> Iterable[Metric]:
    gauge = GaugeMetricFamily(
        "followup_open_flags", "Flags not yet acknowledged, per priority.", labels=["priority"]
    )
    for priority, count in flags_open_by_priority().items():
        gauge.add_metric([priority], count)
    yield gauge


def oldest_open_critical_flag(now: dt.datetime) -> Iterable[Metric]:
    yield GaugeMetricFamily(
        "followup_oldest_open_critical_flag_age_seconds",
        "Age of the oldest critical flag nobody has acknowledged (0: none).",
        value=_seconds_since(now, flag_oldest_open_critical_at()),
    )


def seconds_since_last_tick(now: dt.datetime) -> Iterable[Metric]:
    # Never ticked (or the heartbeat unreadable): +Inf, so the alert on it fires.
    tick = tick_latest()
    yield GaugeMetricFamily(
        "followup_seconds_since_last_tick",
        "Seconds since the dispatcher last ticked (+Inf: no tick recorded).",
        value=_seconds_since(now, tick) if tick is not None else math.inf,
    )


def safety_drills(now: dt.datetime) -> Iterable[Metric]:
    # One sample per clinic that has run a drill; a clinic that never ran one has none (the
    # alert on a stale drill then stays quiet for it: scheduling drills is the clinic's choice).
    success = GaugeMetricFamily(
        "followup_safety_drill_last_success",
        "1 if the clinic's last safety drill passed every step, 0 if it failed.",
        labels=["clinic"],
    )
    finished = GaugeMetricFamily(
        "followup_safety_drill_last_finished_timestamp_seconds",
        "When the clinic's last safety drill finished (Unix time).",
        labels=["clinic"],
    )
    for clinic_id, status, finished_at in drills_last_finished():
        success.add_metric([str(clinic_id)], 1 if status == SafetyDrill.Status.PASSED else 0)
        finished.add_metric([str(clinic_id)], finished_at.timestamp())
    yield success
    yield finished


SERIES: list[Series] = [
    queue_depth,
    dispatch_lag,
    page_latency,
    pages,
    open_flags,
    oldest_open_critical_flag,
    seconds_since_last_tick,
    safety_drills,
]
