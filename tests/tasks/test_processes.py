"""Scheduler, broker and worker as separate processes, as ``make run`` and production run them.

Without ``REDIS_URL`` they share the embedded file-system broker; with it, Redis. Either way the
scheduler's periodic tick must reach a worker in another process.
"""

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.services import redis_url

pytestmark = pytest.mark.processes

ROOT = Path(__file__).resolve().parents[2]
CELERY = str(Path(sys.executable).with_name("celery"))
READ_TICK = (
    "import django; django.setup(); from followup.services.heartbeat import tick_latest; "
    "t = tick_latest(); print(t.isoformat() if t else '')"
)


def _env(var_dir: Path, redis_url: str | None) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("REDIS_URL", "DATABASE_URL", "PYTEST_CURRENT_TEST")
    }
    env.update(
        FOLLOWUP_VAR_DIR=str(var_dir),
        SECRET_KEY="process-test",
        # Development, as make run: the console SMS backend refuses to start with DEBUG off.
        DEBUG="1",
        DISPATCH_INTERVAL_SECONDS="1",
        DJANGO_SETTINGS_MODULE="config.settings",
    )
    if redis_url:
        env["REDIS_URL"] = redis_url
    return env


@pytest.fixture
def processes() -> Iterator[list[subprocess.Popen]]:
    started: list[subprocess.Popen] = []
    yield started
    for process in started:
        process.terminate()
    for process in started:
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.mark.parametrize(
    "redis_url",
    [
        pytest.param(None, id="embedded-broker"),
        pytest.param(redis_url(), id="redis", marks=pytest.mark.redis),
    ],
)
def test_the_schedulers_tick_reaches_a_worker_in_another_process(
    tmp_path: Path, processes: list[subprocess.Popen], redis_url: str | None
) -> None:
    env = _env(tmp_path, redis_url)
    if redis_url:
        # A fresh key space for this run: a tick left by anyone else must not count.
        env["REDIS_URL"] = redis_url.rsplit("/", 1)[0] + "/14"
        subprocess.run(
            [
                sys.executable,
                "-c",
                f"import redis; redis.Redis.from_url({env['REDIS_URL']!r}).flushdb()",
            ],
            check=True,
        )
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
    )
    log = (tmp_path / "processes.log").open("w")
    common = {"cwd": ROOT, "env": env, "stdout": log, "stderr": subprocess.STDOUT}
    processes.append(
        subprocess.Popen(
            [
                CELERY,
                "-A",
                "config",
                "worker",
                "--pool=solo",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "--loglevel=INFO",
            ],
            **common,
        )
    )
    processes.append(
        subprocess.Popen(
            [
                CELERY,
                "-A",
                "config",
                "beat",
                "--loglevel=INFO",
                "--schedule",
                str(tmp_path / "beat-schedule"),
            ],
            **common,
        )
    )

    tick = ""
    deadline = time.monotonic() + 45
    while not tick and time.monotonic() < deadline:
        time.sleep(1)
        tick = subprocess.run(
            [sys.executable, "-c", READ_TICK],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()

    log.close()
    assert tick, (tmp_path / "processes.log").read_text()[-3000:]
