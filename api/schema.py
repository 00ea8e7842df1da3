"""How the OpenAPI schema describes the API: its authentication (drf-spectacular extensions),
its error answers and examples (``ApiSchema``)."""

from typing import Any

from django.conf import settings
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import ComponentRegistry
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema_field
from rest_framework import serializers
from rest_framework.permissions import SAFE_METHODS, AllowAny

from api.examples import EXAMPLES
from api.idempotency import WRITES, IdempotentWritesMixin
from api.permissions import IsClinicAdminInPersonOrReadOnly, IsClinicAdminOrReadOnly

# Paging parameters: a bad page is a 404 (DRF's), not a bad filter.
PAGE_PARAMETERS = ("page", "page_size")


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


@extend_schema_field(
    {
        "type": "object",
        "description": "More about the error, by its kind; `{}` when there is nothing more.",
        "properties": {
            "fields": {
                "type": "object",
                "description": 'Bad input, by field or parameter: `{"phone": ["message"], '
                '"patients[3].timezone": ["message"]}`.',
                "additionalProperties": {"type": "array", "items": {"type": "string"}},
            },
            "rows": {
                "type": "object",
                "description": 'An import\'s bad rows, by index: `{"3": {"phone": [...]}}`.',
                "additionalProperties": {
                    "type": "object",
                    "additionalProperties": {"type": "array", "items": {"type": "string"}},
                },
            },
            "retry_after_seconds": {
                "type": "integer",
                "description": "When a rate limit stops the request: how long to wait.",
            },
        },
        "additionalProperties": True,
    }
)
class ErrorExtraField(serializers.JSONField):
    """``extra`` of an error: an object whose keys depend on the error."""


class ErrorSerializer(serializers.Serializer):
    """The body of every 4xx answer: a sentence for a person, a stable code for a program, and
    details by the kind of error."""

    message = serializers.CharField(help_text="What is wrong, in a sentence to show a person.")
    code = serializers.CharField(
        help_text="Stable and machine-readable, e.g. `required`, `invalid`, `does_not_exist`, "
        "`not_authenticated`, `permission_denied`, `not_found`, `duplicate_phone`, "
        "`already_resolved`, `idempotency_key_reused`, `used`, `expired`, `throttled`."
    )
    extra = ErrorExtraField()


def _noun(path: str) -> str:
    """``/api/v1/check-ins/{id}/cancel/`` → ``check in``: what the path's id names."""
    collection = path.split("/{", 1)[0].rstrip("/").rsplit("/", 1)[-1]
    return collection.replace("-", " ").removesuffix("s")


class ApiSchema(AutoSchema):
    """The schema of every operation: the ``Idempotency-Key`` header on the writes that honour
    it (``api/idempotency.py``), the error answers each operation can give, all with the one
    ``Error`` body, no security requirement where nothing is checked, and the examples of
    ``api/examples.py``."""

    def get_override_parameters(self) -> list:
        parameters = list(super().get_override_parameters())
        if self.method in WRITES and isinstance(self.view, IdempotentWritesMixin):
            parameters.append(IDEMPOTENCY_KEY)
        return parameters

    def get_examples(self) -> list[OpenApiExample]:
        return [*super().get_examples(), *EXAMPLES.get(self.get_operation_id(), ())]

    def get_operation(
        self,
        path: str,
        path_regex: str,
        path_prefix: str,
        method: str,
        registry: ComponentRegistry,
    ) -> dict[str, Any] | None:
        operation = super().get_operation(path, path_regex, path_prefix, method, registry)
        if operation is None:
            return None
        if not self._authenticated():
            # Open to anyone: OpenAPI's way to say no credentials are needed (not "optional").
            operation["security"] = []
        error = self.resolve_serializer(ErrorSerializer(), "response").ref
        responses = operation["responses"]
        for code, description in self._errors(operation).items():
            documented = responses.setdefault(code, {"description": description})
            documented.setdefault("content", {"application/json": {"schema": error}})
        operation["responses"] = dict(sorted(responses.items()))
        return operation

    def _authenticated(self) -> bool:
        permissions = self.view.get_permissions()
        return bool(self.view.get_authenticators()) and not all(
            isinstance(permission, AllowAny) for permission in permissions
        )

    def _errors(self, operation: dict[str, Any]) -> dict[str, str]:
        """The 4xx answers this operation can give, by what the view is: its method, path
        parameters, filters, permissions, throttles and idempotency."""
        errors: dict[str, str] = {}
        write = self.method in WRITES
        idempotent = write and isinstance(self.view, IdempotentWritesMixin)
        filters = [
            parameter["name"]
            for parameter in operation.get("parameters", [])
            if parameter["in"] == "query" and parameter["name"] not in PAGE_PARAMETERS
        ]
        if write:
            errors["400"] = "Bad input: `extra.fields` names each bad field and what is wrong."
            if idempotent:
                errors["400"] += " Also a malformed `Idempotency-Key`."
        elif filters:
            errors["400"] = (
                "A bad filter value: `extra.fields` names the parameter and what it takes."
            )
        if self._authenticated():
            errors["401"] = (
                "No credentials, or a token or key that is wrong, expired or revoked "
                "(`not_authenticated`, `authentication_failed`)."
            )
            errors["403"] = self._forbidden()
        if "{" in self.path:
            errors["404"] = f"No such {_noun(self.path)}, or not one of your clinic's."
        elif self._is_list_view() and "page" in [
            parameter["name"] for parameter in operation.get("parameters", [])
        ]:
            errors["404"] = "No such page."
        if idempotent:
            errors["409"] = (
                "Conflicts with what is stored (`duplicate_phone`, `duplicate_external_id`, "
                "`already_resolved`, `not_cancellable`, …), or a request with the same "
                "`Idempotency-Key` is still running (`idempotency_key_in_progress`): retry."
            )
            errors["422"] = (
                "The `Idempotency-Key` was sent before with another method, path or body "
                "(`idempotency_key_reused`)."
            )
        if "{token}" in self.path and not self._authenticated():  # a patient's check-in link
            errors["410"] = "The check-in was already answered (`used`) or expired (`expired`)."
        if self.view.get_throttles():
            errors["429"] = "Too many requests: `extra.retry_after_seconds` says when to try again."
        return errors

    def _forbidden(self) -> str:
        permissions = self.view.get_permissions()
        unsafe = self.method not in SAFE_METHODS
        if unsafe and any(isinstance(p, IsClinicAdminInPersonOrReadOnly) for p in permissions):
            return (
                "Not a clinician of a clinic, or not a clinic admin signed in themselves "
                "(an integration key cannot do this)."
            )
        if unsafe and any(isinstance(p, IsClinicAdminOrReadOnly) for p in permissions):
            return "Not a clinician of a clinic, or not a clinic admin."
        return "Signed in, but not as a clinician of a clinic."
