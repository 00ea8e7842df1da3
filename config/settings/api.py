"""The REST API: DRF, the schema, personal API tokens."""

import datetime as dt

from config.env import env_int
from config.settings.base import DEBUG, TRUSTED_PROXY_COUNT

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
    "DEFAULT_SCHEMA_CLASS": "api.schema.ApiSchema",
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
