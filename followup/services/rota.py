import datetime as dt
from dataclasses import dataclass

from django.db import transaction

from followup.clinical.phones import normalize_phone
from followup.errors import ValidationError
from followup.models import Clinic, Clinician, EscalationPolicy, OnCallShift
from followup.services.audit import audit_record

MAX_SHIFT = dt.timedelta(days=14)


def shift_create(
    *,
    clinic: Clinic,
    clinician: Clinician,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    level: int = 1,
    actor: Clinician | None = None,
) -> OnCallShift:
    if ends_at <= starts_at:
        raise ValidationError("ends_at must be after starts_at.", field="ends_at")
    if ends_at - starts_at > MAX_SHIFT:
        raise ValidationError("A shift lasts at most 14 days.", field="ends_at")
    if not clinician.phone:
        raise ValidationError(
            "This clinician has no phone number, so cannot be paged.", field="clinician"
        )
    with transaction.atomic():
        shift = OnCallShift.objects.create(
            clinic=clinic, clinician=clinician, starts_at=starts_at, ends_at=ends_at, level=level
        )
        audit_record(actor=actor, action="shift.create", obj=shift, clinic=clinic)
    return shift


def shift_extend(
    *,
    clinic: Clinic,
    clinician: Clinician,
    level: int,
    until: dt.datetime,
    now: dt.datetime,
    actor: Clinician | None = None,
) -> OnCallShift | None:
    """Keep ``clinician`` on call at ``level`` from ``now`` until at least ``until``: the shift
    that covers ``now`` is lengthened (while it stays within ``MAX_SHIFT``), else a new shift
    starts where the cover ends. Idempotent: with cover until ``until`` already, nothing
    changes. Returns the shift lengthened or made, or None."""
    if not clinician.phone:
        raise ValidationError(
            "This clinician has no phone number, so cannot be paged.", field="clinician"
        )
    with transaction.atomic():
        shifts = list(
            OnCallShift.objects.select_for_update()
            .filter(
                clinic=clinic,
                clinician=clinician,
                level=level,
                ends_at__gt=now,
                starts_at__lt=until,
            )
            .order_by("starts_at", "id")
        )
        cursor, last = now, None
        for shift in shifts:
            if shift.starts_at > cursor:
                break
            if shift.ends_at >= cursor:
                cursor, last = shift.ends_at, shift
        if cursor >= until:
            return None
        if last is not None and until - last.starts_at <= MAX_SHIFT:
            detail = {**_shift_detail(last), "extended_to": until.isoformat()}
            last.ends_at = until
            last.save(update_fields=["ends_at"])
            audit_record(actor=actor, action="shift.extend", obj=last, clinic=clinic, detail=detail)
            return last
        return shift_create(
            clinic=clinic,
            clinician=clinician,
            starts_at=cursor,
            ends_at=until,
            level=level,
            actor=actor,
        )


def policy_update(
    *,
    clinic: Clinic,
    levels: list[dict],
    repeat_every_seconds: int,
    fallback_phones: list[str],
    actor: Clinician | None = None,
) -> EscalationPolicy:
    """Replace the clinic's escalation policy. Open flags keep the policy they were raised
    under (a snapshot), so this never changes a running escalation."""
    numbers = [level["level"] for level in levels]
    if numbers != list(range(1, len(levels) + 1)):
        raise ValidationError("levels must be numbered 1, 2, 3… in order.", field="levels")
    phones = [
        normalize_phone(phone, region=clinic.country, field="fallback_phones")
        for phone in fallback_phones
    ]
    clean = [
        {
            "level": level["level"],
            "timeout_seconds": level["timeout_seconds"],
            "channels": list(dict.fromkeys(level["channels"])),
        }
        for level in levels
    ]
    with transaction.atomic():
        policy = EscalationPolicy.objects.select_for_update().get(clinic=clinic)
        policy.levels = clean
        policy.repeat_every_seconds = repeat_every_seconds
        policy.fallback_phones = phones
        policy.save()
        audit_record(actor=actor, action="escalation_policy.update", obj=policy, clinic=clinic)
    return policy


def _shift_detail(shift: OnCallShift) -> dict:
    return {
        "clinician": shift.clinician_id,
        "level": shift.level,
        "starts_at": shift.starts_at.isoformat(),
        "ends_at": shift.ends_at.isoformat(),
    }


def shift_end(
    *, shift: OnCallShift, now: dt.datetime, actor: Clinician | None = None
) -> OnCallShift:
    """End a shift in progress at ``now``. The rota is read afresh for every page, so the next
    page of any open flag goes to whoever is on call after it."""
    with transaction.atomic():
        shift = OnCallShift.objects.select_for_update().get(pk=shift.pk)
        if shift.ends_at <= now:
            raise ValidationError("This shift is over already.", field="shift", code="shift_over")
        if shift.starts_at >= now:
            raise ValidationError(
                "This shift has not started: cancel it instead.", field="shift", code="not_started"
            )
        detail = {**_shift_detail(shift), "ended_at": now.isoformat()}
        shift.ends_at = now
        shift.save(update_fields=["ends_at"])
        audit_record(actor=actor, action="shift.end", obj=shift, clinic=shift.clinic, detail=detail)
    return shift


def shift_cancel(*, shift: OnCallShift, now: dt.datetime, actor: Clinician | None = None) -> None:
    """Cancel a shift that has not started: the row goes, the audit event keeps what it was."""
    with transaction.atomic():
        shift = OnCallShift.objects.select_for_update().get(pk=shift.pk)
        if shift.starts_at < now:
            raise ValidationError(
                "This shift has started: end it instead.", field="shift", code="started"
            )
        audit_record(
            actor=actor,
            action="shift.cancel",
            obj=shift,
            clinic=shift.clinic,
            detail=_shift_detail(shift),
        )
        shift.delete()


# Reading the rota ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Gap:
    """A stretch with nobody to page at ``level``: its pages go to the admins and fallback
    phones instead (``escalation._targets``)."""

    level: int
    starts_at: dt.datetime
    ends_at: dt.datetime
    from_start: bool  # the gap is already open at ``start``
    to_end: bool  # and lasts at least until ``end``


def shift_pageable(shift: OnCallShift) -> bool:
    """Whether the shift's clinician can be paged, as ``escalation._targets`` reads the rota:
    an active clinician with a phone number."""
    return shift.clinician.is_active and bool(shift.clinician.phone)


def coverage_gaps(
    shifts: list[OnCallShift], *, level: int, start: dt.datetime, end: dt.datetime
) -> list[Gap]:
    """The stretches of [start, end) when no pageable clinician of ``shifts`` is on call at
    ``level``. Shifts that meet (one ends at 08:00, the next starts at 08:00) leave no gap."""
    covered = sorted(
        (max(s.starts_at, start), min(s.ends_at, end))
        for s in shifts
        if s.level == level and s.ends_at > start and s.starts_at < end and shift_pageable(s)
    )
    spans, cursor = [], start
    for begins, ends in covered:
        if begins > cursor:
            spans.append((cursor, begins))
        cursor = max(cursor, ends)
    if cursor < end:
        spans.append((cursor, end))
    return [Gap(level, a, b, from_start=a == start, to_end=b == end) for a, b in spans]
