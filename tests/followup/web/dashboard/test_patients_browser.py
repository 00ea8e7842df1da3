"""The patients list and a patient's page in a real browser (Debian's Chromium via Playwright):
the charts drawn with their bands and session marks, recording a session through the form,
isolation, and how the pages look on a desktop, a phone and paper (screenshots go to
``artifacts/screenshots/``).
"""

import datetime as dt
from collections.abc import Callable
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page

from followup.models import CheckIn, Clinician, Patient, TreatmentSession
from followup.services.patients import patient_create
from followup.services.responses import response_record
from followup.services.sessions import session_record
from tests.support.browser import DESKTOP, PHONE, shot
from tests.support.web import web_client

# live_server reads the database from its own thread
pytestmark = pytest.mark.django_db(transaction=True)

PHQ9 = [(-45, 19), (-38, 17), (-31, 14), (-24, 12), (-17, 9), (-10, 7), (-3, 4)]
GAD7 = [(-45, 15), (-31, 12), (-17, 8), (-3, 5)]
SESSION_DAYS = [-44, -40, -36, -32, -18]


def answers(code: str, total: int) -> list[int]:
    values = []
    for index in range(9 if code == "phq9" else 7):
        value = 0 if code == "phq9" and index == 8 else min(3, total)
        values.append(value)
        total -= value
    return values


@pytest.fixture
def history(pat: Patient) -> Patient:
    """Six weeks of Pat's course: a baseline before the first of five sessions, then scores
    falling. Check-ins of weeks ago are written as the rows they became (the plan no longer
    schedules a step whose answer window has closed)."""
    now = timezone.now()
    sessions = [
        session_record(patient=pat, occurred_at=now + dt.timedelta(days=d), treatment=t)[0]
        for d, t in zip(SESSION_DAYS, ["iv_ketamine"] * 4 + ["esketamine"], strict=True)
    ]
    for code, series in (("phq9", PHQ9), ("gad7", GAD7)):
        for days, total in series:
            at = now + dt.timedelta(days=days, hours=2)
            check_in, _ = CheckIn.objects.get_or_create(
                patient=pat,
                local_date=at.date(),
                defaults={
                    "session": next(s for s in sessions[::-1] if s.occurred_at <= at)
                    if at > sessions[0].occurred_at
                    else sessions[0],
                    "step": 0,
                    "due_at": at,
                    "instruments": ["phq9", "gad7"],
                    "status": "completed",
                    "channel": "sms",
                    "sent_at": at,
                    "completed_at": at,
                },
            )
            response_record(
                patient=pat,
                instrument=code,
                answers=answers(code, total),
                channel="sms",
                check_in=check_in,
                submitted_at=at,
            )
    pat.responses.create(
        instrument="gad7", answers=[1, 1, None, None, None, None, None], channel="sms"
    )
    return pat


@pytest.fixture
def console_errors() -> list[str]:
    return []


@pytest.fixture
def open_as(
    dashboard_context: Callable[..., BrowserContext], console_errors: list[str]
) -> Callable[..., Page]:
    def make(user: Clinician, viewport: dict | None = None) -> Page:
        page = dashboard_context(user, viewport=viewport or DESKTOP).new_page()

        def on_console(message: ConsoleMessage) -> None:
            if message.type == "error" and "Failed to load resource" not in message.text:
                console_errors.append(message.text)

        page.on("console", on_console)
        page.on("pageerror", lambda error: console_errors.append(str(error)))
        return page

    return make


def patient_url(live_server: object, patient: Patient) -> str:
    return f"{live_server.url}/dashboard/patients/{patient.pk}/"


def test_it_draws_both_charts_with_the_sessions_marked(
    open_as: Callable[..., Page],
    bob: Clinician,
    history: Patient,
    live_server: object,
    console_errors: list[str],
) -> None:
    page = open_as(bob)

    response = page.goto(patient_url(live_server, history))

    assert response.status == 200
    assert page.title() == f"Patient #{history.pk} \N{EN DASH} Follow-up"
    page.wait_for_function("window.followupCharts && window.followupCharts.gad7")
    charts = page.evaluate(
        """() => Object.fromEntries(['phq9', 'gad7'].map(code => {
            const chart = window.followupCharts[code];
            return [code, {
                points: chart.data.datasets[0].data.map(p => p.y),
                markers: window.followupCharts.sessionMarkers[code],
                yMax: chart.scales.y.max,
            }];
        }))"""
    )
    assert charts["phq9"] == {"points": [t for _, t in PHQ9], "markers": 5, "yMax": 27}
    assert charts["gad7"] == {"points": [t for _, t in GAD7], "markers": 5, "yMax": 21}
    for code, name in (("phq9", "PHQ-9"), ("gad7", "GAD-7")):
        canvas = page.locator(f"#chart-{code}")
        assert canvas.is_visible()
        assert canvas.get_attribute("role") == "img"
        assert canvas.get_attribute("aria-label").startswith(f"{name} totals over time:")
        assert "5 treatment sessions marked." in canvas.get_attribute("aria-label")
    # The same numbers as tables: out of sight on screen, there for screen readers.
    table = page.get_by_role("table", name="PHQ-9 scores, newest first")
    assert table.locator("tbody tr").count() == len(PHQ9)
    assert page.locator(".charts--ready").count() == 1
    assert page.get_by_text("1 partial response has no total and is not plotted").is_visible()
    assert page.get_by_text("Status Response Remission Reliable improvement").count() == 0
    statuses = page.locator("#course-phq9 + dl .statuses").inner_text()
    assert statuses.split("\n") == ["Response", "Remission", "Reliable improvement"]
    shot(page, "dashboard-patient-desktop")

    page.emulate_media(media="print")
    page.wait_for_timeout(300)  # the charts follow their boxes' new size
    assert table.is_visible()
    assert page.locator("#record-session").is_hidden()
    shot(page, "dashboard-patient-print")
    assert console_errors == []


def test_it_fits_a_phone(
    open_as: Callable[..., Page],
    bob: Clinician,
    history: Patient,
    live_server: object,
    console_errors: list[str],
) -> None:
    page = open_as(bob, PHONE)

    page.goto(patient_url(live_server, history))

    page.wait_for_function("window.followupCharts && window.followupCharts.gad7")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert page.evaluate("window.followupCharts.sessionMarkers.phq9") == 5
    shot(page, "dashboard-patient-phone")
    assert console_errors == []


def test_it_records_a_session_through_the_form(
    open_as: Callable[..., Page],
    alice: Clinician,
    history: Patient,
    live_server: object,
    console_errors: list[str],
) -> None:
    page = open_as(alice)
    page.goto(patient_url(live_server, history))
    page.get_by_role("link", name="Record a session").click()
    yesterday = timezone.now().astimezone(ZoneInfo(history.timezone)) - dt.timedelta(days=1)

    page.get_by_label("Date and time of the session").fill(yesterday.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Treatment", exact=True).select_option(label="IV ketamine")
    with page.expect_navigation():
        page.get_by_role("button", name="Record session").click()

    notice = page.get_by_role("status").filter(has_text="Session recorded")
    assert notice.is_visible()
    assert "Check-ins scheduled (America/Chicago):" in notice.inner_text()
    session = TreatmentSession.objects.filter(patient=history).order_by("-id").first()
    assert session.occurred_at == yesterday.replace(second=0, microsecond=0)
    assert session.treatment == "iv_ketamine"
    assert session.check_ins.exists()
    page.wait_for_function("window.followupCharts && window.followupCharts.phq9")
    assert page.evaluate("window.followupCharts.sessionMarkers.phq9") == 6
    assert page.get_by_text("Session S6 · IV ketamine").is_visible()
    assert console_errors == []


def test_it_shows_a_bad_session_clearly_and_saves_nothing(
    open_as: Callable[..., Page],
    bob: Clinician,
    pat: Patient,
    live_server: object,
    console_errors: list[str],
) -> None:
    page = open_as(bob)
    page.goto(patient_url(live_server, pat))
    tomorrow = timezone.now().astimezone(ZoneInfo(pat.timezone)) + dt.timedelta(days=1)

    page.get_by_label("Date and time of the session").fill(tomorrow.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Treatment", exact=True).select_option(label="Other")
    with page.expect_navigation() as navigation:
        page.get_by_role("button", name="Record session").click()

    assert navigation.value.status == 400
    alert = page.get_by_role("alert").first
    assert "Nothing was saved." in alert.inner_text()
    assert "is in the future" in alert.inner_text()
    assert TreatmentSession.objects.count() == 0
    assert console_errors == []


def test_it_reads_without_javascript(
    browser: Browser, bob: Clinician, history: Patient, live_server: object
) -> None:
    context = browser.new_context(viewport=DESKTOP, java_script_enabled=False)
    client = web_client(bob)
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    try:
        page = context.new_page()
        page.goto(patient_url(live_server, history))

        # No empty chart boxes; the scores as tables instead.
        assert page.locator(".chart-box").first.is_hidden()
        table = page.get_by_role("table", name="GAD-7 scores, newest first")
        assert table.is_visible()
        assert table.locator("tbody tr").first.inner_text().split("\t")[1:] == ["5", "Mild"]
        assert page.get_by_role(
            "table", name="Treatment sessions marked on the charts, newest first"
        ).is_visible()
    finally:
        context.close()


def test_it_turns_another_clinic_away(
    open_as: Callable[..., Page], mallory: Clinician, pat: Patient, live_server: object
) -> None:
    page = open_as(mallory)

    response = page.goto(patient_url(live_server, pat))

    assert response.status == 404
    assert "Jones" not in page.content()


def test_it_lists_patients_on_a_desktop_and_a_phone(
    open_as: Callable[..., Page],
    bob: Clinician,
    history: Patient,
    live_server: object,
    console_errors: list[str],
) -> None:
    for n, (first, last) in enumerate(
        [("Ann", "Adams"), ("Ben", "Brown"), ("Cleo", "Castillo-Whitfield"), ("Dev", "Diaz")]
    ):
        other = patient_create(
            clinic=history.clinic,
            first_name=first,
            last_name=last,
            phone=f"+1312555077{n}",
            timezone="America/New_York",
            channel="web" if n % 2 else "sms",
            sms_consent=True,
        )
        if n == 2:  # consent withdrawn since
            Patient.objects.filter(pk=other.pk).update(sms_consent=False, sms_consent_at=None)
        if n == 3:
            Patient.objects.filter(pk=other.pk).update(opted_out=True)
    for viewport, name in ((DESKTOP, "desktop"), (PHONE, "phone")):
        page = open_as(bob, viewport)
        page.goto(f"{live_server.url}/dashboard/patients/")
        assert page.get_by_role("link", name="Jones, Pat").is_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
        shot(page, f"dashboard-patients-{name}")

    page.get_by_label("Find a patient").fill("adams")
    with page.expect_navigation():
        page.get_by_role("button", name="Search").click()
    # The search is a POST: the name searched for is not in the address.
    assert page.url == f"{live_server.url}/dashboard/patients/"
    assert page.get_by_role("link", name="Adams, Ann").is_visible()
    assert page.get_by_role("link", name="Jones, Pat").count() == 0
    assert console_errors == []
