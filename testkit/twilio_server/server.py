"""``FakeTwilio``: the fake's state, what tests tune and read back, and how it answers a request
(credentials, injected failures and hangs, then the resource)."""

import base64
import hmac
import threading
import time
from collections import deque
from collections.abc import Callable
from http import HTTPStatus
from types import TracebackType
from typing import Self
from urllib.parse import parse_qs, urlsplit

from testkit.twilio_server import resources
from testkit.twilio_server.callbacks import StatusCallbacks
from testkit.twilio_server.httpd import Server
from testkit.twilio_server.resources import (
    DEFAULT_ACCOUNT_SID,
    DEFAULT_AUTH_TOKEN,
    ErrorSpec,
    Recorded,
    Reply,
    Resource,
)

HANG_SECONDS = 30.0
JOIN_TIMEOUT_SECONDS = 2.0


class FakeTwilio(StatusCallbacks):
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
        self._server: Server | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle ---------------------------------------------------------------------------

    def start(self) -> Self:
        """Listen on an OS-chosen loopback port, serving from a daemon thread."""
        if self._server is not None:
            raise RuntimeError("FakeTwilio is already running")
        self._stopping = threading.Event()
        self._server = Server(self)
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
    ) -> Reply | None:
        """Answer one HTTP request (called from handler threads); None to drop it unanswered."""
        arrived = time.time()
        if not self._pause():
            return None
        route = resources.route(path)
        if route is None:
            return Reply.error(
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

    def _answer(
        self,
        method: str,
        authorization: str | None,
        path_account: str,
        resource: Resource,
        params: dict[str, str],
        media_count: int,
    ) -> Reply:
        """Check credentials, injected failures and parameters, then create the resource."""
        if not self._authorized(authorization, path_account):
            return Reply.error(401, 20003, "Authenticate")
        if method != "POST":
            return Reply.error(405, 20004, "Method not allowed")
        with self._cond:
            failure = self._failures.popleft() if self._failures else None
        invalid = failure or resources.invalid(resource, params, media_count, self.reject_numbers)
        if invalid is not None:
            return Reply.error(*invalid)
        if resource == "Messages":
            return Reply(201, resources.message_payload(self.account_sid, params, media_count))
        return Reply(201, resources.call_payload(self.account_sid, params))

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

    def _record(self, recorded: Recorded) -> None:
        """Keep a request and wake whoever waits in wait_for()."""
        with self._cond:
            self._requests.append(recorded)
            self._generation += 1
            self._cond.notify_all()
