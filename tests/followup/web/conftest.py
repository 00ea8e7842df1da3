"""Web fixtures: Django clients signed in with both factors, and a real browser."""

import datetime as dt
import os
from collections.abc import Callable, Iterator

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone
from playwright.sync_api import Browser, BrowserContext, sync_playwright

from followup.models import Clinician, Flag, OnCallShift, Patient
from followup.services.safety import triggers_fire
from tests.support.browser import CHROMIUM, CHROMIUM_ARGS, DESKTOP
from tests.support.flags import SI
from tests.support.web import web_client


@pytest.fixture
def bob_on_call(bob: Clinician) -> OnCallShift:
    """Bob on call at level 1 from an hour ago for the next eight hours: pages go to him."""
    now = timezone.now()
    return OnCallShift.objects.create(
        clinic=bob.clinic,
        clinician=bob,
        level=1,
        starts_at=now - dt.timedelta(hours=1),
        ends_at=now + dt.timedelta(hours=8),
    )


@pytest.fixture
def paged_flag(
    pat: Patient,
    bob_on_call: OnCallShift,
    celery_inline: list,
    django_capture_on_commit_callbacks: Callable,
) -> Flag:
    """Pat answered 2 to PHQ-9 item 9: a critical flag, Bob paged by SMS and call (sent)."""
    with django_capture_on_commit_callbacks(execute=True):
        return triggers_fire(patient=pat, triggers=[SI], source="sms")[0].flag


@pytest.fixture
def signed_in() -> Callable[[Clinician], Client]:
    return web_client


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not os.path.exists(CHROMIUM):
        pytest.fail("Browser tests need Debian's chromium package (.ci/run installs it).")
    # Playwright's sync API keeps an event loop in this thread; the ORM calls the tests make
    # between page actions are ordinary synchronous code, so Django may allow them.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def dashboard_context(
    browser: Browser, live_server: object
) -> Iterator[Callable[..., BrowserContext]]:
    """``dashboard_context(user, viewport=DESKTOP)``: a browser already signed in as ``user``
    (both factors), by the session cookie of ``web_client``. ``bypass_csp=True`` only for a test
    that injects a script of its own (axe)."""
    contexts: list[BrowserContext] = []
    # Whatever a test does on the dashboard, the Content-Security-Policy refuses nothing.
    violations: list[str] = []

    def make(
        user: Clinician, viewport: dict | None = None, *, bypass_csp: bool = False
    ) -> BrowserContext:
        client = web_client(user)
        context = browser.new_context(
            viewport=viewport or DESKTOP, locale="en-US", bypass_csp=bypass_csp
        )
        context.on(
            "console",
            lambda message: (
                violations.append(message.text)
                if "Content Security Policy" in message.text
                else None
            ),
        )
        context.add_cookies(
            [
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                    "url": live_server.url,
                }
            ]
        )
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()
    assert violations == [], violations
