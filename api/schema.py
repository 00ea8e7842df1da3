"""How the OpenAPI schema describes the API's authentication (drf-spectacular extensions)."""

from django.conf import settings
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema


class KeyScheme(OpenApiAuthenticationExtension):
    """A personal token or an integration key, as ``Token <key>`` or ``Bearer <key>``."""

    target_class = "api.authentication.TokenAuthentication"
    name = ["tokenAuth", "bearerAuth"]

    def get_security_requirement(self, auto_schema: AutoSchema) -> list[dict]:
        return [{"tokenAuth": []}, {"bearerAuth": []}]

    def get_security_definition(self, auto_schema: AutoSchema) -> list[dict]:
        described = (
            "a clinician's personal token (`POST /api/v1/auth/token/`) or a clinic's "
            "integration key (made by a clinic admin in the dashboard)."
        )
        return [
            {
                "type": "apiKey",
                "in": "header",
                "name": "Authorization",
                "description": f"`Token <key>`: {described}",
            },
            {"type": "http", "scheme": "bearer", "description": f"`Bearer <key>`: {described}"},
        ]


class VerifiedSessionScheme(OpenApiAuthenticationExtension):
    """The dashboard's session, once it has passed the second factor."""

    target_class = "api.authentication.SessionAuthentication"
    name = "cookieAuth"

    def get_security_definition(self, auto_schema: AutoSchema) -> dict:
        return {
            "type": "apiKey",
            "in": "cookie",
            "name": settings.SESSION_COOKIE_NAME,
            "description": "The dashboard's session, signed in with both factors.",
        }
