"""The Redis transport survives Redis going away with messages still unacknowledged."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from kombu import Connection, Consumer, Exchange, Queue
from kombu.common import ignore_errors
from kombu.transport import redis as kombu_redis
from redis.exceptions import ConnectionError as RedisConnectionError

from config.broker import Transport
from testkit.stack import Stack

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


def _served_order(url: str, options: dict) -> list[str]:
    """Three routine tasks, then three pages, waiting in Redis; one worker consuming every queue
    (in the order configured, one message at a time, acknowledged after) takes them all."""
    from django.conf import settings

    with Connection(url, transport=Transport) as publisher:
        for queue in ("celery", "celery", "celery", "pages", "pages", "pages"):
            publisher.SimpleQueue(queue).put({"queue": queue})
    served: list[str] = []
    with Connection(url, transport=Transport, transport_options=options) as connection:
        channel = connection.channel()
        channel.basic_qos(prefetch_count=1)
        queues = [
            Queue(name, Exchange(name), routing_key=name) for name in settings.CELERY_TASK_QUEUES
        ]

        def take(body: dict, message: object) -> None:
            served.append(body["queue"])
            message.ack()

        with Consumer(channel, queues=queues, callbacks=[take], prefetch_count=1):
            while len(served) < 6:
                connection.drain_events(timeout=5)
    return served


def test_a_worker_on_every_queue_serves_waiting_pages_before_routine_work(
    private_redis: Stack,
) -> None:
    from django.conf import settings

    served = _served_order(private_redis.env["REDIS_URL"], settings.REDIS_TRANSPORT_OPTIONS)

    assert served == ["pages"] * 3 + ["celery"] * 3


def test_kombus_default_order_alternates_so_a_page_waits_behind_routine_work(
    private_redis: Stack,
) -> None:
    from django.conf import settings

    options = {**settings.REDIS_TRANSPORT_OPTIONS}
    del options["queue_order_strategy"]  # kombu's "round_robin"

    served = _served_order(private_redis.env["REDIS_URL"], options)

    assert served[:2] == ["pages", "celery"]
