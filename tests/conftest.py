"""The cast: a clinic (Riverside) with its admin Alice and clinician Bob, a patient Pat, and an
outsider, Mallory, admin of another clinic (Hillcrest)."""

import os
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from followup.models import Clinic, Clinician, Patient
from followup.services.clinics import clinic_create, clinician_create
from followup.services.patients import patient_create

PASSWORD = "correct horse battery staple"


@pytest.fixture(scope="session")
def django_db_modify_db_settings() -> None:
    """SQLite's test database is a file that web and worker processes share in some tests; a
    killed run can leave its write-ahead log behind, which would poison the new file."""
    name = settings.DATABASES["default"].get("TEST", {}).get("NAME")
    if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3") and name:
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{name}{suffix}").unlink(missing_ok=True)


@pytest.fixture(autouse=True, scope="session")
def _real_services_in_ci(django_db_setup: None, django_db_blocker: object) -> None:
    """In CI the suite must run against PostgreSQL and Redis, never quietly on the defaults."""
    if os.environ.get("FOLLOWUP_REQUIRE_SERVICES"):
        with django_db_blocker.unblock():
            assert connection.vendor == "postgresql", "CI must run on PostgreSQL"
        assert settings.REDIS_URL, "CI must run with REDIS_URL"


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


def client_for(user: Clinician) -> APIClient:
    client = APIClient()
    token, _ = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


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
    from tests.support.twilio_server import FakeTwilio

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


def sign_and_post(client: object, path: str, params: dict[str, str], token: str) -> object:
    """POST a webhook as Twilio does: form-encoded, signed over PUBLIC_BASE_URL + path."""
    from urllib.parse import urlencode

    from tests.support.twilio_server import signed_post_headers

    headers = signed_post_headers(token, settings.PUBLIC_BASE_URL + path, params)
    return client.post(
        path,
        urlencode(params),
        content_type="application/x-www-form-urlencoded",
        HTTP_X_TWILIO_SIGNATURE=headers["X-Twilio-Signature"],
    )
