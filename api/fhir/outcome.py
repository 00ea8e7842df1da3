"""FHIR's envelope: OperationOutcome for every error, Bundle for every list, and the
``application/fhir+json`` media type (plain ``application/json`` is taken and given too)."""

from collections.abc import Iterable
from typing import Any

from django.utils import timezone
from fhir.resources.R4B.bundle import Bundle, BundleEntry, BundleEntrySearch, BundleLink
from fhir.resources.R4B.operationoutcome import OperationOutcome, OperationOutcomeIssue
from fhir.resources.R4B.resource import Resource
from rest_framework.parsers import JSONParser
from rest_framework.renderers import JSONRenderer

from api.fhir.codes import FHIR_JSON

# FHIR's issue type for an HTTP status (the error's meaning, not its wording).
ISSUE_TYPES = {
    400: "invalid",
    401: "login",
    403: "forbidden",
    404: "not-found",
    405: "not-supported",
    406: "not-supported",
    409: "conflict",
    410: "deleted",
    415: "not-supported",
    422: "business-rule",
    429: "throttled",
}


class FhirJSONRenderer(JSONRenderer):
    media_type = FHIR_JSON
    format = "fhir"


class FhirJSONParser(JSONParser):
    media_type = FHIR_JSON


def operation_outcome(
    status_code: int, message: str, fields: dict[str, list[str]] | None = None
) -> OperationOutcome:
    """An error as FHIR says it: one issue per field at fault (its FHIR path as the
    expression), else one issue with the message."""
    code = ISSUE_TYPES.get(status_code, "processing" if status_code < 500 else "exception")
    issues = [
        OperationOutcomeIssue(
            severity="error",
            code=code,
            diagnostics=" ".join(messages),
            expression=[field] if field else None,
        )
        for field, messages in (fields or {}).items()
        if messages
    ]
    if not issues:
        issues = [OperationOutcomeIssue(severity="error", code=code, diagnostics=message)]
    return OperationOutcome(issue=issues)


def dump(resource: Resource) -> dict[str, Any]:
    """The resource as FHIR JSON (``class`` and not ``class_fhir``, no empty elements)."""
    return resource.model_dump(mode="json", by_alias=True, exclude_none=True)


def searchset(
    resources: Iterable[tuple[str, Resource]], *, self_url: str, include: Iterable[str] = ()
) -> Bundle:
    """A searchset Bundle of (fullUrl, resource); a resource type in ``include`` is marked
    as included rather than matched."""
    entries = [
        BundleEntry(
            fullUrl=url,
            resource=resource,
            search=BundleEntrySearch(
                mode="include" if resource.get_resource_type() in include else "match"
            ),
        )
        for url, resource in resources
    ]
    matches = sum(1 for entry in entries if entry.search and entry.search.mode == "match")
    return Bundle(
        type="searchset",
        timestamp=timezone.now(),
        total=matches,
        link=[BundleLink(relation="self", url=self_url)],
        entry=entries or None,
    )
