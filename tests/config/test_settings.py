import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

# Each test runs manage.py in a process of its own, as a deployment would.
pytestmark = pytest.mark.processes

ROOT = Path(__file__).resolve().parents[2]


def _clean_environment() -> dict[str, str]:
    # As a deployment would run it: without the suite's own switches (the browser tests allow
    # synchronous ORM calls beside Playwright's event loop for the whole session).
    dropped = ("DEBUG", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE", "PYTEST_CURRENT_TEST")
    return {k: v for k, v in os.environ.items() if k not in dropped}


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**_clean_environment(), **env},
        capture_output=True,
        text=True,
        check=False,
    )


def _production(**changes: str) -> dict[str, str]:
    return {
        "SECRET_KEY": secrets.token_urlsafe(60),
        "PUBLIC_BASE_URL": "https://followup.example.org",
        "ALLOWED_HOSTS": "followup.example.org",
        "SMS_BACKEND": "twilio",
        "TWILIO_ACCOUNT_SID": "AC" + "0" * 32,
        "TWILIO_AUTH_TOKEN": secrets.token_hex(16),
        "TWILIO_FROM_NUMBER": "+13125550100",
        **changes,
    }


def test_check_deploy_is_clean_with_production_settings() -> None:
    result = _manage("check", "--deploy", "--fail-level", "WARNING", **_production())

    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


BAD_PRODUCTION = [
    pytest.param(
        {"PUBLIC_BASE_URL": "http://followup.example.org"},
        "followup.E002: PUBLIC_BASE_URL is 'http://followup.example.org': with DEBUG off it "
        "must be an https:// address.",
        id="http-base-url",
    ),
    pytest.param(
        {"SECRET_KEY": "change-me"},
        "followup.E003: SECRET_KEY is too weak: with DEBUG off it needs at least 50 characters",
        id="short-key",
    ),
    pytest.param(
        {"SECRET_KEY": "ab" * 30},
        "followup.E003: SECRET_KEY is too weak",
        id="repetitive-key",
    ),
    pytest.param(
        {"SMS_BACKEND": "console"},
        "followup.E004: SMS_BACKEND is 'console' with DEBUG off",
        id="console-backend",
    ),
]


@pytest.mark.parametrize(("changes", "message"), BAD_PRODUCTION)
def test_production_refuses_development_settings(changes: dict, message: str) -> None:
    check = _manage("check", **_production(**changes))
    # What gunicorn loads, and the worker and the scheduler as they start.
    web = subprocess.run(
        [sys.executable, "-c", "import config.wsgi"],
        cwd=ROOT,
        env={**_clean_environment(), **_production(**changes)},
        capture_output=True,
        text=True,
        check=False,
    )

    code, text = message.split(": ", 1)
    assert check.returncode != 0
    assert f"({code}) {text}" in check.stderr
    assert web.returncode != 0
    assert "Refusing to start:" in web.stderr
    assert message in web.stderr


def test_the_worker_and_the_scheduler_refuse_to_start_with_development_settings(
    tmp_path: Path,
) -> None:
    env = {
        **_clean_environment(),
        **_production(SMS_BACKEND="console"),
        "FOLLOWUP_VAR_DIR": str(tmp_path),
    }
    env.pop("REDIS_URL", None)  # the embedded broker: nothing is consumed from a real one
    celery = str(Path(sys.executable).with_name("celery"))
    runs = [
        subprocess.run(
            [celery, "-A", "config", *command],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        for command in (
            ["worker", "--pool=solo", "--without-gossip", "--without-mingle"],
            ["beat", "--schedule", str(tmp_path / "beat-schedule")],
        )
    ]

    for run in runs:
        assert run.returncode != 0
        assert "followup.E004: SMS_BACKEND is 'console' with DEBUG off" in run.stderr


def test_production_refuses_to_start_without_a_secret_key() -> None:
    result = _manage("check")

    assert result.returncode != 0
    assert "SECRET_KEY is required" in result.stderr


def test_a_malformed_setting_is_an_error_not_a_default() -> None:
    result = _manage("check", DEBUG="maybe")

    assert result.returncode != 0
    assert "DEBUG must be a boolean" in result.stderr


def test_static_files_collect_with_the_production_storage(tmp_path: Path) -> None:
    """The Docker image runs this; a vendored file pointing at a missing one would break it."""
    result = _manage(
        "collectstatic",
        "--noinput",
        SECRET_KEY=secrets.token_urlsafe(60),
        FOLLOWUP_VAR_DIR=str(tmp_path),
    )

    assert result.returncode == 0, result.stderr
    manifest = (tmp_path / "static" / "staticfiles.json").read_text()
    assert "followup/vendor/chart-4.6.1.umd.min.js" in manifest
    assert "followup/vendor/htmx-2.0.11.min.js" in manifest


def test_email_goes_by_smtp_when_email_host_is_set_and_to_the_log_otherwise() -> None:
    show = (
        "from django.conf import settings as s; "
        "print(s.EMAIL_BACKEND, s.EMAIL_HOST, s.EMAIL_PORT, s.EMAIL_HOST_USER, "
        "s.EMAIL_USE_TLS, s.DEFAULT_FROM_EMAIL, sep='|')"
    )

    smtp = _manage(
        "shell",
        "--no-imports",
        "-c",
        show,
        DEBUG="1",
        EMAIL_HOST="smtp.example.org",
        EMAIL_PORT="2525",
        EMAIL_HOST_USER="followup",
        EMAIL_HOST_PASSWORD="secret",
        EMAIL_USE_TLS="false",
        DEFAULT_FROM_EMAIL="Riverside <followup@riverside.example>",
    )
    console = _manage("shell", "--no-imports", "-c", show, DEBUG="1")
    malformed = _manage("check", DEBUG="1", EMAIL_HOST="smtp.example.org", EMAIL_PORT="smtp")

    assert smtp.stdout.strip() == (
        "django.core.mail.backends.smtp.EmailBackend|smtp.example.org|2525|followup|False|"
        "Riverside <followup@riverside.example>"
    ), smtp.stderr
    assert console.stdout.startswith("django.core.mail.backends.console.EmailBackend|"), (
        console.stderr
    )
    assert malformed.returncode != 0
    assert "EMAIL_PORT must be an integer" in malformed.stderr
