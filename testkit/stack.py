"""The service as separate processes (web, worker, scheduler) on a private Redis, sharing the
test database, for tests that kill and restart parts of it."""

import contextlib
import datetime as dt
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import redis
from django.db import connection

from followup.clinical import quiet_hours

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def daytime_zone() -> str:
    """A zone where it is now the middle of the day: the real clock runs these tests."""
    return quiet_hours.daytime_zone(dt.datetime.now(dt.UTC))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_database_url() -> str:
    settings = connection.settings_dict
    if connection.vendor == "postgresql":
        user = settings["USER"] or "postgres"
        password = f":{settings['PASSWORD']}" if settings["PASSWORD"] else ""
        host = settings["HOST"] or "127.0.0.1"
        return f"postgres://{user}{password}@{host}:{settings['PORT'] or 5432}/{settings['NAME']}"
    return f"sqlite:///{settings['NAME']}"


class Stack:
    def __init__(self, tmp: Path, twilio: object) -> None:
        self.tmp = tmp
        self.redis_port = free_port()
        self.web_port = free_port()
        self.processes: dict[str, subprocess.Popen] = {}
        self.logs = tmp / "logs"
        self.logs.mkdir()
        self.env = {
            **{k: v for k, v in os.environ.items() if k not in ("PYTEST_CURRENT_TEST",)},
            "DATABASE_URL": test_database_url(),
            "REDIS_URL": f"redis://127.0.0.1:{self.redis_port}/0",
            # Production settings, DEBUG off: a strong key (PUBLIC_BASE_URL may be http only
            # because it is this machine's own, followup/checks.py).
            "SECRET_KEY": secrets.token_urlsafe(50),
            "DEBUG": "0",
            "PUBLIC_BASE_URL": f"http://127.0.0.1:{self.web_port}",
            "SMS_BACKEND": "twilio",
            "TWILIO_ACCOUNT_SID": twilio.account_sid,
            "TWILIO_AUTH_TOKEN": twilio.auth_token,
            "TWILIO_FROM_NUMBER": "+13125550100",
            "TWILIO_API_BASE_URL": twilio.base_url,
            "DISPATCH_INTERVAL_SECONDS": "1",
            "SEND_CLAIM_TIMEOUT_SECONDS": "5",
            "FOLLOWUP_VAR_DIR": str(tmp / "var"),
            "DJANGO_SETTINGS_MODULE": "config.settings",
        }

    @property
    def web_url(self) -> str:
        return f"http://127.0.0.1:{self.web_port}"

    def _start(self, name: str, args: list[str]) -> None:
        log = (self.logs / f"{name}.log").open("a")
        self.processes[name] = subprocess.Popen(
            args,
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: kill takes the pool children too
        )

    def start_redis(self) -> None:
        self._start(
            "redis",
            [
                "redis-server",
                "--port",
                str(self.redis_port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.tmp),
            ],
        )
        client = redis.Redis(port=self.redis_port, socket_connect_timeout=0.2)
        self.wait(lambda: _pings(client), "redis up", timeout=10)

    def start_web(self) -> None:
        self._start(
            "web",
            [
                str(BIN / "gunicorn"),
                "config.wsgi",
                "--bind",
                f"127.0.0.1:{self.web_port}",
                "--workers",
                "1",
                "--threads",
                "4",
            ],
        )
        self.wait(self._web_up, "web up", timeout=20)

    def start_worker(self) -> None:
        self._start(
            "worker",
            [
                str(BIN / "celery"),
                "-A",
                "config",
                "worker",
                "--concurrency=2",
                "--without-gossip",
                "--without-mingle",
                "--loglevel=INFO",
            ],
        )

    def start_beat(self) -> None:
        self._start(
            "beat",
            [
                str(BIN / "celery"),
                "-A",
                "config",
                "beat",
                "--loglevel=INFO",
                "--schedule",
                str(self.tmp / "beat-schedule"),
            ],
        )

    def kill(self, name: str, sig: int = signal.SIGKILL, grace: float = 15) -> None:
        process = self.processes.pop(name)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, sig)
        try:
            process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            # A worker's warm shutdown waits for the tasks it holds (on a loaded machine, a
            # send in backoff); at the end of a test nothing of it matters any more.
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=15)

    def stop_all(self) -> None:
        """At the end of a test: a moment to stop cleanly, then SIGKILL."""
        for name in list(self.processes):
            self.kill(name, signal.SIGTERM if name != "redis" else signal.SIGKILL, grace=3)

    def _web_up(self) -> bool:
        import urllib.request

        try:
            with urllib.request.urlopen(self.web_url + "/healthz", timeout=1) as response:  # noqa: S310
                return response.status in (200, 503)
        except OSError:
            return False

    def wait(self, predicate: object, what: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if predicate():
                return
            time.sleep(0.2)
        raise AssertionError(f"timed out waiting for {what}\n{self.tail()}")

    def tail(self) -> str:
        return "\n".join(
            f"--- {log.name}\n{log.read_text()[-2500:]}" for log in sorted(self.logs.iterdir())
        )


def _pings(client: redis.Redis) -> bool:
    try:
        return bool(client.ping())
    except redis.RedisError:
        return False
