"""``GET /metrics`` for Prometheus: off (404) without ``METRICS_TOKEN``; with it, only for
``Authorization: Bearer <token>`` (401 otherwise). No session, no CSRF, plain over the private
network like /healthz (config/settings/security.py)."""

import hmac
import os
from collections.abc import Iterable

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from prometheus_client.core import Metric
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector

from followup.web.metrics.http import HTTP_REQUEST_DURATION
from followup.web.metrics.series import SERIES


class _ScrapeCollector(Collector):
    """Every series of ``SERIES``, computed now."""

    def collect(self) -> Iterable[Metric]:
        now = timezone.now()
        for series in SERIES:
            yield from series(now)


def _authorised(request: HttpRequest) -> bool:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(
        token.strip().encode(), settings.METRICS_TOKEN.encode()
    )


def metrics_registry() -> CollectorRegistry:
    """A registry of this scrape: the HTTP histogram (all gunicorn workers' when they write to
    PROMETHEUS_MULTIPROC_DIR) and the series read now."""
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        MultiProcessCollector(registry)
    else:
        registry.register(HTTP_REQUEST_DURATION)
    registry.register(_ScrapeCollector())
    return registry


@csrf_exempt
@never_cache
@require_GET
def metrics(request: HttpRequest) -> HttpResponse:
    if not settings.METRICS_TOKEN:
        raise Http404
    if not _authorised(request):
        response = HttpResponse("A valid bearer token is required.\n", status=401)
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    return HttpResponse(generate_latest(metrics_registry()), content_type=CONTENT_TYPE_LATEST)
