import secrets

from django.db import IntegrityError, transaction
from django.utils import timezone

from followup.models import Flag, FlagEvent, Patient, Response
from followup.rules import Trigger

# No 0/O or 1/I/L: a clinician reads the code off a page and types it back in "ACK <code>".
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 5
UNRESOLVED = (Flag.Status.OPEN, Flag.Status.ACKNOWLEDGED)


def new_flag_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def flag_raise(
    *, patient: Patient, trigger: Trigger, response: Response | None = None
) -> tuple[Flag, bool]:
    """Raise the flag of ``trigger`` for ``patient``, or add the trigger to the unresolved flag
    of the same reason (CLINICAL.md: one open flag per patient and reason, never a silent
    duplicate). Returns the flag and whether it is new.
    """
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
                    .filter(patient=patient, reason=trigger.reason, status__in=UNRESOLVED)
                    .first()
                )
                if existing is not None:
                    existing.evidence = [*existing.evidence, evidence]
                    existing.save(update_fields=["evidence"])
                    FlagEvent.objects.create(flag=existing, kind="trigger_added", detail=evidence)
                    return existing, False
                policy = patient.clinic.escalation_policy
                flag = Flag.objects.create(
                    clinic=patient.clinic,
                    patient=patient,
                    response=response,
                    code=new_flag_code(),
                    reason=trigger.reason,
                    priority=trigger.priority,
                    evidence=[evidence],
                    policy_snapshot={
                        "levels": policy.levels,
                        "repeat_every_seconds": policy.repeat_every_seconds,
                        "fallback_phones": policy.fallback_phones,
                    },
                )
                FlagEvent.objects.create(flag=flag, kind="raised", detail=evidence)
                return flag, True
        except IntegrityError:
            # Another writer raised the same flag (or took the code) at this very moment: look
            # again, and find theirs.
            continue
    raise RuntimeError("could not raise a flag after 5 attempts")
