"""The dev phone in a real browser: the whole loop of ``make run`` (a check-in goes out, the
person answers as the patient, the next question comes back) without a reload."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from followup.clinical.quiet_hours import daytime_zone
from followup.models import Clinician, InboundMessage, Patient, Response
from followup.services.dispatch import checkins_dispatch_due
from followup.services.sessions import session_record
from tests.support.browser import PHONE, shot

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("dev_mode")]


def test_a_question_arrives_and_the_answer_goes_through_the_inbound_path(
    dashboard_context: object,
    alice: Clinician,
    pat: Patient,
    live_server: object,
    celery_inline: list,
) -> None:
    # Somewhere it is daytime, so the check-in may go out now (quiet hours).
    Patient.objects.filter(pk=pat.pk).update(timezone=daytime_zone(timezone.now()))
    session_record(
        patient=pat, occurred_at=timezone.now() - dt.timedelta(hours=25), treatment="other"
    )
    page = dashboard_context(alice, PHONE).new_page()
    page.goto(f"{live_server.url}/dev/phone/{pat.pk}/")
    expect(page.get_by_text("No messages yet.")).to_be_visible()

    checkins_dispatch_due()  # the scheduler's tick, while the thread is open

    thread = page.locator("#thread")
    expect(thread).to_contain_text("1/16 Little interest or pleasure in doing things", timeout=5000)
    page.get_by_label("Reply as the patient").fill("1")
    page.get_by_role("button", name="Send").click()

    expect(thread).to_contain_text("2/16 Feeling down, depressed, or hopeless", timeout=5000)
    shot(page, "dev-phone-phone")
    assert InboundMessage.objects.get(patient=pat).body == "1"
    assert Response.objects.get(patient=pat, instrument="phq9").answers[0] == 1
