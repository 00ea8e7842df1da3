"""Logging: ids only, never patient data."""

from config.env import env_str

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
