"""SMS (Twilio or the console) and email (the clinicians' daily digest)."""

from email.utils import parseaddr

from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_int, env_str

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
