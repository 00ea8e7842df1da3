"""The load benchmark's latency sections: crisis texts, one trial at a time, while the stack is
idle (1), while a check-in dispatch goes out (2), and while the worker handles a burst of
stored answers (3); and their figures (missing and duplicated pages, crisis messages)."""

import contextlib
from collections import Counter

import _support as bench
from _load_figures import (
    Cpu,
    LoadRun,
    Section,
    accepted_rows,
    fire,
    message_id,
    messages_since,
    ms,
    question_accounting,
    settle,
    task_rows,
    worker_log_since,
)
from _page_figures import CRISIS_MARK, collect
from _page_trials import run_trials

from testkit import seeding
from testkit.seeding import ON_CALL_PHONE

CRISIS_TEXTS = (
    "i want to end my life tonight",
    "im going to kill myself tonight",
    "i dont want to be alive anymore",
    "i have the pills ready and i am going to take them all tonight",
    "i am thinking about killing myself",
)
ROUTINE_ANSWER = "1"  # to PHQ-9 items 1 and 2: no flag
# Targets from the issue.
LATENCY_P99_MS = 500.0
LATENCY_WORST_MS = 1000.0


def latency_section(
    name: str, phones: list[str], warmup: int, args, webhooks, twilio, trial, progress=None
) -> tuple[Section, list]:
    """Run the trials (one crisis text each, in turn from ``CRISIS_TEXTS``); the flags are
    acknowledged at the end so no later level pages anyone. The figures come later
    (``latency_figures``), once the patients' crisis messages are out."""
    trials = run_trials(
        name, phones, warmup, args, webhooks, twilio, progress, bodies=list(CRISIS_TEXTS)
    )
    seeding.acknowledge_flags(trial)
    return Section(name), trials


def latency_figures(section: Section, trials: list, twilio, page_timeout: float) -> None:
    from followup.models import Flag, OutboundMessage

    measured = [t for t in trials if t.measured]
    figures = collect(trials, twilio, "", reason="crisis_language")
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
    for recorded in twilio.to(ON_CALL_PHONE):
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
            m for m in twilio.to(phone, "Messages") if CRISIS_MARK in m.params.get("Body", "")
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
        ("webhook round trip p50 / p99 / worst", ms(figures["webhook_ms"])),
        ("200 -> page SMS at Twilio p50 / p99 / worst", ms(latencies)),
        ("200 -> page call at Twilio p50 / p99 / worst", ms(figures["call_ms"])),
        ("200 -> patient's crisis SMS p50 / p99 / worst", ms(figures["crisis_ms"])),
    ]
    section.target(
        "crisis -> page p50 / p99 / worst",
        ms(latencies),
        f"p99 <= {LATENCY_P99_MS:.0f} ms, worst <= {LATENCY_WORST_MS:.0f} ms",
        bool(latencies)
        and not figures["missing"]
        and p99 <= LATENCY_P99_MS
        and worst <= LATENCY_WORST_MS,
    )


def idle(run: LoadRun) -> Section:
    """1. Latency, idle."""
    args, stack, twilio, webhooks, trial, take = (
        run.args,
        run.stack,
        run.twilio,
        run.webhooks,
        run.trial,
        run.take,
    )
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
    return section


def during_dispatch(run: LoadRun, load_held: list[int], loaded: seeding.Seeded) -> Section:
    """2. Latency during a check-in dispatch."""
    args, stack, twilio, webhooks, trial, take = (
        run.args,
        run.stack,
        run.twilio,
        run.webhooks,
        run.trial,
        run.take,
    )
    broker = run.broker
    bench.say(f"2. latency during a {len(load_held)} check-in dispatch")
    mark = len(twilio.requests)
    base = twilio.first_questions_sent()
    cpu = Cpu(stack)
    released = seeding.release_check_ins(load_held)
    bench.wait_until(lambda: twilio.first_questions_sent() > base, "the first check-in", 60, 0.01)

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
    return section


def during_answers(run: LoadRun, loaded: seeding.Seeded) -> tuple[Section, list[str]]:
    """3. Latency during the handling of stored answers; the patients who answered."""
    from followup.models import InboundMessage

    args, stack, twilio, webhooks, trial, take = (
        run.args,
        run.stack,
        run.twilio,
        run.webhooks,
        run.trial,
        run.take,
    )
    broker = run.broker
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
    return section, answering
