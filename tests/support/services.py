"""What a test needs besides Python, and what happens when it is not there.

A test marked ``browser``, ``redis``, ``redis_server`` or ``postgresql`` (``pyproject.toml``
lists the markers) runs only where that is available. Outside CI a missing one skips the test
with a one-line reason; with ``FOLLOWUP_REQUIRE_SERVICES=1``, as ``.ci/run`` sets, the test fails
instead: in CI nothing may skip.
"""

import functools
import os
import shutil
import socket
from urllib.parse import urlsplit

from django.conf import settings

CHROMIUM = "/usr/bin/chromium"
REQUIRED = os.environ.get("FOLLOWUP_REQUIRE_SERVICES", "") not in ("", "0")


def redis_url() -> str:
    """The Redis the suite may use: ``REDIS_URL``, or the usual local one."""
    return os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"


def _chromium() -> str | None:
    if os.access(CHROMIUM, os.X_OK):
        return None
    return f"needs Debian's chromium at {CHROMIUM} (apt-get install chromium)"


def _redis() -> str | None:
    url = urlsplit(redis_url())
    try:
        with socket.create_connection((url.hostname, url.port or 6379), timeout=0.5):
            return None
    except OSError:
        return f"needs a Redis server at {url.hostname}:{url.port or 6379} (set REDIS_URL)"


def _redis_server() -> str | None:
    if shutil.which("redis-server"):
        return None
    return "needs the redis-server program to start a private Redis"


def _postgresql() -> str | None:
    if settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        return None
    return "needs PostgreSQL (set DATABASE_URL=postgres://…)"


CHECKS = {
    "browser": _chromium,
    "redis": _redis,
    "redis_server": _redis_server,
    "postgresql": _postgresql,
}


@functools.cache
def missing(marker: str) -> str | None:
    """Why a test marked ``marker`` cannot run here, or None when it can."""
    return CHECKS[marker]()
