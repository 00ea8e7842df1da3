"""kombu's Redis transport, made to survive Redis going away.

When Redis drops while a worker holds unacknowledged messages, kombu tries to restore them on
a channel whose connection is already gone and fails with ``AttributeError`` instead of a
connection error (celery/kombu#582, #970). Celery treats that as unrecoverable and the worker
exits, so nothing would be handled after Redis comes back. Raising the connection error kombu
expects lets Celery's reconnect logic run; the unacknowledged messages come back after the
visibility timeout, and the database sweep re-drives their work sooner anyway.
"""

import redis
from kombu.transport import redis as kombu_redis
from redis.exceptions import ConnectionError as RedisConnectionError


class Channel(kombu_redis.Channel):
    _sync_client: redis.Redis | None = None

    def _connparams(self, asynchronous: bool = False) -> dict:
        if self.connection is None or self.connection.client is None:
            raise RedisConnectionError("the broker connection is closed")
        return super()._connparams(asynchronous=asynchronous)

    def _create_client(self, asynchronous: bool = False) -> redis.Redis:
        # kombu builds a new client object for every message it publishes (a third of the cost
        # of enqueueing a task, which every webhook does); one per channel and connection pool
        # serves them all (a client is only a handle on the pool).
        if asynchronous:
            return super()._create_client(asynchronous=True)
        client = self._sync_client
        if client is None or client.connection_pool is not self.pool:
            client = self._sync_client = super()._create_client()
        return client


class Transport(kombu_redis.Transport):
    Channel = Channel
