"""The Redis transport survives Redis going away with messages still unacknowledged."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from kombu import Connection
from kombu.common import ignore_errors
from kombu.transport import redis as kombu_redis
from redis.exceptions import ConnectionError as RedisConnectionError

from config.broker import Transport
from tests.support.stack import Stack

pytestmark = [pytest.mark.processes, pytest.mark.redis_server]


@pytest.fixture
def private_redis(tmp_path: Path) -> Iterator[Stack]:
    stack = Stack(
        tmp_path, twilio=type("T", (), {"account_sid": "", "auth_token": "", "base_url": ""})
    )
    stack.start_redis()
    try:
        yield stack
    finally:
        stack.stop_all()


def _hold_an_unacked_message(url: str, transport: type) -> Connection:
    connection = Connection(url, transport=transport)
    channel = connection.default_channel
    queue = connection.SimpleQueue("followup-broker-test")
    queue.put({"n": 1})
    message = queue.get(timeout=2)  # received, not acknowledged
    assert message.payload == {"n": 1}
    assert channel.qos._delivered
    return connection


def _lose_redis(stack: Stack, connection: Connection) -> None:
    """The state a worker's channel is in after Redis went away under it: its pools dropped and
    its transport's connection closed, with a message still unacknowledged."""
    stack.kill("redis")
    connection.default_channel._disconnect_pools()
    connection.transport.client = None


def test_kombus_own_transport_crashes_restoring_after_a_redis_outage(
    private_redis: Stack,
) -> None:
    connection = _hold_an_unacked_message(private_redis.env["REDIS_URL"], kombu_redis.Transport)
    _lose_redis(private_redis, connection)

    # Celery closes the channel ignoring connection errors; kombu fails with something that is
    # not one, and the worker exits ("Unrecoverable error").
    with pytest.raises(AttributeError):
        ignore_errors(connection, connection.default_channel.close)


def test_ours_fails_as_a_connection_error_so_the_worker_reconnects(
    private_redis: Stack,
) -> None:
    connection = _hold_an_unacked_message(private_redis.env["REDIS_URL"], Transport)
    _lose_redis(private_redis, connection)

    # One of the errors Celery treats as "the broker went away": it reconnects, and
    # ``ignore_errors`` (what Celery closes the channel with) lets it through.
    with pytest.raises(connection.connection_errors) as raised:
        connection.default_channel.close()
    assert isinstance(raised.value, RedisConnectionError)
    assert "closed" in str(raised.value)
