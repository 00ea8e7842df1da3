"""Signing in with a second factor, in a real browser (Debian's Chromium through Playwright)."""

import base64
from collections.abc import Iterator

import pytest
from django_otp.oath import totp
from playwright.sync_api import Browser, Page, expect

from followup.models import Clinician
from tests.support.browser import DESKTOP, PHONE, shot
from tests.support.cast import PASSWORD
from tests.support.web import authenticator, current_code

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport=DESKTOP, locale="en-US")
    yield context.new_page()
    context.close()


def test_it_signs_in_with_a_password_and_a_code_from_the_app(
    page: Page, bob: Clinician, live_server: object
) -> None:
    device = authenticator(bob)

    page.goto(f"{live_server.url}/dashboard/patients/")
    expect(page).to_have_title("Sign in \N{EN DASH} Follow-up")
    shot(page, "dashboard-sign-in-desktop")
    page.get_by_label("Username").fill("bob")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Continue").click()
    code = page.get_by_label("6-digit code from your authenticator app")
    expect(code).to_be_focused()
    shot(page, "dashboard-sign-in-code-desktop")
    code.fill(current_code(device))
    page.get_by_role("button", name="Verify and sign in").click()

    expect(page).to_have_url(f"{live_server.url}/dashboard/patients/")
    expect(page.get_by_role("navigation", name="Main")).to_be_visible()

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_text("You are signed out.")).to_be_visible()
    page.goto(f"{live_server.url}/dashboard/")
    expect(page).to_have_title("Sign in \N{EN DASH} Follow-up")


def test_a_new_clinician_adds_an_authenticator_by_its_key(
    browser: Browser, bob: Clinician, live_server: object
) -> None:
    context = browser.new_context(viewport=PHONE, locale="en-US")
    page = context.new_page()

    page.goto(f"{live_server.url}/dashboard/login/")
    page.get_by_label("Username").fill("bob")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_title("Add an authenticator \N{EN DASH} Follow-up")
    shot(page, "dashboard-add-authenticator-phone")
    # What a person types into an app that cannot scan: the key shown under the QR code.
    secret = page.get_by_test_id("totp-secret").inner_text().replace(" ", "")
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    page.get_by_label("6-digit code from your authenticator app").fill(f"{totp(key):06d}")
    page.get_by_role("button", name="Add authenticator").click()

    expect(page.get_by_text("Authenticator added.")).to_be_visible()
    assert bob.totpdevice_set.get().confirmed
    context.close()


def test_a_wrong_password_says_so_and_keeps_the_username(
    page: Page, bob: Clinician, live_server: object
) -> None:
    page.goto(f"{live_server.url}/dashboard/login/")
    page.get_by_label("Username").fill("bob")
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Continue").click()

    expect(page.get_by_role("alert")).to_contain_text("correct username and password")
    expect(page.get_by_label("Username")).to_have_value("bob")


def test_typing_on_a_page_that_does_not_refresh_tells_the_server_someone_is_there(
    dashboard_context: object, bob: Clinician, pat: object, live_server: object
) -> None:
    page = dashboard_context(bob).new_page()
    page.clock.install()
    page.goto(f"{live_server.url}/dashboard/patients/{pat.pk}/")
    quiet: list[str] = []
    page.on("request", lambda r: quiet.append(r.url) if "/session/activity/" in r.url else None)

    page.clock.run_for(120_000)  # two minutes untouched: nothing is sent
    assert quiet == []

    page.keyboard.press("Tab")
    with page.expect_request("**/dashboard/session/activity/") as keep_alive:
        page.clock.run_for(65_000)

    assert keep_alive.value.method == "POST"
    assert keep_alive.value.response().status == 204


def test_an_untouched_screen_warns_then_hides_patient_data_when_signed_out(
    dashboard_context: object, bob: Clinician, pat: object, live_server: object
) -> None:
    page = dashboard_context(bob, PHONE).new_page()
    page.clock.install()
    page.goto(f"{live_server.url}/dashboard/patients/{pat.pk}/")
    notice = page.get_by_role("alertdialog", name="About to sign out")

    page.clock.run_for((15 * 60 - 120) * 1000)
    expect(notice).to_be_hidden()
    page.clock.run_for(40_000)  # 1 min 20 s left
    expect(notice).to_be_visible()
    shot(page, "dashboard-idle-notice-phone")
    with page.expect_request("**/dashboard/session/activity/"):
        notice.get_by_role("button", name="Stay signed in").click()
    expect(notice).to_be_hidden()

    page.mouse.move(5, 5)
    page.clock.run_for(60_000)  # moving the pointer says someone is there, too
    expect(notice).to_be_hidden()

    with page.expect_navigation():  # untouched past the limit: the page reloads
        page.clock.run_for((15 * 60 + 10) * 1000)
