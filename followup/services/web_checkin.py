"""The web check-in: what a token may see, and submitting the whole form at once."""

from collections.abc import Mapping
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from followup import rules
from followup.errors import Gone, NotFound, ValidationError
from followup.instruments import (
    InstrumentError,
    get_instrument,
    score,
    validate_answers,
    validate_difficulty,
)
from followup.models import CheckIn, Response
from followup.safety import rules_fired
from followup.services.responses import previous_complete_total
from followup.tokens import read_token

OPEN = (CheckIn.Status.SENT, CheckIn.Status.IN_PROGRESS)


@dataclass(frozen=True)
class Submitted:
    check_in: CheckIn
    responses: list[Response]
    crisis: bool
    clinician_told: bool = False


def check_in_for_token(token: str, *, lock: bool = False) -> CheckIn:
    """The open check-in a token names: 404 for a token we never made, 410 once it is used,
    expired or cancelled."""
    check_in_id = read_token(token)
    queryset = CheckIn.objects.select_related("patient__clinic")
    if lock:
        queryset = queryset.select_for_update(of=("self",))
    check_in = queryset.filter(pk=check_in_id).first() if check_in_id else None
    if check_in is None:
        raise NotFound("This check-in link is not valid.", code="invalid_token")
    if check_in.status == CheckIn.Status.COMPLETED:
        raise Gone("This check-in has already been answered. Thank you.", code="used")
    expired = check_in.expires_at is not None and check_in.expires_at <= timezone.now()
    if check_in.status not in OPEN or expired:
        raise Gone("This check-in link has expired.", code="expired")
    return check_in


def answers_so_far(check_in: CheckIn) -> dict[str, list[int | None]]:
    stored = {r.instrument: r.answers for r in check_in.responses.all()}
    return {
        code: stored.get(code) or [None] * get_instrument(code).item_count
        for code in check_in.instruments
    }


def checkin_submit_web(*, token: str, answers: Mapping[str, object]) -> Submitted:
    """Submit every instrument of the check-in. All or nothing: a bad answer anywhere writes
    nothing; a second submission is a 410."""
    with transaction.atomic():
        check_in = check_in_for_token(token, lock=True)
        clean = _validate(check_in, answers)
        now = timezone.now()
        responses = []
        crisis = False
        clinician_told = False
        for code in check_in.instruments:
            items, difficulty = clean[code]
            result = score(code, items)
            existing = check_in.responses.filter(instrument=code).first()
            already_item9 = bool(existing and code == "phq9" and (existing.answers[8] or 0) >= 1)
            previous = previous_complete_total(
                patient=check_in.patient,
                instrument=code,
                before=now,
                exclude=existing.pk if existing else None,
            )
            response = existing or Response(check_in=check_in, instrument=code)
            response.patient = check_in.patient
            response.answers = items
            response.difficulty = difficulty
            response.total = result.total
            response.severity = result.severity or ""
            response.complete = True
            response.channel = "web"
            response.submitted_at = now
            response.save()
            triggers = rules.response_triggers(code, items, previous)
            crisis = crisis or any(t.reason == rules.SUICIDAL_IDEATION for t in triggers)
            if already_item9:  # raised when it was answered by SMS; do not page twice
                triggers = [t for t in triggers if t.reason != rules.SUICIDAL_IDEATION]
            fired = rules_fired(
                patient=check_in.patient, triggers=triggers, source="web", response=response
            )
            clinician_told = clinician_told or any(
                event.paged for event in fired if event.trigger.reason in rules.CRISIS_REASONS
            )
            responses.append(response)
        check_in.status = CheckIn.Status.COMPLETED
        check_in.completed_at = now
        check_in.current_instrument = ""
        check_in.current_item = None
        check_in.save()
    return Submitted(
        check_in=check_in, responses=responses, crisis=crisis, clinician_told=clinician_told
    )


def _validate(
    check_in: CheckIn, answers: Mapping[str, object]
) -> dict[str, tuple[list[int], int | None]]:
    if not isinstance(answers, Mapping):
        raise ValidationError("answers must be an object keyed by instrument.", field="answers")
    allowed = set(check_in.instruments) | {f"{code}_difficulty" for code in check_in.instruments}
    unknown = sorted(set(answers) - allowed)
    if unknown:
        raise ValidationError(
            f"This check-in does not ask {', '.join(unknown)}; it asks "
            f"{', '.join(check_in.instruments)}.",
            field=f"answers.{unknown[0]}",
            code="unknown_instrument",
        )
    clean = {}
    for code in check_in.instruments:
        if code not in answers:
            raise ValidationError(
                f"Answers for {get_instrument(code).name} are missing.",
                field=f"answers.{code}",
                code="missing",
            )
        try:
            items = validate_answers(code, answers[code])
            difficulty = validate_difficulty(answers.get(f"{code}_difficulty"))
        except InstrumentError as exc:
            raise ValidationError(
                exc.message, field=_field(code, exc.field), code=exc.code, **exc.extra
            ) from None
        clean[code] = (items, difficulty)
    return clean


def _field(code: str, field: str | None) -> str:
    """``answers[2]`` of one instrument as ``answers.phq9[2]`` of the whole submission."""
    if field and field.startswith("answers"):
        return f"answers.{code}{field.removeprefix('answers')}"
    if field == "difficulty":
        return f"answers.{code}_difficulty"
    return f"answers.{code}"


def checkin_save_partial_web(*, token: str, answers: Mapping[str, list[object]]) -> Submitted:
    """Keep what an incomplete form did answer, as partial responses, so that PHQ-9 item 9
    answered 1-3 raises its flag at once even if the patient never finishes (CLINICAL.md).
    Values that are not valid answers are left out; the form shows what is missing."""
    with transaction.atomic():
        check_in = check_in_for_token(token, lock=True)
        crisis = clinician_told = False
        responses = []
        for code in check_in.instruments:
            given = list(answers.get(code) or [])
            instrument = get_instrument(code)
            values = [v if v in (0, 1, 2, 3) and not isinstance(v, bool) else None for v in given]
            values = (values + [None] * instrument.item_count)[: instrument.item_count]
            if all(v is None for v in values):
                continue
            response, _ = Response.objects.get_or_create(
                check_in=check_in,
                instrument=code,
                defaults={"patient": check_in.patient, "answers": [None] * len(values)},
            )
            if response.complete:
                continue
            before = list(response.answers)
            merged = [
                new if new is not None else old for new, old in zip(values, before, strict=True)
            ]
            response.answers = merged
            response.channel = "web"
            response.save(update_fields=["answers", "channel", "updated_at"])
            responses.append(response)
            triggers = [
                trigger
                for number, (old, new) in enumerate(zip(before, merged, strict=True), start=1)
                if new is not None and new != old
                for trigger in rules.answer_triggers(code, number, new)
            ]
            fired = rules_fired(
                patient=check_in.patient, triggers=triggers, source="web", response=response
            )
            crisis = crisis or any(
                (r.answers[rules.SUICIDAL_IDEATION_ITEM - 1] or 0) >= 1
                for r in [response]
                if code == "phq9"
            )
            clinician_told = clinician_told or any(event.paged for event in fired)
        if responses and check_in.status == CheckIn.Status.SENT:
            check_in.status = CheckIn.Status.IN_PROGRESS
            check_in.save(update_fields=["status", "updated_at"])
    return Submitted(
        check_in=check_in, responses=responses, crisis=crisis, clinician_told=clinician_told
    )
