"""Middleware of every request: its id for the logs, its duration for /metrics, the caller's
address for the audit log, and the response headers every page and API answer carries."""

import re
import time
import uuid
from collections.abc import Callable

from django.core.signals import request_finished
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers

from followup import logs
from followup.services.audit import caller_address_reset, caller_address_set
from followup.web.client_ip import client_ip
from followup.web.metrics.http import request_observe

# An id a proxy or a caller gave may be kept: short, and nothing a log line could be forged with.
_GIVEN_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{8,64}")


class RequestIdMiddleware:
    """Each request's ``X-Request-ID`` (the one the proxy in front sent, or a new one) on every
    log line written while it is handled (``LOG_FORMAT=json``) and on the response."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        given = request.headers.get("X-Request-ID", "")
        value = given if _GIVEN_REQUEST_ID.fullmatch(given) else uuid.uuid4().hex
        # Kept until the response is closed (below): Django logs a 4xx or 5xx only after the
        # middleware has returned, and that line must carry the id too.
        logs.request_id.set(value)
        response = self.get_response(request)
        response["X-Request-ID"] = value
        return response


@receiver(request_finished, dispatch_uid="followup-request-id-forgotten")
def _request_id_forget(**kwargs: object) -> None:
    logs.request_id.set(None)


class MetricsMiddleware:
    """Times each request for ``followup_http_request_duration_seconds``, labelled by the route
    it matched, never by its path (followup/web/metrics/http.py)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        status = 500
        try:
            response = self.get_response(request)
            status = response.status_code
            return response
        finally:
            request_observe(request, status, time.perf_counter() - started)


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
