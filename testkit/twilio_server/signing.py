"""Twilio's side of a webhook: the signature it sends, and a form POST the way it posts."""

import http.client
from urllib.parse import urlencode, urlsplit

from twilio.request_validator import RequestValidator

CALLBACK_TIMEOUT_SECONDS = 5.0


def signed_post_headers(auth_token: str, url: str, params: dict[str, str]) -> dict[str, str]:
    """The header Twilio would sign a form-encoded webhook POST of ``params`` to ``url`` with."""
    signature = RequestValidator(auth_token).compute_signature(url, params)
    return {"X-Twilio-Signature": signature}


def post_form(url: str, params: dict[str, str], headers: dict[str, str]) -> int:
    """POST ``params`` form-encoded to ``url``; the HTTP status, or 0 if it could not be reached."""
    parts = urlsplit(url)
    connection_class = (
        http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    )
    connection = connection_class(parts.netloc, timeout=CALLBACK_TIMEOUT_SECONDS)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "User-Agent": "TwilioProxy/1.1",
        **headers,
    }
    try:
        connection.request("POST", target, body=urlencode(params), headers=headers)
        response = connection.getresponse()
        response.read()
        return response.status
    except (OSError, http.client.HTTPException):
        return 0
    finally:
        connection.close()
