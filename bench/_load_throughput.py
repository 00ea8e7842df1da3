"""The load benchmark's throughput sections: (a) intake with the worker stopped, against the
signed-insert floor; ``--scale`` idle patients; (b) the stored answers handled once the worker
is back; (c) check-ins dispatched per minute and their status callbacks."""

import contextlib
import signal
import time
from collections import Counter
from dataclasses import dataclass

import _accounting as accounting
import _support as bench
from _load_figures import (
    Cpu,
    LoadRun,
    Section,
    accepted_rows,
    callback_id,
    count_floor_rows,
    fire,
    message_id,
    messages_since,
    ms,
    question_accounting,
    question_mark,
    settle,
    task_rows,
    worker_log_since,
)
from _load_latency import ROUTINE_ANSWER

from testkit import seeding

FLOOR_APP = "bench.floor_wsgi:application"
FLOOR_WARMUP = 60  # unmeasured requests to the floor (fresh processes) before its run
# Phone range (``testkit.seeding.phone_number``) of the idle clinic of ``--scale``.
SCALE_FIRST = 2_000_000
# Targets from the issue.
INTAKE_FLOOR_RATIO = 0.5
INTAKE_P99_MS = 50.0
HANDLED_PER_SECOND = 100.0
DISPATCH_PER_MINUTE = 6000.0


@dataclass(frozen=True)
class Intake:
    """What (a) left for (b): the patients who answered again, their messages' sids, and how
    many of those were stored."""

    phones: list[str]
    sids: list[str]
    stored: int


def intake_against_floor(run: LoadRun, answering: list[str]) -> tuple[Section, Intake]:
    """4a. Intake (worker stopped) against the signed-insert floor."""
    from followup.models import InboundMessage
    from testkit.stack import free_port

    args, stack, webhooks = run.args, run.stack, run.webhooks
    intake_phones = answering[: args.intake]
    bench.say(f"4a. intake: worker stopped; {len(intake_phones)} answers, then the floor")
    section = Section("4a. throughput: intake (worker stopped) and the signed-insert floor")
    stack.kill("worker", signal.SIGTERM, grace=60)
    requests = [webhooks.prepare(phone, ROUTINE_ANSWER) for phone in intake_phones]
    intake_sids = [sid for sid, _, _ in requests]
    cpu = Cpu(stack)
    sessions = accounting.pg_sessions()
    intake = fire(stack.web_url, requests, args.threads)
    intake_cpu = cpu.rows()
    intake_sessions = accounting.pg_sessions() - sessions
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
    sessions = accounting.pg_sessions()
    floor = fire(floor_url, requests, args.threads)
    floor_cpu = cpu.rows()  # before it stops: a process that exited is no longer named
    floor_sessions = accounting.pg_sessions() - sessions
    stack.kill("floor", signal.SIGTERM, grace=10)
    section.rows += accepted_rows(section, floor, "floor")
    floor_rows = count_floor_rows([sid for sid, _, _ in requests])
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
    section.target("intake latency p50 / p99 / worst", ms(intake_ms), "", None)
    section.target("floor latency p50 / p99 / worst", ms(floor_ms), "", None)
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
    return section, Intake(intake_phones, intake_sids, stored)


def scale(run: LoadRun) -> int:
    """``--scale``: idle patients seeded in bulk, the worker still stopped; the patient count."""
    from followup.models import Patient

    args, zone = run.args, run.zone
    if args.scale:
        bench.say(f"seeding {args.scale} idle patients (worker still stopped)")
        seeding_started = time.monotonic()
        seeding.seed(
            args.scale,
            zone=zone,
            mode="bulk",
            session_hours_ago=1,
            first=SCALE_FIRST,
            name="Bench Idle Clinic",
        )
        bench.analyze_database()
        bench.say(f"seeded in {time.monotonic() - seeding_started:.0f} s")
    patients = Patient.objects.count()
    return patients


def stored_answers_handled(run: LoadRun, answers: Intake, patients: int) -> Section:
    """4b. The stored answers handled once the worker is back."""
    from followup.models import InboundMessage

    args, stack, twilio = run.args, run.stack, run.twilio
    intake_phones, intake_sids, stored = answers.phones, answers.sids, answers.stored
    section = Section(f"4b. throughput: stored answers handled ({patients} patients)")
    bench.say(f"4b. starting the worker on {len(intake_sids)} stored answers")
    mark = len(twilio.requests)
    log_offset = len(stack.log("worker"))
    cpu = Cpu(stack)
    stack.start_worker()
    stack.wait(lambda: " ready." in worker_log_since(stack, log_offset), "worker ready", timeout=60)
    waiting = InboundMessage.objects.filter(message_sid__in=intake_sids, status="received")
    question_3 = question_mark(3)
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
        InboundMessage.objects.filter(message_sid__in=intake_sids, status="handled").values_list(
            "handled_at", flat=True
        )
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
    return section


def dispatch_rate(
    run: LoadRun, dispatch_held: list[int], dispatch: seeding.Seeded, patients: int
) -> Section:
    """4c. Check-ins dispatched per minute, and their status callbacks."""
    from followup.models import CheckIn, OutboundMessage

    args, stack, twilio = run.args, run.stack, run.twilio
    section = Section(f"4c. throughput: dispatch ({patients} patients)")
    bench.say(f"4c. dispatching {len(dispatch_held)} check-ins")
    mark = len(twilio.requests)
    callbacks_mark = len(twilio.callback_results)
    log_offset = len(stack.log("worker"))
    base = twilio.first_questions_sent()
    cpu = Cpu(stack)
    released = seeding.release_check_ins(dispatch_held)
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
        if 200 <= status < 300 and callback_id(url) in sent_ids
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
    return section
