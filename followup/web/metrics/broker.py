"""How many tasks wait on each queue, read from the broker itself."""

import logging
from pathlib import Path

import redis
from django.conf import settings

from followup.job_names import Queue

logger = logging.getLogger(__name__)

# kombu's Redis transport keeps a queue's messages in one list per priority step: the queue's
# own name for priority 0, ``<name>\x06\x16<step>`` for the others (kombu.transport.redis).
_PRIORITY_SEPARATOR = "\x06\x16"
_PRIORITY_STEPS = (3, 6, 9)


def _redis_depths(url: str) -> dict[str, int]:
    client = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)
    try:
        with client.pipeline(transaction=False) as pipe:
            for queue in Queue:
                pipe.llen(queue.value)
                for step in _PRIORITY_STEPS:
                    pipe.llen(f"{queue.value}{_PRIORITY_SEPARATOR}{step}")
            lengths = pipe.execute()
    finally:
        client.close()
    per_queue = 1 + len(_PRIORITY_STEPS)
    return {
        queue.value: sum(lengths[index * per_queue : (index + 1) * per_queue])
        for index, queue in enumerate(Queue)
    }


def _folder_depths(folder: Path) -> dict[str, int]:
    # The embedded broker: one file ``<time>_<uuid>.<queue>.msg`` per waiting message.
    names = [path.name.partition(".")[2] for path in folder.iterdir()] if folder.is_dir() else []
    return {queue.value: names.count(f"{queue.value}.msg") for queue in Queue}


def queue_depths() -> dict[str, int] | None:
    """Waiting tasks per queue name; None when the broker cannot be read (then no value is
    better than a made-up 0: the alert on /healthz covers a broker that is down)."""
    url = settings.CELERY_BROKER_URL
    try:
        if url.startswith(("redis://", "rediss://")):
            return _redis_depths(url)
        return _folder_depths(Path(settings.BROKER_DIR) / "queue")
    except (redis.RedisError, OSError):
        logger.warning("metrics: broker queues unreadable")
        return None
