"""How fast due check-ins go out: the dispatcher (beat -> ``followup.services.dispatch``) opens them and
the worker sends each first question to a Twilio-compatible server.

Seeds N SMS patients in a daytime zone, each with a session 25 hours ago (so the +24 h check-in
is due now), into a fresh PostgreSQL database; starts a private Redis, a worker and beat
(DISPATCH_INTERVAL_SECONDS=1) against an in-process FakeTwilio; waits until every patient has
their first question; prints the figures.

    .venv/bin/python bench/dispatch_rate.py [--patients 5000] [--concurrency 4] [--quick]
"""

import argparse
import datetime as dt
import os
import sys
import time
from collections import Counter

import _accounting as accounting
import _support as bench

from testkit import seeding


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--patients", type=int, default=5000, help="patients, one due check-in each (5000)"
    )
    parser.add_argument(
        "--settle",
        type=float,
        default=5.0,
        help="after the last patient is reached, wait this long with no new request before "
        "counting duplicates (default: %(default)s s)",
    )
    parser.add_argument("--quick", action="store_true", help="a fast sanity run: 500 patients")
    bench.add_common_arguments(parser)
    args = parser.parse_args(argv)
    if args.quick:
        args.patients = min(args.patients, 500)
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    with bench.bench_environment(args) as tmp:
        return run(args, tmp)


def run(args: argparse.Namespace, tmp) -> int:
    from testkit.stack import daytime_zone

    accounting.wait_for_quiet(args.wait_quiet)
    zone = daytime_zone()
    started = time.monotonic()
    seeded = seeding.seed(args.patients, zone=zone, mode=args.seed)
    bench.analyze_database()
    bench.say(
        f"seeded {len(seeded.phones)} patients in {zone} ({args.seed}) in "
        f"{time.monotonic() - started:.1f} s"
    )

    timed_out = False
    with bench.running_stack(tmp, database_url=args.database_url, concurrency=args.concurrency) as (
        stack,
        twilio,
    ):
        stack.start_worker()
        bench.say(f"worker ready (concurrency {args.concurrency}); starting beat")
        cpu_before = accounting.cpu_snapshot(stack)
        sessions_before = accounting.pg_sessions()
        beat_started = time.time()
        stack.start_beat()

        def reached() -> int:
            return len({m.params["To"] for m in twilio.messages if _is_first(m)})

        last_report = time.monotonic()
        deadline = time.monotonic() + args.timeout
        while (count := reached()) < len(seeded.phones):
            if time.monotonic() > deadline:
                timed_out = True
                bench.say(f"TIMEOUT: {count}/{len(seeded.phones)} patients reached")
                break
            if time.monotonic() - last_report >= 10:
                bench.say(f"{count}/{len(seeded.phones)} first questions received")
                last_report = time.monotonic()
            time.sleep(0.2)
        cpu = accounting.cpu_used(cpu_before, accounting.cpu_snapshot(stack))
        cpu_wall = time.time() - beat_started
        sessions = accounting.pg_sessions() - sessions_before
        bench.say(f"{reached()} patients reached; settling {args.settle:.0f} s")
        _settle(twilio, args.settle)
        messages = twilio.messages
        worker_log = stack.log("worker")
        connections = twilio.connections_accepted

    figures = _figures(seeded, messages, beat_started)
    outcomes = accounting.task_outcomes(worker_log)
    problems = accounting.task_problems(worker_log)
    figures["cpu"] = cpu
    figures["cpu_wall"] = cpu_wall
    figures["sessions"] = sessions
    print(_report(args, zone, figures, outcomes, problems, connections, timed_out))
    return 0 if figures["ok"] and not timed_out else 1


def _is_first(message) -> bool:
    return bench.FIRST_QUESTION in message.params.get("Body", "")


def _settle(twilio, quiet_for: float) -> None:
    deadline = time.monotonic() + max(quiet_for * 4, 30)
    while time.monotonic() < deadline:
        last = max((r.at for r in twilio.requests), default=0.0)
        if time.time() - last >= quiet_for:
            return
        time.sleep(0.2)


def _figures(seeded, messages, beat_started: float) -> dict:
    from followup.models import CheckIn, OutboundMessage

    opened = {
        phone: (sent_at, due_at)
        for phone, sent_at, due_at in CheckIn.objects.filter(
            patient__clinic_id=seeded.clinic_id, sent_at__isnull=False
        ).values_list("patient__phone", "sent_at", "due_at")
    }
    statuses = Counter(
        CheckIn.objects.filter(
            patient__clinic_id=seeded.clinic_id, session__isnull=False, step=0
        ).values_list("status", flat=True)
    )
    queued = dict(
        OutboundMessage.objects.filter(purpose="question").values_list("to", "created_at")
    )
    outbound = Counter(OutboundMessage.objects.values_list("status", flat=True))
    retried = OutboundMessage.objects.filter(attempts__gt=1).count()

    per_phone = Counter(m.params["To"] for m in messages)
    first_at: dict[str, float] = {}
    for message in sorted(messages, key=lambda m: m.at):
        if _is_first(message):
            first_at.setdefault(message.params["To"], message.at)
    phones = set(seeded.phones)
    missing = len(phones - set(first_at))
    duplicates = sum(1 for phone in phones if per_phone[phone] > 1)
    extra = sum(per_phone[phone] - 1 for phone in phones if per_phone[phone] > 1)
    unknown = sum(count for phone, count in per_phone.items() if phone not in phones)

    claims = [opened[p][0].timestamp() for p in first_at if p in opened]
    first_claim = min(claims) if claims else float("nan")
    last_claim = max(claims) if claims else float("nan")
    last_sms = max(first_at.values()) if first_at else float("nan")
    seconds = last_sms - first_claim
    claim_latency = [first_at[p] - opened[p][0].timestamp() for p in first_at if p in opened]
    due_latency = [first_at[p] - opened[p][1].timestamp() for p in first_at if p in opened]
    queue_latency = [first_at[p] - queued[p].timestamp() for p in first_at if p in queued]
    return {
        "patients": len(phones),
        "sent": len(first_at),
        "seconds": seconds,
        "per_minute": len(first_at) / seconds * 60 if seconds > 0 else float("nan"),
        "beat_to_first_claim": first_claim - beat_started,
        "claims_spread": last_claim - first_claim,
        "sweeps": len({round(c, 3) for c in claims}),
        "claim_p50": bench.percentile(claim_latency, 0.50),
        "claim_p99": bench.percentile(claim_latency, 0.99),
        "claim_max": max(claim_latency, default=float("nan")),
        "due_p50": bench.percentile(due_latency, 0.50),
        "queue_p50": bench.percentile(queue_latency, 0.50),
        "queue_p99": bench.percentile(queue_latency, 0.99),
        "missing": missing,
        "duplicates": duplicates,
        "extra": extra,
        "unknown": unknown,
        "check_in_status": dict(statuses),
        "outbound_status": dict(outbound),
        "retried": retried,
        "ok": missing == 0 and duplicates == 0 and unknown == 0,
    }


def _report(args, zone, f, outcomes, problems, connections, timed_out) -> str:
    sends = {
        result: count for (task, result), count in outcomes.items() if task.endswith("send_message")
    }
    dispatches = sum(c for (t, _), c in outcomes.items() if t == "followup.dispatch")
    rows = [
        ("date (UTC)", dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M")),
        ("configuration", f"PostgreSQL, Redis broker, worker --concurrency={args.concurrency}"),
        ("patient zone", zone),
        ("check-ins due", f["patients"]),
        ("first questions sent", f["sent"]),
        ("seconds (first claim -> last SMS)", f"{f['seconds']:.2f}"),
        ("check-ins dispatched per minute", f"{f['per_minute']:.0f}"),
        ("claim -> SMS p50 / p99 / max (s)", _triple(f, "claim")),
        ("row queued -> SMS p50 / p99 (s)", f"{f['queue_p50']:.2f} / {f['queue_p99']:.2f}"),
        ("due -> SMS p50 (s; due 1 h before start)", f"{f['due_p50']:.0f}"),
        ("beat start -> first claim (s)", f"{f['beat_to_first_claim']:.2f}"),
        ("all claimed within (s), sweeps", f"{f['claims_spread']:.2f}, {f['sweeps']}"),
        ("missing / duplicated patients", f"{f['missing']} / {f['duplicates']}"),
        ("extra messages, to unknown numbers", f"{f['extra']}, {f['unknown']}"),
        ("check-in status (step 0)", f["check_in_status"]),
        ("outbound status", f["outbound_status"]),
        ("outbound rows retried (attempts > 1)", f["retried"]),
        ("send_message results", sends),
        ("dispatch ticks run", dispatches),
        ("tasks not run / failed", dict(problems) or "none"),
        ("connections to fake Twilio", connections),
        ("PostgreSQL connections opened", _per_task(f["sessions"], outcomes)),
        (f"CPU s used in {f['cpu_wall']:.0f} s wall ({os.cpu_count()} cores)", f["cpu"]),
        ("other load during the run", accounting.noise(f["cpu"], f["cpu_wall"])),
        ("verdict", "OK" if f["ok"] and not timed_out else "FAILED"),
    ]
    return bench.summary("dispatch_rate", rows)


def _per_task(sessions: int, outcomes: Counter) -> str:
    tasks = sum(outcomes.values())
    return f"{sessions} for {tasks} worker tasks run" + (
        f" ({sessions / tasks:.2f} per task)" if tasks else ""
    )


def _triple(f: dict, key: str) -> str:
    return f"{f[key + '_p50']:.2f} / {f[key + '_p99']:.2f} / {f[key + '_max']:.2f}"


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        sys.exit(130)
