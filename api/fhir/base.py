"""What every FHIR view shares with the JSON API: its authentication, clinic scoping,
``Idempotency-Key`` on writes and audit; and what is FHIR's own: ``application/fhir+json`` and
errors as an OperationOutcome."""

from typing import Any

from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase
from fhir.resources.R4B.resource import Resource
from rest_framework.parsers import JSONParser
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from api.authentication import ClinicianRequest, SessionAuthentication, TokenAuthentication
from api.fhir.codes import FHIR_JSON
from api.fhir.outcome import FhirJSONParser, FhirJSONRenderer, dump, operation_outcome
from api.idempotency import REPLAYED_HEADER, IdempotentWritesMixin
from followup.errors import NotFound

JSON = "application/json"


class FhirView(IdempotentWritesMixin, APIView):
    authentication_classes = [TokenAuthentication, SessionAuthentication]
    renderer_classes = [FhirJSONRenderer, JSONRenderer]
    parser_classes = [FhirJSONParser, JSONParser]
    # FHIR has its own description (a CapabilityStatement); the OpenAPI schema leaves it out.
    schema = None
    request: ClinicianRequest

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        response = super().dispatch(request, *args, **kwargs)
        # A replayed answer (``Idempotency-Key``) is the first one's body, byte for byte; it
        # keeps the first one's FHIR media type unless the caller asks for plain JSON.
        if response.get(REPLAYED_HEADER) and JSON not in request.headers.get("Accept", ""):
            response["Content-Type"] = FHIR_JSON
        return response

    def handle_exception(self, exc: Exception) -> Response:
        if isinstance(exc, Http404):
            exc = NotFound("Not found in this clinic.")
        response = super().handle_exception(exc)
        data: Any = response.data
        if isinstance(data, dict) and "message" in data:
            fields = (data.get("extra") or {}).get("fields")
            response.data = dump(operation_outcome(response.status_code, data["message"], fields))
        return response

    def fhir(self, resource: Resource, status: int = 200, **headers: str) -> Response:
        return Response(dump(resource), status=status, headers=headers or None)

    def absolute(self, path: str) -> str:
        """The full URL of a resource, e.g. ``Patient/12``."""
        return self.request.build_absolute_uri(f"/api/v1/fhir/{path}")


def not_found(kind: str, ident: object) -> NotFound:
    """Unknown and another clinic's ids alike: nothing says which."""
    return NotFound(f"{kind}/{str(ident)[:64]} is not known in this clinic.")
