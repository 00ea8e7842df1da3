"""Middleware of every request: the caller's address for the audit log, and the response headers
every page and API answer carries."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers

from followup.services.audit import caller_address_reset, caller_address_set
from followup.web.client_ip import client_ip


class NoStoreMiddleware:
    """``Cache-Control: no-store`` on every response Django makes: the API, the dashboard, the
    patient's check-in page and the dev phone carry patient data, which no browser or proxy
    may keep. Static files (served by WhiteNoise, above this middleware) stay cacheable."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if "no-store" not in response.get("Cache-Control", ""):
            add_never_cache_headers(response)
        return response


class AuditMiddleware:
    """Makes the caller's address available to ``audit_record`` for this request: the same
    address the sign-in lockout counts by (``followup.web.client_ip``)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = caller_address_set(client_ip(request))
        try:
            return self.get_response(request)
        finally:
            caller_address_reset(token)
