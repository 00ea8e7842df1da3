"""Clinicians signed in to the dashboard with both factors, without going through its pages
(the sign-in itself is tested through them)."""

from dataclasses import dataclass, field
from html.parser import HTMLParser

from django.test import Client
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from followup.models import Clinician
from followup.web.dashboard.auth import ACTIVITY_KEY


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
    """A browser-like client signed in as ``user`` with both factors, as after the real sign-in."""
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = authenticator(user).persistent_id
    session[ACTIVITY_KEY] = timezone.now().timestamp()
    session.save()
    return client


@dataclass
class PageForm:
    """A form as a page offers it: where it posts, and its fields with their first values."""

    action: str
    fields: dict[str, str] = field(default_factory=dict)


class _FormReader(HTMLParser):
    def __init__(self, page_path: str) -> None:
        super().__init__()
        self.page_path = page_path
        self.forms: list[PageForm] = []
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        if tag == "form" and attributes.get("method", "get").lower() == "post":
            self.forms.append(PageForm(action=attributes.get("action") or self.page_path))
        elif not self.forms or "name" not in attributes:
            return
        elif tag in ("input", "textarea"):
            if attributes.get("type") in ("checkbox", "radio") and "checked" not in attributes:
                return
            self.forms[-1].fields.setdefault(attributes["name"], attributes.get("value", ""))
        elif tag == "select":
            self._select = attributes["name"]
            self.forms[-1].fields.setdefault(self._select, "")
        elif tag == "option" and self._select and not self.forms[-1].fields[self._select]:
            self.forms[-1].fields[self._select] = attributes.get("value", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None


def post_forms_of(html: str, page_path: str) -> list[PageForm]:
    """The POST forms of a page, as a browser would fill them by default."""
    reader = _FormReader(page_path)
    reader.feed(html)
    return reader.forms
