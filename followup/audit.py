"""The audit log: every view of or change to patient data, with who, when and from where.

The web layer puts the caller's address in a context variable (``AuditMiddleware``) so that
services can record it without knowing about requests.
"""

import contextvars
from collections.abc import Callable
from typing import Any

from django.db import models
from django.http import HttpRequest, HttpResponse

from followup.models import AuditEvent, Clinic, Patient

_client_ip: contextvars.ContextVar[str | None] = contextvars.ContextVar("client_ip", default=None)


def audit_record(
    *,
    actor: Any,
    action: str,
    obj: models.Model | None = None,
    patient: Patient | None = None,
    clinic: Clinic | None = None,
    detail: dict | None = None,
) -> AuditEvent:
    event = audit_event(
        actor=actor, action=action, obj=obj, patient=patient, clinic=clinic, detail=detail
    )
    event.save(force_insert=True)
    return event


def audit_event(
    *,
    actor: Any,
    action: str,
    obj: models.Model | None = None,
    patient: Patient | None = None,
    clinic: Clinic | None = None,
    detail: dict | None = None,
) -> AuditEvent:
    """The event ``audit_record`` writes, not yet saved: for ``audit_record_many``."""
    if patient is None and isinstance(obj, Patient):
        patient = obj
    if clinic is not None:
        clinic_id = clinic.pk
    elif patient is not None:
        clinic_id = patient.clinic_id
    else:
        clinic_id = getattr(actor, "clinic_id", None)
    # By id: no query for a relation not loaded, and no instance checks per relation, which a
    # bulk import of thousands would notice.
    return AuditEvent(
        clinic_id=clinic_id,
        actor_id=getattr(actor, "pk", None),
        action=action,
        object_type=obj._meta.model_name if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        patient_id=patient.pk if patient is not None else None,
        ip_address=_client_ip.get(),
        detail=detail or {},
    )


def audit_record_many(events: list[AuditEvent]) -> list[AuditEvent]:
    """Events made by ``audit_event``, written in one statement (a bulk import)."""
    return AuditEvent.objects.bulk_create(events)


class AuditMiddleware:
    """Makes the caller's address available to ``audit_record`` for this request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _client_ip.set(request.META.get("REMOTE_ADDR"))
        try:
            return self.get_response(request)
        finally:
            _client_ip.reset(token)
