"""Transports: one small class per way of sending, behind one interface.

``send_sms`` returns the provider's id or raises ``TransportError``; ``permanent`` errors are
never retried (a bad or unsubscribed number), transient ones are (5xx, 429, timeouts).
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Protocol

from django.conf import settings
from django.utils.crypto import get_random_string
from requests import RequestException
from twilio.base.exceptions import TwilioException, TwilioRestException
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client

logger = logging.getLogger(__name__)

# Twilio error codes that no retry can fix (twilio.com/docs/api/errors).
PERMANENT_CODES = {
    21211,  # invalid 'To' number
    21408,  # region not enabled
    21602,  # body required
    21610,  # recipient sent STOP
    21612,  # cannot route to this number
    21614,  # 'To' is not a mobile number
    21617,  # body too long
    21635,  # 'To' cannot receive SMS (landline)
}
OPTED_OUT_CODE = 21610


class TransportError(Exception):
    def __init__(self, message: str, *, permanent: bool, code: str = "") -> None:
        super().__init__(message)
        self.permanent = permanent
        self.code = code


@dataclass(frozen=True)
class Sender:
    """Where a message comes from: a clinic's own number or Messaging Service, or (both empty)
    the shared sender of the settings. Calls need a number: the clinic's, else the shared one."""

    number: str = ""
    service: str = ""


SHARED = Sender()


class Transport(Protocol):
    def send_sms(
        self, *, to: str, body: str, status_callback: str | None, sender: Sender = SHARED
    ) -> str: ...

    def call(
        self, *, to: str, twiml: str, status_callback: str | None, sender: Sender = SHARED
    ) -> str: ...


def mask(number: str) -> str:
    """A phone number fit for a log line: country code and last two digits."""
    return f"{number[:2]}…{number[-2:]}" if len(number) > 4 else "…"


class ConsoleTransport:
    """Development: the message goes to the log (and the dev phone page reads the ledger)."""

    def send_sms(
        self, *, to: str, body: str, status_callback: str | None, sender: Sender = SHARED
    ) -> str:
        sid = "SMconsole" + get_random_string(24)
        if settings.DEBUG:  # development: the text itself, to read beside the dev phone
            logger.info("console SMS %s to %s:\n%s", sid, mask(to), body)
        else:  # a message body is patient data: never in a log outside DEBUG
            logger.info("console SMS %s to %s (%s characters)", sid, mask(to), len(body))
        return sid

    def call(
        self, *, to: str, twiml: str, status_callback: str | None, sender: Sender = SHARED
    ) -> str:
        sid = "CAconsole" + get_random_string(24)
        logger.info("console call %s to %s", sid, mask(to))
        return sid


class TwilioTransport:
    """Twilio's REST API through the official client; ``TWILIO_API_BASE_URL`` for staging."""

    def __init__(self) -> None:
        self.client = Client(
            settings.TWILIO_ACCOUNT_SID,
            settings.TWILIO_AUTH_TOKEN,
            http_client=TwilioHttpClient(timeout=10),
        )
        self.client.api.base_url = settings.TWILIO_API_BASE_URL

    @staticmethod
    def _from(sender: Sender) -> dict[str, str]:
        """The clinic's own sender if it has one, else the shared one of the settings."""
        if sender.service:
            return {"messaging_service_sid": sender.service}
        if sender.number:
            return {"from_": sender.number}
        if settings.TWILIO_MESSAGING_SERVICE_SID:
            return {"messaging_service_sid": settings.TWILIO_MESSAGING_SERVICE_SID}
        return {"from_": settings.TWILIO_FROM_NUMBER}

    def send_sms(
        self, *, to: str, body: str, status_callback: str | None, sender: Sender = SHARED
    ) -> str:
        kwargs = {"status_callback": status_callback} if status_callback else {}
        origin = self._from(sender)
        return self._guard(
            lambda: self.client.messages.create(to=to, body=body, **origin, **kwargs).sid
        )

    def call(
        self, *, to: str, twiml: str, status_callback: str | None, sender: Sender = SHARED
    ) -> str:
        # "initiated" arrives at once: a call placed by a worker that died before it could
        # record the SID is known to be out, and is not placed again.
        kwargs = (
            {
                "status_callback": status_callback,
                "status_callback_event": ["initiated", "ringing", "answered", "completed"],
            }
            if status_callback
            else {}
        )
        return self._guard(
            lambda: (
                self.client.calls.create(
                    to=to, from_=sender.number or settings.TWILIO_FROM_NUMBER, twiml=twiml, **kwargs
                ).sid
            )
        )

    @staticmethod
    def _guard(send: Callable[[], str]) -> str:
        try:
            return send()
        except TwilioRestException as exc:
            code = exc.code or 0
            transient = exc.status >= 500 or exc.status == 429
            permanent = not transient and (code in PERMANENT_CODES or 400 <= exc.status < 500)
            raise TransportError(
                f"Twilio {exc.status} {code}: {exc.msg}", permanent=permanent, code=str(code)
            ) from None
        except (RequestException, TwilioException, OSError) as exc:
            raise TransportError(
                f"Twilio unreachable: {type(exc).__name__}", permanent=False
            ) from None


@cache
def get_transport() -> Transport:
    return TwilioTransport() if settings.SMS_BACKEND == "twilio" else ConsoleTransport()
