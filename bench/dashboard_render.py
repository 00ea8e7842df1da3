"""How fast the clinician dashboard renders, and whether its cost stays flat as the clinic
grows (issue 5: the queue and a patient page each under 200 ms server time with a bounded
number of queries; issue 11: the same cost at 1,000 and at 100,000 patients, a heavy patient
page at most 1.5 times a typical one, an unchanged poll a 204 after one cheap query).

For each of ``--sizes`` (default 1,000 and 100,000 patients, 10 responses each), in a child
process of its own: seeds a dedicated PostgreSQL database by ``COPY`` (once: it is reused while
its seed marker matches; ``--reseed`` starts over), a clinic of that many patients (one of them
with a long history: 60 sessions, 600 check-ins, 1,200 responses), a second clinic, sessions,
check-ins of every status, scored responses, outbound messages, resolved and unresolved flags
(at least 120 unresolved, so that the queue shows its full 100 rows at every size) with their
timelines and pages. Then, with production settings (DEBUG off, a second factor required) and
Django's test ``Client`` signed in as a clinician with a verified TOTP device, requests each
dashboard page ``--requests`` times after ``--warmup`` unmeasured ones, and prints server time
p50/p95/max, SQL queries, SQL time and size per request. The queue's poll is measured three
ways: without a version (all rows), unchanged (the 204), and changed (one row changes before
each request, outside the measured time, and the poll says which rows it shows, as queue.js
does). Last, a table of each page's p50 at every size and the ratio of the largest to the
smallest. ``--explain`` adds EXPLAIN ANALYZE of each page's slowest queries.

    .venv/bin/python bench/dashboard_render.py [--sizes 1000,100000] [--reseed] [--explain]

Exit status: 0 every page as expected, 2 a page over the target (p95), a patient page whose
queries grow with the history, or a heavy patient page over 1.5 times the typical one (p50),
1 the measurement itself failed.
"""

import argparse
import contextlib
import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

import _accounting as accounting
import _support as bench
from _dashboard_pages import (
    POLL_HEADERS,
    ChangedPoll,
    Page,
    run_page,
    signed_in,
    span,
    static_files,
)
from _dashboard_report import (
    TARGET_MS,
    database_counts,
    explain,
    figures,
    ratio_table,
    table,
)

from testkit.seeding.dashboard import (
    HEAVY_PHONE,
    MAIN_CLINIC,
    RESPONSES_PER_PATIENT,
    Seeder,
)

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/followup_bench_dashboard"
SEED_VERSION = 2  # bump when the shape of the seed changes: a reused database is re-seeded
HEAVY_RATIO = 1.5  # issue 11: the heavy patient page against the typical one (p50)
SEARCH_TERM = "Garcia"  # one of LAST_NAMES: about 1/64 of the patients


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url",
        default=DEFAULT_DATABASE_URL,
        help="PostgreSQL database to seed (dropped and re-created when seeding; %(default)s)",
    )
    parser.add_argument(
        "--reseed", action="store_true", help="drop and seed the database even if it matches"
    )
    parser.add_argument("--seed-only", action="store_true", help="seed (or check), measure nothing")
    parser.add_argument(
        "--sizes",
        default="1000,100000",
        help="patients of the measured clinic, one run each, comma-separated (%(default)s); "
        f"{RESPONSES_PER_PATIENT} responses per patient",
    )
    # One size, in the child process the run starts for it: its results as JSON to a file.
    parser.add_argument("--size", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--json", help=argparse.SUPPRESS)
    parser.add_argument(
        "--other-patients",
        type=int,
        default=2000,
        help="patients of the second clinic, with 10 responses each (%(default)s)",
    )
    parser.add_argument("--requests", type=int, default=50, help="measured requests per page (50)")
    parser.add_argument("--warmup", type=int, default=5, help="unmeasured requests per page (5)")
    parser.add_argument(
        "--explain", action="store_true", help="EXPLAIN ANALYZE each page's slowest queries"
    )
    parser.add_argument(
        "--explain-top", type=int, default=3, help="queries explained per page (%(default)s)"
    )
    parser.add_argument(
        "--profile", action="store_true", help="cProfile one request of each page (non-SQL time)"
    )
    parser.add_argument("--random-seed", type=int, default=5, help="seed of the data (5)")
    parser.add_argument(
        "--wait-quiet",
        type=float,
        default=60.0,
        help="wait up to this many seconds for other load on the machine to stop before "
        "measuring (default: %(default)s)",
    )
    args = parser.parse_args(argv)
    try:
        args.sizes = [int(size) for size in args.sizes.split(",")]
    except ValueError:
        parser.error("--sizes: numbers of patients, comma-separated")
    if min(args.sizes + ([args.size] if args.size else [])) < 200:
        parser.error("--sizes: at least 200 patients each")
    if args.size:
        args.patients, args.responses = args.size, RESPONSES_PER_PATIENT * args.size
        args.database_url = f"{args.database_url}_p{args.size}"
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.size:
        return run_size(args)
    return run_sizes(args, sys.argv[1:] if argv is None else argv)


def run_sizes(args: argparse.Namespace, argv: list[str]) -> int:
    """Each size in a child process (its own database and Django set-up), then the ratios."""
    tmp = Path(tempfile.mkdtemp(prefix="followup-bench-dashboard-"))
    try:
        results, worst = {}, 0
        for size in args.sizes:
            out = tmp / f"{size}.json"
            bench.say(f"=== {size:,} patients ===")
            code = subprocess.call(  # noqa: S603 (this script, with its own arguments)
                [sys.executable, __file__, *argv, "--size", str(size), "--json", str(out)],
                cwd=bench.ROOT,
            )
            worst = max(worst, 1 if code not in (0, 2) else code)
            if out.exists():
                results[size] = json.loads(out.read_text())
            elif not args.seed_only:
                return 1
        if len(results) > 1:
            print()
            print(ratio_table(results))
        return worst
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def run_size(args: argparse.Namespace) -> int:
    tmp = Path(tempfile.mkdtemp(prefix="followup-bench-dashboard-"))
    try:
        bench.configure_django(args.database_url, tmp / "var")
        os.environ.pop("DEBUG", None)  # production semantics: a second factor is required
        os.environ["LOG_LEVEL"] = "WARNING"
        marker = _marker(args)
        reuse = not args.reseed and _seeded(args.database_url, marker)
        if not reuse:
            bench.say(f"fresh database {urlsplit(args.database_url).path.lstrip('/')}; migrating")
            bench.recreate_database(args.database_url)
        bench.migrate()  # also applies migrations added since a reused database was seeded
        bench.setup_django()
        if reuse:
            bench.say(f"reusing the seeded database ({_describe(marker)})")
        else:
            Seeder(args, marker, say=bench.say).run()
        if args.seed_only:
            return 0
        return measure(args, tmp)
    finally:
        with contextlib.suppress(Exception):
            from django.db import connections

            connections.close_all()
        shutil.rmtree(tmp, ignore_errors=True)


# Is it seeded already? ------------------------------------------------------------------------


def _marker(args: argparse.Namespace) -> dict:
    return {
        "version": SEED_VERSION,
        "patients": args.patients,
        "responses": args.responses,
        "other_patients": args.other_patients,
        "random_seed": args.random_seed,
    }


def _describe(marker: dict) -> str:
    return (
        f"{marker['patients']:,} patients, {marker['responses']:,} responses, "
        f"{marker['other_patients']:,} in the other clinic, seed {marker['random_seed']}"
    )


def _seeded(database_url: str, marker: dict) -> bool:
    """The database exists and its last seed finished with these options (the seeder writes
    an audit event ``bench.seeded`` as its very last step)."""
    import psycopg

    try:
        with psycopg.connect(database_url, connect_timeout=5) as connection:
            row = connection.execute(
                "SELECT detail FROM followup_auditevent WHERE action = 'bench.seeded' "
                "ORDER BY id DESC LIMIT 1"
            ).fetchone()
    except psycopg.Error:
        return False
    return row is not None and all(row[0].get(k) == v for k, v in marker.items())


def measure(args: argparse.Namespace, tmp: Path) -> int:
    import logging

    from django.db import connection
    from django.db.models import Count

    from followup.models import Clinician, Flag, Patient, Response

    static = static_files()
    heavy = Patient.objects.filter(phone=HEAVY_PHONE).first()
    if heavy is None:
        raise SystemExit("no heavy patient: seed with --reseed")
    main = heavy.clinic_id
    middle = Patient.objects.filter(clinic_id=main).order_by("pk")[args.patients // 2].pk
    # A typical patient: 10 responses (the clinic's mean), from the middle of the table.
    typical_row = (
        Response.objects.filter(patient_id__gte=middle, patient_id__lt=middle + 200)
        .values("patient_id")
        .annotate(n=Count("id"))
        .filter(n=10)
        .order_by("patient_id")
        .first()
    )
    typical = Patient.objects.get(pk=typical_row["patient_id"] if typical_row else middle)
    flag = (
        Flag.objects.filter(clinic_id=main, status=Flag.Status.OPEN, priority="critical")
        .order_by("created_at", "id")
        .first()
    ) or Flag.objects.filter(clinic_id=main).exclude(status=Flag.Status.RESOLVED).first()
    history = {
        label: (p.pk, p.responses.count(), p.check_ins.count(), p.sessions.count())
        for label, p in (("typical", typical), ("heavy", heavy))
    }
    client = signed_in(Clinician.objects.get(username="bench.alice"))
    version = client.get("/dashboard/queue/rows/", headers=POLL_HEADERS).get(
        "X-Followup-Queue-Version"
    )
    changed = ChangedPoll(client)
    pages = [
        Page("queue", "/dashboard/"),
        Page("queue rows (all)", "/dashboard/queue/rows/", POLL_HEADERS),
        Page(
            "queue poll (unchanged)",
            "/dashboard/queue/rows/",
            {**POLL_HEADERS, "X-Followup-Queue-Version": version or ""},
            expect=204 if version else 200,
        ),
        Page(
            "queue poll (changed)",
            "/dashboard/queue/rows/",
            changed.headers,
            prepare=changed.prepare,
            observe=changed.observe,
        ),
        Page("flag page", f"/dashboard/flags/{flag.pk}/"),
        Page("patients list", "/dashboard/patients/"),
        Page(f"patients search {SEARCH_TERM}", "/dashboard/patients/", data={"q": SEARCH_TERM}),
        Page("patient (typical)", f"/dashboard/patients/{typical.pk}/"),
        Page("patient (heavy)", f"/dashboard/patients/{heavy.pk}/"),
    ]
    load = accounting.wait_for_quiet(args.wait_quiet)
    bench.say(f"measuring {len(pages)} pages, {args.warmup} + {args.requests} requests each")
    results = [run_page(client, page, args) for page in pages]
    outsider = signed_in(Clinician.objects.get(username="bench.oscar"))
    logging.getLogger("django.request").setLevel(logging.ERROR)  # the expected 404
    other = outsider.get(f"/dashboard/patients/{typical.pk}/").status_code

    print()
    print(table(results))
    print()
    by_name = {r.name: r for r in results}
    typical_r, heavy_r = by_name["patient (typical)"], by_name["patient (heavy)"]
    bounded = max(heavy_r.own_queries) <= max(typical_r.own_queries)
    rows = [
        ("date (UTC)", dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M")),
        ("machine", f"{os.cpu_count()} cores; other load before the run {load:.0%}"),
        ("database", f"PostgreSQL {connection.pg_version // 10000}, {database_counts(main)}"),
        ("settings", f"DEBUG off, second factor required, static files: {static}"),
        ("signed in as", f"bench.alice (clinician, TOTP verified) of {MAIN_CLINIC}"),
        *(
            (f"{label} patient #{pk}", f"{r:,} responses, {c:,} check-ins, {s} sessions")
            for label, (pk, r, c, s) in history.items()
        ),
        (
            "patient page queries typical / heavy",
            f"{span(typical_r.own_queries)} / {span(heavy_r.own_queries)} without the session's"
            f" ({span(typical_r.queries)} / {span(heavy_r.queries)} in all): "
            + ("bounded" if bounded else "GROWS WITH THE HISTORY"),
        ),
        ("other clinic's clinician on the typical patient", f"HTTP {other} (expected 404)"),
    ]
    print(bench.summary("dashboard_render", rows))
    if args.profile:
        for r in results:
            print(f"\n=== cProfile of one request: {r.name} ({r.page.url}) ===\n{r.profile}")
    if args.explain:
        explain(results, args.explain_top)
    heavy_ratio = bench.percentile(heavy_r.times_ms, 0.5) / bench.percentile(
        typical_r.times_ms, 0.5
    )
    print(f"heavy / typical patient page (p50): {heavy_ratio:.2f}x (at most {HEAVY_RATIO}x)")
    if args.json:
        Path(args.json).write_text(json.dumps({r.name: figures(r) for r in results}))
    failed = [r.name for r in results if set(r.statuses) != {r.page.expect}]
    slow = [r.name for r in results if r.p95 >= TARGET_MS]
    if failed:
        print(f"FAILED: unexpected status: {', '.join(failed)}")
        return 1
    if slow or not bounded or other != 404 or heavy_ratio > HEAVY_RATIO:
        print(
            f"TARGET MISSED: p95 >= {TARGET_MS:.0f} ms: {', '.join(slow) or 'none'}; "
            f"heavy / typical {heavy_ratio:.2f}x"
        )
        return 2
    print(
        f"OK: every page as expected, p95 under {TARGET_MS:.0f} ms, patient page bounded, "
        f"heavy / typical under {HEAVY_RATIO}x"
    )
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        sys.exit(130)
