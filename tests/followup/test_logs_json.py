"""``LOG_FORMAT=json``: one JSON object a line, each with the request or the task it came from,
and still no patient data (the masking filter applies as it does to plain lines)."""

import datetime as dt
import importlib
import io
import json
import logging
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
def json_logs() -> Iterator[io.StringIO]:
    """The console handler as ``LOG_FORMAT=json`` configures it (its masking filter kept); what
    it writes, as text. Restored afterwards: no other test sees a changed logging setup."""
    console = _console()
    formatter, stream = console.formatter, console.stream
    written = io.StringIO()
    console.setFormatter(JsonFormatter())
    console.setStream(written)
    yield written
    console.setFormatter(formatter)
    console.setStream(stream)


def test_log_format_json_gives_the_console_the_json_formatter_in_every_process(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("LOG_FORMAT", "json")
    try:
        logging_config = importlib.reload(log_settings).LOGGING
    finally:
        monkeypatch.delenv("LOG_FORMAT")
        importlib.reload(log_settings)

    assert logging_config["handlers"]["console"]["formatter"] == "json"
    assert logging_config["formatters"]["json"] == {"()": "followup.logs.JsonFormatter"}
    assert logging_config["handlers"]["console"]["filters"] == ["patient_data"]
    # Worker and scheduler: Celery leaves logging to Django's LOGGING.
    assert any(
        getattr(receiver(), "__name__", "") == "_django_logging"
        for _, receiver in setup_logging.receivers
    )


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
