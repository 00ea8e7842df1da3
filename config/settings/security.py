"""Who may sign in and how (passwords, lockout, second factor, sessions), and the headers and
cookies that keep pages safe behind TLS."""

import datetime as dt

from csp.constants import NONE, SELF

from config.env import env_bool
from config.settings.base import _PUBLIC_IS_HTTPS, DEBUG, PUBLIC_BASE_URL, TESTING

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


# Security -------------------------------------------------------------------------------------
# Behind TLS (an https PUBLIC_BASE_URL) every production hardening is on; /healthz stays plain
# so a monitor on the private network can reach it, and so does /metrics for Prometheus (it
# needs its bearer token, config/settings/metrics.py).
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", _PUBLIC_IS_HTTPS and not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^metrics$"]
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
