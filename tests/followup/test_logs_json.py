"""``LOG_FORMAT=json``: one JSON object a line, each with the request or the task it came from,
and still no patient data (the masking filter applies as it does to plain lines)."""

import datetime as dt
import importlib
import io
import json
import logging
import logging.config
import re
from collections.abc import Iterator

import pytest
from celery.signals import setup_logging
from django.test import Client
from rest_framework.test import APIClient

import config.settings.logs as log_settings
from followup.logs import JsonFormatter, MaskPatientData
from followup.models import OutboundMessage, Patient
from followup.services.dispatch import checkins_dispatch_due
from tests.support.sms import NOW

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.time_machine(NOW, tick=False)]


def _console() -> logging.Handler:
    return next(h for h in logging.getLogger().handlers if h.get_name() == "console")


@pytest.fixture
def json_logs(monkeypatch: pytest.MonkeyPatch, settings: object) -> Iterator[io.StringIO]:
    """The process started with ``LOG_FORMAT=json``, as a worker does (Celery's setup_logging
    signal applies Django's LOGGING); what the console handler writes, as text."""
    monkeypatch.setenv("LOG_FORMAT", "json")
    settings.LOGGING = importlib.reload(log_settings).LOGGING
    setup_logging.send(sender=None, loglevel="INFO", logfile=None, format="", colorize=False)
    written = io.StringIO()
    _console().setStream(written)
    yield written
    monkeypatch.delenv("LOG_FORMAT")
    logging.config.dictConfig(importlib.reload(log_settings).LOGGING)


def entries(written: io.StringIO) -> list[dict]:
    return [json.loads(line) for line in written.getvalue().splitlines()]


def test_a_day_of_check_ins_logs_one_json_object_a_line_with_its_request_or_task(
    json_logs: io.StringIO,
    settings: object,
    celery_inline: list,
    as_alice: APIClient,
) -> None:
    settings.SMS_BACKEND = "console"
    settings.DEBUG = False
    robin = as_alice.post(
        "/api/v1/patients/",
        {
            "first_name": "Robin",
            "last_name": "Lindqvist",
            "phone": "+13125550188",
            "timezone": "America/Chicago",
            "channel": "web",
            "sms_consent": True,
        },
        format="json",
    ).json()
    patient = Patient.objects.get(pk=robin["id"])
    as_alice.post(
        "/api/v1/sessions/",
        {
            "patient": patient.pk,
            "occurred_at": (NOW - dt.timedelta(hours=25)).isoformat(),
            "treatment": "esketamine",
        },
        format="json",
    )
    checkins_dispatch_due()
    missing = Client().get("/c/not-a-real-token:abc", HTTP_X_REQUEST_ID="proxy-given-id-0001")

    logged = entries(json_logs)
    assert logged
    for entry in logged:
        assert {"time", "level", "logger", "message"} <= entry.keys()
        assert dt.datetime.fromisoformat(entry["time"]).tzinfo is not None
    # The console send ran in a task: its line names the task.
    (sent,) = [e for e in logged if e["message"].startswith("console SMS")]
    assert sent["task_id"]
    assert "request_id" not in sent
    # Django's 404 line names the request, by the id the proxy gave.
    assert missing["X-Request-ID"] == "proxy-given-id-0001"
    (not_found,) = [e for e in logged if e["logger"] == "django.request"]
    assert not_found["request_id"] == "proxy-given-id-0001"
    assert not_found["message"] == "Not Found: /c/[masked]"
    # No patient data: no number, no name, no text, no link.
    text = json_logs.getvalue()
    body = OutboundMessage.objects.get(patient=patient, status="sent").body
    link = re.search(r"https?://\S+", body)[0]
    lines = [line.strip() for line in body.replace(link, "\n").splitlines() if len(line) > 12]
    assert lines
    for secret in ("3125550188", "Lindqvist", "Robin", "not-a-real-token", link, *lines):
        assert secret not in text, secret


def test_each_request_gets_an_id_and_a_forged_one_is_replaced(db: None) -> None:
    first = Client().get("/healthz")
    second = Client().get("/healthz")
    forged = Client().get("/healthz", HTTP_X_REQUEST_ID='x" level="CRITICAL')

    assert first["X-Request-ID"] != second["X-Request-ID"]
    assert len(first["X-Request-ID"]) == 32
    assert forged["X-Request-ID"] != 'x" level="CRITICAL'
    assert len(forged["X-Request-ID"]) == 32


def test_a_traceback_is_masked_in_its_json_line() -> None:
    written = io.StringIO()
    handler = logging.StreamHandler(written)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(MaskPatientData())
    logger = logging.getLogger("tests.logs_json")
    logger.addHandler(handler)
    try:
        try:
            raise ValueError("The 'To' number +13125550123 is not valid")
        except ValueError:
            logger.exception("send failed for message %s", 42)
    finally:
        logger.removeHandler(handler)

    (entry,) = entries(written)
    assert entry["level"] == "ERROR"
    assert entry["message"] == "send failed for message 42"
    assert "+…23" in entry["exception"]
    assert "3125550123" not in written.getvalue()


def test_an_unknown_log_format_stops_the_start(monkeypatch: pytest.MonkeyPatch) -> None:
    from django.core.exceptions import ImproperlyConfigured

    monkeypatch.setenv("LOG_FORMAT", "xml")
    try:
        with pytest.raises(ImproperlyConfigured, match="LOG_FORMAT"):
            importlib.reload(log_settings)
    finally:
        monkeypatch.delenv("LOG_FORMAT")
        importlib.reload(log_settings)
