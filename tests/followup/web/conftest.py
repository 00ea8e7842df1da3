"""Web fixtures: Django clients signed in with both factors, a real browser, and a phone's page
watched for console errors with a web check-in link to open in it."""

import datetime as dt
import os
from collections.abc import Callable, Iterator

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page, sync_playwright

from followup.models import CheckIn, Clinician, Flag, OnCallShift, Patient
from followup.services.checkin_links import checkin_token_make
from followup.services.safety import triggers_fire
from followup.services.sessions import session_record
from tests.support.browser import CHROMIUM, CHROMIUM_ARGS, DESKTOP, PHONE
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


@pytest.fixture
def console_errors() -> list[str]:
    """What the browser reported as an error: filled by ``page``, checked by the test."""
    return []


@pytest.fixture
def page(browser: Browser, console_errors: list[str]) -> Iterator[Page]:
    """A phone-sized page whose console errors, page errors and failed requests are noted."""
    context = browser.new_context(viewport=PHONE, locale="en-US")
    page = context.new_page()

    def on_console(message: ConsoleMessage) -> None:
        # Chromium reports a 4xx document as a failed load; the tests check those statuses.
        if message.type == "error" and "Failed to load resource" not in message.text:
            console_errors.append(message.text)

    page.on("console", on_console)
    page.on("pageerror", lambda error: console_errors.append(str(error)))
    page.on(
        "response",
        lambda response: (
            console_errors.append(f"{response.status} {response.url}")
            if response.request.resource_type != "document" and response.status >= 400
            else None
        ),
    )
    yield page
    context.close()


@pytest.fixture
def make_link(pat: Patient, live_server: object) -> Callable[[], tuple[CheckIn, str]]:
    """A sent web check-in (PHQ-9 then GAD-7) for Pat and its link."""

    def make() -> tuple[CheckIn, str]:
        _, check_ins = session_record(
            patient=pat,
            occurred_at=timezone.now() - dt.timedelta(hours=25),
            treatment="iv_ketamine",
        )
        now = timezone.now().replace(microsecond=0)
        CheckIn.objects.filter(pk=check_ins[0].pk).update(
            status="sent", sent_at=now, expires_at=now + dt.timedelta(hours=72), channel="web"
        )
        check_in = CheckIn.objects.get(pk=check_ins[0].pk)
        return check_in, f"{live_server.url}/c/{checkin_token_make(check_in.pk)}"

    return make
