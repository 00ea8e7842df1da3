"""Shared plumbing for the benchmarks: arguments and output, a fresh PostgreSQL database, and the
service's processes (web, worker, beat, private Redis) around an in-process FakeTwilio.

The processes are started by ``testkit.stack.Stack`` with its environment unchanged
(SMS_BACKEND=twilio pointed at the fake, a private REDIS_URL, DISPATCH_INTERVAL_SECONDS=1 …);
only the pool sizes are made configurable (and the WSGI app gunicorn serves, for load.py's
floor). Nothing here changes how the service works.
"""

import argparse
import contextlib
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
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


def analyze_database() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


# Processes ------------------------------------------------------------------------------------


def stack_class():
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
        bench_stack = stack_class()
        stack = bench_stack(tmp, fake)
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
