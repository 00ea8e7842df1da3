"""What the fake says about Messages and Calls: routes, validation and the JSON Twilio returns,
as plain functions over the request's parameters."""

import math
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime
from http import HTTPStatus
from typing import Any, Literal, Self
from urllib.parse import urlsplit

API_VERSION = "2010-04-01"
DEFAULT_ACCOUNT_SID = "AC" + "0" * 32
DEFAULT_AUTH_TOKEN = "test-token"
Resource = Literal["Messages", "Calls"]
ErrorSpec = tuple[int, int, str]
"""An error answer: (HTTP status, Twilio error code, message)."""

MAX_BODY_CHARS = 1600

_GSM7_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
_GSM7_EXTENDED = set("^{}\\[~]|€\f")


@dataclass(frozen=True, slots=True)
class Recorded:
    """One request the fake answered, as the test sees it afterwards."""

    method: str
    path: str
    params: dict[str, str]
    resource: Resource
    sid: str | None
    status_code: int
    at: float
    error_code: int | None = None

    @property
    def accepted(self) -> bool:
        """Whether Twilio would have created the resource (HTTP 201)."""
        return self.status_code == HTTPStatus.CREATED


@dataclass(frozen=True, slots=True)
class Reply:
    """A JSON answer to send back."""

    status: int
    payload: dict[str, Any]

    @classmethod
    def error(cls, status: int, code: int, message: str) -> Self:
        """A Twilio-style (legacy, not RFC 9457) error answer."""
        return cls(
            status,
            {
                "code": code,
                "message": message,
                "more_info": f"https://www.twilio.com/docs/errors/{code}",
                "status": status,
            },
        )

    @property
    def error_code(self) -> int | None:
        """The Twilio error code carried by an error answer."""
        return self.payload.get("code") if self.status >= HTTPStatus.BAD_REQUEST else None


def num_segments(body: str) -> int:
    """How many SMS segments Twilio would split ``body`` into (GSM-7 or UCS-2)."""
    if all(c in _GSM7_BASIC or c in _GSM7_EXTENDED for c in body):
        units, single, multi = sum(2 if c in _GSM7_EXTENDED else 1 for c in body), 160, 153
    else:
        units, single, multi = len(body.encode("utf-16-le")) // 2, 70, 67
    return 1 if units <= single else math.ceil(units / multi)


def rfc2822_now() -> str:
    """The current time the way Twilio formats dates: 'Mon, 16 Aug 2010 03:45:01 +0000'."""
    return format_datetime(datetime.now(UTC))


def route(path: str) -> tuple[str, Resource] | None:
    """(account sid, resource) for '/2010-04-01/Accounts/{sid}/{Messages|Calls}.json'."""
    parts = urlsplit(path).path.strip("/").split("/")
    if len(parts) != 4 or parts[0] != API_VERSION or parts[1] != "Accounts":
        return None
    if parts[3] == "Messages.json":
        return parts[2], "Messages"
    if parts[3] == "Calls.json":
        return parts[2], "Calls"
    return None


def invalid(
    resource: Resource,
    params: dict[str, str],
    media_count: int,
    reject_numbers: dict[str, ErrorSpec],
) -> ErrorSpec | None:
    """The error Twilio would give for missing parameters or a rejected number, if any."""
    to = params.get("To", "").strip()
    if not to:
        return 400, 21604, "A 'To' phone number is required."
    if resource == "Messages":
        if not params.get("From") and not params.get("MessagingServiceSid"):
            return 400, 21603, "A 'From' phone number is required."
        if not params.get("Body") and not media_count:
            return 400, 21602, "Message body is required."
        if len(params.get("Body", "")) > MAX_BODY_CHARS:
            return 400, 21617, "The concatenated message body exceeds the 1600 character limit."
    else:
        if not params.get("From"):
            return 400, 21603, "A 'From' phone number is required."
        if not (params.get("Twiml") or params.get("Url") or params.get("ApplicationSid")):
            return 400, 21205, "Url, Twiml or ApplicationSid is required."
    return reject_numbers.get(to)


def message_payload(account_sid: str, params: dict[str, str], media_count: int) -> dict[str, Any]:
    """The JSON Twilio returns for a newly queued message."""
    sid = "SM" + uuid.uuid4().hex
    uri = f"/{API_VERSION}/Accounts/{account_sid}/Messages/{sid}"
    now = rfc2822_now()
    body = params.get("Body", "")
    return {
        "sid": sid,
        "account_sid": account_sid,
        "messaging_service_sid": params.get("MessagingServiceSid"),
        "to": params["To"],
        "from": params.get("From"),
        "body": body,
        "status": "queued",
        "num_segments": str(num_segments(body)),
        "num_media": str(media_count),
        "direction": "outbound-api",
        "api_version": API_VERSION,
        "price": None,
        "price_unit": "USD",
        "error_code": None,
        "error_message": None,
        "date_created": now,
        "date_updated": now,
        "date_sent": None,
        "uri": f"{uri}.json",
        "subresource_uris": {"media": f"{uri}/Media.json", "feedback": f"{uri}/Feedback.json"},
    }


def call_payload(account_sid: str, params: dict[str, str]) -> dict[str, Any]:
    """The JSON Twilio returns for a newly queued call."""
    sid = "CA" + uuid.uuid4().hex
    uri = f"/{API_VERSION}/Accounts/{account_sid}/Calls/{sid}"
    now = rfc2822_now()
    return {
        "sid": sid,
        "account_sid": account_sid,
        "parent_call_sid": None,
        "to": params["To"],
        "to_formatted": params["To"],
        "from": params["From"],
        "from_formatted": params["From"],
        "phone_number_sid": None,
        "status": "queued",
        "start_time": None,
        "end_time": None,
        "duration": None,
        "price": None,
        "price_unit": "USD",
        "direction": "outbound-api",
        "answered_by": None,
        "api_version": API_VERSION,
        "forwarded_from": None,
        "group_sid": None,
        "caller_name": None,
        "queue_time": "0",
        "trunk_sid": None,
        "date_created": now,
        "date_updated": now,
        "uri": f"{uri}.json",
        "subresource_uris": {
            "notifications": f"{uri}/Notifications.json",
            "recordings": f"{uri}/Recordings.json",
            "events": f"{uri}/Events.json",
        },
    }
