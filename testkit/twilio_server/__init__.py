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

from testkit.twilio_server.resources import (
    API_VERSION,
    DEFAULT_ACCOUNT_SID,
    DEFAULT_AUTH_TOKEN,
    ErrorSpec,
    Recorded,
    Resource,
    num_segments,
)
from testkit.twilio_server.server import FakeTwilio
from testkit.twilio_server.signing import signed_post_headers

__all__ = [
    "API_VERSION",
    "DEFAULT_ACCOUNT_SID",
    "DEFAULT_AUTH_TOKEN",
    "ErrorSpec",
    "FakeTwilio",
    "Recorded",
    "Resource",
    "num_segments",
    "signed_post_headers",
]
