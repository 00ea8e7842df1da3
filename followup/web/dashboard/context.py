"""Template context for the dashboard's pages."""

from django.conf import settings
from django.http import HttpRequest

from followup.web.dashboard.auth import second_factor_satisfied


def dashboard(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    return {
        "dev_phone_enabled": settings.SMS_BACKEND == "console",
        "idle_seconds": settings.DASHBOARD_IDLE_TIMEOUT_SECONDS,
        # The menu shows once both factors are in, not on the page that adds the second.
        "signed_in": bool(
            user is not None
            and user.is_authenticated
            and getattr(user, "clinic_id", None)
            and second_factor_satisfied(request)
        ),
    }
