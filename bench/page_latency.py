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
import http.client
import os
import re
import secrets
import sys
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import _support as bench

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/followup_bench_pages"
PATH = "/twilio/sms/"
SERVICE_NUMBER = "+13125550100"  # the clinic's Twilio number the patients text
ON_CALL_PHONE = "+13125550177"
CRISIS_MARK = "you are not alone"  # in the crisis message to the patient (templates/sms)
# Targets from the product issue: p99 of webhook 200 -> page SMS at Twilio.
TARGET_MS = {"idle": 250.0, "load": 500.0}


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


# The Twilio fake, watched --------------------------------------------------------------------


def _watching_twilio(watched: set[str], first_question: str):
    """A FakeTwilio that also files, as each request is recorded, the ones to the numbers we
    watch (the on-call phone, the trial patients) and counts check-in first questions, so the
    trial loop never rescans thousands of recorded requests. ``Recorded.at`` is the fake's
    ``time.time()`` when the request has been read, before it is answered: the arrival."""
    from testkit.twilio_server import FakeTwilio

    class WatchingTwilio(FakeTwilio):
        def __init__(self) -> None:
            super().__init__()
            self.watched = watched
            self.by_number: dict[str, list] = {}
            self.first_questions: set[str] = set()
            self.last_first_question_at = 0.0
            self._watch = threading.Condition()

        def _record(self, recorded) -> None:
            super()._record(recorded)
            if not recorded.accepted:
                return
            to = recorded.params.get("To", "")
            with self._watch:
                if to in self.watched:
                    self.by_number.setdefault(to, []).append(recorded)
                    self._watch.notify_all()
                elif first_question in recorded.params.get("Body", ""):
                    self.first_questions.add(to)
                    self.last_first_question_at = recorded.at

        def to(self, number: str, resource: str | None = None) -> list:
            with self._watch:
                found = list(self.by_number.get(number, ()))
            return [r for r in found if resource is None or r.resource == resource]

        def wait_watched(self, predicate, timeout: float) -> bool:
            deadline = time.monotonic() + timeout
            with self._watch:
                while not predicate():
                    remaining = deadline - time.monotonic()
                    if remaining <= 0:
                        return False
                    self._watch.wait(min(remaining, 0.1))
            return True

        def first_questions_sent(self) -> int:
            with self._watch:
                return len(self.first_questions)

    return WatchingTwilio()


# The stack -----------------------------------------------------------------------------------


@contextlib.contextmanager
def pages_stack(tmp: Path, args: argparse.Namespace, watched: set[str]):
    """(stack, twilio): Redis up, nothing else yet. The stack is ``_support``'s BenchStack
    (same environment, teardown that kills whole process groups) with the two workers of the
    production split."""
    base = bench._stack_class()
    celery = str(Path(sys.executable).parent / "celery")

    class PagesStack(base):
        def start_queue_worker(self, name: str, queue: str, concurrency: int) -> None:
            self._start(
                name,
                [
                    celery,
                    "-A",
                    "config",
                    "worker",
                    "-Q",
                    queue,
                    "--concurrency",
                    str(concurrency),
                    "-n",
                    f"{name}@%h",
                    "--without-gossip",
                    "--without-mingle",
                    "--loglevel=INFO",
                ],
            )

        def wait_ready(self, name: str) -> None:
            self.wait(lambda: " ready." in self.log(name), f"{name} ready", timeout=60)

    with _watching_twilio(watched, bench.FIRST_QUESTION) as twilio:
        stack = PagesStack(tmp, twilio)
        stack.web_workers = args.web_workers
        stack.web_threads = args.web_threads
        stack.env["DATABASE_URL"] = args.database_url
        try:
            stack.start_redis()
            yield stack, twilio
        finally:
            stack.stop_all()


# Seeding -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TrialPatients:
    clinic_id: int
    clinician_id: int
    phones: list[str]


def seed_trial_patients(count: int, zone: str, item: int = 9) -> TrialPatients:
    """``count`` patients of their own clinic, each with a check-in open at PHQ-9 ``item`` (9:
    what the dispatcher and eight answers would have left), and a clinician on call at
    level 1."""
    from django.utils import timezone

    from followup.models import CheckIn
    from followup.services.clinics import clinic_create, clinician_create
    from followup.services.patients import patient_create
    from followup.services.rota import shift_create
    from followup.services.sessions import session_record

    clinic = clinic_create(name="Bench Pages Clinic", timezone="America/Chicago")
    oncall = clinician_create(
        clinic=clinic,
        username="bench-oncall",
        password=secrets.token_urlsafe(16),
        phone=ON_CALL_PHONE,
    )
    now = timezone.now()
    shift_create(
        clinic=clinic,
        clinician=oncall,
        starts_at=now - dt.timedelta(hours=1),
        ends_at=now + dt.timedelta(hours=12),
    )
    phones = []
    for n in range(count):
        patient = patient_create(
            clinic=clinic,
            first_name=f"T{n}",
            last_name="Page",
            phone=f"+1312555{1000 + n:04d}",
            timezone=zone,
            sms_consent=True,
        )
        session_record(
            patient=patient, occurred_at=now - dt.timedelta(hours=25), treatment="iv_ketamine"
        )
        phones.append(patient.phone)
    plan = clinic.follow_up_plan
    opened = CheckIn.objects.filter(patient__clinic=clinic, session__isnull=False, step=0).update(
        status=CheckIn.Status.IN_PROGRESS,
        channel="sms",
        sent_at=now,
        expires_at=now + dt.timedelta(hours=plan.expire_after_hours),
        reminder_due_at=now + dt.timedelta(hours=plan.reminder_after_hours),
        current_instrument="phq9",
        current_item=item,
    )
    if opened != count:
        raise RuntimeError(f"expected {count} open check-ins, made {opened}")
    return TrialPatients(clinic_id=clinic.pk, clinician_id=oncall.pk, phones=phones)


def hold_check_ins(clinic_id: int) -> list[int]:
    """Push the due check-ins of the load clinic a day ahead (until ``release``), so the idle
    scenario really is idle; returns their ids."""
    from django.utils import timezone

    from followup.models import CheckIn

    now = timezone.now()
    due = CheckIn.objects.filter(
        patient__clinic_id=clinic_id, status=CheckIn.Status.SCHEDULED, due_at__lte=now
    )
    ids = list(due.values_list("pk", flat=True))
    CheckIn.objects.filter(pk__in=ids).update(due_at=now + dt.timedelta(days=1))
    return ids


def release_check_ins(ids: list[int]) -> float:
    """Make the held check-ins due now, all at once; returns when."""
    from django.utils import timezone

    from followup.models import CheckIn

    now = timezone.now()
    CheckIn.objects.filter(pk__in=ids).update(due_at=now)
    return now.timestamp()


def acknowledge_flags(trial: TrialPatients) -> int:
    """The on-call clinician acknowledges every open flag (paging stops: no level 2 pages from
    the idle trials during the load scenario)."""
    from followup.models import Clinician, Flag
    from followup.services.flags import flag_acknowledge

    clinician = Clinician.objects.get(pk=trial.clinician_id)
    flags = list(Flag.objects.filter(clinic_id=trial.clinic_id, status=Flag.Status.OPEN))
    for flag in flags:
        flag_acknowledge(flag=flag, actor=clinician, via="api")
    return len(flags)


# Trials --------------------------------------------------------------------------------------


@dataclass
class Trial:
    scenario: str
    phone: str
    sid: str
    measured: bool
    posted: float = 0.0
    responded: float = 0.0
    status: int = 0
    outstanding: int | None = None  # check-in first questions not yet at Twilio, at the POST
    queued: int | None = None  # tasks waiting in the default queue, at the POST
    waited: bool = False  # whether the page SMS and the call arrived before the timeout


class Webhooks:
    """Signed inbound-SMS webhooks, the way Twilio posts them (a new connection each)."""

    def __init__(self, stack, twilio) -> None:
        from testkit.twilio_server import signed_post_headers

        self._sign = signed_post_headers
        self.host = urlsplit(stack.web_url).netloc
        self.url = stack.env["PUBLIC_BASE_URL"] + PATH
        self.twilio = twilio

    def prepare(self, phone: str, body: str) -> tuple[str, bytes, dict]:
        sid = "SM" + uuid.uuid4().hex
        params = {
            "MessageSid": sid,
            "SmsSid": sid,
            "AccountSid": self.twilio.account_sid,
            "From": phone,
            "To": SERVICE_NUMBER,
            "Body": body,
            "NumMedia": "0",
            "NumSegments": "1",
            "ApiVersion": "2010-04-01",
        }
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            **self._sign(self.twilio.auth_token, self.url, params),
        }
        return sid, urlencode(params).encode(), headers

    def post(self, data: bytes, headers: dict) -> tuple[int, float, float]:
        """(status, sent at, 200 arrived at): the second time is taken when the status line and
        headers have arrived, before the (empty TwiML) body is read."""
        connection = http.client.HTTPConnection(self.host, timeout=30)
        try:
            posted = time.time()
            connection.request("POST", PATH, body=data, headers=headers)
            response = connection.getresponse()
            responded = time.time()
            response.read()
            return response.status, posted, responded
        finally:
            connection.close()


def run_trials(
    scenario: str,
    phones: list[str],
    warmup: int,
    args: argparse.Namespace,
    webhooks: Webhooks,
    twilio,
    progress=None,
    bodies: list[str] | None = None,
) -> list[Trial]:
    """One trial at a time: POST, wait for the page SMS and the call to reach the fake, pause
    ``--spacing``, next. ``progress()`` (the load scenario) gives the backlog at each POST.
    ``bodies``: what the patients text, in turn (default: ``--answer``)."""
    trials = []
    last_report = time.monotonic()
    for index, phone in enumerate(phones):
        body = bodies[index % len(bodies)] if bodies else args.answer
        sid, data, headers = webhooks.prepare(phone, body)
        trial = Trial(scenario=scenario, phone=phone, sid=sid, measured=index >= warmup)
        sms_before = len(twilio.to(ON_CALL_PHONE, "Messages"))
        calls_before = len(twilio.to(ON_CALL_PHONE, "Calls"))
        if progress is not None:
            trial.outstanding, trial.queued = progress()
        trial.status, trial.posted, trial.responded = webhooks.post(data, headers)
        if trial.status == 200:
            trial.waited = twilio.wait_watched(
                lambda a=sms_before, b=calls_before: (
                    len(twilio.to(ON_CALL_PHONE, "Messages")) > a
                    and len(twilio.to(ON_CALL_PHONE, "Calls")) > b
                ),
                args.page_timeout,
            )
        if not trial.waited:
            bench.say(f"{scenario} trial {index}: HTTP {trial.status}, page not seen in time")
        trials.append(trial)
        if time.monotonic() - last_report >= 10:
            backlog = "" if trial.outstanding is None else f"; {trial.outstanding} outstanding"
            bench.say(f"{scenario}: {index + 1}/{len(phones)} trials{backlog}")
            last_report = time.monotonic()
        time.sleep(args.spacing)
    return trials


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
        ("webhook round trip p50 / p99 (ms)", _pair(stats(figures["webhook_ms"]))),
        ("200 -> page SMS at Twilio p50/p90/p99/max", fmt(page)),
        ("200 -> page call at Twilio p50/p90/p99/max", fmt(stats(figures["call_ms"]))),
        (
            "200 -> patient's crisis SMS p50/p90/p99/max",
            fmt(stats(figures["crisis_ms"])) + _crisis_missing(figures),
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


def _pair(s: dict) -> str:
    return f"{s['p50']:.0f} / {s['p99']:.0f}" if s["n"] else "none"


def _crisis_missing(figures: dict) -> str:
    return f", {figures['crisis_missing']} not sent yet" if figures["crisis_missing"] else ""


# The run -------------------------------------------------------------------------------------


def run(args: argparse.Namespace, tmp: Path) -> int:
    from testkit.stack import daytime_zone

    bench.wait_for_quiet(args.wait_quiet)
    zone = daytime_zone()
    started = time.monotonic()
    load = bench.seed(args.checkins, zone=zone, mode=args.seed)
    held = hold_check_ins(load.clinic_id)
    idle_count = args.warmup + args.trials
    trial = seed_trial_patients(idle_count + args.trials, zone)
    bench.analyze_database()
    bench.say(
        f"seeded {len(load.phones)} load patients ({len(held)} check-ins held back) and "
        f"{len(trial.phones)} trial patients in {zone} in {time.monotonic() - started:.1f} s"
    )
    watched = {ON_CALL_PHONE, *trial.phones}
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
        idle_cpu_before = bench.cpu_snapshot(stack)
        idle_started = time.time()
        idle_trials = run_trials(
            "idle", trial.phones[:idle_count], args.warmup, args, webhooks, twilio
        )
        idle_cpu = bench.cpu_used(idle_cpu_before, bench.cpu_snapshot(stack))
        idle_wall = time.time() - idle_started
        acknowledged = acknowledge_flags(trial)
        _wait_outbound_settled(timeout=60)
        bench.say(f"idle done; {acknowledged} flags acknowledged")

        # 2. Under a check-in backlog.
        import redis

        broker = redis.Redis(port=stack.redis_port)

        def progress() -> tuple[int, int]:
            return args.checkins - twilio.first_questions_sent(), broker.llen("celery")

        cpu_before = bench.cpu_snapshot(stack)
        released_at = release_check_ins(held)
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
        cpu = bench.cpu_used(cpu_before, bench.cpu_snapshot(stack))
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
    problems = bench.task_problems(pages_log) + bench.task_problems(worker_log)
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
        ("other load during the load scenario", bench.noise(loaded["cpu"], loaded["cpu_wall"])),
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
                        bench.noise(idle["cpu"], idle["cpu_wall"]),
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
