"""The dashboard benchmark's pages and how one is measured: a clinician signed in with both
factors, Django's test ``Client`` in this process, each request timed with its SQL captured,
and the share of the machine other processes used meanwhile."""

import argparse
import os
import re
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import _accounting as accounting
import _support as bench

POLL_HEADERS = {"X-Followup-Poll": "1", "HX-Request": "true"}
ROW_VERSION = re.compile(r'id="flag-row-(\d+)" data-row-version="(\w+)"')


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


def static_files() -> str:
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


def signed_in(user):
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


def run_page(client, page: Page, args: argparse.Namespace) -> PageResult:
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
    machine, ours, started_at = (
        accounting.machine_busy(),
        _cpu_seconds(os.getpid()),
        time.monotonic(),
    )
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
    busy = accounting.machine_busy() - machine
    mine = _cpu_seconds(os.getpid()) - ours + _cpu_seconds(backend) - theirs
    result.other_load = max(0.0, busy - mine) / (wall * (os.cpu_count() or 1))
    if args.profile:
        result.profile = _profile(client, page)
    bench.say(
        f"  {page.name}: p50 {bench.percentile(result.times_ms, 0.5):.1f} ms, "
        f"{span(result.queries)} queries, HTTP {dict(result.statuses)}, "
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


def span(values: list[int]) -> str:
    low, high = min(values), max(values)
    return str(low) if low == high else f"{low}-{high}"
