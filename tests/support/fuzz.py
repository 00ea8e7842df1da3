"""Schemathesis's generated requests, sent through a Django test client.

The client carries the caller's credentials however the cast signs in (``client_for``), so the
fuzzing needs no knowledge of how API tokens are issued.
"""

from urllib.parse import urlsplit

import requests
from django.http import HttpResponse
from rest_framework.test import APIClient
from schemathesis import Case

# Headers the client sets itself, or that would replace the caller's credentials.
_OWN_HEADERS = {"authorization", "content-type", "content-length", "cookie", "host"}


def send(client: APIClient, case: Case) -> HttpResponse:
    """``case`` as the request a real HTTP client would send, through ``client``."""
    prepared = requests.Request(**case.as_transport_kwargs(base_url="http://testserver")).prepare()
    url = urlsplit(prepared.url)
    path = url.path + (f"?{url.query}" if url.query else "")
    body = prepared.body or b""
    extra = {
        "HTTP_" + name.upper().replace("-", "_"): value
        for name, value in prepared.headers.items()
        if name.lower() not in _OWN_HEADERS
    }
    return client.generic(
        prepared.method,
        path,
        data=body.encode() if isinstance(body, str) else body,
        content_type=prepared.headers.get("Content-Type", ""),
        **extra,
    )
