import datetime as dt
from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone

from followup.clinical import rules
from followup.clinical.instruments import score, validate_answers, validate_difficulty
from followup.errors import Conflict
from followup.models import CheckIn, Flag, Patient, Response
from followup.services.safety import triggers_fire


def previous_complete_total(
    *, patient: Patient, instrument: str, before: dt.datetime, exclude: int | None = None
) -> int | None:
    """The patient's last complete total on ``instrument`` before ``before`` (CLINICAL.md,
    reliable deterioration compares against it)."""
    return (
        Response.objects.filter(
            patient=patient, instrument=instrument, complete=True, submitted_at__lt=before
        )
        .exclude(pk=exclude)  # type: ignore[misc]  # None excludes nothing
        .order_by("-submitted_at", "-id")
        .values_list("total", flat=True)
        .first()
    )


def baseline_total(
    *, patient: Patient, instrument: str, before: dt.datetime, exclude: int | None = None
) -> int | None:
    """The patient's baseline on ``instrument`` (CLINICAL.md, reliable deterioration): their
    last complete total before their first treatment session (an enrolment check-in, say),
    else their first complete total. Only scores before ``before`` count; prorated totals never
    do (they are not complete)."""
    complete = (
        Response.objects.filter(
            patient=patient, instrument=instrument, complete=True, submitted_at__lt=before
        )
        .exclude(pk=exclude)  # type: ignore[misc]  # None excludes nothing
        .values_list("total", flat=True)
    )
    first_session_at = (
        patient.sessions.order_by("occurred_at").values_list("occurred_at", flat=True).first()
    )
    if first_session_at is not None:
        # At or before, as followup.clinical.progress counts a baseline as pre-treatment.
        pre_treatment = (
            complete.filter(submitted_at__lte=first_session_at)
            .order_by("-submitted_at", "-id")
            .first()
        )
        if pre_treatment is not None:
            return pre_treatment
    return complete.order_by("submitted_at", "id").first()


def deterioration_references(
    *, patient: Patient, instrument: str, before: dt.datetime, exclude: int | None = None
) -> tuple[int | None, int | None]:
    """``(previous, baseline)``: the two totals a new complete total is compared with."""
    return (
        previous_complete_total(
            patient=patient, instrument=instrument, before=before, exclude=exclude
        ),
        baseline_total(patient=patient, instrument=instrument, before=before, exclude=exclude),
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
        previous, baseline = deterioration_references(
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
        fired = triggers_fire(
            patient=patient,
            triggers=rules.response_triggers(instrument, clean, previous, baseline),
            source=channel,
            response=response,
        )
    return response, [event.flag for event in fired]


def response_finalise(*, response: Response) -> list[Flag]:
    """A response whose check-in has closed (expired) with items unanswered is final: a total
    when every item is answered after all, a prorated one when few enough are missing
    (CLINICAL.md, partial questionnaires), else it stays partial, without a total.

    Its time is that of its last answer. Item 9 and the answered sum were judged as the answers
    arrived; a total found now is judged now: in full when complete, and for severity only when
    prorated (deterioration is judged on complete totals only). Call inside a transaction.
    """
    if response.complete or response.prorated:
        return []
    result = score(response.instrument, response.answers, prorate=True)
    if result.total is None:
        return []
    answered_at = response.updated_at or timezone.now()
    if result.complete:
        previous, baseline = deterioration_references(
            patient=response.patient,
            instrument=response.instrument,
            before=answered_at,
            exclude=response.pk,
        )
        triggers = [
            t
            for t in rules.response_triggers(
                response.instrument, response.answers, previous, baseline
            )
            if t.reason != rules.SUICIDAL_IDEATION
        ]
    else:
        triggers = rules.prorated_triggers(response.instrument, response.answers)
    response.total = result.total
    response.severity = result.severity or ""
    response.complete = result.complete
    response.prorated = result.prorated
    response.submitted_at = answered_at
    response.save(
        update_fields=["total", "severity", "complete", "prorated", "submitted_at", "updated_at"]
    )
    fired = triggers_fire(
        patient=response.patient, triggers=triggers, source=response.channel, response=response
    )
    return [event.flag for event in fired]
