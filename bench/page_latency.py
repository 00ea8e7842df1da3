"""How long a clinician waits for a page: from the 200 of the inbound webhook carrying a
patient's PHQ-9 item 9 answer to the page SMS reaching the Twilio-compatible server.

Runs the stack as production splits it (gunicorn web, a worker for the default queue, a
separate worker for the ``pages`` queue, beat, a private Redis, DISPATCH_INTERVAL_SECONDS=1)
against an in-process FakeTwilio and a fresh PostgreSQL database. Each trial is one patient of
their own, waiting at PHQ-9 item 9, who answers "2" by a signed ``POST /twilio/sms/``; one
clinician is on call at level 1. Trials run one at a time: the next starts ``--spacing``
seconds after the previous one's page SMS and call have arrived. Two scenarios:

1. idle: nothing else to do but the scheduler's ticks;
2. load: the same, while the dispatcher and the default worker send a backlog of check-ins
   (``--checkins`` patients seeded like dispatch_rate.py, made due all at once).

Also reported per scenario: the page call and the patient's crisis SMS (same clock), and where
the time went, phase by phase, from the database rows and the pages worker's log.

    .venv/bin/python bench/page_latency.py [--trials 120] [--checkins 5000] [--quick]

Exit status: 0 both targets met, 2 a target missed, 1 the measurement itself failed (a page
never arrived, a webhook was refused).
"""

import argparse
import contextlib
import datetime as dt
import os
import sys
import time
from pathlib import Path

import _accounting as accounting
import _support as bench
from _page_figures import (
    CRISIS_MARK,
    TARGET_MS,
    collect,
    fmt,
    scenario_rows,
    stats,
    verdict_of,
)
from _page_trials import Webhooks, pages_stack, run_trials

from testkit import seeding

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/followup_bench_pages"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--trials", type=int, default=120, help="measured trials per scenario (%(default)s)"
    )
    parser.add_argument(
        "--checkins",
        type=int,
        default=5000,
        help="check-ins dispatched during the load scenario (%(default)s)",
    )
    parser.add_argument(
        "--warmup",
        type=int,
        default=4,
        help="unmeasured trials before the idle scenario, to warm every process (%(default)s)",
    )
    parser.add_argument(
        "--spacing",
        type=float,
        default=0.15,
        help="seconds between a trial's page arriving and the next trial (%(default)s)",
    )
    parser.add_argument(
        "--page-timeout",
        type=float,
        default=30.0,
        help="give up on one trial's page after this many seconds (%(default)s)",
    )
    parser.add_argument(
        "--drain-wait",
        type=float,
        default=300.0,
        help="after the load trials, wait up to this long for the backlog and the patients' "
        "crisis messages, to report when they went out (%(default)s s)",
    )
    parser.add_argument("--web-workers", type=int, default=2, help="gunicorn --workers (2)")
    parser.add_argument("--web-threads", type=int, default=8, help="gunicorn --threads (8)")
    parser.add_argument(
        "--pages-concurrency",
        type=int,
        default=2,
        help="--concurrency of the worker for the pages queue (%(default)s)",
    )
    parser.add_argument(
        "--answer",
        default="2",
        help="the item 9 answer each patient sends (2); words ('i want to end it tonight') "
        "take the crisis-language path, the trained reader included",
    )
    parser.add_argument(
        "--quick", action="store_true", help="a fast sanity run: 30 trials, 1000 check-ins"
    )
    bench.add_common_arguments(parser)
    # --concurrency (from the shared arguments) is the default-queue worker's.
    parser.set_defaults(database_url=DEFAULT_DATABASE_URL)
    args = parser.parse_args(argv)
    if args.quick:
        args.trials = min(args.trials, 30)
        args.checkins = min(args.checkins, 1000)
        args.drain_wait = min(args.drain_wait, 120.0)
    if args.answer.strip() in ("", "0"):
        parser.error("--answer must raise a critical flag: 1, 2, 3, or words that are not 0")
    if args.trials < 1:
        parser.error("--trials must be at least 1")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    with bench.bench_environment(args) as tmp:
        return run(args, tmp)


# The run -------------------------------------------------------------------------------------


def run(args: argparse.Namespace, tmp: Path) -> int:
    from testkit.stack import daytime_zone

    accounting.wait_for_quiet(args.wait_quiet)
    zone = daytime_zone()
    started = time.monotonic()
    load = seeding.seed(args.checkins, zone=zone, mode=args.seed)
    held = seeding.hold_check_ins(load.clinic_id)
    idle_count = args.warmup + args.trials
    trial = seeding.seed_trial_patients(idle_count + args.trials, zone)
    bench.analyze_database()
    bench.say(
        f"seeded {len(load.phones)} load patients ({len(held)} check-ins held back) and "
        f"{len(trial.phones)} trial patients in {zone} in {time.monotonic() - started:.1f} s"
    )
    watched = {seeding.ON_CALL_PHONE, *trial.phones}
    with pages_stack(tmp, args, watched) as (stack, twilio):
        stack.start_web()
        stack.start_queue_worker("worker", "celery", args.concurrency)
        stack.start_queue_worker("pages", "pages", args.pages_concurrency)
        stack.wait_ready("worker")
        stack.wait_ready("pages")
        stack.start_beat()
        stack.wait(
            lambda: (
                "followup.dispatch[" in stack.log("worker")
                and "followup.escalations[" in stack.log("pages")
            ),
            "the first scheduler ticks",
            timeout=30,
        )
        bench.say(
            f"web (gunicorn {args.web_workers}x{args.web_threads}), worker -Q celery "
            f"(concurrency {args.concurrency}), worker -Q pages (concurrency "
            f"{args.pages_concurrency}) and beat up"
        )
        webhooks = Webhooks(stack, twilio)

        # 1. Idle.
        bench.say(f"idle: {args.warmup} warm-up + {args.trials} trials")
        idle_cpu_before = accounting.cpu_snapshot(stack)
        idle_started = time.time()
        idle_trials = run_trials(
            "idle", trial.phones[:idle_count], args.warmup, args, webhooks, twilio
        )
        idle_cpu = accounting.cpu_used(idle_cpu_before, accounting.cpu_snapshot(stack))
        idle_wall = time.time() - idle_started
        acknowledged = seeding.acknowledge_flags(trial)
        _wait_outbound_settled(timeout=60)
        bench.say(f"idle done; {acknowledged} flags acknowledged")

        # 2. Under a check-in backlog.
        import redis

        broker = redis.Redis(port=stack.redis_port)

        def progress() -> tuple[int, int]:
            return args.checkins - twilio.first_questions_sent(), broker.llen("celery")

        cpu_before = accounting.cpu_snapshot(stack)
        released_at = seeding.release_check_ins(held)
        bench.say(f"released {len(held)} check-ins; waiting for the first to reach Twilio")
        bench.wait_until(lambda: twilio.first_questions_sent() > 0, "the first check-in", 60, 0.01)
        first_checkin_at = min(
            (r.at for r in twilio.requests if bench.FIRST_QUESTION in r.params.get("Body", "")),
            default=float("nan"),
        )
        load_trials = run_trials(
            "load", trial.phones[idle_count:], 0, args, webhooks, twilio, progress
        )
        outstanding_end, queued_end = progress()
        cpu = accounting.cpu_used(cpu_before, accounting.cpu_snapshot(stack))
        cpu_wall = time.time() - released_at
        bench.say(
            f"load trials done with {outstanding_end} check-ins outstanding; waiting up to "
            f"{args.drain_wait:.0f} s for the backlog and the crisis messages"
        )
        load_phones = {t.phone for t in load_trials if t.measured}

        def drained() -> bool:
            crisis_done = all(
                any(CRISIS_MARK in r.params["Body"] for r in twilio.to(p, "Messages"))
                for p in load_phones
            )
            return crisis_done and twilio.first_questions_sent() >= len(held)

        with contextlib.suppress(TimeoutError):
            bench.wait_until(drained, "the backlog", args.drain_wait, 0.5)
        backlog_done = twilio.first_questions_sent() >= len(held)
        last_checkin_at = twilio.last_first_question_at
        pages_log = stack.log("pages")
        worker_log = stack.log("worker")
        idle = collect(idle_trials, twilio, pages_log)
        loaded = collect(load_trials, twilio, pages_log)
        connections = twilio.connections_accepted

    idle.update(cpu=idle_cpu, cpu_wall=idle_wall)
    loaded.update(
        outstanding_start=load_trials[0].outstanding,
        queued_start=load_trials[0].queued,
        outstanding_end=outstanding_end,
        queued_end=queued_end,
        overlapped=sum(1 for t in load_trials if t.outstanding),
        release_to_first=first_checkin_at - released_at,
        release_to_trials=load_trials[0].posted - released_at,
        release_to_last=(last_checkin_at - released_at) if backlog_done else None,
        trials_seconds=load_trials[-1].posted - load_trials[0].posted,
        cpu=cpu,
        cpu_wall=cpu_wall,
    )
    problems = accounting.task_problems(pages_log) + accounting.task_problems(worker_log)
    print(_report(args, zone, len(held), idle, loaded, problems, connections))
    if idle["missing"] or loaded["missing"]:
        return 1
    passed = all(verdict_of(n, f).startswith("PASS") for n, f in (("idle", idle), ("load", loaded)))
    return 0 if passed else 2


def _wait_outbound_settled(timeout: float) -> None:
    """Until the idle trials' crisis messages and next questions are out."""
    from followup.models import OutboundMessage

    unfinished = OutboundMessage.objects.filter(status__in=("pending", "sending"))
    with contextlib.suppress(TimeoutError):
        bench.wait_until(lambda: not unfinished.exists(), "idle messages sent", timeout, 0.25)


def _report(args, zone, checkins, idle, loaded, problems, connections) -> str:
    release_to_last = loaded["release_to_last"]
    backlog_rows = [
        ("check-ins released (due at once)", checkins),
        ("release -> first check-in SMS at Twilio (s)", f"{loaded['release_to_first']:.2f}"),
        ("release -> first trial (s)", f"{loaded['release_to_trials']:.2f}"),
        ("load trials took (s)", f"{loaded['trials_seconds']:.1f}"),
        (
            "check-in SMS outstanding at first / last trial",
            f"{loaded['outstanding_start']} / {loaded['outstanding_end']}",
        ),
        (
            "default queue length at first / last trial",
            f"{loaded['queued_start']} / {loaded['queued_end']}",
        ),
        ("trials posted with the backlog not yet sent", f"{loaded['overlapped']}"),
        (
            "release -> last check-in SMS at Twilio (s)",
            f"{release_to_last:.1f}" if release_to_last is not None else "not within --drain-wait",
        ),
        (
            f"CPU s, release -> last trial ({loaded['cpu_wall']:.0f} s wall, "
            f"{os.cpu_count()} cores)",
            loaded["cpu"],
        ),
        (
            "other load during the load scenario",
            accounting.noise(loaded["cpu"], loaded["cpu_wall"]),
        ),
    ]
    header = [
        ("date (UTC)", dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M")),
        (
            "configuration",
            f"PostgreSQL, Redis; gunicorn {args.web_workers}x{args.web_threads}; worker -Q "
            f"celery --concurrency {args.concurrency}; worker -Q pages --concurrency "
            f"{args.pages_concurrency}; beat, DISPATCH_INTERVAL_SECONDS=1; {os.cpu_count()} cores",
        ),
        ("patients' zone", zone),
        ("trial spacing after each page (s)", args.spacing),
        ("tasks not run / failed", dict(problems) or "none"),
        ("connections to fake Twilio", connections),
    ]
    blocks = [
        bench.summary("page_latency: setup", header),
        bench.summary(
            "page_latency: idle",
            scenario_rows(
                "idle",
                idle,
                [
                    (
                        f"CPU s over the idle trials ({idle['cpu_wall']:.0f} s wall, "
                        f"{os.cpu_count()} cores)",
                        idle["cpu"],
                    ),
                    (
                        "other load during the idle scenario",
                        accounting.noise(idle["cpu"], idle["cpu_wall"]),
                    ),
                ],
            ),
        ),
        bench.summary(
            f"page_latency: under a {checkins} check-in backlog",
            scenario_rows("load", loaded, backlog_rows),
        ),
        bench.summary(
            "page_latency: summary (webhook 200 -> page SMS at Twilio)",
            [
                ("idle p50 / p90 / p99 / max", fmt(stats(idle["latency_ms"]))),
                ("load p50 / p90 / p99 / max", fmt(stats(loaded["latency_ms"]))),
                (f"idle: p99 < {TARGET_MS['idle']:.0f} ms", verdict_of("idle", idle)),
                (f"load: p99 < {TARGET_MS['load']:.0f} ms", verdict_of("load", loaded)),
                (
                    "load trials overlapping the backlog",
                    f"{loaded['overlapped']} of {loaded['trials']} (outstanding "
                    f"{loaded['outstanding_start']} -> {loaded['outstanding_end']})",
                ),
            ],
        ),
    ]
    return "\n\n".join(blocks)


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        sys.exit(130)
