"""Clinicians' sign-in rules shared by the dashboard and the API: the second factor, and the
lockout after too many failed sign-ins."""

from django.conf import settings
from django_otp.plugins.otp_totp.models import TOTPDevice

from followup.models import Clinician


def confirmed_device(user: Clinician) -> TOTPDevice | None:
    """The clinician's authenticator, once set up."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def second_factor_satisfied(user: Clinician) -> bool:
    """A clinician with an authenticator has used it this session (``user.is_verified()``, set by
    django-otp's middleware); one without may go on only where a second factor is not required
    (DEBUG, for ``make run``)."""
    if user.is_verified():  # type: ignore[attr-defined]  # django-otp's middleware adds it
        return True
    if settings.DASHBOARD_REQUIRE_SECOND_FACTOR:
        return False
    return confirmed_device(user) is None


def lockout_message() -> str:
    """What a clinician locked out by django-axes is told, on the dashboard and by the API."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return f"Too many failed sign-ins. Try again in {minutes} minutes, or ask an admin."
