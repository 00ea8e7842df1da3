"""The flag queue in a real browser (Debian's Chromium through Playwright).

Bob, on call, has the queue open. Pat is part-way through a check-in by SMS and answers "2" to
PHQ-9 item 9; Twilio's signed webhook reaches the live server, and the critical flag must show
up in Bob's open queue by itself, with a banner and a sound. Screenshots go to
``artifacts/screenshots/``.
"""

import datetime as dt
import itertools
import re
import urllib.parse
import urllib.request
from collections.abc import Callable

import pytest
from django.conf import settings as django_settings
from django.contrib.sessions.models import Session
from django.utils import timezone
from playwright.sync_api import Browser, ConsoleMessage, Page, expect

from followup.models import (
    CheckIn,
    Clinic,
    Clinician,
    Flag,
    OnCallShift,
    OutboundMessage,
    Patient,
    Response,
)
from followup.services.sessions import session_record
from testkit.twilio_server import signed_post_headers
from tests.support.browser import DESKTOP, PHONE, shot
from tests.support.flags import ANXIETY, CRISIS, DEPRESSION, SI, WORSE, make_patient, raise_flag
from tests.support.web import web_client

# live_server reads the database from its own thread
pytestmark = pytest.mark.django_db(transaction=True)

_sids = itertools.count(1)


@pytest.fixture
def console_errors() -> list[str]:
    return []


@pytest.fixture
def open_queue(
    dashboard_context: Callable, live_server: object, console_errors: list[str]
) -> Callable[..., Page]:
    """``open_queue(user, path="/dashboard/", viewport=DESKTOP)``: a signed-in page, watched
    for console errors and failed requests."""

    def open_(user: Clinician, path: str = "/dashboard/", viewport: dict | None = None) -> Page:
        page = dashboard_context(user, viewport=viewport or DESKTOP).new_page()

        def on_console(message: ConsoleMessage) -> None:
            if message.type == "error":
                console_errors.append(message.text)

        page.on("console", on_console)
        page.on("pageerror", lambda error: console_errors.append(str(error)))
        page.on(
            "response",
            lambda r: console_errors.append(f"{r.status} {r.url}") if r.status >= 400 else None,
        )
        assert page.goto(live_server.url + path).status == 200
        return page

    return open_


@pytest.fixture
def at_item_nine(pat: Patient) -> CheckIn:
    """Pat's check-in by SMS, answered up to PHQ-9 item 8; item 9 was the last question sent."""
    _, check_ins = session_record(
        patient=pat, occurred_at=timezone.now() - dt.timedelta(hours=25), treatment="iv_ketamine"
    )
    now = timezone.now()
    CheckIn.objects.filter(pk=check_ins[0].pk).update(
        status="in_progress",
        channel="sms",
        sent_at=now - dt.timedelta(minutes=20),
        expires_at=now + dt.timedelta(hours=72),
        current_instrument="phq9",
        current_item=9,
    )
    Response.objects.create(
        patient=pat,
        check_in_id=check_ins[0].pk,
        instrument="phq9",
        answers=[1, 2, 1, 1, 0, 1, 0, 0, None],
        channel="sms",
    )
    return CheckIn.objects.get(pk=check_ins[0].pk)


def text_from(patient: Patient, body: str, twilio: object, live_server: object) -> int:
    """Pat's reply, as Twilio posts it to the live server: form-encoded and signed."""
    path = "/twilio/sms/"
    params = {
        "MessageSid": f"SM{next(_sids):032x}",
        "AccountSid": twilio.account_sid,
        "From": patient.phone,
        "To": "+13125550100",
        "Body": body,
    }
    signature = signed_post_headers(
        twilio.auth_token, django_settings.PUBLIC_BASE_URL + path, params
    )
    request = urllib.request.Request(  # noqa: S310 - the live server on loopback
        live_server.url + path,
        data=urllib.parse.urlencode(params).encode(),
        headers={"Content-Type": "application/x-www-form-urlencoded", **signature},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
        return response.status


def test_it_shows_a_new_critical_flag_without_a_reload_and_cues_once(
    open_queue: Callable,
    bob: Clinician,
    pat: Patient,
    clinic: Clinic,
    bob_on_call: OnCallShift,
    at_item_nine: CheckIn,
    twilio: object,
    celery_inline: list,
    live_server: object,
    settings: object,
    console_errors: list[str],
) -> None:
    settings.PUBLIC_BASE_URL = live_server.url
    already = raise_flag(make_patient(clinic, 42), CRISIS, minutes_ago=30)
    page = open_queue(bob)
    navigations: list[str] = []
    page.on("framenavigated", lambda frame: navigations.append(frame.url))
    page.evaluate("window.stillTheSamePage = true")
    expect(page.locator(f"#flag-row-{already.pk}")).to_be_visible()
    assert page.evaluate("window.followupQueue.cues") == 0  # flags already there: no cue
    page.get_by_role("button", name="Sound for new critical flags").click()
    expect(page.get_by_text("Sound is on.")).to_be_visible()

    assert text_from(pat, "2", twilio, live_server) == 200

    flag = Flag.objects.get(patient=pat, reason="suicidal_ideation")
    row = page.locator(f"#flag-row-{flag.pk}")
    expect(row).to_be_visible(timeout=5000)
    expect(row).to_have_class(re.compile(r"\bflag--new\b"))
    expect(row).to_contain_text("Critical")
    expect(row).to_contain_text("Thoughts of self-harm (PHQ-9 item 9)")
    expect(row).to_contain_text("Not acknowledged")
    banner = page.get_by_role("alert").filter(has_text="New critical flag")
    expect(banner).to_be_visible()
    expect(banner).to_contain_text(flag.code)
    assert page.evaluate("window.followupQueue.cues") == 1
    assert page.evaluate("window.followupQueue.sounds") == 1
    assert page.evaluate("document.body.dataset.lastCue") == str(flag.pk)
    assert page.evaluate("window.stillTheSamePage") is True
    assert navigations == []
    assert page.title() == "(2) Flags \N{EN DASH} Follow-up"
    expect(page.locator("#queue-status-text")).to_contain_text("Updated")
    page.wait_for_timeout(3500)  # another poll or two: still one cue
    assert page.evaluate("window.followupQueue.cues") == 1
    shot(page, "dashboard-queue-new-critical")
    assert console_errors == []


def test_it_acknowledges_then_resolves_from_the_queue(
    open_queue: Callable,
    bob: Clinician,
    pat: Patient,
    bob_on_call: OnCallShift,
    celery_inline: list,
    console_errors: list[str],
) -> None:
    from followup.services.safety import triggers_fire

    flag = triggers_fire(patient=pat, triggers=[SI], source="sms")[0].flag
    page = open_queue(bob)
    row = page.locator(f"#flag-row-{flag.pk}")

    row.get_by_role("button", name=f"Acknowledge flag {flag.code}").click()

    expect(row).to_contain_text("Bob Nurse", timeout=5000)
    expect(page.locator("#queue-notice")).to_contain_text(
        f"Flag {flag.code} acknowledged. Paging has stopped."
    )
    assert page.evaluate("window.followupQueue.actions") == 0
    flag.refresh_from_db()
    assert (flag.status, flag.acknowledged_by) == ("acknowledged", bob)
    assert not OutboundMessage.objects.filter(flag=flag, purpose="page", status="pending").exists()

    row.locator("summary").click()
    row.get_by_role("button", name=f"Resolve flag {flag.code}").click()
    error = row.locator("[data-form-error]").last
    expect(error).to_have_text("⚠ A note is required: say what was done.")
    note = row.get_by_label("What was done? (required)")
    expect(note).to_be_focused()
    assert note.get_attribute("aria-invalid") == "true"
    shot(page, "dashboard-queue-resolve-error")
    flag.refresh_from_db()
    assert flag.status == "acknowledged"

    note.fill("Called Pat: safe at home with family; safety plan reviewed.")
    # Another flag arrives while Bob types: the rows are swapped, his note and focus stay.
    other = raise_flag(make_patient(pat.clinic, 9), DEPRESSION)
    expect(page.locator(f"#flag-row-{other.pk}")).to_be_visible(timeout=5000)
    expect(note).to_have_value("Called Pat: safe at home with family; safety plan reviewed.")
    expect(note).to_be_focused()
    row.get_by_role("button", name=f"Resolve flag {flag.code}").click()

    expect(row).to_have_count(0, timeout=5000)
    expect(page.locator("tbody tr")).to_have_count(1)
    expect(page.locator("#queue-notice")).to_contain_text(f"Flag {flag.code} resolved.")
    flag.refresh_from_db()
    assert (flag.status, flag.resolved_by) == ("resolved", bob)
    assert flag.resolution_note == "Called Pat: safe at home with family; safety plan reviewed."
    assert page.title() == "(1) Flags \N{EN DASH} Follow-up"
    # The one 400 is the refused empty note (Chromium logs it, and the response listener too).
    assert [e for e in console_errors if "400" not in e] == []
    assert sum(e.startswith("400 ") and "/resolve/" in e for e in console_errors) == 1


def test_it_updates_changed_rows_in_place_and_keeps_the_rest_and_what_is_typed(
    open_queue: Callable, bob: Clinician, pat: Patient, clinic: Clinic, console_errors: list[str]
) -> None:
    critical = raise_flag(pat, SI, minutes_ago=40)
    high = raise_flag(make_patient(clinic, 2), DEPRESSION, minutes_ago=30)
    moderate = raise_flag(make_patient(clinic, 3), WORSE, minutes_ago=20)
    page = open_queue(bob)
    page.locator(f"#flag-row-{moderate.pk}").evaluate("row => { row.dataset.untouched = 'yes'; }")
    row = page.locator(f"#flag-row-{critical.pk}")
    row.locator("summary").click()
    note = row.get_by_label("What was done? (required)")
    note.fill("Called Pat, no answer yet")

    # The critical flag escalates, the high one is resolved elsewhere, a new one arrives.
    Flag.objects.filter(pk=critical.pk).update(escalation_level=2)
    Flag.objects.filter(pk=high.pk).update(
        status="resolved", resolved_at=timezone.now(), resolution_note="Seen in clinic."
    )
    newer = raise_flag(make_patient(clinic, 4), ANXIETY, minutes_ago=10)

    expect(page.locator(f"#flag-row-{newer.pk}")).to_be_visible(timeout=5000)
    expect(row).to_contain_text("Level 2")
    ids = page.locator("tbody tr").evaluate_all("rows => rows.map(r => r.dataset.flagId)")
    assert ids == [str(critical.pk), str(newer.pk), str(moderate.pk)]
    assert page.locator(f"#flag-row-{moderate.pk}").get_attribute("data-untouched") == "yes"
    expect(note).to_have_value("Called Pat, no answer yet")
    expect(note).to_be_focused()
    expect(page.locator("#queue-summary")).to_contain_text("3 unresolved flags")
    assert page.title() == "(3) Flags \N{EN DASH} Follow-up"

    row.get_by_role("button", name=f"Resolve flag {critical.code}").click()
    expect(row).to_have_count(0, timeout=5000)
    critical.refresh_from_db()
    assert critical.resolution_note == "Called Pat, no answer yet"
    assert console_errors == []


def test_it_says_clearly_when_the_queue_stops_updating(
    open_queue: Callable, bob: Clinician, pat: Patient
) -> None:
    raise_flag(pat, SI)
    page = open_queue(bob)
    expect(page.locator("#queue-status-text")).to_contain_text("Updated")

    page.route("**/dashboard/queue/rows/", lambda route: route.fulfill(status=500, body="down"))

    status = page.locator("#queue-status")
    expect(status).to_contain_text("Not updating \N{EN DASH} last updated", timeout=5000)
    expect(status).to_have_class(re.compile(r"\bqueue-status--stale\b"))
    shot(page, "dashboard-queue-stale")
    page.unroute("**/dashboard/queue/rows/")
    expect(status).to_contain_text("Updated", timeout=5000)
    expect(status).not_to_contain_text("Not updating")


def test_it_looks_right_at_desktop_and_phone_widths(
    open_queue: Callable,
    bob: Clinician,
    alice: Clinician,
    clinic: Clinic,
    pat: Patient,
    bob_on_call: OnCallShift,
    celery_inline: list,
    console_errors: list[str],
) -> None:
    from followup.services.safety import triggers_fire

    critical = triggers_fire(patient=pat, triggers=[SI], source="sms")[0].flag
    Flag.objects.filter(pk=critical.pk).update(created_at=timezone.now() - dt.timedelta(minutes=7))
    quiet = make_patient(clinic, 5, opted_out=False)
    Patient.objects.filter(pk=quiet.pk).update(opted_out=True, opted_out_at=timezone.now())
    triggers_fire(patient=quiet, triggers=[DEPRESSION], source="sms")
    acked = raise_flag(make_patient(clinic, 6), ANXIETY, minutes_ago=125)
    Flag.objects.filter(pk=acked.pk).update(
        status="acknowledged", acknowledged_at=timezone.now(), acknowledged_by=alice
    )
    raise_flag(make_patient(clinic, 7), WORSE, minutes_ago=60 * 26)

    for name, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        page = open_queue(bob, viewport=viewport)
        expect(page.locator("tbody tr")).to_have_count(4)
        width = viewport["width"]
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        shot(page, f"dashboard-queue-{name}")

        page = open_queue(bob, path=f"/dashboard/flags/{critical.pk}/", viewport=viewport)
        expect(page.get_by_role("heading", name=re.compile("Timeline"))).to_be_visible()
        assert page.title() == "Flag \N{EN DASH} Follow-up"
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        shot(page, f"dashboard-flag-{name}")
    assert console_errors == []


def test_it_works_without_javascript(
    browser: Browser, live_server: object, bob: Clinician, pat: Patient
) -> None:
    flag = raise_flag(pat, SI)
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    context.add_cookies(
        [
            {
                "name": django_settings.SESSION_COOKIE_NAME,
                "value": web_client(bob).cookies[django_settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    page = context.new_page()
    try:
        page.goto(live_server.url + "/dashboard/")
        row = page.locator(f"#flag-row-{flag.pk}")
        row.locator("summary").click()
        with page.expect_navigation():
            row.get_by_role("button", name=f"Resolve flag {flag.code}").click()
        # No note: the flag's page, with the error by its form, and nothing changed.
        expect(page.get_by_role("alert").first).to_contain_text("A note is required")
        assert page.url == f"{live_server.url}/dashboard/flags/{flag.pk}/resolve/"
        flag.refresh_from_db()
        assert flag.status == "open"

        with page.expect_navigation():
            page.get_by_role("button", name="Acknowledge").click()
        expect(
            page.get_by_text(f"Flag {flag.code} acknowledged. Paging has stopped.")
        ).to_be_visible()
        page.get_by_label("What was done? (required)").fill("Called Pat; safe.")
        with page.expect_navigation():
            page.get_by_role("button", name="Resolve flag").click()
        expect(page.get_by_text(f"Flag {flag.code} resolved.")).to_be_visible()
        assert page.url == f"{live_server.url}/dashboard/flags/{flag.pk}/"
    finally:
        context.close()
    flag.refresh_from_db()
    assert (flag.status, flag.resolution_note, flag.resolved_by) == (
        "resolved",
        "Called Pat; safe.",
        bob,
    )


def test_it_goes_to_sign_in_when_the_session_ends_under_the_open_queue(
    open_queue: Callable, bob: Clinician, pat: Patient, live_server: object
) -> None:
    raise_flag(pat, SI)
    page = open_queue(bob)

    Session.objects.all().delete()  # signed out elsewhere, or timed out

    expect(page).to_have_url(re.compile(r"/dashboard/login/\?next="), timeout=5000)
    expect(page.locator("body")).not_to_contain_text("Pat Jones")
