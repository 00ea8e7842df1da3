"""The demo's whole loop in a real browser, as ``make run`` shows it: a patient answers PHQ-9
item 9 on the dev phone, the page arrives on the on-call clinician's thread, the clinician
replies ``ACK <code>`` there, and the dashboard's queue shows the flag acknowledged without a
reload."""

import io
import re

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from followup.models import Clinician, Flag, Patient
from followup.services.dispatch import checkins_dispatch_due
from tests.support.browser import DESKTOP, PHONE, shot

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("dev_mode")]


def _reply(page: Page, label: str, body: str) -> None:
    page.get_by_label(label).fill(body)
    page.get_by_role("button", name="Send").click()


def test_the_demo_pages_the_clinician_on_call_who_acks_from_the_dev_phone(
    dashboard_context: object, live_server: object, celery_inline: list
) -> None:
    call_command("seed_demo", stdout=io.StringIO())
    dana = Clinician.objects.get(username="demo")
    # The demo's patient whose check-in goes out at the first tick (somewhere it is daytime).
    daniel = Patient.objects.get(first_name="Daniel")
    checkins_dispatch_due()  # the scheduler's tick

    context = dashboard_context(dana, DESKTOP)
    queue = context.new_page()
    queue.goto(f"{live_server.url}/dashboard/")
    queue.evaluate("window.notReloaded = true")
    phone = context.new_page()
    phone.set_viewport_size(PHONE)
    phone.goto(f"{live_server.url}/dev/phone/")
    patient_link = phone.get_by_role("link", name=re.compile(rf"Patient #{daniel.pk} "))
    expect(patient_link).to_contain_text("Check-in live")
    expect(phone.get_by_role("link", name="Dana Demo")).to_be_visible()
    expect(phone.get_by_role("link", name="Sam Reyes")).to_be_visible()
    shot(phone, "dev-phone-demo-list")

    # Daniel answers: nothing on items 1 to 8, "more than half the days" on item 9.
    patient_link.click()
    thread = phone.locator("#thread")
    for item in range(1, 9):
        expect(thread).to_contain_text(f"{item}/16 ", timeout=5000)
        _reply(phone, "Reply as the patient", "0")
    expect(thread).to_contain_text("9/16 Thoughts that you would be better off dead", timeout=5000)
    _reply(phone, "Reply as the patient", "2")
    expect(thread).to_contain_text("10/16 ", timeout=5000)
    shot(phone, "dev-phone-demo-patient")

    flag = Flag.objects.get(patient=daniel, reason="suicidal_ideation")
    row = queue.locator(f"#flag-row-{flag.pk}")
    expect(row).to_contain_text("Not acknowledged", timeout=5000)
    expect(queue.locator("#queue-alert")).to_contain_text(flag.code)
    expect(row).not_to_contain_text("Rota gap")

    # The page on Dana's phone, delivered (the console backend reports it, as Twilio would).
    phone.get_by_role("link", name="Dana Demo").click()
    expect(thread).to_contain_text(f"Reply ACK {flag.code} to acknowledge.", timeout=5000)
    expect(thread).to_contain_text("Call: the page read aloud")
    expect(thread).to_contain_text("delivered")
    _reply(phone, "Reply as the clinician", f"ACK {flag.code}")
    expect(thread).to_contain_text(f"flag {flag.code} acknowledged. Thank you.", timeout=5000)
    shot(phone, "dev-phone-demo-on-call")

    # The queue, open all along in the other tab: acknowledged, by Dana, without a reload.
    expect(row).not_to_contain_text("Not acknowledged", timeout=10000)
    expect(row).to_contain_text("Dana Demo")
    expect(row.get_by_role("button", name=re.compile("^Acknowledge"))).to_have_count(0)
    # The alert of a new critical flag goes once that flag is acknowledged.
    expect(queue.locator("#queue-alert")).to_be_hidden()
    assert queue.evaluate("window.notReloaded === true")
    queue.bring_to_front()
    shot(queue, "queue-acknowledged-from-the-dev-phone")
    flag.refresh_from_db()
    assert (flag.status, flag.acknowledged_by) == ("acknowledged", dana)
