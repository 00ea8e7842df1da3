"""The fake Twilio server, exercised through the real ``twilio`` client: creating messages and
calls, errors, validation and segments."""

import re

import pytest
from twilio.base.exceptions import TwilioRestException
from twilio.rest import Client

from testkit.twilio_server import FakeTwilio, num_segments
from tests.support.fake_twilio_client import (
    ACCOUNT_SID,
    AUTH_TOKEN,
    MESSAGES_PATH,
    PATIENT,
    SENDER,
    make_client,
    raw_post,
)


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
