"""One error shape for the whole API: ``{"message", "code", "extra"}``."""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from followup.errors import DomainError


def _flatten(detail: Any, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested error detail as ``{"field.sub": ["message", …]}``."""
    if isinstance(detail, dict):
        fields: dict[str, list[str]] = {}
        for key, value in detail.items():
            name = prefix if key == "non_field_errors" else f"{prefix}.{key}" if prefix else key
            for field, messages in _flatten(value, name).items():
                fields.setdefault(field, []).extend(messages)
        return fields
    if isinstance(detail, list):
        if all(not isinstance(item, dict | list) for item in detail):
            return {prefix: [str(item) for item in detail]}
        fields = {}
        for index, item in enumerate(detail):
            for field, messages in _flatten(item, f"{prefix}[{index}]").items():
                fields.setdefault(field, []).extend(messages)
        return fields
    return {prefix: [str(detail)]}


def field_errors(detail: Any) -> dict[str, list[str]]:
    """DRF's error detail of one object as ``{"field": [...], "nested.field": [...]}``."""
    return _flatten(detail)


def _codes(detail: Any) -> list[str]:
    if isinstance(detail, dict):
        return [code for value in detail.values() for code in _codes(value)]
    if isinstance(detail, list):
        return [code for item in detail for code in _codes(item)]
    return [getattr(detail, "code", None) or "invalid"]


def exception_handler(exc: Exception, context: dict) -> Response | None:
    if isinstance(exc, DomainError):
        extra: dict[str, Any] = dict(exc.extra)
        if exc.field:
            extra["fields"] = {exc.field: [exc.message]}
        return Response(
            {"message": exc.message, "code": exc.code, "extra": extra}, status=exc.status
        )
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()

    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        fields = _flatten(exc.detail)
        message = "; ".join(
            f"{field}: {' '.join(messages)}" if field else " ".join(messages)
            for field, messages in fields.items()
        )
        codes = _codes(exc.detail)
        response.data = {
            "message": message or "Invalid input.",
            "code": codes[0] if len(set(codes)) == 1 else "invalid",
            "extra": {"fields": fields},
        }
        response.status_code = status.HTTP_400_BAD_REQUEST
        return response
    detail: Any = getattr(exc, "detail", None)
    code = detail.code if hasattr(detail, "code") else getattr(exc, "default_code", "error")
    extra = {}
    wait = getattr(exc, "wait", None)  # Throttled's (set in its __init__; not in the stubs)
    if isinstance(exc, exceptions.Throttled) and wait is not None:
        extra["retry_after_seconds"] = int(wait)
    response.data = {"message": str(detail or exc), "code": code, "extra": extra}
    return response
