"""The caller's address, as the audit log and the sign-in lockout both see it.

Behind ``TRUSTED_PROXY_COUNT`` reverse proxies (a load balancer, then nginx, …) each proxy appends
the address it was connected from to ``X-Forwarded-For``, so the client is the entry that many
places from the right; anything further left was written by the client and may be forged. With
no trusted proxy (the default) the header is ignored and ``REMOTE_ADDR`` is the caller.
"""

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def _canonical(raw: str | None) -> str | None:
    try:
        return str(ipaddress.ip_address((raw or "").strip()))
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str | None:
    """``REMOTE_ADDR``, or with trusted proxies the address the outermost one saw; used by
    ``AuditMiddleware`` and by django-axes (``AXES_CLIENT_IP_CALLABLE``)."""
    remote = _canonical(request.META.get("REMOTE_ADDR"))
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if len(forwarded) < proxies:
        # The request did not come through every proxy: the one who connected is the caller.
        return remote
    return _canonical(forwarded[-proxies]) or remote
