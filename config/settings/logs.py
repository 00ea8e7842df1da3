"""Logging: ids only, never patient data."""

from django.core.exceptions import ImproperlyConfigured

from config.env import env_str

# ``plain`` (a line of text, for a terminal) or ``json`` (one JSON object per line, with the
# request's X-Request-ID or the task's id, for a log collector: followup.logs.JsonFormatter).
LOG_FORMAT = env_str("LOG_FORMAT", "plain").lower()
if LOG_FORMAT not in ("plain", "json"):
    raise ImproperlyConfigured(f"LOG_FORMAT must be plain or json, not {LOG_FORMAT!r}")

# Logging: ids only, never patient data (names, phones, message bodies, answers). Every handler
# masks check-in tokens and phone numbers in what others log (request paths, provider errors).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"patient_data": {"()": "followup.logs.MaskPatientData"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "followup.logs.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
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
