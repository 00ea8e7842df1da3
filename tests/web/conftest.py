"""Web fixtures: Django clients signed in with both factors, and a real browser."""

import datetime as dt
import os
from collections.abc import Callable, Iterator

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Browser, BrowserContext, sync_playwright

from followup.models import Clinician, OnCallShift
from followup.web.auth import ACTIVITY_KEY
from tests.support.browser import CHROMIUM, CHROMIUM_ARGS, DESKTOP


def authenticator(user: Clinician) -> TOTPDevice:
    """The clinician's confirmed authenticator app (made once)."""
    device, _ = TOTPDevice.objects.get_or_create(
        user=user, confirmed=True, defaults={"name": "Authenticator app"}
    )
    return device


def current_code(device: TOTPDevice) -> str:
    """The code the clinician's app shows now."""
    device.refresh_from_db()
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def web_client(user: Clinician) -> Client:
    """A browser-like client signed in as ``user`` with both factors, as after the real sign-in
    (the sign-in itself is tested through its pages)."""
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = authenticator(user).persistent_id
    session[ACTIVITY_KEY] = timezone.now().timestamp()
    session.save()
    return client


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
    (both factors), by the session cookie of ``web_client``."""
    contexts: list[BrowserContext] = []

    def make(user: Clinician, viewport: dict | None = None) -> BrowserContext:
        client = web_client(user)
        context = browser.new_context(viewport=viewport or DESKTOP, locale="en-US")
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
