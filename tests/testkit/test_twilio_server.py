"""The fake Twilio server, exercised through the real ``twilio`` client."""

import re
import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl

import pytest
import requests
from twilio.base.exceptions import TwilioRestException
from twilio.http.http_client import TwilioHttpClient
from twilio.request_validator import RequestValidator
from twilio.rest import Client

from tests.support.twilio_server import FakeTwilio, num_segments, signed_post_headers

ACCOUNT_SID = "AC" + "0" * 32
AUTH_TOKEN = "test-token"
SENDER = "+15005550006"
PATIENT = "+13125550123"


@pytest.fixture(autouse=True)
def _no_leaked_threads() -> Iterator[None]:
    """Every thread a test starts (server, handlers, callbacks, receivers) is gone after it."""
    before = set(threading.enumerate())
    yield
    deadline = time.monotonic() + 2.0
    for thread in set(threading.enumerate()) - before:
        thread.join(max(0.0, deadline - time.monotonic()))
    leaked = [t.name for t in set(threading.enumerate()) - before if t.is_alive()]
    assert not leaked


@pytest.fixture
def twilio() -> Iterator[FakeTwilio]:
    with FakeTwilio(account_sid=ACCOUNT_SID, auth_token=AUTH_TOKEN) as fake:
        yield fake


def make_client(
    twilio: FakeTwilio, token: str = AUTH_TOKEN, timeout: float | None = None
) -> Client:
    """A real twilio Client pointed at the fake."""
    client = Client(ACCOUNT_SID, token, http_client=TwilioHttpClient(timeout=timeout))
    client.api.base_url = twilio.base_url
    return client


@pytest.fixture
def client(twilio: FakeTwilio) -> Iterator[Client]:
    client = make_client(twilio)
    yield client
    client.http_client.session.close()


class Receiver:
    """A tiny webhook endpoint on loopback that records what is posted to it."""

    def __init__(self) -> None:
        self.posts: list[tuple[str, dict[str, str], dict[str, str]]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"])).decode()
                url = f"http://127.0.0.1:{self.server.server_port}{self.path}"
                receiver.posts.append((url, dict(parse_qsl(body)), dict(self.headers)))
                self.send_response(204)
                self.end_headers()

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}
        )

    def __enter__(self) -> "Receiver":
        self.thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with Receiver() as receiver:
        yield receiver


def raw_post(twilio: FakeTwilio, path: str, body: str, auth: tuple[str, str]) -> tuple[int, dict]:
    """POST without the twilio client, to see the exact status and JSON."""
    response = requests.post(twilio.base_url + path, data=body, auth=auth, timeout=5)
    return response.status_code, response.json()


MESSAGES_PATH = f"/2010-04-01/Accounts/{ACCOUNT_SID}/Messages.json"


def test_message_create_returns_sid_and_is_recorded(twilio: FakeTwilio, client: Client) -> None:
    message = client.messages.create(
        to=PATIENT, from_=SENDER, body="Time for your check-in", status_callback="http://x/cb"
    )

    assert re.fullmatch(r"SM[0-9a-f]{32}", message.sid)
    assert message.status == "queued"
    assert (message.to, message.from_, message.body) == (PATIENT, SENDER, "Time for your check-in")
    assert message.account_sid == ACCOUNT_SID
    assert message.direction == "outbound-api"
    assert message.num_segments == "1"
    assert message.api_version == "2010-04-01"
    assert message.error_code is None
    assert message.price is None
    assert message.date_created.tzinfo is not None
    assert message.subresource_uris["media"].endswith(f"/Messages/{message.sid}/Media.json")
    [recorded] = twilio.messages
    assert recorded.sid == message.sid
    assert recorded.method == "POST"
    assert recorded.path == MESSAGES_PATH
    assert recorded.status_code == 201
    assert recorded.params == {
        "To": PATIENT,
        "From": SENDER,
        "Body": "Time for your check-in",
        "StatusCallback": "http://x/cb",
    }
    assert twilio.messages_to(PATIENT) == [recorded]
    assert twilio.messages_to("+10000000000") == []


def test_messaging_service_sid_replaces_from(twilio: FakeTwilio, client: Client) -> None:
    service = "MG" + "1" * 32

    message = client.messages.create(to=PATIENT, messaging_service_sid=service, body="Hi")

    assert message.messaging_service_sid == service
    assert twilio.messages[0].params["MessagingServiceSid"] == service


def test_call_create_returns_sid_and_is_recorded(twilio: FakeTwilio, client: Client) -> None:
    call = client.calls.create(to=PATIENT, from_=SENDER, twiml="<Response/>")

    assert re.fullmatch(r"CA[0-9a-f]{32}", call.sid)
    assert call.status == "queued"
    assert (call.to, call._from) == (PATIENT, SENDER)
    [recorded] = twilio.calls
    assert recorded.resource == "Calls"
    assert recorded.params == {"To": PATIENT, "From": SENDER, "Twiml": "<Response/>"}
    assert twilio.messages == []


def test_wrong_token_is_401(twilio: FakeTwilio) -> None:
    client = make_client(twilio, token="wrong")

    with pytest.raises(TwilioRestException) as excinfo:
        client.messages.create(to=PATIENT, from_=SENDER, body="Hi")

    assert (excinfo.value.status, excinfo.value.code) == (401, 20003)
    assert [r.status_code for r in twilio.requests] == [401]
    assert twilio.messages == []


def test_error_body_is_twilio_shaped(twilio: FakeTwilio) -> None:
    status, body = raw_post(twilio, MESSAGES_PATH, "To=%2B1", auth=(ACCOUNT_SID, "nope"))

    assert status == 401
    assert body == {
        "code": 20003,
        "message": "Authenticate",
        "more_info": "https://www.twilio.com/docs/errors/20003",
        "status": 401,
    }


def test_unknown_path_is_404(twilio: FakeTwilio) -> None:
    path = f"/2010-04-01/Accounts/{ACCOUNT_SID}/Faxes.json"
    status, body = raw_post(twilio, path, "", auth=(ACCOUNT_SID, AUTH_TOKEN))

    assert (status, body["code"]) == (404, 20404)
    assert twilio.requests == []


def test_fail_next_fails_that_many_then_succeeds(twilio: FakeTwilio, client: Client) -> None:
    twilio.fail_next(3)

    for _ in range(3):
        with pytest.raises(TwilioRestException) as excinfo:
            client.messages.create(to=PATIENT, from_=SENDER, body="Hi")
        assert (excinfo.value.status, excinfo.value.code) == (500, 20500)
    message = client.messages.create(to=PATIENT, from_=SENDER, body="Hi")

    assert message.status == "queued"
    assert [r.status_code for r in twilio.requests] == [500, 500, 500, 201]


@pytest.mark.parametrize(("status", "code"), [(429, 20429), (503, 20503)])
def test_fail_next_with_other_statuses(
    twilio: FakeTwilio, client: Client, status: int, code: int
) -> None:
    twilio.fail_next(1, status=status)

    with pytest.raises(TwilioRestException) as excinfo:
        client.calls.create(to=PATIENT, from_=SENDER, twiml="<Response/>")

    assert (excinfo.value.status, excinfo.value.code) == (status, code)
    assert client.calls.create(to=PATIENT, from_=SENDER, twiml="<Response/>").sid


def test_rejected_number_is_a_permanent_error(twilio: FakeTwilio, client: Client) -> None:
    unsubscribed = "+15005550009"
    twilio.reject_numbers[unsubscribed] = (400, 21610, "Attempt to send to unsubscribed recipient")

    for _ in range(2):
        with pytest.raises(TwilioRestException) as excinfo:
            client.messages.create(to=unsubscribed, from_=SENDER, body="Hi")
        assert (excinfo.value.status, excinfo.value.code) == (400, 21610)
    client.messages.create(to=PATIENT, from_=SENDER, body="Hi")

    assert [r.error_code for r in twilio.requests] == [21610, 21610, None]
    assert [r.params["To"] for r in twilio.messages] == [PATIENT]


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"to": PATIENT, "from_": SENDER}, 21602),
        ({"to": "", "from_": SENDER, "body": "Hi"}, 21604),
        ({"to": PATIENT, "body": "Hi"}, 21603),
    ],
)
def test_missing_message_parameters_are_400(
    twilio: FakeTwilio, client: Client, kwargs: dict[str, str], code: int
) -> None:
    with pytest.raises(TwilioRestException) as excinfo:
        client.messages.create(**kwargs)

    assert (excinfo.value.status, excinfo.value.code) == (400, code)
    assert twilio.messages == []


def test_call_without_twiml_or_url_is_400(client: Client) -> None:
    with pytest.raises(TwilioRestException) as excinfo:
        client.calls.create(to=PATIENT, from_=SENDER)

    assert excinfo.value.status == 400


def test_num_segments() -> None:
    assert num_segments("a" * 160) == 1
    assert num_segments("a" * 161) == 2
    assert num_segments("€" * 80) == 1
    assert num_segments("é" * 160) == 1
    assert num_segments("ü" * 161) == 2
    assert num_segments("✓" * 70) == 1
    assert num_segments("✓" * 71) == 2


def test_status_callbacks_are_posted_and_signed(
    twilio: FakeTwilio, client: Client, receiver: Receiver
) -> None:
    twilio.status_callbacks_enabled = True
    url = f"{receiver.url}/webhooks/twilio/status?clinic=7"

    message = client.messages.create(to=PATIENT, from_=SENDER, body="Hi", status_callback=url)

    assert twilio.wait_for(lambda t: len(t.callback_results) == 2)
    assert twilio.callback_results == [(url, 204), (url, 204)]
    assert [params["MessageStatus"] for _, params, _ in receiver.posts] == ["sent", "delivered"]
    validator = RequestValidator(AUTH_TOKEN)
    for posted_url, params, headers in receiver.posts:
        assert posted_url == url
        assert validator.validate(posted_url, params, headers["X-Twilio-Signature"])
        assert params["MessageSid"] == params["SmsSid"] == message.sid
        assert params["AccountSid"] == ACCOUNT_SID
        assert (params["From"], params["To"], params["ApiVersion"]) == (
            SENDER,
            PATIENT,
            "2010-04-01",
        )
        assert "ErrorCode" not in params


def test_status_callback_outcome_per_number(
    twilio: FakeTwilio, client: Client, receiver: Receiver
) -> None:
    twilio.status_callbacks_enabled = True
    twilio.callback_outcome[PATIENT] = ("undelivered", "30003")

    client.messages.create(to=PATIENT, from_=SENDER, body="Hi", status_callback=receiver.url)

    assert twilio.wait_for(lambda t: len(t.callback_results) == 2)
    sent, final = (params for _, params, _ in receiver.posts)
    assert (sent["MessageStatus"], final["MessageStatus"]) == ("sent", "undelivered")
    assert "ErrorCode" not in sent
    assert final["ErrorCode"] == "30003"


def test_status_callbacks_are_off_by_default(
    twilio: FakeTwilio, client: Client, receiver: Receiver
) -> None:
    client.messages.create(to=PATIENT, from_=SENDER, body="Hi", status_callback=receiver.url)

    assert not twilio.wait_for(lambda t: bool(t.callback_results), timeout=0.2)
    assert receiver.posts == []


def test_signed_post_headers_validate() -> None:
    url = "https://followup.example/webhooks/twilio/status"
    params = {"MessageSid": "SM" + "a" * 32, "MessageStatus": "delivered"}

    headers = signed_post_headers(AUTH_TOKEN, url, params)

    assert RequestValidator(AUTH_TOKEN).validate(url, params, headers["X-Twilio-Signature"])
    assert not RequestValidator("other").validate(url, params, headers["X-Twilio-Signature"])


def test_fifty_concurrent_senders_get_distinct_sids(twilio: FakeTwilio) -> None:
    start = threading.Barrier(50)
    sids: list[str] = []

    def send(n: int) -> None:
        client = make_client(twilio)
        start.wait()
        sids.append(client.messages.create(to=f"+1312555{n:04d}", from_=SENDER, body="Hi").sid)
        client.http_client.session.close()

    threads = [threading.Thread(target=send, args=(n,)) for n in range(50)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(set(sids)) == 50
    assert {r.sid for r in twilio.messages} == set(sids)


def test_keep_alive_connections_are_reused(twilio: FakeTwilio, client: Client) -> None:
    for _ in range(5):
        client.messages.create(to=PATIENT, from_=SENDER, body="Hi")

    assert twilio.connections_accepted == 1


def test_delay_seconds_slows_every_request(twilio: FakeTwilio, client: Client) -> None:
    twilio.delay_seconds = 0.2
    started = time.monotonic()

    client.messages.create(to=PATIENT, from_=SENDER, body="Hi")

    assert time.monotonic() - started >= 0.2


def test_hang_next_makes_clients_time_out_and_stop_stays_fast() -> None:
    twilio = FakeTwilio(account_sid=ACCOUNT_SID, auth_token=AUTH_TOKEN).start()
    client = make_client(twilio, timeout=0.3)
    twilio.hang_next(1)

    with pytest.raises(requests.exceptions.Timeout):
        client.messages.create(to=PATIENT, from_=SENDER, body="Hi")
    assert client.messages.create(to=PATIENT, from_=SENDER, body="Hi").sid
    started = time.monotonic()
    twilio.stop()

    assert time.monotonic() - started < 1.0
    assert len(twilio.messages) == 1
    client.http_client.session.close()


def test_stop_frees_the_port() -> None:
    with FakeTwilio() as twilio:
        port = int(twilio.base_url.rsplit(":", 1)[1])

    with pytest.raises(ConnectionRefusedError), socket.create_connection(("127.0.0.1", port)):
        pass
    with pytest.raises(RuntimeError):
        _ = twilio.base_url


def test_wait_for_clear_and_reset(twilio: FakeTwilio, client: Client) -> None:
    started = time.monotonic()
    assert not twilio.wait_for(lambda t: bool(t.messages), timeout=0.1)
    assert time.monotonic() - started < 1.0

    threading.Timer(
        0.05, client.messages.create, kwargs={"to": PATIENT, "from_": SENDER, "body": "Hi"}
    ).start()
    assert twilio.wait_for(lambda t: bool(t.messages), timeout=5)

    twilio.fail_next(2)
    twilio.reject_numbers[PATIENT] = (400, 21614, "'To' number is not a valid mobile number")
    twilio.clear()
    assert twilio.requests == []
    twilio.reset()
    assert client.messages.create(to=PATIENT, from_=SENDER, body="Hi").status == "queued"


def test_get_is_not_allowed(twilio: FakeTwilio) -> None:
    response = requests.get(
        twilio.base_url + MESSAGES_PATH, auth=(ACCOUNT_SID, AUTH_TOKEN), timeout=5
    )

    assert (response.status_code, response.json()["code"]) == (405, 20004)
    assert twilio.messages == []
