"""Shared plumbing for the benchmarks: a fresh PostgreSQL database, seeding, and the service's
processes (web, worker, beat, private Redis) around an in-process FakeTwilio.

The processes are started by ``testkit.stack.Stack`` with its environment unchanged
(SMS_BACKEND=twilio pointed at the fake, a private REDIS_URL, DISPATCH_INTERVAL_SECONDS=1 …);
only the pool sizes are made configurable (and the WSGI app gunicorn serves, for load.py's
floor). Nothing here changes how the service works.
"""

import argparse
import contextlib
import datetime as dt
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/followup_bench"
SECRET_KEY = secrets.token_urlsafe(50)  # a throwaway key per run
FIRST_QUESTION = "1/16 "  # the first SMS of a PHQ-9 + GAD-7 check-in (question 1 of 16)
STOP_TIMEOUT_SECONDS = 10.0


# Arguments and output -------------------------------------------------------------------------


def add_common_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--database-url",
        default=DEFAULT_DATABASE_URL,
        help="PostgreSQL database to DROP and re-create (default: %(default)s)",
    )
    parser.add_argument(
        "--concurrency",
        type=int,
        default=4,
        help="celery worker --concurrency (prefork processes; default: %(default)s)",
    )
    parser.add_argument(
        "--seed",
        choices=("bulk", "services"),
        default="bulk",
        help="bulk_create rows shaped like session_record's, or call the services one by one "
        "(slow; default: %(default)s)",
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=600.0,
        help="give up waiting after this many seconds (default: %(default)s)",
    )
    parser.add_argument(
        "--wait-quiet",
        type=float,
        default=120.0,
        help="wait up to this many seconds for other load on the machine to stop before "
        "starting (default: %(default)s)",
    )
    parser.add_argument(
        "--keep-logs",
        action="store_true",
        help="keep the processes' logs (they are always kept when the run fails)",
    )


def say(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def percentile(values: list[float], fraction: float) -> float:
    """Linear interpolation between closest ranks; NaN for no values."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    position = (len(ordered) - 1) * fraction
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def summary(title: str, rows: list[tuple[str, object]]) -> str:
    width = max(len(label) for label, _ in rows)
    lines = [
        f"== {title} " + "=" * max(0, 60 - len(title)),
        *(f"{k:<{width}}  {v}" for k, v in rows),
    ]
    return "\n".join([*lines, "=" * 64])


# Database -------------------------------------------------------------------------------------


def configure_django(database_url: str, var_dir: Path) -> None:
    """Environment for this process (and, through ``Stack``, the children) before setup."""
    os.environ["DATABASE_URL"] = database_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    os.environ["SECRET_KEY"] = SECRET_KEY
    os.environ["FOLLOWUP_VAR_DIR"] = str(var_dir)
    os.environ.setdefault("LOG_LEVEL", "INFO")
    # This process never sends; the children get SMS_BACKEND=twilio pointed at the fake from
    # Stack. Production settings refuse the console backend with DEBUG off (followup.E004), so
    # this process names a Twilio it never calls.
    os.environ["SMS_BACKEND"] = "twilio"
    os.environ.setdefault("TWILIO_ACCOUNT_SID", "AC" + "0" * 32)
    os.environ.setdefault("TWILIO_AUTH_TOKEN", secrets.token_hex(16))
    os.environ.setdefault("TWILIO_FROM_NUMBER", "+13125550100")
    os.environ.setdefault("TWILIO_API_BASE_URL", "http://127.0.0.1:9")


def recreate_database(database_url: str) -> None:
    import psycopg
    from psycopg import sql

    parts = urlsplit(database_url)
    if parts.scheme not in ("postgres", "postgresql"):
        raise SystemExit(f"--database-url must be PostgreSQL, got {parts.scheme!r}")
    name = parts.path.lstrip("/")
    if not name:
        raise SystemExit("--database-url needs a database name")
    admin_url = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def migrate() -> None:
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=os.environ.copy(),
        check=True,
    )


def setup_django() -> None:
    import django

    django.setup()


# Seeding --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Seeded:
    clinic_id: int
    phones: dict[str, int]  # phone -> patient id
    zone: str


def phone_number(n: int) -> str:
    return f"+1312{2_000_000 + n:07d}"


def seed(
    count: int,
    *,
    zone: str,
    mode: str,
    session_hours_ago: float = 25,
    first: int = 0,
    name: str = "Bench Clinic",
) -> Seeded:
    """``count`` SMS patients of one clinic, each with one session ``session_hours_ago``: the
    rows ``patient_create`` and ``session_record`` would write (patient, session, the plan's
    check-ins, audit events). ``mode='services'`` calls those services for real. Phone numbers
    are ``phone_number(first)`` on: give each clinic of a run its own range."""
    from django.utils import timezone

    from followup.services.clinics import clinic_create

    clinic = clinic_create(name=name, timezone="America/Chicago")
    now = timezone.now()
    occurred_at = now - dt.timedelta(hours=session_hours_ago)
    numbers = range(first, first + count)
    if mode == "services":
        _seed_services(clinic, numbers, zone, occurred_at, now)
    else:
        _seed_bulk(clinic, numbers, zone, occurred_at, now)
    from followup.models import Patient

    phones = dict(Patient.objects.filter(clinic=clinic).values_list("phone", "pk"))
    return Seeded(clinic_id=clinic.pk, phones=phones, zone=zone)


def _seed_services(clinic, numbers: range, zone, occurred_at, now) -> None:
    from followup.services.patients import patient_create
    from followup.services.sessions import session_record

    for n in numbers:
        patient = patient_create(
            clinic=clinic,
            first_name=f"P{n}",
            last_name="Bench",
            phone=phone_number(n),
            timezone=zone,
            sms_consent=True,
        )
        session_record(patient=patient, occurred_at=occurred_at, treatment="iv_ketamine", now=now)


def _seed_bulk(clinic, numbers: range, zone, occurred_at, now, batch: int = 1000) -> None:
    from django.db import transaction

    from followup.models import AuditEvent, CheckIn, Patient, TreatmentSession
    from followup.scheduling import plan_check_ins

    plan = clinic.follow_up_plan
    # Every patient has the same zone and session time, so the same plan (as session_record
    # computes it for a patient with no other session and no check-in yet).
    planned = plan_check_ins(
        occurred_at=occurred_at,
        steps=plan.steps,
        timezone=zone,
        expire_after_hours=plan.expire_after_hours,
        now=now,
        next_session_at=None,
        taken_dates=[],
    )
    for start in range(0, len(numbers), batch):
        chunk = numbers[start : start + batch]
        with transaction.atomic():
            patients = Patient.objects.bulk_create(
                Patient(
                    clinic=clinic,
                    first_name=f"P{n}",
                    last_name="Bench",
                    phone=phone_number(n),
                    timezone=zone,
                    channel="sms",
                    language="en",
                    sms_consent=True,
                    sms_consent_at=now,
                )
                for n in chunk
            )
            sessions = TreatmentSession.objects.bulk_create(
                TreatmentSession(patient=p, occurred_at=occurred_at, treatment="iv_ketamine")
                for p in patients
            )
            check_ins = CheckIn.objects.bulk_create(
                CheckIn(
                    patient=session.patient,
                    session=session,
                    step=item.step,
                    due_at=item.due_at,
                    local_date=item.local_date,
                    instruments=list(item.instruments),
                    channel="sms",
                )
                for session in sessions
                for item in planned
            )
            by_session: dict[int, list[int]] = {}
            for check_in in check_ins:
                by_session.setdefault(check_in.session_id, []).append(check_in.pk)
            AuditEvent.objects.bulk_create(
                [
                    *(
                        AuditEvent(
                            clinic=clinic,
                            action="patient.create",
                            object_type="patient",
                            object_id=str(p.pk),
                            patient=p,
                            detail={
                                "fields": [
                                    "first_name",
                                    "last_name",
                                    "phone",
                                    "sms_consent",
                                    "timezone",
                                ]
                            },
                        )
                        for p in patients
                    ),
                    *(
                        AuditEvent(
                            clinic=clinic,
                            action="session.record",
                            object_type="treatmentsession",
                            object_id=str(s.pk),
                            patient=s.patient,
                            detail={"check_ins": by_session[s.pk], "superseded": []},
                        )
                        for s in sessions
                    ),
                ]
            )


def analyze_database() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


# Processes ------------------------------------------------------------------------------------


def _stack_class():
    from testkit.stack import Stack

    class BenchStack(Stack):
        """``Stack`` with configurable pools, a worker-ready wait and a teardown that never
        leaves a process behind (SIGTERM, then SIGKILL of the whole process group)."""

        worker_concurrency = 4
        web_workers = 2
        web_threads = 8

        def start_worker(self) -> None:
            self._start(
                "worker",
                [
                    str(Path(sys.executable).parent / "celery"),
                    "-A",
                    "config",
                    "worker",
                    f"--concurrency={self.worker_concurrency}",
                    "--without-gossip",
                    "--without-mingle",
                    "--loglevel=INFO",
                ],
            )
            self.wait(lambda: " ready." in self.log("worker"), "worker ready", timeout=60)

        def start_web(
            self, app: str = "config.wsgi", name: str = "web", port: int | None = None
        ) -> None:
            """gunicorn serving ``app`` (another WSGI module with the same settings, e.g. a
            floor to compare with) as process ``name`` on ``port`` (default: the web port)."""
            port = port or self.web_port
            self._start(
                name,
                [
                    str(Path(sys.executable).parent / "gunicorn"),
                    app,
                    "--bind",
                    f"127.0.0.1:{port}",
                    "--workers",
                    str(self.web_workers),
                    "--threads",
                    str(self.web_threads),
                    "--backlog",
                    "2048",
                ],
            )
            self.wait(lambda: _url_up(f"http://127.0.0.1:{port}/healthz"), f"{name} up", timeout=30)

        def log(self, name: str) -> str:
            path = self.logs / f"{name}.log"
            return path.read_text(errors="replace") if path.exists() else ""

        def stop_all(self) -> None:
            processes, self.processes = self.processes, {}
            # The scheduler first (no new ticks), Redis last (the others need it to stop).
            order = sorted(processes, key=lambda n: {"beat": 0, "redis": 9}.get(n, 5))
            for name in order:
                process = processes[name]
                sig = signal.SIGKILL if name == "redis" else signal.SIGTERM
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, sig)
                try:
                    process.wait(timeout=STOP_TIMEOUT_SECONDS)
                except subprocess.TimeoutExpired:
                    with contextlib.suppress(ProcessLookupError):
                        os.killpg(process.pid, signal.SIGKILL)
                    process.wait(timeout=STOP_TIMEOUT_SECONDS)
                # Pool children left in the group (a worker killed mid-shutdown).
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)

    return BenchStack


def _url_up(url: str) -> bool:
    import urllib.request

    try:
        with urllib.request.urlopen(url, timeout=1) as response:  # noqa: S310 - loopback
            return response.status in (200, 503)
    except OSError:
        return False


def _raise_on_sigterm(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)


@contextlib.contextmanager
def bench_environment(args: argparse.Namespace) -> Iterator[Path]:
    """A scratch directory with the environment set and the database fresh and migrated.
    Removed at the end unless the run failed or ``--keep-logs`` was given."""
    signal.signal(signal.SIGTERM, _raise_on_sigterm)
    tmp = Path(tempfile.mkdtemp(prefix="followup-bench-"))
    failed = False
    try:
        configure_django(args.database_url, tmp / "var")
        say(f"fresh database {urlsplit(args.database_url).path.lstrip('/')}; migrating")
        recreate_database(args.database_url)
        migrate()
        setup_django()
        yield tmp
    except BaseException:
        failed = True
        raise
    finally:
        with contextlib.suppress(Exception):
            from django.db import connections

            connections.close_all()
        if failed or args.keep_logs:
            print(f"logs kept in {tmp / 'logs'}", file=sys.stderr)
        else:
            shutil.rmtree(tmp, ignore_errors=True)


@contextlib.contextmanager
def running_stack(
    tmp: Path,
    *,
    database_url: str,
    concurrency: int,
    web_workers: int = 2,
    web_threads: int = 8,
    twilio: object = None,
) -> Iterator[tuple[object, object]]:
    """(stack, fake twilio): the fake serving and Redis up; start web/worker/beat yourself.
    ``twilio``: a FakeTwilio (or subclass) not yet started, instead of a plain one."""
    from testkit.twilio_server import FakeTwilio

    with twilio or FakeTwilio() as fake:
        stack_class = _stack_class()
        stack = stack_class(tmp, fake)
        stack.worker_concurrency = concurrency
        stack.web_workers = web_workers
        stack.web_threads = web_threads
        stack.env["DATABASE_URL"] = database_url
        try:
            stack.start_redis()
            yield stack, fake
        finally:
            stack.stop_all()


def wait_until(predicate: Callable[[], bool], what: str, timeout: float, every=0.2) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(every)
    raise TimeoutError(f"timed out after {timeout:.0f} s waiting for {what}")


# CPU accounting -------------------------------------------------------------------------------

_TICKS = os.sysconf("SC_CLK_TCK")


def _proc_stats() -> Iterator[tuple[int, str, int, float]]:
    """(pid, comm, process group, CPU seconds used) of every live process."""
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            raw = (entry / "stat").read_text()
        except OSError:
            continue
        comm = raw[raw.index("(") + 1 : raw.rindex(")")]
        fields = raw[raw.rindex(")") + 2 :].split()
        # fields[0] is field 3 (state): pgrp is field 5, utime 14, stime 15.
        yield int(entry.name), comm, int(fields[2]), (int(fields[11]) + int(fields[12])) / _TICKS


def cpu_snapshot(stack: object) -> dict:
    """CPU seconds used so far by every live process, labelled: the stack's processes (with
    their pool children), the PostgreSQL backends serving the bench database, this process
    (the load generator and the fake Twilio), anything else; and the whole machine's total."""
    groups = {process.pid: name for name, process in stack.processes.items()}
    database = " " + urlsplit(stack.env["DATABASE_URL"]).path.lstrip("/") + " "
    processes: dict[int, tuple[str, float]] = {}
    for pid, comm, pgrp, seconds in _proc_stats():
        if pgrp in groups:
            label = groups[pgrp]
        elif pid == os.getpid():
            label = "bench (client + fake Twilio)"
        elif comm == "postgres" and database in _cmdline(pid):
            label = "postgres"
        else:
            label = OTHER
        processes[pid] = (label, seconds)
    return {"processes": processes, MACHINE: _machine_busy()}


def _cmdline(pid: int) -> str:
    """A PostgreSQL backend's process title: 'postgres: 15/main: user db host(port) state'."""
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


MACHINE = "machine total"
OTHER = "other processes"
EXITED = "exited processes"


def _machine_busy() -> float:
    """CPU seconds the whole machine spent busy since boot (every core, /proc/stat)."""
    fields = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    user, nice, system, _idle, _iowait, irq, softirq, steal = (int(x) for x in fields[:8])
    return (user + nice + system + irq + softirq + steal) / _TICKS


def machine_load(window: float = 3.0) -> float:
    """Fraction of the machine's CPU capacity busy over ``window`` seconds."""
    before = _machine_busy()
    time.sleep(window)
    return (_machine_busy() - before) / window / (os.cpu_count() or 1)


def wait_for_quiet(max_wait: float, threshold: float = 0.15) -> float:
    """Wait up to ``max_wait`` seconds for the machine to be mostly idle (someone else's test
    run skews every figure); returns the load measured last."""
    deadline = time.monotonic() + max_wait
    load = machine_load()
    while load > threshold and time.monotonic() < deadline:
        say(f"machine {load:.0%} busy before the run; waiting for it to quieten")
        load = machine_load()
    if load > threshold:
        say(f"WARNING: machine {load:.0%} busy before the run; figures will be noisy")
    return load


def cpu_used(before: dict, after: dict) -> dict[str, float]:
    """CPU seconds per part between two snapshots. ``other processes``: live processes that are
    not the benchmark's (someone else's test run: the figures are noisy). ``exited processes``:
    the machine's busy time no live process accounts for, i.e. processes that ended in between;
    with a Celery worker that is mostly its short-lived PostgreSQL backends (the worker opens
    a new connection per task)."""
    used: Counter = Counter()
    for pid, (label, seconds) in after["processes"].items():
        previous = before["processes"].get(pid)
        used[label] += seconds - (previous[1] if previous and previous[0] == label else 0.0)
    machine = after[MACHINE] - before[MACHINE]
    used[EXITED] = max(0.0, machine - sum(used.values()))
    used[MACHINE] = machine
    return {k: round(v, 1) for k, v in sorted(used.items())}


def noise(cpu: dict[str, float], wall: float) -> str:
    """How much of the machine other (live, foreign) processes took during the measurement."""
    share = cpu.get(OTHER, 0.0) / (wall * (os.cpu_count() or 1)) if wall > 0 else 0.0
    return f"{share:.0%} of the CPU" + (
        " (NOISY: re-run on a quiet machine)" if share > 0.1 else ""
    )


def pg_sessions() -> int:
    """Connections opened to the bench database so far (pg_stat_database, PostgreSQL 14+)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_force_next_flush()")
        cursor.execute("SELECT sessions FROM pg_stat_database WHERE datname = current_database()")
        return int(cursor.fetchone()[0])


# Worker log -----------------------------------------------------------------------------------

_TASK_DONE = re.compile(
    r"Task (followup\.[a-z_]+)\[[0-9a-f-]+\] succeeded in [0-9.e-]+s: '?([^'\n]*)'?"
)
_TASK_NAME = re.compile(r"Task (followup\.[a-z_]+)\[")
_DISCARDED = re.compile(r"Discarding revoked task: (followup\.[a-z_]+)\[")


def task_outcomes(worker_log: str) -> Counter:
    """(task, result) -> count, from the worker's INFO log. Dispatch results are dicts, so
    only the task name is kept for them."""
    counts: Counter = Counter()
    for task, result in _TASK_DONE.findall(worker_log):
        counts[(task, "ok" if result.startswith("{") else result)] += 1
    return counts


def task_problems(worker_log: str) -> Counter:
    """(task, what) -> count for tasks that did not succeed: discarded before running (a
    dispatch tick past its ``expires``), raised, or retried."""
    counts: Counter = Counter()
    for line in worker_log.splitlines():
        name = _TASK_NAME.search(line) or _DISCARDED.search(line)
        if not name or "succeeded in" in line or "Received task" in line:
            continue
        if "Discarding revoked task" in line:
            counts[(name.group(1), "discarded (expired)")] += 1
        elif "raised" in line:
            counts[(name.group(1), "raised")] += 1
        elif "retry" in line.lower():
            counts[(name.group(1), "retry")] += 1
    return counts
