"""Fixtures of the fake Twilio server's tests: the fake, a client of it, a webhook receiver,
and a check that no test leaves a thread behind."""

import threading
import time
from collections.abc import Iterator

import pytest
from twilio.rest import Client

from testkit.twilio_server import FakeTwilio
from tests.support.fake_twilio_client import ACCOUNT_SID, AUTH_TOKEN, Receiver, make_client


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


@pytest.fixture
def client(twilio: FakeTwilio) -> Iterator[Client]:
    client = make_client(twilio)
    yield client
    client.http_client.session.close()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with Receiver() as receiver:
        yield receiver
