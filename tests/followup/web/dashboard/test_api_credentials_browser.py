"""The integration keys page in a real browser (Debian's Chromium through Playwright): Alice
makes a key with the keyboard and mouse, copies it from the page, and revokes it. Screenshots go
to ``artifacts/screenshots/``."""

import re
from collections.abc import Callable

import pytest
from knox.models import AuthToken
from playwright.sync_api import BrowserContext, expect

from followup.models import Clinician, IntegrationKey
from tests.support.browser import PHONE, shot
from tests.support.cast import client_with

pytestmark = pytest.mark.django_db(transaction=True)


def test_alice_makes_a_key_sees_it_once_and_revokes_it(
    dashboard_context: Callable[..., BrowserContext], alice: Clinician, live_server: object
) -> None:
    page = dashboard_context(alice).new_page()
    page.goto(f"{live_server.url}/dashboard/")
    page.get_by_role("link", name="Integration keys").click()

    page.get_by_label("Name").fill("Epic production")
    page.get_by_label("Scope").select_option("read")
    page.get_by_label("Valid for").select_option("90")
    page.get_by_role("button", name="Make key").click()

    new_key = page.get_by_test_id("new-key")
    expect(new_key).to_contain_text("Copy the new key now")
    key = re.search(r"fuk_\S+", new_key.inner_text()).group(0)
    shot(page, "integration-keys-made")
    assert client_with(key).get("/api/v1/patients/").status_code == 200

    page.get_by_role("button", name="Revoke Epic production").click()
    expect(page.get_by_role("status")).to_contain_text("revoked")
    expect(page.get_by_test_id("new-key")).to_have_count(0)
    assert IntegrationKey.objects.get().revoked_at is not None
    assert client_with(key).get("/api/v1/patients/").status_code == 401
    page.set_viewport_size(PHONE)
    shot(page, "integration-keys-phone")


def test_bob_opens_his_api_tokens_from_the_top_bar(
    dashboard_context: Callable[..., BrowserContext], bob: Clinician, live_server: object
) -> None:
    AuthToken.objects.create(bob)
    page = dashboard_context(bob).new_page()
    page.goto(f"{live_server.url}/dashboard/")

    page.get_by_role("link", name="API tokens").click()

    expect(page.get_by_role("heading", name="Your API tokens")).to_be_visible()
    expect(page.get_by_role("button", name=re.compile("^Revoke"))).to_have_count(1)
    shot(page, "api-tokens")
