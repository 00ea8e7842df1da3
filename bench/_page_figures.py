"""The page-latency figures: where each trial's time went, phase by phase, from the database
rows, the fake's arrivals and the pages worker's log; statistics and the printed rows."""

import re
import time
from collections import Counter
from dataclasses import dataclass

import _support as bench
from _page_trials import Trial

from testkit.seeding import ON_CALL_PHONE

CRISIS_MARK = "you are not alone"  # in the crisis message to the patient (templates/sms)
# Targets from the product issue: p99 of webhook 200 -> page SMS at Twilio.
TARGET_MS = {"idle": 250.0, "load": 500.0}


# Figures -------------------------------------------------------------------------------------

_LOG_LINE = re.compile(
    r"^\[(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d),(\d{3}): \w+/[\w-]+\] Task (followup\.\w+)"
    r"\[([0-9a-f-]+)\] (received|succeeded in ([0-9.e-]+)s)"
)


@dataclass
class TaskRun:
    name: str
    received: float | None = None
    started: float | None = None
    finished: float | None = None


def parse_worker_log(text: str) -> list[TaskRun]:
    """Task runs from a worker's INFO log (Celery stamps local time to the millisecond):
    received by the worker's main process, started (finished minus the reported runtime),
    finished."""
    runs: dict[str, TaskRun] = {}
    for line in text.splitlines():
        match = _LOG_LINE.match(line)
        if not match:
            continue
        stamp, millis, name, task_id, what, runtime = match.groups()
        at = time.mktime(time.strptime(stamp, "%Y-%m-%d %H:%M:%S")) + int(millis) / 1000
        run = runs.setdefault(task_id, TaskRun(name))
        if what == "received":
            run.received = at
        else:
            run.finished = at
            run.started = at - float(runtime)
    return list(runs.values())


PHASES = (
    ("webhook 200 -> handle_inbound received by pages worker", "a"),
    ("received -> started (a free pool process)", "b"),
    ("started -> page row written (answer, flag, escalation)", "c"),
    ("page row written -> handle_inbound finished (commit)", "d"),
    ("handle_inbound finished -> page send started", "e"),
    ("page send started -> request at Twilio", "f"),
)


def collect(trials: list[Trial], twilio, pages_log: str, reason: str = "suicidal_ideation") -> dict:
    """Per measured trial: the page SMS, call and crisis SMS arrival (matched by flag code and
    phone), and where the time went (database rows and the pages worker's log). ``reason``: the
    flag's (``crisis_language`` for words)."""
    from followup.models import Flag, InboundMessage, OutboundMessage

    measured = [t for t in trials if t.measured]
    inbound = {
        m.message_sid: m
        for m in InboundMessage.objects.filter(message_sid__in=[t.sid for t in measured])
    }
    flags = {
        f.patient.phone: f
        for f in Flag.objects.filter(
            patient__phone__in=[t.phone for t in measured], reason=reason
        ).select_related("patient")
    }
    rows = {
        m.flag_id: m
        for m in OutboundMessage.objects.filter(
            flag__in=flags.values(), purpose="page", channel="sms"
        )
    }
    sms = twilio.to(ON_CALL_PHONE, "Messages")
    calls = twilio.to(ON_CALL_PHONE, "Calls")
    runs = parse_worker_log(pages_log)
    handles = sorted(
        (r for r in runs if r.name == "followup.handle_inbound" and r.received is not None),
        key=lambda r: r.received,
    )
    sends = [r for r in runs if r.name == "followup.send_message" and r.started is not None]

    latencies, calls_ms, crisis_ms, webhook_ms, phases = [], [], [], [], []
    missing = 0
    for position, trial in enumerate(measured):
        webhook_ms.append((trial.responded - trial.posted) * 1000)
        flag = flags.get(trial.phone)
        page = call = None
        if flag is not None:
            page = next((r for r in sms if f"flag {flag.code}." in r.params["Body"]), None)
            spoken = "Flag " + " ".join(flag.code) + "."
            call = next((r for r in calls if spoken in r.params.get("Twiml", "")), None)
        crisis = next(
            (r for r in twilio.to(trial.phone, "Messages") if CRISIS_MARK in r.params["Body"]),
            None,
        )
        trial_page_at = page.at if page is not None else None
        if trial.status != 200 or trial_page_at is None:
            missing += 1
            continue
        latencies.append((trial_page_at - trial.responded) * 1000)
        if call is not None:
            calls_ms.append((call.at - trial.responded) * 1000)
        if crisis is not None:
            crisis_ms.append((crisis.at - trial.responded) * 1000)
        upper = measured[position + 1].posted if position + 1 < len(measured) else float("inf")
        handle = next((r for r in handles if trial.posted <= r.received < upper), None)
        row = rows.get(flag.pk)
        # The send that made the request: it ran across the arrival (the call's send may too;
        # the SMS's is the one that finished right after the row was marked sent).
        candidates = [r for r in sends if r.started - 0.002 <= trial_page_at <= r.finished + 0.002]
        sent_at = row.sent_at.timestamp() if row is not None and row.sent_at else trial_page_at
        send = min(candidates, key=lambda r: abs(r.finished - sent_at), default=None)
        if handle and handle.started and send and row and sid_ok(inbound, trial):
            written = row.created_at.timestamp()
            phases.append(
                {
                    "a": handle.received - trial.responded,
                    "b": handle.started - handle.received,
                    "c": written - handle.started,
                    "d": handle.finished - written,
                    "e": send.started - handle.finished,
                    "f": trial_page_at - send.started,
                }
            )
    return {
        "trials": len(measured),
        "paged": len(latencies),
        "missing": missing,
        "statuses": dict(Counter(t.status for t in measured)),
        "latency_ms": latencies,
        "call_ms": calls_ms,
        "crisis_ms": crisis_ms,
        "crisis_missing": len(measured) - len(crisis_ms),
        "webhook_ms": webhook_ms,
        "phases": phases,
        "first_posted": measured[0].posted,
        "last_posted": measured[-1].posted,
    }


def sid_ok(inbound: dict, trial: Trial) -> bool:
    message = inbound.get(trial.sid)
    return message is not None and message.status == "handled"


def stats(values: list[float]) -> dict:
    return {
        "n": len(values),
        "p50": bench.percentile(values, 0.50),
        "p90": bench.percentile(values, 0.90),
        "p99": bench.percentile(values, 0.99),
        "max": max(values, default=float("nan")),
        "mean": sum(values) / len(values) if values else float("nan"),
    }


def fmt(s: dict, unit: str = "ms") -> str:
    if not s["n"]:
        return "none"
    return f"{s['p50']:.0f} / {s['p90']:.0f} / {s['p99']:.0f} / {s['max']:.0f} {unit} (n={s['n']})"


def phase_rows(phases: list[dict]) -> list[tuple[str, object]]:
    if not phases:
        return [("where the time went", "not matched in the pages worker's log")]
    totals = {key: sum(p[key] for p in phases) for _, key in PHASES}
    whole = sum(totals.values()) or 1.0
    # The slowest tenth (by the sum of the phases): which phase grows in the tail.
    cut = bench.percentile([sum(p.values()) for p in phases], 0.9)
    tail = [p for p in phases if sum(p.values()) >= cut]
    rows: list[tuple[str, object]] = [
        (
            f"where the time went (n={len(phases)})",
            f"p50 / p90 / max ms, share of the mean; mean of the slowest {len(tail)}",
        )
    ]
    for label, key in PHASES:
        s = stats([p[key] * 1000 for p in phases])
        slow = sum(p[key] for p in tail) / len(tail) * 1000
        rows.append(
            (
                f"  {key}. {label}",
                f"{s['p50']:.0f} / {s['p90']:.0f} / {s['max']:.0f}, {totals[key] / whole:.0%}; "
                f"{slow:.0f}",
            )
        )
    return rows


def scenario_rows(name: str, figures: dict, extra: list[tuple[str, object]]) -> list:
    page = stats(figures["latency_ms"])
    verdict = verdict_of(name, figures)
    return [
        ("trials (measured)", f"{figures['trials']}, {figures['paged']} paged"),
        ("webhook HTTP statuses", figures["statuses"]),
        ("webhook round trip p50 / p99 (ms)", pair(stats(figures["webhook_ms"]))),
        ("200 -> page SMS at Twilio p50/p90/p99/max", fmt(page)),
        ("200 -> page call at Twilio p50/p90/p99/max", fmt(stats(figures["call_ms"]))),
        (
            "200 -> patient's crisis SMS p50/p90/p99/max",
            fmt(stats(figures["crisis_ms"])) + crisis_missing(figures),
        ),
        *extra,
        *phase_rows(figures["phases"]),
        (f"target p99 < {TARGET_MS[name]:.0f} ms", verdict),
    ]


def verdict_of(name: str, figures: dict) -> str:
    if figures["missing"] or not figures["latency_ms"]:
        return f"FAIL ({figures['missing']} trials without a page)"
    p99 = bench.percentile(figures["latency_ms"], 0.99)
    return f"{'PASS' if p99 < TARGET_MS[name] else 'FAIL'} (p99 {p99:.0f} ms)"


def pair(s: dict) -> str:
    return f"{s['p50']:.0f} / {s['p99']:.0f}" if s["n"] else "none"


def crisis_missing(figures: dict) -> str:
    return f", {figures['crisis_missing']} not sent yet" if figures["crisis_missing"] else ""
