"""The broker, the cache and Celery: queues, the beat schedule, the ticks' intervals."""

from config.env import env_int, env_str
from config.settings.base import VAR_DIR
from followup.job_names import Job, Queue

# Broker and cache -----------------------------------------------------------------------------
REDIS_URL = env_str("REDIS_URL")
BROKER_DIR = VAR_DIR / "broker"
if not REDIS_URL:
    for _folder in ("queue", "control"):
        (BROKER_DIR / _folder).mkdir(parents=True, exist_ok=True)

if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "followup",
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }

# Celery reads these through config/celery.py (namespace CELERY_).
# The file-system transport uses no host, but kombu warns "No hostname was supplied" at every
# connection made without one: name the one it would fall back to.
CELERY_BROKER_URL = REDIS_URL or "filesystem://localhost//"
if REDIS_URL.startswith("redis://"):
    CELERY_BROKER_TRANSPORT = "config.broker:Transport"
# A task not acknowledged within 10 minutes (a dead worker) is delivered again.
# A worker consuming several queues polls them with one BRPOP in the order they are listed
# (CELERY_TASK_QUEUES, or -Q), and Redis pops from the first that is not empty. kombu's default
# ("round_robin") moves the queue just served to the back of that list; "priority" keeps the
# order, so such a worker always takes a waiting page before routine work.
REDIS_TRANSPORT_OPTIONS = {
    "visibility_timeout": 600,
    "socket_connect_timeout": 2,
    "socket_timeout": 5,
    "queue_order_strategy": "priority",
}
CELERY_BROKER_TRANSPORT_OPTIONS = (
    REDIS_TRANSPORT_OPTIONS
    if REDIS_URL
    else {
        "data_folder_in": str(BROKER_DIR / "queue"),
        "data_folder_out": str(BROKER_DIR / "queue"),
        "control_folder": str(BROKER_DIR / "control"),
        "store_processed": False,
    }
)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "UTC"
CELERY_ENABLE_UTC = True
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_TASK_ALWAYS_EAGER = False
# The worker keeps its database connection between tasks like the web does between requests
# (``CONN_MAX_AGE``, health-checked; config/celery.py): Celery's fixup then closes it only
# after this many tasks, which is never in practice.
CELERY_DB_REUSE_MAX = 1_000_000
# Pages to clinicians and crisis messages have their own queue, so a backlog of check-ins never
# delays them: a reply that must page pages from the webhook (``conversation.intake``), and the
# full handling of replies is routine work. A worker started without -Q consumes both, "pages"
# first (the order here, kept by "queue_order_strategy" above).
CELERY_TASK_DEFAULT_QUEUE = Queue.DEFAULT
CELERY_TASK_QUEUES = {
    Queue.PAGES: {"routing_key": Queue.PAGES},
    Queue.DEFAULT: {"routing_key": Queue.DEFAULT},
}

DISPATCH_INTERVAL_SECONDS = env_int("DISPATCH_INTERVAL_SECONDS", 10, minimum=1)
# A send claimed this long ago with no answer from Twilio was cut short (a dead worker).
SEND_CLAIM_TIMEOUT_SECONDS = env_int("SEND_CLAIM_TIMEOUT_SECONDS", 120, minimum=5)
# The morning digest's tick: a few minutes after 08:00 is on time, and a digest the mail server
# broke off half-way is sent again to everyone at most this often.
DIGEST_INTERVAL_SECONDS = 300
# The pages tick (escalation steps, and pages whose send was lost or cut short): a page claimed
# by a worker that died goes out again within about 15 s (followup/messaging/outbox.py).
PAGES_INTERVAL_SECONDS = min(DISPATCH_INTERVAL_SECONDS, 3)
# Periodic ticks only: every future obligation is a row with a due time, so a tick that runs
# twice or is missed does no harm. A tick that waited longer than one interval is stale.
CELERY_BEAT_SCHEDULE = {
    "dispatch": {
        "task": Job.DISPATCH,
        "schedule": float(DISPATCH_INTERVAL_SECONDS),
        "options": {"expires": DISPATCH_INTERVAL_SECONDS},
    },
    # Escalations and stalled pages have their own tick on the pages queue: a backlog of
    # check-ins on the default queue never holds up the next level of a page.
    "escalations": {
        "task": Job.ESCALATIONS,
        "schedule": float(PAGES_INTERVAL_SECONDS),
        "options": {"expires": PAGES_INTERVAL_SECONDS, "queue": Queue.PAGES},
    },
    # Each clinic's morning digest, once its clock has passed 08:00 (followup/services/digest.py); one
    # the mail server refused is tried again at the next tick.
    "digest": {
        "task": Job.DIGEST,
        "schedule": float(DIGEST_INTERVAL_SECONDS),
        "options": {"expires": DIGEST_INTERVAL_SECONDS},
    },
    # The API's Idempotency-Keys past their 24 hours (followup/services/idempotency.py).
    "idempotency-keys": {
        "task": Job.PURGE_IDEMPOTENCY_KEYS,
        "schedule": 3600.0,
        "options": {"expires": 3600},
    },
}

# The safety drill (followup/services/drills.py): how long a drill waits for Twilio's delivery
# receipt of its page, and how often the scheduler looks for clinics whose drill time has passed.
SAFETY_DRILL_TIMEOUT_SECONDS = env_int("SAFETY_DRILL_TIMEOUT_SECONDS", 60, minimum=1)
SAFETY_DRILL_INTERVAL_SECONDS = 300
CELERY_BEAT_SCHEDULE["safety-drills"] = {
    "task": Job.SAFETY_DRILLS,
    "schedule": float(SAFETY_DRILL_INTERVAL_SECONDS),
    "options": {"expires": SAFETY_DRILL_INTERVAL_SECONDS},
}
