"""How fast an EHR can enrol patients and record their sessions through the API.

Starts gunicorn as production runs it (``gunicorn config.wsgi --workers 3``, sync workers)
against a fresh PostgreSQL database with a clinic made by ``createclinic`` (the clinic's
integration key it prints is the token; each use of it is also an audit event), then:

1. one by one: N patients, each ``POST /api/v1/patients/`` then ``POST /api/v1/sessions/`` for
   it, from 8 client threads (one connection per thread, kept open as long as the server
   allows); prints requests per second and latency;
2. bulk: ``POST /api/v1/patients/import/`` with 5,000 more patients and their sessions (in one
   request, or ``--batch`` at a time); prints patients per second.

After each part it counts the rows (patients, sessions, check-ins, audit events) and prints
what is missing or duplicated against what the services write: both must be 0.

    .venv/bin/python bench/api_rate.py [--patients 1000] [--threads 8] [--bulk 5000]
"""

import argparse
import datetime as dt
import os
import signal
import subprocess
import sys
import urllib.error
import urllib.request
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

import _accounting as accounting
import _support as bench
from _api_client import SESSION_HOURS_AGO, ZONE, Client, bulk_enrol, one_by_one, phone

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/followup_bench_api"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--patients", type=int, default=1000, help="one by one (1000)")
    parser.add_argument("--threads", type=int, default=8, help="client threads (8)")
    parser.add_argument("--bulk", type=int, default=5000, help="patients imported (5000)")
    parser.add_argument(
        "--batch", type=int, default=5000, help="patients per import request (5000)"
    )
    parser.add_argument(
        "--bulk-threads",
        type=int,
        default=1,
        help="import requests sent at once, when --batch splits the import (1)",
    )
    parser.add_argument("--web-workers", type=int, default=3, help="gunicorn --workers (3)")
    parser.add_argument(
        "--web-threads",
        type=int,
        default=1,
        help="gunicorn --threads (1: sync workers, as docker-compose.yml runs it; more: gthread "
        "workers, to see what threads would give)",
    )
    parser.add_argument(
        "--quick", action="store_true", help="a fast sanity run: 200 one by one, 1000 in bulk"
    )
    parser.add_argument(
        "--profile-seconds",
        type=float,
        default=0.0,
        help="py-spy record one web worker for this long during the one-by-one part (needs "
        "py-spy; written to the current directory)",
    )
    parser.add_argument(
        "--profile-format",
        choices=("flamegraph", "raw", "speedscope"),
        default="flamegraph",
        help="py-spy's output format (flamegraph: an SVG; raw: collapsed stacks)",
    )
    bench.add_common_arguments(parser)
    parser.set_defaults(database_url=DEFAULT_DATABASE_URL)
    args = parser.parse_args(argv)
    if args.quick:
        args.patients = min(args.patients, 200)
        args.bulk = min(args.bulk, 1000)
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    with bench.bench_environment(args) as tmp:
        return run(args, tmp)


def run(args: argparse.Namespace, tmp: Path) -> int:
    accounting.wait_for_quiet(args.wait_quiet)
    token = _create_clinic()
    bench.analyze_database()
    with bench.running_stack(tmp, database_url=args.database_url, concurrency=1) as (stack, _):
        _start_web(stack, args.web_workers, args.web_threads)
        bench.say(
            f"gunicorn config.wsgi up with {args.web_workers} workers x {args.web_threads} threads"
        )
        host = urlsplit(stack.web_url).netloc
        client = Client(host, token)

        bench.say(f"one by one: {args.patients} patients and sessions, {args.threads} threads")
        cpu_before = accounting.cpu_snapshot(stack)
        profiler = _start_profiler(stack, args.profile_seconds, args.profile_format)
        single = one_by_one(client, args.patients, args.threads)
        cpu_single = accounting.cpu_used(cpu_before, accounting.cpu_snapshot(stack))
        if profiler is not None:
            profiler.wait()
        single_check = _check(range(args.patients))

        bulk = None
        bulk_check = None
        if args.bulk:
            # New web workers, so new database connections: a connection keeps the plans of
            # its foreign-key checks, and those of the first part were made when the bench's
            # tables were nearly empty (a sequential scan per check, tens of thousands of
            # checks at the import's commit). A service in use has no nearly empty tables.
            stack.kill("web", signal.SIGTERM)
            _start_web(stack, args.web_workers, args.web_threads)
            bench.say(
                f"bulk: {args.bulk} patients with sessions, {args.batch} per request, "
                f"{args.bulk_threads} at once (web restarted)"
            )
            cpu_before = accounting.cpu_snapshot(stack)
            bulk = bulk_enrol(client, args.patients, args.bulk, args.batch, args.bulk_threads)
            bulk["cpu"] = accounting.cpu_used(cpu_before, accounting.cpu_snapshot(stack))
            if bulk["available"]:
                bulk_check = _check(range(args.patients, args.patients + args.bulk))
    print(_report(args, single, cpu_single, single_check, bulk, bulk_check))
    ok = single_check["ok"] and single["ok"] and (bulk_check is None or bulk_check["ok"])
    return 0 if ok else 1


# Set-up ---------------------------------------------------------------------------------------


def _create_clinic() -> str:
    """``createclinic`` as an operator runs it; its last line is the clinic's integration key."""
    done = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "createclinic",
            "Bench Clinic",
            "--admin",
            "bench-admin",
            "--password",
            "bench-admin-password-1",
            "--timezone",
            "America/Chicago",
        ],
        cwd=bench.ROOT,
        env=os.environ.copy(),
        check=True,
        capture_output=True,
        text=True,
    )
    return done.stdout.strip().splitlines()[-1]


def _start_web(stack: object, workers: int, threads: int) -> None:
    """As docker-compose.yml runs it (sync workers, unless ``threads`` > 1), without the access
    log."""
    stack._start(
        "web",
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "config.wsgi",
            "--bind",
            f"127.0.0.1:{stack.web_port}",
            "--workers",
            str(workers),
            "--threads",
            str(threads),
            "--timeout",
            "30",
            "--backlog",
            "2048",
        ],
    )
    stack.wait(lambda: _answers(stack.web_url + "/healthz"), "web up", timeout=60)


def _answers(url: str) -> bool:
    """The web answers, whatever it says: /healthz says 503 a minute after start-up here, as
    no scheduler runs (nothing here needs one)."""
    try:
        with urllib.request.urlopen(url, timeout=1):  # noqa: S310 - our own server
            return True
    except urllib.error.HTTPError:
        return True
    except OSError:
        return False


def _start_profiler(stack: object, seconds: float, fmt: str) -> subprocess.Popen | None:
    if seconds <= 0:
        return None
    master = stack.processes["web"].pid
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    worker = children[0]
    suffix = {"flamegraph": "svg", "raw": "txt", "speedscope": "json"}[fmt]
    out = f"api_rate-worker-{worker}.{suffix}"
    bench.say(f"py-spy recording web worker {worker} for {seconds:.0f} s into {out}")
    return subprocess.Popen(  # noqa: S603 - our own tool on our own worker's pid
        [
            str(Path(sys.executable).parent / "py-spy"),
            "record",
            "--pid",
            worker,
            "--duration",
            str(int(seconds)),
            "--format",
            fmt,
            "--output",
            out,
            "--nonblocking",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


# Counting what was written --------------------------------------------------------------------


def _check(numbers: range) -> dict:
    """Missing and duplicated rows for patients ``numbers``, against what ``patient_create``
    then ``session_record`` write for one new patient: the patient, its check-in at enrolment
    (cancelled by the session) when the plan asks for one, one session, the plan's check-ins,
    and the two audit events."""
    from django.db.models import Count, Q

    from followup.clinical.scheduling import plan_check_ins
    from followup.models import AuditEvent, CheckIn, Clinic, Patient, TreatmentSession

    clinic = Clinic.objects.get(name="Bench Clinic")
    plan = clinic.follow_up_plan
    occurred_at = dt.datetime.now(dt.UTC) - dt.timedelta(hours=SESSION_HOURS_AGO)
    planned = len(
        plan_check_ins(
            occurred_at=occurred_at,
            steps=plan.steps,
            timezone=ZONE,
            expire_after_hours=plan.expire_after_hours,
            now=dt.datetime.now(dt.UTC),
            next_session_at=None,
            taken_dates=[],
        )
    )
    baseline = 1 if plan.enrolment_check_in else 0
    phones = {phone(n) for n in numbers}
    patients = Patient.objects.filter(clinic=clinic, phone__in=phones).annotate(
        sessions_n=Count("sessions", distinct=True),
        planned_n=Count("check_ins", filter=Q(check_ins__session__isnull=False), distinct=True),
        baseline_n=Count(
            "check_ins",
            filter=Q(
                check_ins__session__isnull=True,
                check_ins__status="cancelled",
                check_ins__cancel_reason="treatment_started",
            ),
            distinct=True,
        ),
        stray_n=Count(
            "check_ins",
            filter=Q(check_ins__session__isnull=True) & ~Q(check_ins__status="cancelled"),
            distinct=True,
        ),
    )
    rows = list(
        patients.values_list("phone", "pk", "sessions_n", "planned_n", "baseline_n", "stray_n")
    )
    ids = [pk for _, pk, *_ in rows]
    audits = Counter(
        AuditEvent.objects.filter(
            patient_id__in=ids, action__in=("patient.create", "session.record")
        ).values_list("patient_id", "action")
    )
    missing: Counter = Counter()
    duplicated: Counter = Counter()
    found = Counter(p for p, *_ in rows)
    missing["patients"] = len(phones - set(found))
    duplicated["patients"] = sum(n - 1 for n in found.values() if n > 1)
    for _, pk, sessions, planned_n, baseline_n, stray in rows:
        for what, got, want in (
            ("sessions", sessions, 1),
            ("check-ins", planned_n + baseline_n + stray, planned + baseline),
            ("audit events", audits[(pk, "patient.create")] + audits[(pk, "session.record")], 2),
        ):
            missing[what] += max(0, want - got)
            duplicated[what] += max(0, got - want)
    totals = {
        "patients": len(rows),
        "sessions": TreatmentSession.objects.filter(patient_id__in=ids).count(),
        "check-ins": CheckIn.objects.filter(patient_id__in=ids).count(),
        "scheduled check-ins": CheckIn.objects.filter(
            patient_id__in=ids, status="scheduled"
        ).count(),
    }
    return {
        "totals": totals,
        "missing": sum(missing.values()),
        "duplicated": sum(duplicated.values()),
        "missing_by_kind": {k: v for k, v in missing.items() if v},
        "duplicated_by_kind": {k: v for k, v in duplicated.items() if v},
        "ok": not sum(missing.values()) and not sum(duplicated.values()),
    }


# Output ---------------------------------------------------------------------------------------


def _report(args, single, cpu_single, single_check, bulk, bulk_check) -> str:
    rows = [
        ("date (UTC)", dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M")),
        (
            "configuration",
            f"PostgreSQL, Redis, gunicorn config.wsgi --workers {args.web_workers} "
            + (f"--threads {args.web_threads}" if args.web_threads > 1 else "(sync)")
            + f", {os.cpu_count()} cores",
        ),
        ("-- one by one", f"{args.patients} patients + sessions, {args.threads} client threads"),
        ("HTTP statuses", single["statuses"]),
        ("requests per second", f"{single['per_second']:.1f}"),
        (
            "latency p50 / p99 / max (ms)",
            f"{single['p50_ms']:.0f} / {single['p99_ms']:.0f} / {single['max_ms']:.0f}",
        ),
        ("took (s)", f"{single['seconds']:.2f}"),
        (f"CPU s used in {single['seconds']:.0f} s", cpu_single),
        ("other load during the run", accounting.noise(cpu_single, single["seconds"])),
        ("rows", single_check["totals"]),
        ("missing / duplicated", _missing(single_check)),
    ]
    if bulk is not None and not bulk["available"]:
        rows.append(("-- bulk import", f"not available ({bulk['statuses']})"))
    elif bulk is not None:
        rows += [
            (
                "-- bulk import",
                f"{args.bulk} patients + sessions, {args.batch} per request, "
                f"{args.bulk_threads} at once",
            ),
            ("HTTP statuses", bulk["statuses"]),
            ("patients per second", f"{bulk['per_second']:.0f}"),
            ("took (s)", f"{bulk['seconds']:.2f} (longest request {bulk['max_request_s']:.2f})"),
            (f"CPU s used in {bulk['seconds']:.0f} s", bulk["cpu"]),
            ("rows", bulk_check["totals"]),
            ("missing / duplicated", _missing(bulk_check)),
        ]
    ok = single["ok"] and single_check["ok"] and (bulk_check is None or bulk_check["ok"])
    rows.append(("verdict", "OK" if ok else "FAILED"))
    return bench.summary("api_rate", rows)


def _missing(check: dict) -> str:
    text = f"{check['missing']} / {check['duplicated']}"
    if not check["ok"]:
        text += f" (missing {check['missing_by_kind']}, duplicated {check['duplicated_by_kind']})"
    return text


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        sys.exit(130)
