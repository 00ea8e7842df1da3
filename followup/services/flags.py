"""Flags: raised by a fired rule, acknowledged (paging stops) and resolved with a note."""

import datetime as dt
import secrets
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from followup.clinical.rules import Trigger
from followup.errors import Conflict, ValidationError
from followup.models import (
    Clinic,
    Clinician,
    EscalationStep,
    Flag,
    FlagEvent,
    OutboundMessage,
    Patient,
    Response,
)
from followup.services.audit import audit_record

# No 0/O or 1/I/L: a clinician reads the code off a page and types it back in "ACK <code>".
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 5


@dataclass(frozen=True)
class Fired:
    """A rule that fired for a flag: raised (``created``) or added to the open one."""

    flag: Flag
    trigger: Trigger
    created: bool
    source: str  # "sms", "web" or "import"
    # Whether a clinician is really being paged for it: only then may the patient be told so.
    paged: bool = False


def flag_code_new() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def flag_raise(
    *,
    patient: Patient | None,
    trigger: Trigger,
    response: Response | None = None,
    clinic: Clinic | None = None,
    sender: str = "",
) -> tuple[Flag, bool]:
    """Raise the flag of ``trigger`` for ``patient``, or add the trigger to the unresolved flag
    of the same reason (CLINICAL.md: one open flag per patient and reason, never a silent
    duplicate). Returns the flag and whether it is new.

    With no patient (a text from a number that is no patient's) the flag is ``clinic``'s and
    names the ``sender``: one unresolved flag per clinic, sender and reason.
    """
    if patient is not None:
        clinic = patient.clinic
        same: dict[str, Any] = {"patient": patient}
    elif clinic is not None and sender:
        same = {"clinic": clinic, "sender": sender, "patient__isnull": True}
    else:
        raise ValueError("a flag needs a patient, or a clinic and a sender")
    evidence = {
        **trigger.detail,
        "response": response.pk if response is not None else None,
        "at": timezone.now().isoformat(),
    }
    for _ in range(5):
        try:
            with transaction.atomic():
                existing = (
                    Flag.objects.select_for_update()
                    .filter(**same, reason=trigger.reason, status__in=Flag.UNRESOLVED)
                    .first()
                )
                if existing is not None:
                    existing.evidence = [*existing.evidence, evidence]
                    existing.save(update_fields=["evidence"])
                    FlagEvent.objects.create(
                        flag=existing, kind=FlagEvent.Kind.TRIGGER_ADDED, detail=evidence
                    )
                    return existing, False
                policy = clinic.escalation_policy
                flag = Flag.objects.create(
                    clinic=clinic,
                    patient=patient,
                    sender="" if patient is not None else sender,
                    response=response,
                    code=flag_code_new(),
                    reason=trigger.reason,
                    priority=trigger.priority,
                    evidence=[evidence],
                    policy_snapshot={
                        "levels": policy.levels,
                        "repeat_every_seconds": policy.repeat_every_seconds,
                        "fallback_phones": policy.fallback_phones,
                    },
                )
                FlagEvent.objects.create(flag=flag, kind=FlagEvent.Kind.RAISED, detail=evidence)
                return flag, True
        except IntegrityError:
            # Another writer raised the same flag (or took the code) at this very moment: look
            # again, and find theirs.
            continue
    raise RuntimeError("could not raise a flag after 5 attempts")


def _stop_paging(flag: Flag, now: dt.datetime) -> None:
    """Every later page stops: pending steps and page messages not yet sent are cancelled."""
    EscalationStep.objects.filter(flag=flag, status=EscalationStep.Status.PENDING).update(
        status=EscalationStep.Status.CANCELLED, done_at=now
    )
    OutboundMessage.objects.filter(
        flag=flag, purpose=OutboundMessage.Purpose.PAGE, status=OutboundMessage.Status.PENDING
    ).update(status=OutboundMessage.Status.CANCELLED, updated_at=now)


def flag_acknowledge(*, flag: Flag, actor: Clinician | None = None, via: str) -> Flag:
    """Someone has it: paging stops. Acknowledging twice is harmless."""
    now = timezone.now()
    with transaction.atomic():
        flag = Flag.objects.select_for_update().get(pk=flag.pk)
        if flag.status != Flag.Status.OPEN:
            return flag
        flag.status = Flag.Status.ACKNOWLEDGED
        flag.acknowledged_at = now
        flag.acknowledged_by = actor if getattr(actor, "pk", None) else None
        flag.save(update_fields=["status", "acknowledged_at", "acknowledged_by"])
        _stop_paging(flag, now)
        FlagEvent.objects.create(
            flag=flag,
            kind=FlagEvent.Kind.ACKNOWLEDGED,
            actor=flag.acknowledged_by,
            detail={"via": via},
        )
        audit_record(
            actor=actor,
            action="flag.acknowledge",
            obj=flag,
            patient=flag.patient,
            clinic=flag.clinic,
            detail={"via": via},
        )
    return flag


def flag_resolve(*, flag: Flag, actor: Clinician | None, note: str) -> Flag:
    """Close a flag with a note of what was done (required); no actor: the system (a drill)."""
    note = (note or "").strip()
    if not note:
        raise ValidationError(
            "A note is required: say what was done.", field="note", code="required"
        )
    now = timezone.now()
    with transaction.atomic():
        flag = Flag.objects.select_for_update().get(pk=flag.pk)
        if flag.status == Flag.Status.RESOLVED:
            raise Conflict("This flag is already resolved.", code="already_resolved")
        if flag.status == Flag.Status.OPEN:
            flag.acknowledged_at = now
            flag.acknowledged_by = actor
        flag.status = Flag.Status.RESOLVED
        flag.resolved_at = now
        flag.resolved_by = actor
        flag.resolution_note = note
        flag.save()
        _stop_paging(flag, now)
        FlagEvent.objects.create(flag=flag, kind=FlagEvent.Kind.RESOLVED, actor=actor, detail={})
        audit_record(
            actor=actor, action="flag.resolve", obj=flag, patient=flag.patient, clinic=flag.clinic
        )
    return flag
