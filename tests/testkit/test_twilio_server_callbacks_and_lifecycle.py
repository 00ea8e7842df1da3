"""The fake Twilio server, exercised through the real ``twilio`` client: status callbacks,
signatures, concurrency, keep-alive, latency and hangs, stopping, waiting and resetting."""

import socket
import threading
import time

import pytest
import requests
from twilio.request_validator import RequestValidator
from twilio.rest import Client

from testkit.twilio_server import FakeTwilio, signed_post_headers
from tests.support.fake_twilio_client import (
    ACCOUNT_SID,
    AUTH_TOKEN,
    MESSAGES_PATH,
    PATIENT,
    SENDER,
    Receiver,
    make_client,
)


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
