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
import contextlib
import datetime as dt
import os
import re
import signal
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import _support as bench
import inbound_rate
import page_latency

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/followup_bench_load"
CRISIS_TEXTS = (
    "i want to end my life tonight",
    "im going to kill myself tonight",
    "i dont want to be alive anymore",
    "i have the pills ready and i am going to take them all tonight",
    "i am thinking about killing myself",
)
ROUTINE_ANSWER = "1"  # to PHQ-9 items 1 and 2: no flag
FLOOR_APP = "bench.floor_wsgi:application"
FLOOR_TABLE = "bench_signed_floor"  # as in bench/floor_wsgi.py
FLOOR_WARMUP = 60  # unmeasured requests to the floor (fresh processes) before its run
# Phone ranges (``_support.phone_number``) of the clinics of one run, so no number is two
# patients'.
LOAD_FIRST, DISPATCH_FIRST, SCALE_FIRST = 0, 1_000_000, 2_000_000
QUESTIONS = 16  # PHQ-9 then GAD-7

# Targets from the issue.
LATENCY_P99_MS = 500.0
LATENCY_WORST_MS = 1000.0
INTAKE_FLOOR_RATIO = 0.5
INTAKE_P99_MS = 50.0
HANDLED_PER_SECOND = 100.0
DISPATCH_PER_MINUTE = 6000.0


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


# Results -------------------------------------------------------------------------------------


@dataclass
class Section:
    """One section's figures: its printed rows, what was missing or duplicated, and the lines
    of the final table (figure, value, target, verdict)."""

    name: str
    rows: list[tuple[str, object]] = field(default_factory=list)
    missing: Counter = field(default_factory=Counter)
    duplicated: Counter = field(default_factory=Counter)
    table: list[tuple[str, str, str, str]] = field(default_factory=list)

    def target(self, figure: str, value: str, target: str, passed: bool | None) -> None:
        verdict = "" if passed is None else ("PASS" if passed else "FAIL")
        self.table.append((figure, value, target, verdict))

    def print(self) -> None:
        rows = [
            *self.rows,
            ("missing", _counts(self.missing)),
            ("duplicated", _counts(self.duplicated)),
            *((f"{f} [{t}]", f"{v} {verdict}") for f, v, t, verdict in self.table if t),
        ]
        print(bench.summary(f"load: {self.name}", rows), flush=True)


def _counts(counts: Counter) -> str:
    total = sum(counts.values())
    detail = ", ".join(f"{k} {v}" for k, v in counts.items() if v)
    return f"{total}" + (f" ({detail})" if detail else "")


def _ms(values: list[float]) -> str:
    if not values:
        return "none"
    p = bench.percentile
    return f"{p(values, 0.5):.0f} / {p(values, 0.99):.0f} / {max(values):.0f} ms (n={len(values)})"


class Cpu:
    """CPU seconds per part over a section (bench._support's accounting)."""

    def __init__(self, stack) -> None:
        self.stack = stack
        self.before = bench.cpu_snapshot(stack)
        self.started = time.time()

    def rows(self) -> list[tuple[str, object]]:
        used = bench.cpu_used(self.before, bench.cpu_snapshot(self.stack))
        wall = time.time() - self.started
        return [
            (f"CPU s used in {wall:.0f} s wall ({os.cpu_count()} cores)", used),
            ("other load", bench.noise(used, wall)),
        ]


# Twilio side ---------------------------------------------------------------------------------


def _question_mark(number: int) -> re.Pattern:
    return re.compile(rf"(?<!\d){number}/{QUESTIONS} ")


def messages_since(twilio, mark: int) -> list:
    """Accepted SMS the fake received since request number ``mark``."""
    return [r for r in twilio.requests[mark:] if r.resource == "Messages" and r.accepted]


def per_phone(messages: list, phones: set[str]) -> dict[str, list]:
    found: dict[str, list] = {}
    for message in messages:
        to = message.params.get("To", "")
        if to in phones:
            found.setdefault(to, []).append(message)
    return found


def question_accounting(
    section: Section, messages: list, phones: set[str], number: int, what: str
) -> list[float]:
    """Each of ``phones`` must have received question ``number`` once and nothing else since
    the mark: counts the missing and duplicated into ``section``; the arrival times."""
    mark = _question_mark(number)
    by_phone = per_phone(messages, phones)
    arrivals = []
    for phone in phones:
        received = by_phone.get(phone, [])
        questions = [m for m in received if mark.search(m.params.get("Body", ""))]
        if not questions:
            section.missing[what] += 1
        else:
            arrivals.append(min(m.at for m in questions))
        if len(received) > 1:
            section.duplicated[what] += 1
    return arrivals


def message_id(recorded) -> int | None:
    """Our ``OutboundMessage`` id, from the status callback URL (``?m=<id>``)."""
    query = urlsplit(recorded.params.get("StatusCallback", "")).query
    values = parse_qs(query).get("m")
    return int(values[0]) if values and values[0].isdigit() else None


# Latency scenarios ---------------------------------------------------------------------------


def latency_section(
    name: str, phones: list[str], warmup: int, args, webhooks, twilio, trial, progress=None
) -> tuple[Section, list]:
    """Run the trials (one crisis text each, in turn from ``CRISIS_TEXTS``); the flags are
    acknowledged at the end so no later level pages anyone. The figures come later
    (``latency_figures``), once the patients' crisis messages are out."""
    trials = page_latency.run_trials(
        name, phones, warmup, args, webhooks, twilio, progress, bodies=list(CRISIS_TEXTS)
    )
    page_latency.acknowledge_flags(trial)
    return Section(name), trials


def latency_figures(section: Section, trials: list, twilio, page_timeout: float) -> None:
    from followup.models import Flag, OutboundMessage

    measured = [t for t in trials if t.measured]
    figures = page_latency.collect(trials, twilio, "", reason="crisis_language")
    latencies = figures["latency_ms"]
    late = sum(1 for ms in latencies if ms > page_timeout * 1000)
    section.missing["page SMS (none within --page-timeout)"] += figures["missing"] + late
    # Duplicates: level-1 page SMS per trial's flag (by our message id in the callback URL),
    # page calls, and the patient's crisis message.
    phones = [t.phone for t in measured]
    flags = {
        f.pk: f for f in Flag.objects.filter(patient__phone__in=phones, reason="crisis_language")
    }
    flags_per_phone = Counter(f.patient_id for f in flags.values())
    section.duplicated["flags per crisis text"] += sum(1 for n in flags_per_phone.values() if n > 1)
    rows = {
        pk: (flag_id, key.split(":")[2], channel)
        for pk, flag_id, key, channel in OutboundMessage.objects.filter(
            flag_id__in=list(flags), purpose="page"
        ).values_list("pk", "flag_id", "idempotency_key", "channel")
    }
    level_one: Counter = Counter()
    for recorded in twilio.to(page_latency.ON_CALL_PHONE):
        row = rows.get(message_id(recorded))
        if row is not None and row[1] == "1":
            level_one[(row[0], row[2])] += 1
    section.duplicated["level-1 page SMS"] += sum(
        1 for (_, channel), n in level_one.items() if channel == "sms" and n > 1
    )
    section.duplicated["level-1 page calls"] += sum(
        1 for (_, channel), n in level_one.items() if channel == "voice" and n > 1
    )
    for phone in phones:
        crisis = [
            m
            for m in twilio.to(phone, "Messages")
            if page_latency.CRISIS_MARK in m.params.get("Body", "")
        ]
        if not crisis:
            section.missing["patient's crisis SMS"] += 1
        elif len(crisis) > 1:
            section.duplicated["patient's crisis SMS"] += 1
    p99 = bench.percentile(latencies, 0.99)
    worst = max(latencies, default=float("nan"))
    section.rows[:0] = [
        ("trials (measured)", f"{len(measured)}, {figures['paged']} paged"),
        ("webhook HTTP statuses", figures["statuses"]),
        ("webhook round trip p50 / p99 / worst", _ms(figures["webhook_ms"])),
        ("200 -> page SMS at Twilio p50 / p99 / worst", _ms(latencies)),
        ("200 -> page call at Twilio p50 / p99 / worst", _ms(figures["call_ms"])),
        ("200 -> patient's crisis SMS p50 / p99 / worst", _ms(figures["crisis_ms"])),
    ]
    section.target(
        "crisis -> page p50 / p99 / worst",
        _ms(latencies),
        f"p99 <= {LATENCY_P99_MS:.0f} ms, worst <= {LATENCY_WORST_MS:.0f} ms",
        bool(latencies)
        and not figures["missing"]
        and p99 <= LATENCY_P99_MS
        and worst <= LATENCY_WORST_MS,
    )


# Waiting -------------------------------------------------------------------------------------


def settle(timeout: float) -> str:
    """Until no inbound message waits and every outbound one is done (its final status
    callback applied): the next section starts on a quiet stack."""
    from followup.models import InboundMessage, OutboundMessage

    unfinished = OutboundMessage.objects.filter(status__in=("pending", "sending", "sent"))
    waiting = InboundMessage.objects.filter(status="received")
    try:
        bench.wait_until(
            lambda: not unfinished.exists() and not waiting.exists(), "a quiet stack", timeout, 0.5
        )
        return "settled"
    except TimeoutError:
        left = Counter(unfinished.values_list("status", flat=True))
        return (
            f"NOT settled after {timeout:.0f} s: outbound {dict(left)}, inbound {waiting.count()}"
        )


def worker_log_since(stack, offset: int) -> str:
    return stack.log("worker")[offset:]


def task_rows(log: str) -> list[tuple[str, object]]:
    outcomes = bench.task_outcomes(log)
    handles = {r: n for (t, r), n in outcomes.items() if t == "followup.handle_inbound"}
    sends = {r: n for (t, r), n in outcomes.items() if t == "followup.send_message"}
    return [
        ("handle_inbound results", handles or "none"),
        ("send_message results", sends or "none"),
        ("tasks not run / failed", dict(bench.task_problems(log)) or "none"),
    ]


_ERROR = re.compile(r"\bERROR\b|\bCRITICAL\b|^Traceback|Internal Server Error")


def errors_in(log: str) -> list[str]:
    """Lines logged at ERROR or CRITICAL, and tracebacks' first lines."""
    return [line for line in log.splitlines() if _ERROR.search(line)]


def fire(url: str, requests: list, threads: int) -> dict:
    """inbound_rate's client: ``threads`` threads, one keep-alive connection each."""
    return inbound_rate._fire(url, [(data, headers) for _, data, headers in requests], threads)


def accepted_rows(section: Section, fired: dict, what: str) -> list[tuple[str, object]]:
    statuses = Counter(fired["statuses"])
    accepted = statuses.get(200, 0)
    section.missing[f"{what} refused (not 200)"] += len(fired["statuses"]) - accepted
    latencies = [s * 1000 for s in fired["latencies"]]
    return [
        (f"{what}: HTTP statuses", dict(statuses)),
        (f"{what}: accepted per second", f"{accepted / fired['seconds']:.1f}"),
        (f"{what}: latency p50 / p99 / worst", _ms(latencies)),
    ]


# The run -------------------------------------------------------------------------------------


def run(args: argparse.Namespace, tmp: Path) -> int:
    from followup.models import CheckIn, InboundMessage, OutboundMessage, Patient
    from testkit.stack import daytime_zone, free_port

    bench.wait_for_quiet(args.wait_quiet)
    zone = daytime_zone()
    started = time.monotonic()
    trial = page_latency.seed_trial_patients(args.warmup + 3 * args.trials, zone, item=1)
    loaded = bench.seed(
        args.checkins, zone=zone, mode=args.seed, first=LOAD_FIRST, name="Bench Load Clinic"
    )
    load_held = page_latency.hold_check_ins(loaded.clinic_id)
    dispatch = bench.seed(
        args.dispatch,
        zone=zone,
        mode=args.seed,
        first=DISPATCH_FIRST,
        name="Bench Dispatch Clinic",
    )
    dispatch_held = page_latency.hold_check_ins(dispatch.clinic_id)
    _create_floor_table()
    bench.analyze_database()
    bench.say(
        f"seeded {len(trial.phones)} trial patients, {len(loaded.phones)} + "
        f"{len(dispatch.phones)} load patients in {zone} in {time.monotonic() - started:.1f} s"
    )
    trial_phones = iter(trial.phones)

    def take(n: int) -> list[str]:
        return [next(trial_phones) for _ in range(n)]

    fake = page_latency._watching_twilio(
        {page_latency.ON_CALL_PHONE, *trial.phones}, bench.FIRST_QUESTION
    )
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
        webhooks = page_latency.Webhooks(stack, twilio)

        # 1. Idle ---------------------------------------------------------------------------
        bench.say(f"1. latency, idle: {args.warmup} warm-up + {args.trials} trials")
        cpu = Cpu(stack)
        section, trials = latency_section(
            "1. latency, idle",
            take(args.warmup + args.trials),
            args.warmup,
            args,
            webhooks,
            twilio,
            trial,
        )
        cpu_rows = cpu.rows()
        section.rows.append(("afterwards", settle(args.settle_timeout)))
        latency_figures(section, trials, twilio, args.page_timeout)
        section.rows.extend(cpu_rows)
        section.print()
        sections.append(section)

        # 2. During a dispatch ---------------------------------------------------------------
        bench.say(f"2. latency during a {len(load_held)} check-in dispatch")
        mark = len(twilio.requests)
        base = twilio.first_questions_sent()
        cpu = Cpu(stack)
        released = page_latency.release_check_ins(load_held)
        bench.wait_until(
            lambda: twilio.first_questions_sent() > base, "the first check-in", 60, 0.01
        )

        def dispatch_progress() -> tuple[int, int]:
            return len(load_held) - (twilio.first_questions_sent() - base), broker.llen("celery")

        section, trials = latency_section(
            f"2. latency during a {len(load_held)} check-in dispatch",
            take(args.trials),
            0,
            args,
            webhooks,
            twilio,
            trial,
            dispatch_progress,
        )
        outstanding_end = dispatch_progress()
        with contextlib.suppress(TimeoutError):
            bench.wait_until(
                lambda: twilio.first_questions_sent() - base >= len(load_held),
                "every check-in",
                args.timeout,
                0.5,
            )
        cpu_rows = cpu.rows()
        section.rows.append(("afterwards", settle(args.settle_timeout)))
        latency_figures(section, trials, twilio, args.page_timeout)
        arrivals = question_accounting(
            section, messages_since(twilio, mark), set(loaded.phones), 1, "check-in SMS"
        )
        measured = [t for t in trials if t.measured]
        section.rows += [
            ("check-ins released", len(load_held)),
            (
                "check-in SMS outstanding / default queue at first trial",
                f"{measured[0].outstanding} / {measured[0].queued}",
            ),
            ("... at last trial", f"{measured[-1].outstanding} / {measured[-1].queued}"),
            ("... after the trials", f"{outstanding_end[0]} / {outstanding_end[1]}"),
            (
                "release -> last check-in SMS (s)",
                f"{max(arrivals) - released:.1f}" if arrivals else "none",
            ),
            (
                "check-ins per minute (release -> last)",
                f"{len(arrivals) / (max(arrivals) - released) * 60:.0f}" if arrivals else "none",
            ),
            *cpu_rows,
        ]
        section.print()
        sections.append(section)

        # 3. During the handling of stored answers -------------------------------------------
        answering = sorted(loaded.phones)[: args.answers]
        bench.say(f"3. latency while {len(answering)} stored answers are handled")
        requests = [webhooks.prepare(phone, ROUTINE_ANSWER) for phone in answering]
        mark = len(twilio.requests)
        log_offset = len(stack.log("worker"))
        cpu = Cpu(stack)
        fired = fire(stack.web_url, requests, args.threads)
        sids = [sid for sid, _, _ in requests]
        received = InboundMessage.objects.filter(message_sid__in=sids, status="received")

        def answers_progress() -> tuple[int, int]:
            return received.count(), broker.llen("celery")

        at_fired = answers_progress()
        bench.say(
            f"fired {len(requests)} answers in {fired['seconds']:.1f} s; "
            f"{at_fired[0]} not handled yet; trials"
        )
        section, trials = latency_section(
            f"3. latency while {len(answering)} stored answers are handled",
            take(args.trials),
            0,
            args,
            webhooks,
            twilio,
            trial,
            answers_progress,
        )
        with contextlib.suppress(TimeoutError):
            bench.wait_until(lambda: not received.exists(), "every answer handled", args.timeout, 1)
        cpu_rows = cpu.rows()
        section.rows.append(("afterwards", settle(args.settle_timeout)))
        latency_figures(section, trials, twilio, args.page_timeout)
        section.rows += accepted_rows(section, fired, "answers")
        handled = InboundMessage.objects.filter(message_sid__in=sids, status="handled").count()
        section.missing["answers not handled"] += Counter(fired["statuses"]).get(200, 0) - handled
        arrivals = question_accounting(
            section, messages_since(twilio, mark), set(answering), 2, "next question"
        )
        measured = [t for t in trials if t.measured]
        section.rows += [
            ("answers not handled / default queue when fired", f"{at_fired[0]} / {at_fired[1]}"),
            (
                "... at first trial",
                f"{measured[0].outstanding} / {measured[0].queued}",
            ),
            ("... at last trial", f"{measured[-1].outstanding} / {measured[-1].queued}"),
            (
                "first answer -> last next question (s)",
                f"{max(arrivals) - fired['start']:.1f}" if arrivals else "none",
            ),
            *task_rows(worker_log_since(stack, log_offset)),
            *cpu_rows,
        ]
        section.print()
        sections.append(section)

        # 4a. Intake against the floor -------------------------------------------------------
        intake_phones = answering[: args.intake]
        bench.say(f"4a. intake: worker stopped; {len(intake_phones)} answers, then the floor")
        section = Section("4a. throughput: intake (worker stopped) and the signed-insert floor")
        stack.kill("worker", signal.SIGTERM, grace=60)
        requests = [webhooks.prepare(phone, ROUTINE_ANSWER) for phone in intake_phones]
        intake_sids = [sid for sid, _, _ in requests]
        cpu = Cpu(stack)
        sessions = bench.pg_sessions()
        intake = fire(stack.web_url, requests, args.threads)
        intake_cpu = cpu.rows()
        intake_sessions = bench.pg_sessions() - sessions
        section.rows += accepted_rows(section, intake, "intake")
        stored = InboundMessage.objects.filter(message_sid__in=intake_sids).count()
        section.missing["intake: accepted, not stored"] += (
            Counter(intake["statuses"]).get(200, 0) - stored
        )
        section.rows.append(("intake: stored / sent", f"{stored} / {len(requests)}"))
        floor_port = free_port()
        stack.start_web(app=FLOOR_APP, name="floor", port=floor_port)
        floor_url = f"http://127.0.0.1:{floor_port}"
        warmup = [webhooks.prepare(phone, ROUTINE_ANSWER) for phone in intake_phones]
        fire(floor_url, warmup[:FLOOR_WARMUP], args.threads)
        requests = [webhooks.prepare(phone, ROUTINE_ANSWER) for phone in intake_phones]
        cpu = Cpu(stack)
        sessions = bench.pg_sessions()
        floor = fire(floor_url, requests, args.threads)
        floor_cpu = cpu.rows()  # before it stops: a process that exited is no longer named
        floor_sessions = bench.pg_sessions() - sessions
        stack.kill("floor", signal.SIGTERM, grace=10)
        section.rows += accepted_rows(section, floor, "floor")
        floor_rows = _floor_rows([sid for sid, _, _ in requests])
        section.missing["floor: accepted, not stored"] += (
            Counter(floor["statuses"]).get(200, 0) - floor_rows
        )
        section.rows.append(("floor: rows / sent", f"{floor_rows} / {len(requests)}"))
        intake_rate = Counter(intake["statuses"]).get(200, 0) / intake["seconds"]
        floor_rate = Counter(floor["statuses"]).get(200, 0) / floor["seconds"]
        ratio = intake_rate / floor_rate if floor_rate else float("nan")
        intake_ms = [s * 1000 for s in intake["latencies"]]
        floor_ms = [s * 1000 for s in floor["latencies"]]
        intake_p99 = bench.percentile(intake_ms, 0.99)
        section.rows += [
            ("gunicorn", f"{args.web_workers} workers x {args.web_threads} threads, both"),
            ("connections", "the server closes each (sync workers); the client reconnects"),
            (
                "PostgreSQL connections opened: intake / floor",
                f"{intake_sessions} / {floor_sessions}",
            ),
            *((f"intake: {label}", value) for label, value in intake_cpu),
            *((f"floor: {label}", value) for label, value in floor_cpu),
        ]
        section.target("intake latency p50 / p99 / worst", _ms(intake_ms), "", None)
        section.target("floor latency p50 / p99 / worst", _ms(floor_ms), "", None)
        section.target(
            "intake / floor accepted per second",
            f"{intake_rate:.0f} / {floor_rate:.0f} = {ratio:.2f}",
            f">= {INTAKE_FLOOR_RATIO}",
            ratio >= INTAKE_FLOOR_RATIO,
        )
        section.target(
            "intake latency p99",
            f"{intake_p99:.0f} ms",
            f"<= {INTAKE_P99_MS:.0f} ms",
            intake_p99 <= INTAKE_P99_MS,
        )
        section.print()
        sections.append(section)

        # --scale ---------------------------------------------------------------------------
        if args.scale:
            bench.say(f"seeding {args.scale} idle patients (worker still stopped)")
            seeding = time.monotonic()
            bench.seed(
                args.scale,
                zone=zone,
                mode="bulk",
                session_hours_ago=1,
                first=SCALE_FIRST,
                name="Bench Idle Clinic",
            )
            bench.analyze_database()
            bench.say(f"seeded in {time.monotonic() - seeding:.0f} s")
        patients = Patient.objects.count()

        # 4b. Stored answers handled ----------------------------------------------------------
        section = Section(f"4b. throughput: stored answers handled ({patients} patients)")
        bench.say(f"4b. starting the worker on {len(intake_sids)} stored answers")
        mark = len(twilio.requests)
        log_offset = len(stack.log("worker"))
        cpu = Cpu(stack)
        stack.start_worker()
        stack.wait(
            lambda: " ready." in worker_log_since(stack, log_offset), "worker ready", timeout=60
        )
        waiting = InboundMessage.objects.filter(message_sid__in=intake_sids, status="received")
        question_3 = _question_mark(3)
        intake_set = set(intake_phones)

        def answered() -> int:
            return len(
                {
                    m.params["To"]
                    for m in messages_since(twilio, mark)
                    if m.params.get("To") in intake_set and question_3.search(m.params["Body"])
                }
            )

        with contextlib.suppress(TimeoutError):
            bench.wait_until(
                lambda: not waiting.exists() and answered() >= len(intake_phones),
                "every stored answer handled and its next question sent",
                args.timeout,
                0.5,
            )
        cpu_rows = cpu.rows()
        section.rows.append(("afterwards", settle(args.settle_timeout)))
        times = list(
            InboundMessage.objects.filter(
                message_sid__in=intake_sids, status="handled"
            ).values_list("handled_at", flat=True)
        )
        section.missing["answers not handled"] += stored - len(times)
        arrivals = question_accounting(
            section, messages_since(twilio, mark), intake_set, 3, "next question"
        )
        first = min(t.timestamp() for t in times) if times else float("nan")
        last = max(t.timestamp() for t in times) if times else float("nan")
        last_question = max(arrivals, default=float("nan"))
        handled_rate = len(times) / (last - first) if last > first else float("nan")
        end_to_end = len(times) / (last_question - first) if last_question > first else float("nan")
        section.rows += [
            ("patients in the database", patients),
            ("answers stored / handled", f"{stored} / {len(times)}"),
            ("first -> last handled (s)", f"{last - first:.1f}"),
            ("handled per second (first -> last handled)", f"{handled_rate:.1f}"),
            ("first handled -> last next question at Twilio (s)", f"{last_question - first:.1f}"),
            *task_rows(worker_log_since(stack, log_offset)),
            *cpu_rows,
        ]
        section.target("patients in the database", f"{patients}", "", None)
        section.target("handled per second, first -> last handled", f"{handled_rate:.1f}", "", None)
        section.target(
            "stored answers handled, next question at Twilio, per second",
            f"{end_to_end:.1f}",
            f">= {HANDLED_PER_SECOND:.0f}/s",
            end_to_end >= HANDLED_PER_SECOND,
        )
        section.print()
        sections.append(section)

        # 4c. Dispatch rate and status callbacks --------------------------------------------
        section = Section(f"4c. throughput: dispatch ({patients} patients)")
        bench.say(f"4c. dispatching {len(dispatch_held)} check-ins")
        mark = len(twilio.requests)
        callbacks_mark = len(twilio.callback_results)
        log_offset = len(stack.log("worker"))
        base = twilio.first_questions_sent()
        cpu = Cpu(stack)
        released = page_latency.release_check_ins(dispatch_held)
        with contextlib.suppress(TimeoutError):
            bench.wait_until(
                lambda: twilio.first_questions_sent() - base >= len(dispatch_held),
                "every check-in",
                args.timeout,
                0.5,
            )
        cpu_rows = cpu.rows()
        rows = OutboundMessage.objects.filter(clinic_id=dispatch.clinic_id)
        with contextlib.suppress(TimeoutError):
            bench.wait_until(
                lambda: not rows.filter(status__in=("pending", "sending", "sent")).exists(),
                "every status callback applied",
                args.settle_timeout,
                0.5,
            )
        section.rows.append(("afterwards", settle(args.settle_timeout)))
        messages = messages_since(twilio, mark)
        arrivals = question_accounting(section, messages, set(dispatch.phones), 1, "check-in SMS")
        claims = [
            t.timestamp()
            for t in CheckIn.objects.filter(
                patient__clinic_id=dispatch.clinic_id, sent_at__isnull=False, step=0
            ).values_list("sent_at", flat=True)
        ]
        first_claim = min(claims, default=float("nan"))
        seconds = max(arrivals, default=float("nan")) - first_claim
        per_minute = len(arrivals) / seconds * 60 if seconds > 0 else float("nan")
        ours = {i for i in (message_id(m) for m in messages) if i is not None}
        ids = set(rows.values_list("pk", flat=True))
        sent_ids = ours & ids
        expected = 2 * len(sent_ids)  # "sent", then "delivered"
        arrived = sum(
            1
            for url, status in twilio.callback_results[callbacks_mark:]
            if 200 <= status < 300 and _callback_id(url) in sent_ids
        )
        refused = Counter(
            status
            for url, status in twilio.callback_results[callbacks_mark:]
            if not 200 <= status < 300
        )
        final = Counter(rows.values_list("status", flat=True))
        not_applied = sum(n for s, n in final.items() if s != "delivered")
        section.missing["status callbacks not arrived"] += max(0, expected - arrived)
        section.missing["rows not 'delivered'"] += not_applied
        section.rows += [
            ("patients in the database", patients),
            ("check-ins released", len(dispatch_held)),
            ("first claim -> last first question at Twilio (s)", f"{seconds:.1f}"),
            ("release -> first claim (s)", f"{first_claim - released:.1f}"),
            ("status callbacks arrived (2xx) / expected", f"{arrived} / {expected}"),
            ("status callbacks refused, by HTTP status", dict(refused) or "none"),
            ("their rows' final status", dict(final)),
            *task_rows(worker_log_since(stack, log_offset)),
            *cpu_rows,
        ]
        section.target("patients in the database", f"{patients}", "", None)
        section.target("first claim -> last first question at Twilio", f"{seconds:.1f} s", "", None)
        section.target(
            "check-ins dispatched per minute",
            f"{per_minute:.0f}",
            f">= {DISPATCH_PER_MINUTE:.0f}/min",
            per_minute >= DISPATCH_PER_MINUTE,
        )
        section.target(
            "status callbacks applied",
            f"{arrived} / {expected}, {not_applied} rows not delivered",
            "every one",
            arrived == expected and not not_applied,
        )
        section.print()
        sections.append(section)

        errors = {name: errors_in(stack.log(name)) for name in ("web", "worker", "beat", "floor")}

    ok = not any(sum(s.missing.values()) + sum(s.duplicated.values()) for s in sections)
    print(_table(args, configuration, zone, sections, errors, ok), flush=True)
    return 0 if ok else 1


def _callback_id(url: str) -> int | None:
    values = parse_qs(urlsplit(url).query).get("m")
    return int(values[0]) if values and values[0].isdigit() else None


def _create_floor_table() -> None:
    """The floor's table (bench/floor_wsgi.py inserts into it; importing that module here
    would re-point this process's URLs), shaped like the stored inbound message."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TABLE {FLOOR_TABLE} (id bigserial PRIMARY KEY, "
            "message_sid varchar(64) NOT NULL UNIQUE, from_number varchar(20) NOT NULL, "
            "body text NOT NULL, payload jsonb NOT NULL, "
            "received_at timestamptz NOT NULL DEFAULT now())"
        )


def _floor_rows(sids: list[str]) -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT count(*) FROM {FLOOR_TABLE} WHERE message_sid = ANY(%s)",  # noqa: S608
            [sids],
        )
        return int(cursor.fetchone()[0])


def _table(args, configuration: str, zone: str, sections: list[Section], errors, ok) -> str:
    header = ("section", "figure", "value", "target", "")
    lines = [header]
    for section in sections:
        number = section.name.split(" ", 1)[0]
        for figure, value, target, verdict in section.table:
            lines.append((number, figure, value, target, verdict))
        lines.append(
            (
                number,
                "missing / duplicated",
                f"{sum(section.missing.values())} / {sum(section.duplicated.values())}",
                "0 / 0",
                "PASS"
                if not sum(section.missing.values()) + sum(section.duplicated.values())
                else "FAIL",
            )
        )
    widths = [max(len(str(line[i])) for line in lines) for i in range(len(header))]
    rendered = [
        "  ".join(str(cell).ljust(width) for cell, width in zip(line, widths, strict=True))
        for line in lines
    ]
    rendered.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(
        [
            "== load: summary " + "=" * 47,
            f"date (UTC)     {dt.datetime.now(dt.UTC).strftime('%Y-%m-%d %H:%M')}",
            f"configuration  {configuration}",
            f"patients' zone {zone}; sizes: {args.trials} trials, {args.checkins} check-ins, "
            f"{args.answers} answers, {args.intake} intake, {args.dispatch} dispatch, "
            f"scale {args.scale}",
            "ERROR lines / tracebacks in logs: "
            + ", ".join(f"{name} {len(lines)}" for name, lines in errors.items()),
            *(
                f"  {name}: {line[:160]}"
                for name, lines in errors.items()
                for line in list(dict.fromkeys(lines))[:5]
            ),
            "",
            *(line.rstrip() for line in rendered),
            "",
            f"verdict: {'OK (nothing missing or duplicated)' if ok else 'FAILED (missing or duplicated)'}",
            "=" * 64,
        ]
    )


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        sys.exit(130)
