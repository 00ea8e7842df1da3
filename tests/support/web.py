"""Clinicians signed in to the dashboard with both factors, without going through its pages
(the sign-in itself is tested through them)."""

from django.test import Client
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from followup.models import Clinician
from followup.web.auth import ACTIVITY_KEY


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
