"""Settings, read from the environment only (SPEC §5).

Defaults are the embedded ones a newcomer needs (SQLite under ``var/``, a file-system broker);
production sets ``DATABASE_URL``, ``REDIS_URL``, ``SECRET_KEY`` and an https ``PUBLIC_BASE_URL``.
"""

import datetime as dt
import secrets
import sys
from email.utils import parseaddr
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_int, env_list, env_str
from followup.job_names import Job, Queue

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("FOLLOWUP_VAR_DIR") or BASE_DIR / "var")
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env_bool("DEBUG", False)
TESTING = "pytest" in sys.modules

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not (DEBUG or TESTING):
        raise ImproperlyConfigured("SECRET_KEY is required when DEBUG is off")
    SECRET_KEY = secrets.token_urlsafe(50)

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1")
PUBLIC_BASE_URL = env_str("PUBLIC_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
_PUBLIC_IS_HTTPS = urlsplit(PUBLIC_BASE_URL).scheme == "https"
if (_host := urlsplit(PUBLIC_BASE_URL).hostname) and _host not in ALLOWED_HOSTS:
    # Twilio posts to PUBLIC_BASE_URL; its host must be served.
    ALLOWED_HOSTS.append(_host)

# How many reverse proxies of our own stand in front of the app (a TLS terminator, a load
# balancer). With 0, X-Forwarded-For is ignored and the caller is REMOTE_ADDR; with n, the
# caller is the n-th address from the right of X-Forwarded-For: what the outermost proxy saw.
# The audit log and the sign-in lockout both use it (followup/web/client_ip.py).
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0, minimum=0)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "knox",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "csp",
    "pgtrigger",
    "followup",
    "api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Below WhiteNoise: every response but a static file's.
    "followup.web.middleware.NoStoreMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "followup.web.dashboard.auth.IdleTimeoutMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "followup.web.middleware.AuditMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
AUTH_USER_MODEL = "followup.Clinician"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "followup.web.dashboard.context.dashboard",
            ],
        },
    },
]

# Database -------------------------------------------------------------------------------------
DATABASES = {
    "default": dj_database_url.config(
        env="DATABASE_URL",
        default=f"sqlite:///{VAR_DIR / 'followup.sqlite3'}",
        conn_max_age=60,
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Web, worker and scheduler share the file: WAL lets readers run beside one writer, and
    # IMMEDIATE transactions take the write lock up front instead of failing half-way.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    # A file, not memory: tests that run worker and web processes share it.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

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
CELERY_BROKER_URL = REDIS_URL or "filesystem://"
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
}

# SMS ------------------------------------------------------------------------------------------
SMS_BACKEND = env_str("SMS_BACKEND", "console")
if SMS_BACKEND not in ("console", "twilio"):
    raise ImproperlyConfigured(f"SMS_BACKEND must be 'console' or 'twilio', got {SMS_BACKEND!r}")
TWILIO_ACCOUNT_SID = env_str("TWILIO_ACCOUNT_SID")
TWILIO_AUTH_TOKEN = env_str("TWILIO_AUTH_TOKEN")
TWILIO_FROM_NUMBER = env_str("TWILIO_FROM_NUMBER")
TWILIO_MESSAGING_SERVICE_SID = env_str("TWILIO_MESSAGING_SERVICE_SID")
TWILIO_API_BASE_URL = env_str("TWILIO_API_BASE_URL", "https://api.twilio.com").rstrip("/")
if SMS_BACKEND == "twilio" and not (TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN):
    raise ImproperlyConfigured("SMS_BACKEND=twilio needs TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN")
if SMS_BACKEND == "twilio" and not (TWILIO_FROM_NUMBER or TWILIO_MESSAGING_SERVICE_SID):
    raise ImproperlyConfigured(
        "SMS_BACKEND=twilio needs TWILIO_FROM_NUMBER or TWILIO_MESSAGING_SERVICE_SID"
    )

# Email: the clinicians' daily digest ----------------------------------------------------------
# Without EMAIL_HOST emails are written to the log (console), as SMS are by default.
EMAIL_HOST = env_str("EMAIL_HOST")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
EMAIL_PORT = env_int("EMAIL_PORT", 587 if EMAIL_USE_TLS else 25, minimum=1)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
)
# A mail server that hangs must not hold the digest's claim for long: it is retried next tick.
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL") or "Follow-up <followup@localhost>"
if EMAIL_PORT > 65535:
    raise ImproperlyConfigured(f"EMAIL_PORT must be a port number, got {EMAIL_PORT}")
if EMAIL_HOST_USER and not EMAIL_HOST_PASSWORD:
    raise ImproperlyConfigured("EMAIL_HOST_USER is set but EMAIL_HOST_PASSWORD is not")
if not parseaddr(DEFAULT_FROM_EMAIL)[1] or "@" not in parseaddr(DEFAULT_FROM_EMAIL)[1]:
    raise ImproperlyConfigured(
        f"DEFAULT_FROM_EMAIL must be an address, e.g. Follow-up <followup@example.org>, "
        f"got {DEFAULT_FROM_EMAIL!r}"
    )
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# API ------------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.TokenAuthentication",
        "api.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["api.permissions.IsClinicMember"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["api.filters.ClinicFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.errors.exception_handler",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"]
    + (["rest_framework.renderers.BrowsableAPIRenderer"] if DEBUG else []),
    "DEFAULT_THROTTLE_RATES": {"login": "10/minute"},
    # Throttles count by the address the audit log and the lockout use; unset, DRF would
    # take the whole X-Forwarded-For a client sends as its address.
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Follow-up API",
    "DESCRIPTION": "Check-ins, scores, flags and escalation between ketamine and esketamine "
    "treatment sessions. Authenticate with `Authorization: Token <token>` (or `Bearer <token>`): "
    "a clinician's personal token from `POST /api/v1/auth/token/` (password and a current code "
    "from their authenticator app), or a clinic's integration key made by a clinic admin in the "
    "dashboard.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # Served from our own static files: the docs work with no internet.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "CheckInStatusEnum": "followup.models.checkins.CheckIn.Status",
        "FlagStatusEnum": "followup.models.flags.Flag.Status",
    },
}

# A clinician's personal API token (django-rest-knox): stored hashed, a new one at each sign-in
# through ``POST /api/v1/auth/token/``, valid this many days, never extended by use.
API_TOKEN_TTL_DAYS = env_int("API_TOKEN_TTL_DAYS", 30, minimum=1)
REST_KNOX = {
    "TOKEN_TTL": dt.timedelta(days=API_TOKEN_TTL_DAYS),
    "AUTO_REFRESH": False,
    # Recognisable by secret scanners, and never mistaken for an integration key ("fuk_").
    "TOKEN_PREFIX": "fup_",
}

# Auth -----------------------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "/dashboard/login/"
LOGIN_REDIRECT_URL = "/dashboard/"
AUTHENTICATION_BACKENDS = [
    # django-axes first: it refuses sign-ins while a username and address are locked out.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Failed sign-ins (dashboard, admin and API token) are counted per username and address; five
# in a row lock that pair out for 15 minutes. A success resets the count.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = dt.timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "followup.web.dashboard.auth.locked_out"
AXES_VERBOSE = False
# The lockout counts by the same address the audit log records (followup/web/client_ip.py).
AXES_CLIENT_IP_CALLABLE = "followup.web.client_ip.client_ip"
# A second factor (TOTP) is required of every clinician; with DEBUG on (``make run``) a clinician
# without an authenticator may go on without one. Whoever has one must always use it.
OTP_TOTP_ISSUER = "Follow-up"
DASHBOARD_REQUIRE_SECOND_FACTOR = not DEBUG
# Signed out after this long without a click or a page of one's own (the queue refreshing itself
# does not count), and after a shift's length whatever happens (HIPAA 164.312(a)(2)(iii)).
DASHBOARD_IDLE_TIMEOUT_SECONDS = 15 * 60
SESSION_COOKIE_AGE = 12 * 60 * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
if TESTING:
    # Fast hashing for the suite's many sign-ins; never outside tests.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Internationalisation: UTC inside, the patient's zone only at the edges.
LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG or TESTING
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# Security -------------------------------------------------------------------------------------
# Behind TLS (an https PUBLIC_BASE_URL) every production hardening is on; /healthz stays plain
# so a monitor on the private network can reach it.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", _PUBLIC_IS_HTTPS and not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = 31_536_000 if _PUBLIC_IS_HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = _PUBLIC_IS_HTTPS
SECURE_HSTS_PRELOAD = _PUBLIC_IS_HTTPS
SECURE_CONTENT_TYPE_NOSNIFF = True
# Content-Security-Policy (django-csp): the pages run and style themselves from their own static
# files only: no inline script or style, no other origin, no plugins, never framed.
CONTENT_SECURITY_POLICY = {
    # Twilio's webhooks answer Twilio (TwiML or nothing), never a browser: no policy to build
    # on each of a morning's thousands of status callbacks.
    "EXCLUDE_URL_PREFIXES": ["/twilio/"],
    "DIRECTIVES": {
        "default-src": [NONE],
        "script-src": [SELF],
        "style-src": [SELF],
        # data: for the favicon placeholder and the API docs' icons.
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "base-uri": [NONE],
        "object-src": [NONE],
        "frame-ancestors": [NONE],
    },
}
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = _PUBLIC_IS_HTTPS
CSRF_COOKIE_SECURE = _PUBLIC_IS_HTTPS
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
CSRF_TRUSTED_ORIGINS = [PUBLIC_BASE_URL]

# Logging: ids only, never patient data (names, phones, message bodies, answers). Every handler
# masks check-in tokens and phone numbers in what others log (request paths, provider errors).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"patient_data": {"()": "followup.logs.MaskPatientData"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["patient_data"],
        }
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # runserver's request lines (``make run``) through the masking handler too.
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
        # The Twilio client logs each request at INFO; we log our own ids instead.
        "twilio.http_client": {"level": "WARNING"},
    },
}
