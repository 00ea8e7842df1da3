"""No patient data in logs: after the whole loop (SMS and web), a 404 on a check-in link and a
console send, the log lines (as every handler writes them) hold no message body, no check-in
token and no phone number."""

import datetime as dt
import logging
import re

import pytest
from django.conf import settings
from django.test import Client
from rest_framework.test import APIClient

from followup.logs import mask_text
from followup.models import CheckIn, OutboundMessage, Patient
from followup.services.checkin_links import checkin_token_make
from followup.services.dispatch import checkins_dispatch_due
from tests.support.sms import NOW, text

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.time_machine(NOW, tick=False)]


@pytest.fixture
def logs(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    """Everything logged at INFO and above, through the filters the configured handler has."""
    console = next(h for h in logging.getLogger().handlers if h.get_name() == "console")
    for log_filter in console.filters:
        caplog.handler.addFilter(log_filter)
    caplog.set_level(logging.INFO)
    return caplog


def due_check_in(client: APIClient, patient: Patient) -> CheckIn:
    response = client.post(
        "/api/v1/sessions/",
        {
            "patient": patient.pk,
            "occurred_at": (NOW - dt.timedelta(hours=25)).isoformat(),
            "treatment": "esketamine",
        },
        format="json",
    )
    return CheckIn.objects.get(pk=response.json()["check_ins"][0]["id"])


def assert_clean(text_logged: str, patient: Patient, *secrets: str) -> None:
    digits = patient.phone.removeprefix("+")
    assert digits not in text_logged
    assert digits[1:] not in text_logged  # nor the national number
    assert patient.last_name not in text_logged
    for secret in secrets:
        assert secret not in text_logged, secret


def test_an_sms_round_trip_with_a_crisis_answer_logs_no_body_and_no_number(
    logs: pytest.LogCaptureFixture,
    twilio: object,
    celery_inline: list,
    as_alice: APIClient,
    pat: Patient,
) -> None:
    check_in = due_check_in(as_alice, pat)
    checkins_dispatch_due()
    for answer in ["1", "2", "1", "3", "0", "nearly every day", "1", "0", "2"]:
        text(twilio, pat, answer)
    text(twilio, pat, "I have been feeling hopeless all week")

    check_in.refresh_from_db()
    assert check_in.status == "in_progress"
    assert logs.records  # something was logged: the loop's own lines
    bodies = list(OutboundMessage.objects.values_list("body", flat=True))
    assert len(bodies) > 10
    lines = [line for body in bodies for line in body.splitlines() if len(line) > 12]
    assert_clean(logs.text, pat, "hopeless", "nearly every day", *lines)


def test_a_web_round_trip_and_a_stale_link_log_no_token(
    logs: pytest.LogCaptureFixture, as_alice: APIClient, pat: Patient
) -> None:
    check_in = due_check_in(as_alice, pat)
    CheckIn.objects.filter(pk=check_in.pk).update(
        status="sent", sent_at=NOW, expires_at=NOW + dt.timedelta(hours=72)
    )
    token = checkin_token_make(check_in.pk)
    browser = Client()
    answers = {f"phq9_{n}": "1" for n in range(1, 10)} | {f"gad7_{n}": "1" for n in range(1, 8)}

    assert browser.get(f"/c/{token}").status_code == 200
    assert browser.post(f"/c/{token}", answers).status_code == 200
    used = browser.get(f"/api/v1/public/check-ins/{token}/")
    missing = browser.get(f"/c/{checkin_token_make(check_in.pk + 1000)}")
    forged = browser.get("/c/not-a-real-token:abc")

    assert (used.status_code, missing.status_code, forged.status_code) == (410, 404, 404)
    assert any(r.name == "django.request" for r in logs.records)  # Django logged the paths
    assert "/c/[masked]" in logs.text
    assert_clean(logs.text, pat, token, "not-a-real-token", checkin_token_make(check_in.pk + 1000))


def test_a_console_send_logs_neither_the_text_nor_the_link(
    logs: pytest.LogCaptureFixture, settings: object, celery_inline: list, as_alice: APIClient
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
    due_check_in(as_alice, patient)

    checkins_dispatch_due()

    sent = OutboundMessage.objects.get(patient=patient, status="sent")
    assert "/c/" in sent.body
    assert "console SMS" in logs.text
    link = re.search(r"https?://\S+", sent.body)[0]
    words = [line.strip() for line in sent.body.replace(link, "\n").splitlines() if line.strip()]
    assert_clean(logs.text, patient, link, link.rsplit("/", 1)[-1], *words)


@pytest.mark.parametrize(
    ("logged", "shown"),
    [
        ("Not Found: /c/MTIz:1tQ0:abcDEF", "Not Found: /c/[masked]"),
        ("Gone: /api/v1/public/check-ins/MTIz:1t:x/", "Gone: /api/v1/public/check-ins/[masked]/"),
        ("To=%2B13125550123&Body=hi", "To=%2B…23&Body=hi"),
        ("The 'To' number +1 312 555 0123 is not valid", "The 'To' number +…23 is not valid"),
        ("message 42 will retry at 2026-11-26T18:00:00+00:00", None),  # ids and times stay
    ],
)
def test_the_filter_masks_tokens_and_numbers(logged: str, shown: str | None) -> None:
    assert mask_text(logged) == (shown or logged)


def test_every_configured_handler_masks() -> None:
    for name, handler in settings.LOGGING["handlers"].items():
        assert "patient_data" in handler.get("filters", []), name
