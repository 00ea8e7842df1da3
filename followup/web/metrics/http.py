"""Request rate and latency, counted as requests happen (each process its own; with
PROMETHEUS_MULTIPROC_DIR set, gunicorn's workers write to files the scrape adds up)."""

from django.conf import settings
from django.http import HttpRequest
from prometheus_client import Histogram

UNMATCHED = "unmatched"
STATIC = "static"

# Not registered anywhere: the scrape puts it in a registry of its own (view.py).
HTTP_REQUEST_DURATION = Histogram(
    "followup_http_request_duration_seconds",
    "Time to answer an HTTP request, by method, URL route and status.",
    ["method", "route", "status"],
    registry=None,
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)

_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


def route_of(request: HttpRequest) -> str:
    """The URL pattern the request matched (``c/<str:token>``), never its path: a path holds
    ids and check-in tokens. ``static`` for a file WhiteNoise served, ``unmatched`` for a 404
    no route answered."""
    match = getattr(request, "resolver_match", None)
    if match is not None and match.route:
        return match.route
    return STATIC if request.path.startswith(f"/{settings.STATIC_URL}") else UNMATCHED


def request_observe(request: HttpRequest, status: int, seconds: float) -> None:
    method = request.method if request.method in _METHODS else "other"
    HTTP_REQUEST_DURATION.labels(method, route_of(request), str(status)).observe(seconds)
