"""Template context for the dashboard's pages."""

from django.conf import settings
from django.http import HttpRequest


def dashboard(request: HttpRequest) -> dict:
    return {"dev_phone_enabled": settings.SMS_BACKEND == "console"}
