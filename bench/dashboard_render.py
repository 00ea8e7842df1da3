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
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import _support as bench

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/followup_bench_dashboard"
MAIN_CLINIC = "Bench Dashboard Clinic"
OTHER_CLINIC = "Bench Dashboard Other Clinic"
HEAVY_PHONE = "+13129000000"
SEED_VERSION = 2  # bump when the shape of the seed changes: a reused database is re-seeded
TARGET_MS = 200.0  # issue 5: server time of the queue and a patient page
HEAVY_RATIO = 1.5  # issue 11: the heavy patient page against the typical one (p50)
RESPONSES_PER_PATIENT = 10
# The measured clinic has at least this many open and acknowledged flags at any size, so the
# queue shows its full QUEUE_LIMIT rows and sizes compare like with like.
MIN_OPEN_FLAGS, MIN_ACKNOWLEDGED_FLAGS = 20, 100
CHUNK = 5000  # patients per COPY round (one transaction each)
MESSAGE_WINDOW = dt.timedelta(days=90)  # check-in SMS rows are kept for this recent window
HISTORY_FLAG_RATE = 0.15  # share of the history's rule triggers seeded as (resolved) flags


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


ZONES = ("America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles")
FIRST_NAMES = _words(
    "James Mary Robert Patricia John Jennifer Michael Linda David Elizabeth William Barbara "
    "Richard Susan Joseph Jessica Thomas Sarah Charles Karen Daniel Lisa Matthew Nancy Anthony "
    "Betty Mark Sandra Steven Ashley Paul Emily Andrew Donna Joshua Michelle Kevin Carol Brian "
    "Amanda Maria Luis Aisha Wei Priya Omar Sofia Mateo Chloe Noah"
)
LAST_NAMES = _words(
    "Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez Lopez "
    "Gonzalez Wilson Anderson Thomas Taylor Moore Jackson Martin Lee Perez Thompson White Harris "
    "Sanchez Clark Ramirez Lewis Robinson Walker Young Allen King Wright Scott Torres Nguyen Hill "
    "Flores Green Adams Nelson Baker Hall Rivera Campbell Mitchell Carter Roberts Okafor Kowalski "
    "Lindqvist Moreno Patel Kim Chen Schmidt Rossi Dubois"
)
SEARCH_TERM = "Garcia"  # one of LAST_NAMES: about 1/64 of the patients
POLL_HEADERS = {"X-Followup-Poll": "1", "HX-Request": "true"}
ROW_VERSION = re.compile(r'id="flag-row-(\d+)" data-row-version="(\w+)"')


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
            print(_ratio_table(results))
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
            Seeder(args, marker).run()
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


# Seeding --------------------------------------------------------------------------------------

# Responses written per check-in outcome ("pool": a past check-in whose outcome is drawn so that
# the clinic's total comes out exact).
RESPONSES_OF = {
    "scheduled": 0,
    "cancelled": 0,
    "undeliverable": 0,
    "sent": 0,
    "in_progress": 1,
    "completed": 2,
    "expired0": 0,
    "expired1": 1,  # a partial PHQ-9
    "expired2": 2,  # a complete PHQ-9 and a partial GAD-7
}
UNRESOLVED_REASONS = (  # (reason, weight) of the unresolved flags
    ("suicidal_ideation", 25),
    ("crisis_language", 5),
    ("severe_depression", 30),
    ("severe_anxiety", 20),
    ("reliable_deterioration", 20),
)


@dataclass(slots=True)
class Visit:
    """A check-in being planned."""

    session: int  # index into the patient's sessions
    step: int
    due: dt.datetime
    outcome: str
    reason: str = ""  # why undeliverable
    answered: dt.datetime | None = None


@dataclass(slots=True)
class PatientPlan:
    number: int
    zone: str
    channel: str
    consent: bool
    opted_out_at: dt.datetime | None
    created: dt.datetime
    sessions: list[dt.datetime]
    visits: list[Visit]
    baseline: tuple[float, float]
    improvement: float
    heavy: bool = False
    flag_reason: str = ""  # the unresolved flag this patient has, if any
    flag_status: str = ""
    flag_visit: int = -1


@dataclass
class ClinicInfo:
    pk: int
    name: str
    phone_prefix: str
    admin: int
    on_call: dict[int, tuple[int, str]]  # level -> (clinician id, phone)
    policy: dict
    plan_hours: list[int]


@dataclass
class Table:
    """Rows of one model waiting for a COPY; columns not given get the field's default."""

    model: type
    columns: tuple[str, ...]
    rows: list[tuple] = field(default_factory=list)
    fill: tuple[tuple[str, object], ...] = ()

    def __post_init__(self) -> None:
        fields = {f.column: f for f in self.model._meta.concrete_fields}
        unknown = set(self.columns) - set(fields)
        if unknown:
            raise SystemExit(f"{self.model.__name__}: no column {sorted(unknown)}")
        fill = []
        for column, f in fields.items():
            if column in self.columns or f.null or f.has_db_default():
                continue
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                fill.append((column, dt.datetime.now(dt.UTC)))
            elif f.get_internal_type() == "JSONField":
                fill.append((column, json.dumps(f.get_default())))
            else:
                fill.append((column, f.get_default()))
        self.fill = tuple(fill)

    def copy(self, cursor) -> int:
        from django.db import connection

        columns = [*self.columns, *(column for column, _ in self.fill)]
        extra = tuple(value for _, value in self.fill)
        statement = "COPY {} ({}) FROM STDIN".format(
            connection.ops.quote_name(self.model._meta.db_table),
            ", ".join(connection.ops.quote_name(c) for c in columns),
        )
        with cursor.copy(statement) as copy:
            for row in self.rows:
                copy.write_row(row + extra if extra else row)
        count = len(self.rows)
        self.rows.clear()
        return count


class AnswerPool:
    """Answer vectors for each total, scored by ``followup.clinical.instruments`` (PHQ-9 item 9 is 0:
    only the planned suicidal-ideation flags have it positive)."""

    def __init__(self, rng: random.Random) -> None:
        from followup.clinical.instruments import INSTRUMENTS, score

        self.rng = rng
        self.score = score
        self.items = {code: instrument.item_count for code, instrument in INSTRUMENTS.items()}
        self.maximum = {"phq9": 24, "gad7": 21}
        self.vectors: dict[str, list[list[tuple[list[int], str]]]] = {}
        for code in INSTRUMENTS:
            self.vectors[code] = [
                [self.make(code, total) for _ in range(16)]
                for total in range(self.maximum[code] + 1)
            ]

    def make(self, code: str, total: int, item9: int = 0) -> tuple[list[int], str]:
        n = self.items[code]
        slots = n - 1 if code == "phq9" else n
        values = [0] * n
        remaining = total - item9
        while remaining:
            i = self.rng.randrange(slots)
            if values[i] < 3:
                values[i] += 1
                remaining -= 1
        if code == "phq9":
            values[-1] = item9
        result = self.score(code, values)
        assert result.complete
        assert result.total == total
        return values, result.severity

    def complete(self, code: str, total: int) -> tuple[list[int], str]:
        total = max(0, min(self.maximum[code], total))
        return self.rng.choice(self.vectors[code][total])

    def partial(self, code: str) -> list[int | None]:
        n = self.items[code]
        answered = self.rng.randint(1, n - 1)  # PHQ-9: item 9 never answered in a partial
        values: list[int | None] = [self.rng.randint(0, 2) for _ in range(answered)]
        return values + [None] * (n - answered)


def flag_code(pk: int) -> str:
    """A unique 5-character code per id (a bijection of the id modulo 31**5)."""
    from followup.services.flags import CODE_ALPHABET, CODE_LENGTH

    base = len(CODE_ALPHABET)
    n = (pk * 1_000_003 + 7_654_321) % base**CODE_LENGTH
    digits = []
    for _ in range(CODE_LENGTH):
        n, digit = divmod(n, base)
        digits.append(CODE_ALPHABET[digit])
    return "".join(digits)


class Seeder:
    def __init__(self, args: argparse.Namespace, marker: dict) -> None:
        self.args = args
        self.marker = marker
        self.rng = random.Random(args.random_seed)
        self.now = dt.datetime.now(dt.UTC).replace(microsecond=0)
        self.counts: Counter = Counter()
        self.next_id: dict[str, int] = {}
        self.zones = {zone: ZoneInfo(zone) for zone in ZONES}

    # Orchestration ----------------------------------------------------------------------------

    def run(self) -> None:
        from django.db import connection, transaction

        started = time.monotonic()
        main, other = self._clinics()
        self.pool = AnswerPool(self.rng)
        self._tables()
        for table_name, table in self.tables.items():
            self.next_id[table_name] = (
                table.model.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
            )
        for clinic, patients, responses, heavy in (
            (main, self.args.patients, self.args.responses, True),
            (other, self.args.other_patients, 10 * self.args.other_patients, False),
        ):
            if patients <= 0:
                continue
            plans = self._plan_clinic(clinic, patients, responses, heavy)
            # 60 open and 390 acknowledged flags per 100,000 patients; in the measured clinic,
            # enough at any size for a full queue.
            floor = (MIN_OPEN_FLAGS, MIN_ACKNOWLEDGED_FLAGS) if heavy else (2, 5)
            self._plan_flags(
                plans,
                max(floor[0], round(patients * 6e-4)),
                max(floor[1], round(patients * 39e-4)),
            )
            for start in range(0, len(plans), CHUNK):
                with transaction.atomic(), connection.cursor() as cursor:
                    # Foreign keys are checked once at the end (_verify), not row by row.
                    cursor.execute("SET LOCAL session_replication_role = replica")
                    cursor.execute("SET LOCAL synchronous_commit = off")
                    for plan in plans[start : start + CHUNK]:
                        self._emit_patient(clinic, plan)
                    for name, table in self.tables.items():
                        self.counts[name] += table.copy(cursor.cursor)
                done = min(start + CHUNK, len(plans))
                if done % 20_000 == 0 or done == len(plans):
                    bench.say(
                        f"  {clinic.name}: {done:,} / {len(plans):,} patients "
                        f"({time.monotonic() - started:.0f} s)"
                    )
        copied = time.monotonic() - started
        self._finish()
        bench.say(
            f"seeded in {time.monotonic() - started:.0f} s (COPY {copied:.0f} s, then sequences, "
            f"foreign-key check, VACUUM ANALYZE): "
            + ", ".join(f"{name} {count:,}" for name, count in self.counts.items())
        )

    def _finish(self) -> None:
        from django.core.management.color import no_style
        from django.db import connection

        from followup.models import AuditEvent

        models = [table.model for table in self.tables.values()]
        with connection.cursor() as cursor:
            for statement in connection.ops.sequence_reset_sql(no_style(), models):
                cursor.execute(statement)
        self._verify()
        AuditEvent.objects.create(
            action="bench.seeded",
            object_type="bench",
            detail={**self.marker, "rows": dict(self.counts)},
        )
        started = time.monotonic()
        with connection.cursor() as cursor:
            cursor.execute("VACUUM (ANALYZE)")
        bench.say(f"VACUUM ANALYZE {time.monotonic() - started:.0f} s")

    def _verify(self) -> None:
        """Every foreign key of the copied rows points at a row (they were not checked while
        copying, under ``session_replication_role = replica``)."""
        from django.db import connection
        from django.db.models import ForeignKey

        q = connection.ops.quote_name
        broken = []
        with connection.cursor() as cursor:
            for table in self.tables.values():
                for f in table.model._meta.concrete_fields:
                    if not isinstance(f, ForeignKey):
                        continue
                    child, parent = table.model._meta.db_table, f.related_model._meta.db_table
                    cursor.execute(
                        f"SELECT count(*) FROM {q(child)} c WHERE c.{q(f.column)} IS NOT NULL "  # noqa: S608
                        f"AND NOT EXISTS (SELECT 1 FROM {q(parent)} p "
                        f"WHERE p.{q(f.target_field.column)} = c.{q(f.column)})"
                    )
                    missing = cursor.fetchone()[0]
                    if missing:
                        broken.append(f"{child}.{f.column}: {missing}")
        if broken:
            raise SystemExit("seeded rows with dangling foreign keys: " + "; ".join(broken))

    def _clinics(self) -> tuple[ClinicInfo, ClinicInfo]:
        from django_otp.plugins.otp_totp.models import TOTPDevice

        from followup.models import Clinician, OnCallShift
        from followup.services.clinics import clinic_create

        infos = []
        for name, zone, prefix, people in (
            (MAIN_CLINIC, "America/Chicago", "+1312", ("alice", "bob", "carol", "dan", "erin")),
            (OTHER_CLINIC, "America/New_York", "+1646", ("oscar", "petra")),
        ):
            clinic = clinic_create(name=name, timezone=zone)
            ids = []
            for n, username in enumerate(people):
                user = Clinician(
                    clinic=clinic,
                    username=f"bench.{username}",
                    first_name=username.title(),
                    last_name="Bench",
                    phone=f"{prefix}555{n:04d}",
                    role=Clinician.Role.ADMIN if n == len(people) - 1 else Clinician.Role.CLINICIAN,
                    is_staff=n == len(people) - 1,
                )
                user.set_unusable_password()
                user.save()
                TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
                ids.append((user.pk, user.phone))
            # The rota: a day shift and a night shift per level, the last 14 days and the next.
            for day in range(-14, 2):
                for half in range(2):
                    start = self.now.replace(hour=0, minute=0, second=0) + dt.timedelta(
                        days=day, hours=12 * half
                    )
                    for level in (1, 2):
                        pk, _ = ids[(day * 2 + half + level) % (len(ids) - 1 or 1)]
                        OnCallShift.objects.create(
                            clinic=clinic,
                            clinician_id=pk,
                            level=level,
                            starts_at=start,
                            ends_at=start + dt.timedelta(hours=12),
                        )
            policy = clinic.escalation_policy
            infos.append(
                ClinicInfo(
                    pk=clinic.pk,
                    name=name,
                    phone_prefix=prefix,
                    admin=ids[-1][0],
                    on_call={1: ids[0], 2: ids[1 % len(ids)], 3: ids[-1]},
                    policy={
                        "levels": policy.levels,
                        "repeat_every_seconds": policy.repeat_every_seconds,
                        "fallback_phones": policy.fallback_phones,
                    },
                    plan_hours=[step["offset_hours"] for step in clinic.follow_up_plan.steps],
                )
            )
        return infos[0], infos[1]

    def _tables(self) -> None:
        from followup import models as m

        self.tables = {
            "patients": Table(
                m.Patient,
                _words(
                    "id clinic_id first_name last_name phone timezone channel language sms_consent "
                    "sms_consent_at opted_out opted_out_at created_at updated_at"
                ),
            ),
            "sessions": Table(
                m.TreatmentSession,
                ("id", "patient_id", "occurred_at", "treatment", "recorded_by_id", "created_at"),
            ),
            "check_ins": Table(
                m.CheckIn,
                _words(
                    "id patient_id session_id step due_at local_date instruments status channel "
                    "sent_at completed_at expires_at cancelled_at cancel_reason "
                    "undeliverable_reason current_instrument current_item reminder_due_at "
                    "reminded_at created_at updated_at"
                ),
            ),
            "responses": Table(
                m.Response,
                _words(
                    "id patient_id check_in_id instrument answers difficulty total severity "
                    "complete channel started_at submitted_at updated_at"
                ),
            ),
            "flags": Table(
                m.Flag,
                _words(
                    "id clinic_id patient_id response_id code reason priority status evidence "
                    "policy_snapshot escalation_level created_at acknowledged_at "
                    "acknowledged_by_id resolved_at resolved_by_id resolution_note"
                ),
            ),
            "flag_events": Table(
                m.FlagEvent, ("id", "flag_id", "kind", "at", "actor_id", "detail")
            ),
            "escalation_steps": Table(
                m.EscalationStep,
                ("id", "flag_id", "level", "round", "due_at", "status", "created_at", "done_at"),
            ),
            "outbound_messages": Table(
                m.OutboundMessage,
                _words(
                    "id clinic_id patient_id clinician_id check_in_id flag_id channel purpose to "
                    "body idempotency_key status provider_sid error_code attempts created_at "
                    "sent_at updated_at"
                ),
            ),
            "audit_events": Table(
                m.AuditEvent,
                _words("id clinic_id actor_id action object_type object_id patient_id at detail"),
            ),
        }

    def _id(self, table: str) -> int:
        self.next_id[table] += 1
        return self.next_id[table]

    # Planning ---------------------------------------------------------------------------------

    def _plan_clinic(
        self, clinic: ClinicInfo, patients: int, responses: int, heavy: bool
    ) -> list[PatientPlan]:
        rng = self.rng
        plans = [self._plan_heavy(clinic)] if heavy else []
        for number in range(len(plans), patients):
            plans.append(self._plan_patient(clinic, number))
        pool = [v for p in plans for v in p.visits if v.outcome == "pool"]
        fixed = sum(RESPONSES_OF[v.outcome] for p in plans for v in p.visits if v.outcome != "pool")
        need = responses - fixed
        partial, half = round(0.05 * len(pool)), round(0.04 * len(pool))
        if (need - partial - 2 * half) % 2:
            partial += 1
        completed = (need - partial - 2 * half) // 2
        unanswered = len(pool) - completed - partial - half
        if completed < 0 or unanswered < 0:
            raise SystemExit(
                f"cannot make exactly {responses:,} responses from {len(pool):,} past check-ins "
                f"(+{fixed:,} fixed): choose about 10 responses per patient"
            )
        outcomes = (
            ["completed"] * completed
            + ["expired1"] * partial
            + ["expired2"] * half
            + ["expired0"] * unanswered
        )
        rng.shuffle(outcomes)
        for visit, outcome in zip(pool, outcomes, strict=True):
            visit.outcome = outcome
            if outcome != "expired0":
                visit.answered = visit.due + dt.timedelta(minutes=rng.uniform(3, 20 * 60))
        planned = sum(RESPONSES_OF[v.outcome] for p in plans for v in p.visits)
        assert planned == responses, (planned, responses)
        return plans

    def _plan_patient(self, clinic: ClinicInfo, number: int) -> PatientPlan:
        rng, now = self.rng, self.now
        count = rng.choices((1, 2, 3, 4, 5), weights=(10, 25, 30, 20, 15))[0]
        last = now - dt.timedelta(days=rng.uniform(0.5, 200))
        times = [last]
        for _ in range(count - 1):
            times.append(times[-1] - dt.timedelta(days=rng.uniform(5, 40)))
        # Sessions in the afternoon, US time.
        sessions = [
            t.replace(hour=0, minute=0, second=0)
            + dt.timedelta(minutes=rng.randint(14 * 60, 21 * 60))
            for t in reversed(times)
        ]
        sessions = [min(s, now - dt.timedelta(hours=1)) for s in sessions]
        consent = rng.random() < 0.96
        opted_out_at = None
        if rng.random() < 0.03:
            opted_out_at = sessions[0] + (now - sessions[0]) * rng.uniform(0.2, 0.9)
        plan = PatientPlan(
            number=number,
            zone=rng.choice(ZONES),
            channel="web" if rng.random() < 0.15 else "sms",
            consent=consent,
            opted_out_at=opted_out_at,
            created=sessions[0] - dt.timedelta(days=rng.uniform(1, 20)),
            sessions=sessions,
            visits=[],
            baseline=(rng.triangular(3, 24, 13), rng.triangular(2, 20, 10)),
            improvement=rng.uniform(-0.2, 0.7),
        )
        # Due in the last 73 hours: still open (sent, in progress) or answered; before that,
        # answered or expired in the proportions that make the clinic's total exact.
        recent = now - dt.timedelta(hours=73)
        for index, occurred in enumerate(sessions):
            following = sessions[index + 1] if index + 1 < len(sessions) else None
            for step, hours in enumerate(clinic.plan_hours):
                due = occurred + dt.timedelta(hours=hours)
                visit = Visit(index, step, due, "pool")
                if following is not None and due > following:
                    visit.outcome = "cancelled"  # superseded by the next session
                elif due > now:
                    visit.outcome = "scheduled"
                elif not consent:
                    visit.outcome, visit.reason = "undeliverable", "no_sms_consent"
                elif opted_out_at is not None and due > opted_out_at:
                    visit.outcome, visit.reason = "undeliverable", "opted_out"
                elif due > recent:
                    still_open = due > now - dt.timedelta(hours=70)
                    visit.outcome = (
                        rng.choices(("completed", "in_progress", "sent"), weights=(40, 20, 40))[0]
                        if still_open
                        else "completed"
                    )
                    if visit.outcome != "sent":
                        latest = max(1.0, (now - due).total_seconds() / 60 - 1)
                        minutes = rng.uniform(1, min(latest, 1200))
                        visit.answered = min(now, due + dt.timedelta(minutes=minutes))
                plan.visits.append(visit)
        return plan

    def _plan_heavy(self, clinic: ClinicInfo) -> PatientPlan:
        """60 sessions 10 days apart, a check-in every day after each (600), all answered."""
        rng, now = self.rng, self.now
        first = (now - dt.timedelta(days=11 + 59 * 10)).replace(hour=15, minute=0, second=0)
        sessions = [first + dt.timedelta(days=10 * k) for k in range(60)]
        visits = [
            Visit(
                index,
                step,
                occurred + dt.timedelta(days=step + 1),
                "completed",
                answered=occurred + dt.timedelta(days=step + 1, minutes=rng.uniform(2, 600)),
            )
            for index, occurred in enumerate(sessions)
            for step in range(10)
        ]
        for visit in visits:
            visit.answered = min(visit.answered, now - dt.timedelta(minutes=5))
        return PatientPlan(
            number=-1,
            zone="America/Chicago",
            channel="sms",
            consent=True,
            opted_out_at=None,
            created=first - dt.timedelta(days=3),
            sessions=sessions,
            visits=visits,
            baseline=(21.0, 16.0),
            improvement=0.6,
            heavy=True,
        )

    def _plan_flags(self, plans: list[PatientPlan], open_count: int, acknowledged: int) -> None:
        """Unresolved flags on distinct patients: ``open_count`` open ones raised by an answer
        in the last 40 minutes (still paging), ``acknowledged`` ones from the last 14 days."""
        rng, now = self.rng, self.now
        reasons, weights = zip(*UNRESOLVED_REASONS, strict=True)

        def latest_completed(plan: PatientPlan) -> int:
            return max(
                (i for i, v in enumerate(plan.visits) if v.outcome == "completed"),
                key=lambda i: plan.visits[i].due,
                default=-1,
            )

        fresh, recent = [], []
        for plan in plans:
            index = latest_completed(plan)
            if index < 0 or plan.heavy:
                continue
            age = now - plan.visits[index].answered
            if age < dt.timedelta(hours=72):
                fresh.append((plan, index))
            elif age < dt.timedelta(days=14):
                recent.append((plan, index))
        if len(fresh) < open_count or len(fresh) + len(recent) < open_count + acknowledged:
            raise SystemExit("too few recently answered check-ins for the unresolved flags")
        rng.shuffle(fresh)
        chosen = [(p, i, "open") for p, i in fresh[:open_count]]
        rest = fresh[open_count:] + recent
        rng.shuffle(rest)
        chosen += [(p, i, "acknowledged") for p, i in rest[:acknowledged]]
        for plan, index, status in chosen:
            plan.flag_reason = rng.choices(reasons, weights=weights)[0]
            plan.flag_status, plan.flag_visit = status, index
            if status == "open":
                visit = plan.visits[index]
                at = now - dt.timedelta(minutes=rng.uniform(2, 40))
                visit.answered = min(now, max(at, visit.due + dt.timedelta(minutes=2)))
        for plan in plans:
            if plan.heavy:
                plan.flag_reason, plan.flag_status = "suicidal_ideation", "acknowledged"
                plan.flag_visit = latest_completed(plan)

    # Rows ----------------------------------------------------------------------------------------

    def _emit_patient(self, clinic: ClinicInfo, plan: PatientPlan) -> None:
        from followup.clinical.rules import (
            RELIABLE_DETERIORATION_POINTS,
            SEVERE_TOTAL,
            response_triggers,
        )

        rng, now, t = self.rng, self.now, self.tables
        pk = self._id("patients")
        if plan.heavy:
            first, last, phone = "Margaret", "Ellison", HEAVY_PHONE
        else:
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            phone = f"{clinic.phone_prefix}{2_000_000 + plan.number:07d}"
        initials = f"{first[0]}{last[0]}"
        opted_out = plan.opted_out_at is not None
        t["patients"].rows.append(
            (
                pk,
                clinic.pk,
                first,
                last,
                phone,
                plan.zone,
                plan.channel,
                "en",
                plan.consent,
                plan.created if plan.consent else None,
                opted_out,
                plan.opted_out_at,
                plan.created,
                plan.opted_out_at or plan.created,
            )
        )
        t["audit_events"].rows.append(
            (
                self._id("audit_events"),
                clinic.pk,
                clinic.admin,
                "patient.create",
                "patient",
                str(pk),
                pk,
                plan.created,
                json.dumps({"fields": ["first_name", "last_name", "phone", "timezone"]}),
            )
        )
        session_ids, recorded = [], []
        for occurred in plan.sessions:
            sid = self._id("sessions")
            created = min(now, occurred + dt.timedelta(minutes=rng.uniform(5, 120)))
            treatment = rng.choices(
                ("iv_ketamine", "im_ketamine", "esketamine", "other"), weights=(60, 15, 22, 3)
            )[0]
            t["sessions"].rows.append((sid, pk, occurred, treatment, clinic.admin, created))
            session_ids.append(sid)
            recorded.append(created)

        zone = self.zones[plan.zone]
        previous: dict[str, int | None] = {"phq9": None, "gad7": None}
        answered_count = 0
        for index, visit in enumerate(plan.visits):
            cid = self._id("check_ins")
            outcome = visit.outcome
            created = recorded[visit.session]
            sent = expires = reminder_due = reminded = completed_at = cancelled_at = None
            current_instrument, current_item = "", None
            status = {"expired0": "expired", "expired1": "expired", "expired2": "expired"}.get(
                outcome, outcome
            )
            updated = created
            if outcome == "cancelled":
                cancelled_at = updated = recorded[visit.session + 1]
            elif outcome == "undeliverable":
                updated = visit.due + dt.timedelta(seconds=20)
            elif outcome != "scheduled":
                sent = visit.due + dt.timedelta(seconds=20)
                expires, reminder_due = sent + dt.timedelta(hours=72), sent + dt.timedelta(hours=4)
                unfinished = outcome != "completed" or visit.answered > reminder_due
                reminded = reminder_due if unfinished and reminder_due <= now else None
                updated = visit.answered or sent
                if outcome == "completed":
                    completed_at = visit.answered + dt.timedelta(seconds=40)  # after the GAD-7
                elif status == "expired":
                    updated = expires
                else:
                    current_instrument, current_item = "phq9", 1
            kinds: list[tuple[str, str]] = {
                "completed": [("phq9", "complete"), ("gad7", "complete")],
                "in_progress": [("phq9", "partial")],
                "expired1": [("phq9", "partial")],
                "expired2": [("phq9", "complete"), ("gad7", "partial")],
            }.get(outcome, [])
            flagged = index == plan.flag_visit
            response_ids: dict[str, int] = {}
            fired: dict[str, list] = {}  # the flagged response's triggers, per instrument
            for code, kind in kinds:
                rid = self._id("responses")
                response_ids[code] = rid
                if kind == "partial":
                    answers = self.pool.partial(code)
                    if outcome == "in_progress":
                        current_item = next(i for i, a in enumerate(answers) if a is None) + 1
                    started = min(now, sent + dt.timedelta(minutes=rng.uniform(5, 600)))
                    t["responses"].rows.append(
                        (rid, pk, cid, code, json.dumps(answers), None, None, "", False,
                         plan.channel, started, None, started)
                    )  # fmt: skip
                    continue
                answers, severity, total = self._answers(
                    plan, code, answered_count, previous, flagged
                )
                if flagged:
                    fired[code] = response_triggers(code, answers, previous[code])
                submitted = visit.answered + dt.timedelta(seconds=40 if code == "gad7" else 0)
                t["responses"].rows.append(
                    (rid, pk, cid, code, json.dumps(answers), rng.choice((None, 0, 1, 1, 2)),
                     total, severity, True, plan.channel,
                     visit.answered - dt.timedelta(minutes=3), submitted, submitted)
                )  # fmt: skip
                old = now - visit.answered > dt.timedelta(days=3)
                prior = previous[code]
                if (
                    old
                    and not flagged
                    and (
                        total >= SEVERE_TOTAL[code]
                        or (
                            prior is not None
                            and total - prior >= RELIABLE_DETERIORATION_POINTS[code]
                        )
                    )
                    and rng.random() < HISTORY_FLAG_RATE
                ):
                    trigger = response_triggers(code, answers, prior)[0]
                    self._flag(
                        clinic, pk, initials, trigger.reason, "resolved",
                        submitted + dt.timedelta(seconds=2), rid, trigger.detail,
                    )  # fmt: skip
                previous[code] = total
            if completed_at is not None:
                answered_count += 1
            if flagged:
                self._unresolved_flag(clinic, plan, pk, phone, initials, visit, response_ids, fired)
            local_date = visit.due.astimezone(zone).date()
            t["check_ins"].rows.append(
                (cid, pk, session_ids[visit.session], visit.step, visit.due, local_date,
                 '["phq9", "gad7"]', status, plan.channel, sent, completed_at, expires,
                 cancelled_at, "superseded" if cancelled_at else "", visit.reason,
                 current_instrument, current_item, reminder_due, reminded, created, updated)
            )  # fmt: skip
            if sent is not None and (plan.heavy or now - sent < MESSAGE_WINDOW):
                self._check_in_messages(clinic, pk, phone, plan.channel, cid, sent, reminded,
                                        completed_at)  # fmt: skip

    def _answers(
        self,
        plan: PatientPlan,
        code: str,
        answered: int,
        previous: dict[str, int | None],
        flagged: bool,
    ) -> tuple[list[int], str, int]:
        """A complete response on the patient's course; the answers of the planned unresolved
        flag's response are made to fire its rule."""
        rng, pool = self.rng, self.pool
        base = plan.baseline[0 if code == "phq9" else 1]
        target = round(base * (1 - plan.improvement * min(1.0, answered / 6)) + rng.gauss(0, 1.8))
        reason = plan.flag_reason if flagged else ""
        prior = previous[code]
        if reason == "suicidal_ideation" and code == "phq9":
            item9 = rng.randint(1, 3)
            answers, severity = pool.make(code, max(item9, min(19, max(target, 10))), item9=item9)
            return answers, severity, sum(answers)
        if reason == "severe_depression" and code == "phq9":
            target = rng.randint(20, 24)
        elif reason == "severe_anxiety" and code == "gad7":
            target = rng.randint(15, 21)
        elif reason == "reliable_deterioration" and code == "phq9":
            if prior is None or prior > 18:  # no room for +6: this patient's flag is severe
                plan.flag_reason = "severe_depression"
                target = rng.randint(20, 24)
            else:
                target = prior + rng.randint(6, min(9, 24 - prior))
        elif not reason and rng.random() < 0.5:
            # Half the history's severe totals are capped: fewer rule triggers to seed.
            target = min(target, 19 if code == "phq9" else 14)
        answers, severity = pool.complete(code, target)
        return answers, severity, sum(answers)

    def _unresolved_flag(
        self,
        clinic: ClinicInfo,
        plan: PatientPlan,
        pk: int,
        phone: str,
        initials: str,
        visit: Visit,
        response_ids: dict[str, int],
        fired: dict[str, list],
    ) -> None:
        reason = plan.flag_reason
        code = "gad7" if reason == "severe_anxiety" else "phq9"
        created = visit.answered + dt.timedelta(seconds=2)
        if reason == "crisis_language":
            detail: dict = {"category": "self_harm"}
            response_id = None
        else:
            # The answers were made to fire the rule (followup.clinical.rules); its detail is the evidence.
            detail = next(tr.detail for tr in fired[code] if tr.reason == reason)
            response_id = response_ids[code]
        flag = self._flag(
            clinic, pk, initials, reason, plan.flag_status, created, response_id, detail
        )
        if reason in ("suicidal_ideation", "crisis_language"):
            self._message(
                clinic, pk, None, None, flag, "sms", "crisis", phone,
                f"crisis:{flag}:1", "If you are thinking about hurting yourself, call or text 988.",
                created + dt.timedelta(seconds=1),
            )  # fmt: skip
            self._event(flag, "crisis_message", created + dt.timedelta(seconds=1), None, {})

    def _flag(
        self,
        clinic: ClinicInfo,
        patient: int,
        initials: str,
        reason: str,
        status: str,
        created: dt.datetime,
        response: int | None,
        detail: dict,
    ) -> int:
        """A flag with its timeline: raised, paged (and escalated while open), each page's
        delivery, acknowledged, resolved; its escalation steps and page messages."""
        from followup.clinical.rules import PRIORITY_OF

        rng, now = self.rng, self.now
        pk = self._id("flags")
        code = flag_code(pk)
        priority = PRIORITY_OF[reason]
        evidence = [{**detail, "response": response, "at": created.isoformat()}]
        self._event(pk, "raised", created, None, evidence[0])
        acknowledged_at = acknowledged_by = resolved_at = resolved_by = None
        note = ""
        if status == "open":
            rounds = [(1, 0, created)]
            at = created + dt.timedelta(seconds=300)
            while True:
                level = min(3, rounds[-1][0] + 1)
                number = rounds[-1][1] + 1 if level == rounds[-1][0] else 0
                rounds.append((level, number, at))
                if at > now:
                    break
                at += dt.timedelta(seconds=300)
        else:
            acknowledged_at = created + dt.timedelta(seconds=rng.uniform(40, 280))
            acknowledged_by = clinic.on_call[1][0]
            rounds = [(1, 0, created), (2, 0, created + dt.timedelta(seconds=300))]
            if status == "resolved":
                resolved_at = acknowledged_at + dt.timedelta(hours=rng.uniform(0.3, 48))
                resolved_by = acknowledged_by
                note = "Called the patient; safety plan reviewed, next session confirmed."
        level_reached = 1
        for level, number, due in rounds:
            done = due <= now and (acknowledged_at is None or due <= acknowledged_at)
            self.tables["escalation_steps"].rows.append(
                (self._id("escalation_steps"), pk, level, number, due,
                 "done" if done else ("pending" if status == "open" else "cancelled"),
                 due - dt.timedelta(seconds=300) if number or level > 1 else due,
                 due if done else acknowledged_at)
            )  # fmt: skip
            if not done:
                continue
            level_reached = level
            target, target_phone = clinic.on_call[level]
            channels = ["sms", "voice"] if priority == "critical" else ["sms"]
            self._event(
                pk, "paged" if level == 1 else "escalated", due + dt.timedelta(seconds=1), None,
                {"level": level, "round": number, "channels": channels,
                 "to": [{"clinician": target, "as": "on_call" if level < 3 else "admin"}]},
            )  # fmt: skip
            for channel in channels:
                message = self._message(
                    clinic, None, target, None, pk, channel, "page", target_phone,
                    f"page:{pk}:{level}:{number}:{target_phone}:{channel}",
                    f"{priority.upper()} flag {code}: {reason.replace('_', ' ')}, patient "
                    f"{initials}. http://127.0.0.1:8000/dashboard/flags/{pk}/ "
                    f"Reply ACK {code} to acknowledge",
                    due + dt.timedelta(seconds=1),
                )  # fmt: skip
                info = {"message": message, "channel": channel, "clinician": target, "error": None}
                self._event(pk, "page_sent", due + dt.timedelta(seconds=3), None, info)
                if channel == "sms":
                    self._event(pk, "page_delivered", due + dt.timedelta(seconds=8), None, info)
        if acknowledged_at is not None:
            self._event(pk, "acknowledged", acknowledged_at, acknowledged_by, {"via": "dashboard"})
        if resolved_at is not None:
            self._event(pk, "resolved", resolved_at, resolved_by, {})
        self.tables["flags"].rows.append(
            (pk, clinic.pk, patient, response, code, reason, priority, status,
             json.dumps(evidence), json.dumps(clinic.policy), level_reached, created,
             acknowledged_at, acknowledged_by, resolved_at, resolved_by, note)
        )  # fmt: skip
        return pk

    def _event(self, flag: int, kind: str, at: dt.datetime, actor: int | None, detail) -> None:
        self.tables["flag_events"].rows.append(
            (self._id("flag_events"), flag, kind, at, actor, json.dumps(detail))
        )

    def _message(
        self,
        clinic: ClinicInfo,
        patient: int | None,
        clinician: int | None,
        check_in: int | None,
        flag: int | None,
        channel: str,
        purpose: str,
        to: str,
        key: str,
        body: str,
        at: dt.datetime,
    ) -> int:
        pk = self._id("outbound_messages")
        failed = purpose != "page" and self.rng.random() < 0.01
        self.tables["outbound_messages"].rows.append(
            (pk, clinic.pk, patient, clinician, check_in, flag, channel, purpose, to, body, key,
             "undelivered" if failed else "delivered", f"SM{pk:032x}",
             "30003" if failed else "", 1, at, at + dt.timedelta(seconds=1),
             at + dt.timedelta(seconds=6))
        )  # fmt: skip
        return pk

    def _check_in_messages(
        self,
        clinic: ClinicInfo,
        patient: int,
        phone: str,
        channel: str,
        check_in: int,
        sent: dt.datetime,
        reminded: dt.datetime | None,
        completed: dt.datetime | None,
    ) -> None:
        """The check-in's opening SMS (the first question, or the web link), its reminder and
        the thanks: the rest of the conversation is left out (one row per answer)."""
        if channel == "web":
            first = ("web_link", f"check-in:{check_in}:link", "Your check-in: a short form.")
        else:
            first = (
                "question",
                f"check-in:{check_in}:question:phq9:1",
                "1/16 Little interest or pleasure in doing things? 0 Not at all 1 Several days "
                "2 More than half the days 3 Nearly every day",
            )
        rows = [(*first, sent)]
        if reminded is not None:
            rows.append(("reminder", f"check-in:{check_in}:reminder", "A reminder.", reminded))
        if completed is not None:
            rows.append(("thanks", f"check-in:{check_in}:thanks", "Thank you.", completed))
        for purpose, key, body, at in rows:
            self._message(
                clinic, patient, None, check_in, None, "sms", purpose, phone, key, body, at
            )


# Measuring ------------------------------------------------------------------------------------


@dataclass
class Page:
    name: str
    url: str
    headers: dict | Callable[[], dict] = field(default_factory=dict)
    expect: int = 200
    data: dict | None = None  # a POST (the patient search) when given
    prepare: Callable[[], None] | None = None  # before each request, not measured
    observe: Callable[[object], None] | None = None  # after each request, not measured


class ChangedPoll:
    """The poll of a browser whose queue changes between polls: before each request one shown
    flag's escalation level changes (not measured); the poll sends the version and the rows
    it shows, as queue.js does, and takes in what comes back."""

    def __init__(self, client) -> None:
        first = client.get("/dashboard/queue/rows/", headers=POLL_HEADERS)
        html = first.content.decode()
        self.version = first.get("X-Followup-Queue-Version", "")
        self.rows = dict(ROW_VERSION.findall(html))
        # Ten of the rows shown (by their ids in the markup, which any version has).
        self.flag_ids = [int(pk) for pk in re.findall(r'data-flag-id="(\d+)"', html)[:10]]
        self.turn = 0

    def headers(self) -> dict:
        shown = ",".join(f"{pk}:{version}" for pk, version in self.rows.items())
        return {
            **POLL_HEADERS,
            "X-Followup-Queue-Version": self.version,
            "X-Followup-Queue-Rows": shown,
        }

    def prepare(self) -> None:
        from followup.models import Flag

        self.turn += 1
        pk = self.flag_ids[self.turn % len(self.flag_ids)]
        Flag.objects.filter(pk=pk).update(escalation_level=10 + self.turn % 7)

    def observe(self, response) -> None:
        self.version = response.get("X-Followup-Queue-Version", self.version)
        html = response.content.decode()
        sent = dict(ROW_VERSION.findall(html))
        order = re.search(r'data-order="([\d,]*)"', html)
        if order is None:  # all the rows
            self.rows = sent
        else:
            ids = [pk for pk in order[1].split(",") if pk]
            self.rows = {pk: sent.get(pk) or self.rows[pk] for pk in ids}


@dataclass
class PageResult:
    page: Page
    statuses: Counter = field(default_factory=Counter)
    times_ms: list[float] = field(default_factory=list)
    sql_ms: list[float] = field(default_factory=list)
    queries: list[int] = field(default_factory=list)
    session_queries: list[int] = field(default_factory=list)  # django_session reads and writes
    size: int = 0
    other_load: float = 0.0  # share of the machine busy with processes not ours meanwhile
    slowest: list[tuple[float, str]] = field(default_factory=list)  # one request's queries
    profile: str = ""

    @property
    def name(self) -> str:
        return self.page.name

    @property
    def p95(self) -> float:
        return bench.percentile(self.times_ms, 0.95)

    @property
    def own_queries(self) -> list[int]:
        """Queries of the page itself: without the session's (the idle sign-out writes the
        session at most every 30 s, which adds a few queries to some requests)."""
        return [q - s for q, s in zip(self.queries, self.session_queries, strict=True)]


def measure(args: argparse.Namespace, tmp: Path) -> int:
    import logging

    from django.db import connection
    from django.db.models import Count

    from followup.models import Clinician, Flag, Patient, Response

    static = _static_files()
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
    client = _signed_in(Clinician.objects.get(username="bench.alice"))
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
    load = bench.wait_for_quiet(args.wait_quiet)
    bench.say(f"measuring {len(pages)} pages, {args.warmup} + {args.requests} requests each")
    results = [_run_page(client, page, args) for page in pages]
    outsider = _signed_in(Clinician.objects.get(username="bench.oscar"))
    logging.getLogger("django.request").setLevel(logging.ERROR)  # the expected 404
    other = outsider.get(f"/dashboard/patients/{typical.pk}/").status_code

    print()
    print(_table(results))
    print()
    by_name = {r.name: r for r in results}
    typical_r, heavy_r = by_name["patient (typical)"], by_name["patient (heavy)"]
    bounded = max(heavy_r.own_queries) <= max(typical_r.own_queries)
    rows = [
        ("date (UTC)", dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M")),
        ("machine", f"{os.cpu_count()} cores; other load before the run {load:.0%}"),
        ("database", f"PostgreSQL {connection.pg_version // 10000}, {_database_counts(main)}"),
        ("settings", f"DEBUG off, second factor required, static files: {static}"),
        ("signed in as", f"bench.alice (clinician, TOTP verified) of {MAIN_CLINIC}"),
        *(
            (f"{label} patient #{pk}", f"{r:,} responses, {c:,} check-ins, {s} sessions")
            for label, (pk, r, c, s) in history.items()
        ),
        (
            "patient page queries typical / heavy",
            f"{_span(typical_r.own_queries)} / {_span(heavy_r.own_queries)} without the session's"
            f" ({_span(typical_r.queries)} / {_span(heavy_r.queries)} in all): "
            + ("bounded" if bounded else "GROWS WITH THE HISTORY"),
        ),
        ("other clinic's clinician on the typical patient", f"HTTP {other} (expected 404)"),
    ]
    print(bench.summary("dashboard_render", rows))
    if args.profile:
        for r in results:
            print(f"\n=== cProfile of one request: {r.name} ({r.page.url}) ===\n{r.profile}")
    if args.explain:
        _explain(results, args.explain_top)
    heavy_ratio = bench.percentile(heavy_r.times_ms, 0.5) / bench.percentile(
        typical_r.times_ms, 0.5
    )
    print(f"heavy / typical patient page (p50): {heavy_ratio:.2f}x (at most {HEAVY_RATIO}x)")
    if args.json:
        Path(args.json).write_text(json.dumps({r.name: _figures(r) for r in results}))
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


def _static_files() -> str:
    """Production serves static files from a collectstatic manifest (whitenoise). When
    collectstatic fails, fall back to the plain storage so the pages still render."""
    result = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=bench.ROOT,
        env=os.environ.copy(),
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode == 0:
        return "collectstatic manifest (whitenoise)"
    from django.conf import settings
    from django.test.utils import override_settings

    reason = [line.strip() for line in result.stderr.splitlines() if "Error:" in line][-1:]
    bench.say(f"WARNING: collectstatic failed ({' '.join(reason)[:300]}); plain static storage")
    storages = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    override_settings(STORAGES=storages).enable()
    return "PLAIN storage (collectstatic failed)"


def _signed_in(user):
    """A client signed in with both factors, as after the real sign-in (what
    tests/support/web.py ``web_client`` does)."""
    from django.test import Client
    from django.utils import timezone
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from followup.web.dashboard.auth import ACTIVITY_KEY

    device, _ = TOTPDevice.objects.get_or_create(
        user=user, confirmed=True, defaults={"name": "Authenticator app"}
    )
    client = Client(SERVER_NAME="127.0.0.1")
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session[ACTIVITY_KEY] = timezone.now().timestamp()
    session.save()
    return client


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _request(client, page: Page):
    headers = page.headers() if callable(page.headers) else page.headers
    if page.data is not None:
        return client.post(page.url, page.data, headers=headers)
    return client.get(page.url, headers=headers)


def _run_page(client, page: Page, args: argparse.Namespace) -> PageResult:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(args.warmup):
        if page.prepare:
            page.prepare()
        response = _request(client, page)
        if page.observe:
            page.observe(response)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = cursor.fetchone()[0]
    result = PageResult(page)
    machine, ours, started_at = bench._machine_busy(), _cpu_seconds(os.getpid()), time.monotonic()
    theirs = _cpu_seconds(backend)
    for n in range(args.requests):
        if page.prepare:
            page.prepare()
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = _request(client, page)
            elapsed = (time.perf_counter() - started) * 1000
        if page.observe:
            page.observe(response)
        result.statuses[response.status_code] += 1
        result.times_ms.append(elapsed)
        timings = [(float(q["time"]) * 1000, q["sql"]) for q in captured.captured_queries]
        result.sql_ms.append(sum(ms for ms, _ in timings))
        result.queries.append(len(timings))
        result.session_queries.append(_session_queries([sql for _, sql in timings]))
        result.size = len(response.content)
        if n == args.requests // 2:
            result.slowest = sorted(timings, key=lambda q: q[0], reverse=True)
    wall = time.monotonic() - started_at
    busy = bench._machine_busy() - machine
    mine = _cpu_seconds(os.getpid()) - ours + _cpu_seconds(backend) - theirs
    result.other_load = max(0.0, busy - mine) / (wall * (os.cpu_count() or 1))
    if args.profile:
        result.profile = _profile(client, page)
    bench.say(
        f"  {page.name}: p50 {bench.percentile(result.times_ms, 0.5):.1f} ms, "
        f"{_span(result.queries)} queries, HTTP {dict(result.statuses)}, "
        f"other load {result.other_load:.0%}"
    )
    return result


def _session_queries(statements: list[str]) -> int:
    """Statements of the session's own work: its reads and the transaction of its write
    (BEGIN, UPDATE django_session, COMMIT: the idle sign-out's activity stamp, every 30 s)."""
    count, begun, in_session = 0, False, False
    for sql in statements:
        if sql == "BEGIN":
            begun = True
        elif '"django_session"' in sql:
            count += 1 + begun
            in_session, begun = in_session or begun, False
        elif sql == "COMMIT" and in_session:
            count, in_session = count + 1, False
        else:
            begun = in_session = False
    return count


def _profile(client, page: Page) -> str:
    """The top of a cProfile of one request, by cumulative time: where the non-SQL time goes."""
    import cProfile
    import io
    import pstats

    profiler = cProfile.Profile()
    if page.prepare:
        page.prepare()
    response = profiler.runcall(_request, client, page)
    if page.observe:
        page.observe(response)
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("tottime").print_stats(20)  # the hot spots
    stats.sort_stats("cumulative").print_stats(r"/followup/|/templatetags/", 25)  # whose
    return out.getvalue().replace(str(bench.ROOT) + "/", "").replace(sys.prefix + "/", "")


def _span(values: list[int]) -> str:
    low, high = min(values), max(values)
    return str(low) if low == high else f"{low}-{high}"


def _table(results: list[PageResult]) -> str:
    header = (
        f"{'page':<24} {'HTTP':>5} {'p50 ms':>7} {'p95 ms':>7} {'max ms':>7} {'queries':>7} "
        f"{'own q':>6} {'SQL ms':>7} {'KB':>5} {'noise':>5}  p95 < {TARGET_MS:.0f} ms"
    )
    lines = [header, "-" * len(header)]
    for r in results:
        status = "/".join(str(s) for s in sorted(r.statuses))
        verdict = "yes" if r.p95 < TARGET_MS else "NO"
        lines.append(
            f"{r.name:<24} {status:>5} {bench.percentile(r.times_ms, 0.5):>7.1f} "
            f"{r.p95:>7.1f} {max(r.times_ms):>7.1f} {_span(r.queries):>7} "
            f"{_span(r.own_queries):>6} {bench.percentile(r.sql_ms, 0.5):>7.1f} "
            f"{r.size / 1024:>5.0f} {r.other_load:>5.0%}  {verdict}"
        )
    lines.append(
        "(p50/p95/max: server time in this process; queries: per request, own q: without the "
        "session's; SQL ms: p50 of the summed query time; noise: other processes' share of the "
        "machine meanwhile)"
    )
    return "\n".join(lines)


def _figures(r: PageResult) -> dict:
    return {
        "status": "/".join(str(s) for s in sorted(r.statuses)),
        "p50": bench.percentile(r.times_ms, 0.5),
        "p95": r.p95,
        "queries": _span(r.own_queries),
        "sql": bench.percentile(r.sql_ms, 0.5),
        "kb": r.size / 1024,
    }


def _ratio_table(results: dict[int, dict]) -> str:
    """Each page's p50 (and SQL p50) at every size, and the largest size's over the smallest's:
    a cost flat with the clinic's size is about 1."""
    sizes = sorted(results)
    small, large = sizes[0], sizes[-1]
    head = "".join(f"{f'{n:,} p50 ms':>15} {'SQL':>6} {'q':>5}" for n in sizes)
    header = f"{'page':<24}{head} {'ratio':>6}"
    lines = [header, "-" * len(header)]
    for name in results[small]:
        cells = "".join(
            f"{results[n][name]['p50']:>15.1f} {results[n][name]['sql']:>6.1f} "
            f"{results[n][name]['queries']:>5}"
            for n in sizes
        )
        ratio = results[large][name]["p50"] / results[small][name]["p50"]
        lines.append(f"{name:<24}{cells} {ratio:>5.2f}x")
    lines.append(
        f"(server time p50 per request; SQL: p50 ms of its queries; q: its queries without the "
        f"session's; ratio: p50 at {large:,} over p50 at {small:,} patients)"
    )
    return "\n".join(lines)


def _database_counts(clinic: int) -> str:
    from followup.models import CheckIn, Flag, OutboundMessage, Patient, Response

    with_clinic = {
        "patients": Patient.objects.filter(clinic_id=clinic).count(),
        "responses": Response.objects.filter(patient__clinic_id=clinic).count(),
    }
    everywhere = {
        "patients": Patient.objects.count(),
        "responses": Response.objects.count(),
        "check-ins": CheckIn.objects.count(),
        "flags": Flag.objects.count(),
        "unresolved": Flag.objects.exclude(status=Flag.Status.RESOLVED).count(),
        "messages": OutboundMessage.objects.count(),
    }
    return (
        f"measured clinic {with_clinic['patients']:,} patients / "
        f"{with_clinic['responses']:,} responses; all: "
        + ", ".join(f"{k} {v:,}" for k, v in everywhere.items())
    )


def _explain(results: list[PageResult], top: int) -> None:
    from django.db import connection, transaction

    for r in results:
        selects = [(ms, sql) for ms, sql in r.slowest if sql.lstrip().upper().startswith("SELECT")]
        print(
            f"\n=== EXPLAIN ANALYZE: {r.name} ({r.page.url}), {top} slowest of {len(r.slowest)} ==="
        )
        for ms, sql in selects[:top]:
            print(f"\n-- {ms:.2f} ms in the measured request:\n{sql}\n")
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
                print("\n".join(row[0] for row in cursor.fetchall()))
                transaction.set_rollback(True)


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        sys.exit(130)
