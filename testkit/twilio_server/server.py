"""A Twilio-compatible REST server on loopback, for tests and benchmarks.

It speaks just enough of the 2010-04-01 API for the official ``twilio`` client: creating
Messages and Calls. Everything it receives is recorded, failures can be injected per test,
and it can play Twilio's part in delivery status callbacks, signed like the real thing::

    with FakeTwilio(account_sid="AC" + "0" * 32, auth_token="test-token") as twilio:
        client = Client(twilio.account_sid, twilio.auth_token)
        client.api.base_url = twilio.base_url
        twilio.fail_next(1, status=503)
        twilio.reject_numbers["+15005550009"] = (400, 21610, "Attempt to send to unsubscribed recipient")
        client.messages.create(to="+13125550123", from_="+15005550006", body="Hi")
        assert twilio.wait_for(lambda t: len(t.messages) == 1)
"""

import base64
import contextlib
import hmac
import http.client
import json
import math
import socket
import sys
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from socketserver import TCPServer
from types import TracebackType
from typing import Any, Literal, Self
from urllib.parse import parse_qs, urlencode, urlsplit

from twilio.request_validator import RequestValidator

API_VERSION = "2010-04-01"
DEFAULT_ACCOUNT_SID = "AC" + "0" * 32
DEFAULT_AUTH_TOKEN = "test-token"
Resource = Literal["Messages", "Calls"]
ErrorSpec = tuple[int, int, str]
"""An error answer: (HTTP status, Twilio error code, message)."""

HANG_SECONDS = 30.0
CALLBACK_TIMEOUT_SECONDS = 5.0
JOIN_TIMEOUT_SECONDS = 2.0
MAX_BODY_CHARS = 1600
MAX_REQUEST_BYTES = 1 << 20

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
class _Reply:
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


def signed_post_headers(auth_token: str, url: str, params: dict[str, str]) -> dict[str, str]:
    """The header Twilio would sign a form-encoded webhook POST of ``params`` to ``url`` with."""
    signature = RequestValidator(auth_token).compute_signature(url, params)
    return {"X-Twilio-Signature": signature}


def num_segments(body: str) -> int:
    """How many SMS segments Twilio would split ``body`` into (GSM-7 or UCS-2)."""
    if all(c in _GSM7_BASIC or c in _GSM7_EXTENDED for c in body):
        units, single, multi = sum(2 if c in _GSM7_EXTENDED else 1 for c in body), 160, 153
    else:
        units, single, multi = len(body.encode("utf-16-le")) // 2, 70, 67
    return 1 if units <= single else math.ceil(units / multi)


def _rfc2822_now() -> str:
    """The current time the way Twilio formats dates: 'Mon, 16 Aug 2010 03:45:01 +0000'."""
    return format_datetime(datetime.now(UTC))


def _post_form(url: str, params: dict[str, str], headers: dict[str, str]) -> int:
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


class _Handler(BaseHTTPRequestHandler):
    """Reads one HTTP request, lets the fake decide, writes the JSON answer (keep-alive)."""

    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # Headers and body go out in separate writes.
    server_version = "FakeTwilio/1.0"
    sys_version = ""
    server: "_Server"

    def log_message(self, format: str, *args: Any) -> None:
        """Stay quiet: benchmarks send thousands of requests."""

    def _serve(self) -> None:
        """Answer any method; the fake routes on method and path."""
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_REQUEST_BYTES:
            self.send_error(HTTPStatus.REQUEST_ENTITY_TOO_LARGE)
            return
        body = self.rfile.read(length).decode("utf-8", errors="replace")
        reply = self.server.fake.dispatch(
            self.command, self.path, self.headers.get("Authorization"), body
        )
        if reply is None:  # The fake is stopping: drop the connection unanswered.
            self.close_connection = True
            return
        data = json.dumps(reply.payload).encode()
        self.send_response(reply.status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Twilio-Request-Id", "RQ" + uuid.uuid4().hex)
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _serve


class _Server(ThreadingHTTPServer):
    """A threading HTTP server that can cut its open keep-alive connections on stop."""

    daemon_threads = True
    block_on_close = True
    request_queue_size = 128

    def __init__(self, fake: "FakeTwilio") -> None:
        self.fake = fake
        self.connections_accepted = 0
        self._open: set[socket.socket] = set()
        self._open_lock = threading.Lock()
        super().__init__(("127.0.0.1", 0), _Handler)

    def server_bind(self) -> None:
        """Bind without HTTPServer's reverse DNS lookup of the host."""
        TCPServer.server_bind(self)
        self.server_name, self.server_port = self.server_address[:2]

    def process_request(self, request: Any, client_address: Any) -> None:
        """Remember the connection so stop() can end it, then serve it in a thread."""
        with self._open_lock:
            self._open.add(request)
            self.connections_accepted += 1
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        """Forget a connection once its handler is done with it."""
        with self._open_lock:
            self._open.discard(request)
        super().shutdown_request(request)

    def close_connections(self) -> None:
        """Shut every open connection so handlers blocked on idle keep-alive sockets return."""
        with self._open_lock:
            connections = list(self._open)
        for connection in connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Ignore clients that went away (timeouts, stop); report anything else."""
        if not isinstance(sys.exc_info()[1], OSError):
            super().handle_error(request, client_address)


class FakeTwilio:
    """A Twilio REST API double on 127.0.0.1, for the official ``twilio`` client.

    Tests tune it through plain attributes (``reject_numbers``, ``delay_seconds``,
    ``status_callbacks_enabled``, ``callback_outcome``) and methods (``fail_next``,
    ``hang_next``), and read back ``requests``, ``messages``, ``calls`` and
    ``callback_results``. All of it is safe to use while requests are in flight.
    """

    def __init__(
        self, account_sid: str = DEFAULT_ACCOUNT_SID, auth_token: str = DEFAULT_AUTH_TOKEN
    ) -> None:
        self.account_sid = account_sid
        self.auth_token = auth_token
        self.reject_numbers: dict[str, ErrorSpec] = {}
        """'To' number -> (HTTP status, Twilio code, message): a permanent error for it."""
        self.delay_seconds = 0.0
        """Latency added to every request."""
        self.status_callbacks_enabled = False
        """Whether accepted messages with a StatusCallback get posted 'sent' then the outcome."""
        self.callback_outcome: dict[str, tuple[str, str | None]] = {}
        """'To' number -> (final status, ErrorCode), e.g. ("undelivered", "30003")."""
        self._cond = threading.Condition(threading.RLock())
        self._generation = 0
        self._requests: list[Recorded] = []
        self._callback_results: list[tuple[str, int]] = []
        self._failures: deque[ErrorSpec] = deque()
        self._hangs: deque[float] = deque()
        self._callback_threads: list[threading.Thread] = []
        self._stopping = threading.Event()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle ---------------------------------------------------------------------------

    def start(self) -> Self:
        """Listen on an OS-chosen loopback port, serving from a daemon thread."""
        if self._server is not None:
            raise RuntimeError("FakeTwilio is already running")
        self._stopping = threading.Event()
        self._server = _Server(self)
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"fake-twilio-{self._server.server_port}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and free the port; hung or delayed requests are dropped, not awaited."""
        server, thread = self._server, self._thread
        if server is None or thread is None:
            return
        self._server = self._thread = None
        self._stopping.set()
        server.shutdown()
        server.close_connections()
        server.server_close()  # Joins the handler threads, which all return promptly now.
        thread.join(JOIN_TIMEOUT_SECONDS)
        with self._cond:
            callback_threads, self._callback_threads = self._callback_threads, []
        for callback_thread in callback_threads:
            callback_thread.join(JOIN_TIMEOUT_SECONDS)

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        """What to set ``client.api.base_url`` to: 'http://127.0.0.1:<port>'."""
        if self._server is None:
            raise RuntimeError("FakeTwilio is not running")
        return f"http://127.0.0.1:{self._server.server_port}"

    @property
    def connections_accepted(self) -> int:
        """TCP connections accepted so far: few, when clients reuse keep-alive connections."""
        return self._server.connections_accepted if self._server is not None else 0

    # -- programming failures ----------------------------------------------------------------

    def fail_next(
        self, n: int = 1, status: int = 500, code: int | None = None, message: str | None = None
    ) -> None:
        """Answer the next ``n`` authenticated requests with an error instead of handling them.

        ``code`` defaults to Twilio's 20000 + status (20500, 20429, 20503) and ``message``
        to the status phrase. Calls stack: fail_next(2) then fail_next(1, 429) fails three.
        """
        spec = (status, code or 20000 + status, message or HTTPStatus(status).phrase)
        with self._cond:
            self._failures.extend([spec] * n)

    def hang_next(self, n: int = 1, seconds: float = HANG_SECONDS) -> None:
        """Make the next ``n`` requests wait ``seconds`` before being handled (stop() cuts it)."""
        with self._cond:
            self._hangs.extend([seconds] * n)

    def clear(self) -> None:
        """Forget the recorded requests and callback results."""
        with self._cond:
            self._requests.clear()
            self._callback_results.clear()

    def reset(self) -> None:
        """Forget everything: recordings, pending failures and hangs, and all settings."""
        with self._cond:
            self.clear()
            self._failures.clear()
            self._hangs.clear()
            self.reject_numbers.clear()
            self.callback_outcome.clear()
            self.delay_seconds = 0.0
            self.status_callbacks_enabled = False

    # -- reading back ------------------------------------------------------------------------

    @property
    def requests(self) -> list[Recorded]:
        """Every request to Messages or Calls so far, in the order they were answered."""
        with self._cond:
            return list(self._requests)

    @property
    def messages(self) -> list[Recorded]:
        """The accepted (201) message creations."""
        return [r for r in self.requests if r.resource == "Messages" and r.accepted]

    @property
    def calls(self) -> list[Recorded]:
        """The accepted (201) call creations."""
        return [r for r in self.requests if r.resource == "Calls" and r.accepted]

    def messages_to(self, number: str) -> list[Recorded]:
        """The accepted messages sent to ``number``."""
        return [r for r in self.messages if r.params.get("To") == number]

    @property
    def callback_results(self) -> list[tuple[str, int]]:
        """(url, HTTP status) of each status callback posted; status 0 if unreachable."""
        with self._cond:
            return list(self._callback_results)

    def wait_for(self, predicate: Callable[["FakeTwilio"], bool], timeout: float = 5.0) -> bool:
        """Wait until ``predicate(self)`` holds; False if it still does not after ``timeout``.

        Woken by every recorded request and callback result; the predicate runs without the
        fake's lock held, and is re-checked at least every 0.1 s in case it looks elsewhere.
        """
        deadline = time.monotonic() + timeout
        while True:
            with self._cond:
                generation = self._generation
            if predicate(self):
                return True
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return False
            with self._cond:
                if generation == self._generation:
                    self._cond.wait(min(remaining, 0.1))

    # -- serving -----------------------------------------------------------------------------

    def dispatch(
        self, method: str, path: str, authorization: str | None, body: str
    ) -> _Reply | None:
        """Answer one HTTP request (called from handler threads); None to drop it unanswered."""
        arrived = time.time()
        if not self._pause():
            return None
        route = self._route(path)
        if route is None:
            return _Reply.error(
                404, 20404, f"The requested resource {urlsplit(path).path} was not found"
            )
        path_account, resource = route
        params = {k: v[0] for k, v in parse_qs(body, keep_blank_values=True).items()}
        media_count = len(parse_qs(body).get("MediaUrl", []))
        reply = self._answer(method, authorization, path_account, resource, params, media_count)
        sid = reply.payload["sid"] if reply.status == HTTPStatus.CREATED else None
        self._record(
            Recorded(method, path, params, resource, sid, reply.status, arrived, reply.error_code)
        )
        if sid:
            self._schedule_callbacks(reply.payload, params, resource)
        return reply

    def _pause(self) -> bool:
        """Apply the configured latency and any pending hang; False if stop() cut it short."""
        with self._cond:
            hang = self._hangs.popleft() if self._hangs else 0.0
        pause = self.delay_seconds + hang
        return pause <= 0 or not self._stopping.wait(pause)

    @staticmethod
    def _route(path: str) -> tuple[str, Resource] | None:
        """(account sid, resource) for '/2010-04-01/Accounts/{sid}/{Messages|Calls}.json'."""
        parts = urlsplit(path).path.strip("/").split("/")
        if len(parts) != 4 or parts[0] != API_VERSION or parts[1] != "Accounts":
            return None
        if parts[3] == "Messages.json":
            return parts[2], "Messages"
        if parts[3] == "Calls.json":
            return parts[2], "Calls"
        return None

    def _answer(
        self,
        method: str,
        authorization: str | None,
        path_account: str,
        resource: Resource,
        params: dict[str, str],
        media_count: int,
    ) -> _Reply:
        """Check credentials, injected failures and parameters, then create the resource."""
        if not self._authorized(authorization, path_account):
            return _Reply.error(401, 20003, "Authenticate")
        if method != "POST":
            return _Reply.error(405, 20004, "Method not allowed")
        with self._cond:
            failure = self._failures.popleft() if self._failures else None
        invalid = failure or self._invalid(resource, params, media_count)
        if invalid is not None:
            return _Reply.error(*invalid)
        if resource == "Messages":
            return _Reply(201, self._message(params, media_count))
        return _Reply(201, self._call(params))

    def _authorized(self, authorization: str | None, path_account: str) -> bool:
        """Whether HTTP Basic credentials are this account's sid and auth token."""
        scheme, _, encoded = (authorization or "").partition(" ")
        try:
            user, _, password = base64.b64decode(encoded).decode().partition(":")
        except ValueError:
            return False
        return (
            scheme.lower() == "basic"
            and hmac.compare_digest(user.encode(), self.account_sid.encode())
            and hmac.compare_digest(password.encode(), self.auth_token.encode())
            and path_account == self.account_sid
        )

    def _invalid(
        self, resource: Resource, params: dict[str, str], media_count: int
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
        return self.reject_numbers.get(to)

    def _message(self, params: dict[str, str], media_count: int) -> dict[str, Any]:
        """The JSON Twilio returns for a newly queued message."""
        sid = "SM" + uuid.uuid4().hex
        uri = f"/{API_VERSION}/Accounts/{self.account_sid}/Messages/{sid}"
        now = _rfc2822_now()
        body = params.get("Body", "")
        return {
            "sid": sid,
            "account_sid": self.account_sid,
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

    def _call(self, params: dict[str, str]) -> dict[str, Any]:
        """The JSON Twilio returns for a newly queued call."""
        sid = "CA" + uuid.uuid4().hex
        uri = f"/{API_VERSION}/Accounts/{self.account_sid}/Calls/{sid}"
        now = _rfc2822_now()
        return {
            "sid": sid,
            "account_sid": self.account_sid,
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

    def _record(self, recorded: Recorded) -> None:
        """Keep a request and wake whoever waits in wait_for()."""
        with self._cond:
            self._requests.append(recorded)
            self._generation += 1
            self._cond.notify_all()

    # -- status callbacks --------------------------------------------------------------------

    def _schedule_callbacks(
        self, message: dict[str, Any], params: dict[str, str], resource: str = "Messages"
    ) -> None:
        """Post the message's (or call's) status callbacks from a background thread, if
        enabled. Calls get 'initiated' then 'completed', as with Twilio's StatusCallbackEvent."""
        url = params.get("StatusCallback")
        if not url or not self.status_callbacks_enabled:
            return
        thread = threading.Thread(
            target=self._post_callbacks if resource == "Messages" else self._post_call_callbacks,
            args=(url, message),
            name=f"fake-twilio-callback-{message['sid']}",
            daemon=True,
        )
        with self._cond:
            self._callback_threads = [t for t in self._callback_threads if t.is_alive()]
            self._callback_threads.append(thread)
        thread.start()

    def _post_call_callbacks(self, url: str, call: dict[str, Any]) -> None:
        for status in ("initiated", "completed"):
            if self._stopping.is_set():
                return
            params = {
                "CallSid": call["sid"],
                "CallStatus": status,
                "AccountSid": self.account_sid,
                "From": call.get("from") or "",
                "To": call["to"],
                "ApiVersion": API_VERSION,
            }
            status_code = _post_form(url, params, signed_post_headers(self.auth_token, url, params))
            with self._cond:
                self._callback_results.append((url, status_code))
                self._generation += 1
                self._cond.notify_all()

    def _post_callbacks(self, url: str, message: dict[str, Any]) -> None:
        """Post 'sent' then the final status (only 'failed' if it failed), signed like Twilio."""
        outcome, error_code = self.callback_outcome.get(message["to"], ("delivered", None))
        statuses = [outcome] if outcome in ("sent", "failed") else ["sent", outcome]
        for status in statuses:
            if self._stopping.is_set():
                return
            params = {
                "MessageSid": message["sid"],
                "SmsSid": message["sid"],
                "MessageStatus": status,
                "SmsStatus": status,
                "AccountSid": self.account_sid,
                "From": message["from"] or "",
                "To": message["to"],
                "ApiVersion": API_VERSION,
            }
            if message["messaging_service_sid"]:
                params["MessagingServiceSid"] = message["messaging_service_sid"]
            if error_code and status == outcome:
                params["ErrorCode"] = error_code
            status_code = _post_form(url, params, signed_post_headers(self.auth_token, url, params))
            with self._cond:
                self._callback_results.append((url, status_code))
                self._generation += 1
                self._cond.notify_all()
