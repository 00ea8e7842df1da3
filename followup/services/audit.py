"""The audit log: every view of or change to patient data, with who, when and from where.

The web layer puts the caller's address in a context variable (``caller_address_set``) so that
services can record it without knowing about requests.

The log is append-only and hash-chained (``followup/models/audit.py``): each row's
``content_hash`` is computed here from what it records, and the database links it to the row
before. On PostgreSQL a trigger sets the links under an advisory lock, inside the INSERT itself
(a bulk import's thousands of events stay one statement); elsewhere (SQLite, whose write
transactions already run one at a time) they are set here. ``audit_chain_verify`` walks the chain.
"""

import contextvars
import datetime as dt
import hashlib
import ipaddress
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db import connection, models, transaction

from followup.models import AuditEvent, Clinic, Patient
from followup.models.audit import GENESIS_HASH

_client_ip: contextvars.ContextVar[str | None] = contextvars.ContextVar("client_ip", default=None)


def caller_address_set(address: str | None) -> contextvars.Token[str | None]:
    """The caller's address for what is recorded until ``caller_address_reset``: the web sets it
    for each request (``followup.web.middleware.AuditMiddleware``)."""
    return _client_ip.set(address)


def caller_address_reset(token: contextvars.Token[str | None]) -> None:
    _client_ip.reset(token)


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
    _append([event])
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
    clinic_id: int | None
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
        object_type=(obj._meta.model_name or "") if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        patient_id=patient.pk if patient is not None else None,
        ip_address=_client_ip.get(),
        detail=detail or {},
    )


def audit_record_many(events: list[AuditEvent]) -> list[AuditEvent]:
    """Events made by ``audit_event``, written in one statement (a bulk import)."""
    return _append(events)


# The chain ---------------------------------------------------------------------------------


def content_hash(event: AuditEvent) -> str:
    """SHA-256 of what the row records, in a form that reads back the same from the database
    (JSON with sorted keys; the time in UTC to the microsecond; the address as Python writes
    it)."""
    at = event.at.astimezone(dt.UTC).isoformat(timespec="microseconds")
    ip = str(ipaddress.ip_address(event.ip_address)) if event.ip_address else None
    content = {
        "action": event.action,
        "actor": event.actor_id,
        "at": at,
        "clinic": event.clinic_id,
        # Through JSON once: keys become strings, tuples lists, as the database gives them back.
        "detail": json.loads(json.dumps(event.detail)),
        "ip": ip,
        "object_id": event.object_id,
        "object_type": event.object_type,
        "patient": event.patient_id,
    }
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(canonical.encode()).hexdigest()


def link_hash(prev_hash: str, content: str) -> str:
    """The row's own hash: what it records, after the hash of the row before it."""
    return hashlib.sha256((prev_hash + content).encode()).hexdigest()


def _append(events: list[AuditEvent]) -> list[AuditEvent]:
    for event in events:
        event.content_hash = content_hash(event)
    if connection.vendor == "postgresql":
        # The trigger sets seq, prev_hash and hash in the INSERT, one statement.
        return AuditEvent.objects.bulk_create(events)
    # SQLite: the read of the last row and the insert in one transaction (its write lock is taken
    # at BEGIN: IMMEDIATE transactions); no savepoint inside a transaction already open.
    with transaction.atomic(savepoint=False):
        last = AuditEvent.objects.order_by("-seq").values_list("seq", "hash").first()
        seq, prev = last or (0, GENESIS_HASH)
        for event in events:
            seq += 1
            event.seq, event.prev_hash = seq, prev
            event.hash = prev = link_hash(prev, event.content_hash)
        return AuditEvent.objects.bulk_create(events)


@dataclass(frozen=True)
class BrokenLink:
    seq: int
    event_id: int
    reason: str


@dataclass(frozen=True)
class ChainReport:
    rows: int
    broken: BrokenLink | None


def _rows() -> Iterator[AuditEvent]:
    return AuditEvent.objects.order_by("seq").iterator(chunk_size=2000)


def audit_chain_verify(rows: Iterable[AuditEvent] | None = None) -> ChainReport:
    """Walks the chain from its first row; the first row whose content, position or links do
    not hold is the broken link (a row changed, removed, or put in)."""
    expected_prev, expected_seq, count = GENESIS_HASH, 1, 0
    for event in _rows() if rows is None else rows:
        count += 1
        reason = ""
        if event.seq != expected_seq:
            reason = f"expected position {expected_seq}: a row is missing or was put in"
        elif event.prev_hash != expected_prev:
            reason = "its link to the row before does not match that row's hash"
        elif event.content_hash != content_hash(event):
            reason = "its content does not match its content hash: the row was changed"
        elif event.hash != link_hash(event.prev_hash, event.content_hash):
            reason = "its hash does not match its content and link"
        if reason:
            return ChainReport(rows=count, broken=BrokenLink(event.seq, event.pk, reason))
        expected_prev, expected_seq = event.hash, expected_seq + 1
    return ChainReport(rows=count, broken=None)
