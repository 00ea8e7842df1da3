"""Latency under load and throughput, on one stack configured as the product's issue 11
measured it, in one run with one table at the end.

One stack: gunicorn ``config.wsgi`` with 3 sync workers (``--web-workers``/``--web-threads``),
ONE ``celery -A config worker -c 4`` with no ``-Q`` (it takes every queue, ``pages`` first),
celery beat (DISPATCH_INTERVAL_SECONDS=1), a private redis-server, a fresh PostgreSQL
database and an in-process FakeTwilio that posts signed status callbacks for every message
and call. Then, in order:

1. latency, idle: a patient texts crisis language -> page SMS to the on-call clinician;
2. the same while a check-in dispatch goes out;
3. the same while the worker handles a burst of stored routine answers;
4. throughput: (a) intake (worker stopped) against the signed-insert floor, (b) stored
   answers handled per second once the worker is back, (c) check-ins dispatched per minute
   and their status callbacks; ``--scale`` seeds idle patients before (b) and (c).

    .venv/bin/python bench/load.py [--quick] [--scale 100000]

Exit status: 0 when nothing was missing or duplicated, 1 otherwise. Targets are printed
beside the figures as PASS/FAIL and do not change the exit status.
"""

import argparse
import os
import sys
import time
from pathlib import Path

import _accounting as accounting
import _support as bench
from _load_figures import LoadRun, Section, create_floor_table, errors_in, summary_table
from _load_latency import CRISIS_TEXTS, during_answers, during_dispatch, idle
from _load_throughput import dispatch_rate, intake_against_floor, scale, stored_answers_handled
from _page_trials import Webhooks, watching_twilio

from testkit import seeding

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/followup_bench_load"
# Phone ranges (``testkit.seeding.phone_number``) of the clinics of one run, so no number is two
# patients' (``--scale``'s idle clinic: ``_load_throughput.SCALE_FIRST``).
LOAD_FIRST, DISPATCH_FIRST = 0, 1_000_000


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    size = parser.add_argument_group("sizes (--quick: 10 trials, 1000 of everything else)")
    size.add_argument("--trials", type=int, default=30, help="trials per latency scenario (30)")
    size.add_argument(
        "--warmup", type=int, default=4, help="unmeasured trials before the idle ones (4)"
    )
    size.add_argument(
        "--checkins", type=int, default=5000, help="check-ins dispatched in scenario 2 (5000)"
    )
    size.add_argument(
        "--answers",
        type=int,
        default=5000,
        help="stored routine answers in scenario 3, one per patient of scenario 2 (5000)",
    )
    size.add_argument(
        "--intake",
        type=int,
        default=3000,
        help="routine answers fired at the intake, and at the floor, in 4a (3000)",
    )
    size.add_argument(
        "--dispatch", type=int, default=5000, help="due check-ins dispatched in 4c (5000)"
    )
    size.add_argument(
        "--scale",
        type=int,
        default=0,
        help="idle patients seeded before 4b and 4c, e.g. 100000 (default: none)",
    )
    parser.add_argument("--quick", action="store_true", help="a fast sanity run")
    parser.add_argument("--threads", type=int, default=16, help="client threads (16)")
    parser.add_argument("--web-workers", type=int, default=3, help="gunicorn --workers (3)")
    parser.add_argument(
        "--web-threads", type=int, default=1, help="gunicorn --threads (1: sync workers)"
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
        default=60.0,
        help="a trial's page not at Twilio after this many seconds is missing (%(default)s)",
    )
    parser.add_argument(
        "--settle-timeout",
        type=float,
        default=120.0,
        help="between sections, wait up to this long for every message and status callback "
        "to be done (%(default)s s)",
    )
    bench.add_common_arguments(parser)
    parser.set_defaults(database_url=DEFAULT_DATABASE_URL)
    args = parser.parse_args(argv)
    if args.quick:
        args.trials = min(args.trials, 10)
        args.warmup = min(args.warmup, 2)
        for name in ("checkins", "answers", "intake", "dispatch"):
            setattr(args, name, min(getattr(args, name), 1000))
    args.answers = min(args.answers, args.checkins)
    args.intake = min(args.intake, args.answers)
    if args.trials < 1 or args.checkins < 1 or args.answers < 1 or args.dispatch < 1:
        parser.error("sizes must be at least 1")
    args.answer = CRISIS_TEXTS[0]  # page_latency.run_trials reads it; bodies= overrides it
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    with bench.bench_environment(args) as tmp:
        return run(args, tmp)


# The run -------------------------------------------------------------------------------------


def run(args: argparse.Namespace, tmp: Path) -> int:
    """Seed, start the stack, run the sections in order, print the table."""
    from testkit.stack import daytime_zone

    accounting.wait_for_quiet(args.wait_quiet)
    zone = daytime_zone()
    started = time.monotonic()
    trial = seeding.seed_trial_patients(args.warmup + 3 * args.trials, zone, item=1)
    loaded = seeding.seed(
        args.checkins, zone=zone, mode=args.seed, first=LOAD_FIRST, name="Bench Load Clinic"
    )
    load_held = seeding.hold_check_ins(loaded.clinic_id)
    dispatch = seeding.seed(
        args.dispatch,
        zone=zone,
        mode=args.seed,
        first=DISPATCH_FIRST,
        name="Bench Dispatch Clinic",
    )
    dispatch_held = seeding.hold_check_ins(dispatch.clinic_id)
    create_floor_table()
    bench.analyze_database()
    bench.say(
        f"seeded {len(trial.phones)} trial patients, {len(loaded.phones)} + "
        f"{len(dispatch.phones)} load patients in {zone} in {time.monotonic() - started:.1f} s"
    )
    trial_phones = iter(trial.phones)

    def take(n: int) -> list[str]:
        return [next(trial_phones) for _ in range(n)]

    fake = watching_twilio({seeding.ON_CALL_PHONE, *trial.phones}, bench.FIRST_QUESTION)
    fake.status_callbacks_enabled = True
    sections: list[Section] = []
    with bench.running_stack(
        tmp,
        database_url=args.database_url,
        concurrency=args.concurrency,
        web_workers=args.web_workers,
        web_threads=args.web_threads,
        twilio=fake,
    ) as (stack, twilio):
        import redis

        broker = redis.Redis(port=stack.redis_port)
        stack.start_web()
        stack.start_worker()
        stack.start_beat()
        stack.wait(
            lambda: (
                "followup.dispatch[" in stack.log("worker")
                and "followup.escalations[" in stack.log("worker")
            ),
            "the first scheduler ticks",
            timeout=60,
        )
        configuration = (
            f"gunicorn config.wsgi {args.web_workers} workers x {args.web_threads} threads; "
            f"one celery worker -c {args.concurrency}, every queue; beat "
            f"(DISPATCH_INTERVAL_SECONDS={stack.env['DISPATCH_INTERVAL_SECONDS']}); Redis; "
            f"PostgreSQL; FakeTwilio with status callbacks; {os.cpu_count()} cores"
        )
        bench.say(f"up: {configuration}")
        run = LoadRun(args, zone, stack, twilio, broker, Webhooks(stack, twilio), trial, take)
        sections.append(idle(run))
        sections.append(during_dispatch(run, load_held, loaded))
        section, answering = during_answers(run, loaded)
        sections.append(section)
        section, answers = intake_against_floor(run, answering)
        sections.append(section)
        patients = scale(run)
        sections.append(stored_answers_handled(run, answers, patients))
        sections.append(dispatch_rate(run, dispatch_held, dispatch, patients))
        errors = {name: errors_in(stack.log(name)) for name in ("web", "worker", "beat", "floor")}

    ok = not any(sum(s.missing.values()) + sum(s.duplicated.values()) for s in sections)
    print(summary_table(args, configuration, zone, sections, errors, ok), flush=True)
    return 0 if ok else 1


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        sys.exit(130)
