from collections.abc import Sequence
from itertools import pairwise
from typing import Any

from django.db import transaction

from followup.clinical.instruments import INSTRUMENTS
from followup.errors import ValidationError
from followup.models import Clinic, Clinician, FollowUpPlan
from followup.services.audit import audit_record

MAX_STEPS = 24
MAX_OFFSET_HOURS = 365 * 24


def plan_update(
    *,
    clinic: Clinic,
    steps: Sequence[dict],
    reminder_after_hours: int,
    expire_after_hours: int,
    enrolment_check_in: bool | None = None,
    actor: Clinician | None = None,
) -> FollowUpPlan:
    """Replace the clinic's follow-up plan. Sessions recorded from now on follow it, and
    patients enrolled from now on get (or not) the check-in at enrolment; ``None`` keeps that
    setting as it is."""
    clean = _clean_steps(steps)
    if enrolment_check_in is not None and not isinstance(enrolment_check_in, bool):
        raise ValidationError(
            "enrolment_check_in must be true or false.", field="enrolment_check_in"
        )
    if not 1 <= expire_after_hours <= 14 * 24:
        raise ValidationError(
            "expire_after_hours must be between 1 and 336 (14 days).", field="expire_after_hours"
        )
    if not 1 <= reminder_after_hours < expire_after_hours:
        raise ValidationError(
            "reminder_after_hours must be at least 1 and less than expire_after_hours.",
            field="reminder_after_hours",
        )
    with transaction.atomic():
        plan = FollowUpPlan.objects.select_for_update().get(clinic=clinic)
        plan.steps = clean
        plan.reminder_after_hours = reminder_after_hours
        plan.expire_after_hours = expire_after_hours
        if enrolment_check_in is not None:
            plan.enrolment_check_in = enrolment_check_in
        plan.save()
        audit_record(actor=actor, action="follow_up_plan.update", obj=plan, clinic=clinic)
    return plan


def _clean_steps(steps: Sequence[dict]) -> list[dict]:
    if not steps:
        raise ValidationError("A plan needs at least one step.", field="steps")
    if len(steps) > MAX_STEPS:
        raise ValidationError(f"A plan has at most {MAX_STEPS} steps.", field="steps")
    clean: list[dict[str, Any]] = []
    for number, step in enumerate(steps, start=1):
        offset = step.get("offset_hours")
        if isinstance(offset, bool) or not isinstance(offset, int):
            raise ValidationError(
                f"Step {number}: offset_hours must be a whole number.", field="steps"
            )
        if not 1 <= offset <= MAX_OFFSET_HOURS:
            raise ValidationError(
                f"Step {number}: offset_hours must be between 1 and {MAX_OFFSET_HOURS}.",
                field="steps",
            )
        instruments = step.get("instruments")
        if not isinstance(instruments, list) or not instruments:
            raise ValidationError(
                f"Step {number}: instruments must list at least one of {', '.join(INSTRUMENTS)}.",
                field="steps",
            )
        unknown = [code for code in instruments if code not in INSTRUMENTS]
        if unknown or len(set(instruments)) != len(instruments):
            raise ValidationError(
                f"Step {number}: instruments must be distinct codes from {', '.join(INSTRUMENTS)}.",
                field="steps",
            )
        clean.append({"offset_hours": offset, "instruments": list(instruments)})
    clean.sort(key=lambda step: step["offset_hours"])
    for before, after in pairwise(clean):
        # Never two check-ins on one day; and the scales ask about two weeks, so closer steps
        # would blur that window (CLINICAL.md, schedule).
        if after["offset_hours"] - before["offset_hours"] < 24:
            raise ValidationError(
                "Steps must be at least 24 hours apart: a patient gets at most one check-in a day.",
                field="steps",
            )
    return clean
