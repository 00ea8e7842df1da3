import datetime as dt
from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone

from followup import rules
from followup.errors import Conflict
from followup.instruments import score, validate_answers, validate_difficulty
from followup.models import CheckIn, Flag, Patient, Response
from followup.safety import rules_fired


def previous_complete_total(
    *, patient: Patient, instrument: str, before: dt.datetime, exclude: int | None = None
) -> int | None:
    """The patient's last complete total on ``instrument`` before ``before`` (CLINICAL.md,
    reliable deterioration compares against it)."""
    return (
        Response.objects.filter(
            patient=patient, instrument=instrument, complete=True, submitted_at__lt=before
        )
        .exclude(pk=exclude)
        .order_by("-submitted_at", "-id")
        .values_list("total", flat=True)
        .first()
    )


def response_record(
    *,
    patient: Patient,
    instrument: str,
    answers: Sequence[object],
    difficulty: object = None,
    channel: str,
    check_in: CheckIn | None = None,
    submitted_at: dt.datetime | None = None,
) -> tuple[Response, list[Flag]]:
    """Store one complete answer set, scored, and raise the flags its rules call for.

    Validation comes first: bad answers raise and nothing is written.
    """
    clean = validate_answers(instrument, answers)
    clean_difficulty = validate_difficulty(difficulty)
    result = score(instrument, clean)
    submitted_at = submitted_at or timezone.now()
    with transaction.atomic():
        if (
            check_in is not None
            and Response.objects.filter(check_in=check_in, instrument=instrument).exists()
        ):
            raise Conflict(
                f"{instrument} was already answered for this check-in.", code="duplicate"
            )
        previous = previous_complete_total(
            patient=patient, instrument=instrument, before=submitted_at
        )
        response = Response.objects.create(
            patient=patient,
            check_in=check_in,
            instrument=instrument,
            answers=clean,
            difficulty=clean_difficulty,
            total=result.total,
            severity=result.severity or "",
            complete=result.complete,
            channel=channel,
            submitted_at=submitted_at,
        )
        fired = rules_fired(
            patient=patient,
            triggers=rules.response_triggers(instrument, clean, previous),
            source=channel,
            response=response,
        )
    return response, [event.flag for event in fired]
