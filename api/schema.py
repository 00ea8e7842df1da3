"""How the OpenAPI schema describes the API's authentication (drf-spectacular extensions)."""

from django.conf import settings
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiParameter

from api.idempotency import WRITES, IdempotentWritesMixin


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


IDEMPOTENCY_KEY = OpenApiParameter(
    name="Idempotency-Key",
    location=OpenApiParameter.HEADER,
    required=False,
    type=str,
    description="Optional, 1 to 255 characters (a UUID is good). The same key with the same "
    "body, from the same credential within 24 hours, replays the first successful answer (its "
    "status and body, with the header `Idempotent-Replayed: true`) and writes nothing. The same "
    "key with another method, path or body is a 422 (`idempotency_key_reused`). A second "
    "request with the key while the first runs waits for it. An error answer is not kept: the "
    "key can be sent again.",
)


class IdempotentWritesSchema(AutoSchema):
    """The schema of every operation, with the ``Idempotency-Key`` header on the writes that
    honour it (``api/idempotency.py``)."""

    def get_override_parameters(self) -> list:
        parameters = list(super().get_override_parameters())
        if self.method in WRITES and isinstance(self.view, IdempotentWritesMixin):
            parameters.append(IDEMPOTENCY_KEY)
        return parameters
