"""The safety drill: a synthetic item-9 answer of the clinic's drill patient goes through the
real inbound path, and the drill reports each step with its time, against the Twilio-compatible
server, whose delivery receipts reach the signed status webhook of a live server."""

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from followup.models import (
    CheckIn,
    Clinic,
    Clinician,
    Flag,
    OnCallShift,
    OutboundMessage,
    Patient,
    SafetyDrill,
)
from followup.services.drills import DRILL_NOTE, drill_phone

pytestmark = pytest.mark.django_db(transaction=True)
HOUR = dt.timedelta(hours=1)


@pytest.fixture
def receipts(twilio: object, live_server: object, settings: object) -> object:
    """Twilio's delivery status callbacks, signed, to this app's status webhook."""
    settings.PUBLIC_BASE_URL = live_server.url
    twilio.status_callbacks_enabled = True
    return twilio


@pytest.fixture
def bob_on_call(bob: Clinician) -> Clinician:
    now = timezone.now()
    OnCallShift.objects.create(
        clinic=bob.clinic, clinician=bob, level=1, starts_at=now - HOUR, ends_at=now + 24 * HOUR
    )
    return bob


def drill(*args: str) -> tuple[str, str | None]:
    """Run the command; its report, and the error it exits with (None when it passed)."""
    out = io.StringIO()
    try:
        call_command("safety_drill", *args, stdout=out)
    except CommandError as exc:
        return out.getvalue(), str(exc)
    return out.getvalue(), None


def test_it_pages_the_on_call_clinician_and_reports_each_step_passed(
    clinic: Clinic,
    alice: Clinician,
    bob_on_call: Clinician,
    receipts: object,
    celery_inline: list,
    settings: object,
) -> None:
    report, error = drill("--clinic", clinic.name, "--timeout", "10")

    assert error is None, report
    run = SafetyDrill.objects.get()
    assert run.status == "passed"
    assert run.finished_at is not None
    assert [(s["name"], s["ok"]) for s in run.steps] == [
        ("answer_received", True),
        ("flag_raised", True),
        ("on_call_paged", True),
        ("page_delivered", True),
    ]
    elapsed = [s["elapsed_ms"] for s in run.steps]
    assert elapsed == sorted(elapsed)
    for step in run.steps:
        assert dt.datetime.fromisoformat(step["at"]).tzinfo is not None
        assert f"PASS {step['name']}" in report
        assert f"+{step['elapsed_ms']:>6} ms  {step['at']}" in report
    assert "level 1 on call (Bob Nurse) paged by sms and voice" in report
    # The page reached Bob's phone on the Twilio-compatible server, marked as a drill.
    pages = [m.params["Body"] for m in receipts.messages_to(bob_on_call.phone)]
    assert len(pages) == 1
    assert pages[0].startswith("DRILL")
    # The drill patient is fictional: nothing was sent to its number.
    patient = Patient.objects.get(is_drill=True)
    assert patient.phone == drill_phone(clinic)
    assert patient.phone.startswith("+1555")
    assert receipts.messages_to(patient.phone) == []
    # Nothing is left on the queue.
    flag = Flag.objects.get(patient=patient)
    assert flag.status == Flag.Status.RESOLVED
    assert flag.resolution_note == DRILL_NOTE
    assert not CheckIn.objects.filter(patient=patient, status__in=CheckIn.OPEN_STATUSES).exists()
    # The result is on /healthz and on /metrics.
    finished = run.finished_at.isoformat()
    health = Client().get("/healthz").json()
    assert health["safety_drills"] == {
        str(clinic.pk): {"status": "passed", "finished_at": finished}
    }
    settings.METRICS_TOKEN = "scrape-token"
    metrics = Client().get("/metrics", HTTP_AUTHORIZATION="Bearer scrape-token")
    assert f'followup_safety_drill_last_success{{clinic="{clinic.pk}"}} 1.0' in (
        metrics.content.decode()
    )


def test_a_second_drill_uses_the_same_drill_patient(
    clinic: Clinic, bob_on_call: Clinician, receipts: object, celery_inline: list
) -> None:
    assert drill("--timeout", "10")[1] is None
    assert drill("--clinic", str(clinic.pk), "--timeout", "10")[1] is None

    assert Patient.objects.filter(is_drill=True).count() == 1
    assert list(SafetyDrill.objects.values_list("status", flat=True)) == ["passed", "passed"]
    assert Flag.objects.filter(status__in=Flag.UNRESOLVED).count() == 0


def test_with_nobody_on_call_it_fails_at_the_page_and_exits_non_zero(
    clinic: Clinic, alice: Clinician, bob: Clinician, receipts: object, celery_inline: list
) -> None:
    report, error = drill("--timeout", "5")

    assert error is not None
    assert "on_call_paged: nobody on call (rota gap)" in error
    assert "PASS flag_raised" in report
    assert "FAIL on_call_paged" in report
    assert "SKIP page_delivered" in report
    run = SafetyDrill.objects.get()
    assert run.status == "failed"
    assert run.failure_reason.startswith("on_call_paged")
    assert Flag.objects.get().status == Flag.Status.RESOLVED


def test_when_twilio_does_not_deliver_the_page_it_fails_at_the_receipt(
    clinic: Clinic, bob_on_call: Clinician, receipts: object, celery_inline: list
) -> None:
    receipts.callback_outcome[bob_on_call.phone] = ("undelivered", "30003")

    report, error = drill("--timeout", "10")

    assert error is not None
    assert "page_delivered: page" in error
    assert "undelivered (30003)" in error
    assert "PASS on_call_paged" in report
    assert "FAIL page_delivered" in report
    assert SafetyDrill.objects.get().status == "failed"
    assert Flag.objects.get().status == Flag.Status.RESOLVED


def test_without_a_receipt_in_time_it_says_so(
    clinic: Clinic, bob_on_call: Clinician, twilio: object, celery_inline: list
) -> None:
    # Twilio accepts the page but its status callbacks never come.
    _report, error = drill("--timeout", "0.5")

    assert error == "Safety drill failed: page_delivered: no delivery receipt from Twilio in time"
    page = OutboundMessage.objects.get(purpose="page", channel="sms")
    assert page.status == OutboundMessage.Status.SENT


def test_it_needs_a_clinic_to_be_named_when_there_are_several(
    clinic: Clinic, mallory: Clinician
) -> None:
    with pytest.raises(CommandError, match="Several clinics"):
        call_command("safety_drill")
    with pytest.raises(CommandError, match="No clinic 'Nowhere'"):
        call_command("safety_drill", "--clinic", "Nowhere")
