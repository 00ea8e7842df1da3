"""The web check-in: what a token may see, and submitting the whole form at once."""

from collections.abc import Mapping
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from followup.clinical import rules
from followup.clinical.instruments import (
    InstrumentError,
    get_instrument,
    score,
    validate_answers,
    validate_difficulty,
)
from followup.errors import Gone, NotFound, ValidationError
from followup.models import CheckIn, Flag, OutboundMessage, Response
from followup.services.checkin_links import checkin_token_read
from followup.services.responses import deterioration_references
from followup.services.safety import triggers_fire

OPEN = (CheckIn.Status.SENT, CheckIn.Status.IN_PROGRESS)


@dataclass(frozen=True)
class Submitted:
    check_in: CheckIn
    responses: list[Response]
    crisis: bool
    clinician_told: bool = False
    complete: bool = True


def checkin_for_token(token: str, *, lock: bool = False) -> CheckIn:
    """The open check-in a token names: 404 for a token we never made, 410 once it is used,
    expired or cancelled."""
    check_in_id = checkin_token_read(token)
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
        check_in = checkin_for_token(token, lock=True)
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
            previous, baseline = deterioration_references(
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
            response.prorated = False
            response.save()
            triggers = rules.response_triggers(code, items, previous, baseline)
            crisis = crisis or any(t.reason == rules.SUICIDAL_IDEATION for t in triggers)
            if already_item9:  # raised when it was answered (SMS, a partial save): not twice
                triggers = [t for t in triggers if t.reason != rules.SUICIDAL_IDEATION]
                clinician_told = clinician_told or _clinician_told(check_in)
            fired = triggers_fire(
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
    check_in: CheckIn, answers: Mapping[str, object], *, allow_partial: bool = False
) -> dict[str, tuple[list[int | None], int | None]]:
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
            items = validate_answers(code, answers[code], allow_partial=allow_partial)
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


def checkin_answer_web(*, token: str, answers: Mapping[str, object]) -> Submitted:
    """The public API's one entry (SPEC §6): every item answered submits the check-in (all or
    nothing, once); an item left ``null`` keeps what was given as partial responses and leaves
    the link usable. Bad answers anywhere are refused and write nothing, either way."""
    with transaction.atomic():
        check_in = checkin_for_token(token, lock=True)
        clean = _validate(check_in, answers, allow_partial=True)
        if all(None not in items for items, _ in clean.values()):
            return checkin_submit_web(token=token, answers=answers)
        return _save_partial(
            check_in,
            {code: items for code, (items, _) in clean.items()},
            {code: difficulty for code, (_, difficulty) in clean.items()},
        )


def checkin_save_partial_web(*, token: str, answers: Mapping[str, list[object]]) -> Submitted:
    """Keep what an incomplete form did answer, as partial responses, so that PHQ-9 item 9
    answered 1-3 raises its flag at once even if the patient never finishes (CLINICAL.md).
    Values that are not valid answers are left out; the form shows what is missing."""
    with transaction.atomic():
        check_in = checkin_for_token(token, lock=True)
        values: dict[str, list[int | None]] = {}
        for code in check_in.instruments:
            given = list(answers.get(code) or [])
            count = get_instrument(code).item_count
            kept = [v if v in (0, 1, 2, 3) and not isinstance(v, bool) else None for v in given]
            values[code] = (kept + [None] * count)[:count]
        return _save_partial(check_in, values, {})


def _save_partial(
    check_in: CheckIn,
    values: Mapping[str, list[int | None]],
    difficulties: Mapping[str, int | None],
) -> Submitted:
    """Merge clean answers (None: not given this time) into the check-in's partial responses and
    raise what they fire at once: item 9 (CLINICAL.md) and the answered sum reaching a severe
    total. No total yet, not even a prorated one: the patient is still answering and may change
    any answer, and a total that moves while they do would mislead; the total is computed when
    the form is sent, or, prorated, when the check-in expires. Inside a transaction that holds
    the check-in's lock."""
    crisis = paged = False
    responses = []
    for code in check_in.instruments:
        given = values[code]
        difficulty = difficulties.get(code)
        if all(v is None for v in given) and difficulty is None:
            continue
        response, _ = Response.objects.get_or_create(
            check_in=check_in,
            instrument=code,
            defaults={"patient": check_in.patient, "answers": [None] * len(given)},
        )
        if response.complete:
            continue
        before = list(response.answers)
        merged = [new if new is not None else old for new, old in zip(given, before, strict=True)]
        response.answers = merged
        if difficulty is not None:
            response.difficulty = difficulty
        response.channel = "web"
        response.save(update_fields=["answers", "difficulty", "channel", "updated_at"])
        responses.append(response)
        triggers = [
            trigger
            for number, (old, new) in enumerate(zip(before, merged, strict=True), start=1)
            if new is not None and new != old
            for trigger in rules.answer_triggers(code, number, new)
        ] + rules.partial_triggers(code, merged, before)
        fired = triggers_fire(
            patient=check_in.patient, triggers=triggers, source="web", response=response
        )
        crisis = crisis or (code == "phq9" and (merged[rules.SUICIDAL_IDEATION_ITEM - 1] or 0) >= 1)
        paged = paged or any(
            event.paged for event in fired if event.trigger.reason in rules.CRISIS_REASONS
        )
    if responses and check_in.status == CheckIn.Status.SENT:
        check_in.status = CheckIn.Status.IN_PROGRESS
        check_in.save(update_fields=["status", "updated_at"])
    return Submitted(
        check_in=check_in,
        responses=responses,
        crisis=crisis,
        # Item 9 given earlier was paged then: the patient may still be told so.
        clinician_told=paged or (crisis and _clinician_told(check_in)),
        complete=False,
    )


def _clinician_told(check_in: CheckIn) -> bool:
    """Whether a clinician was really paged for the patient's unresolved suicidal-ideation flag
    (a page message queued, not cancelled or failed): only then may the patient be told that
    the on-call clinician is being told (CLINICAL.md)."""
    return (
        OutboundMessage.objects.filter(
            flag__patient=check_in.patient,
            flag__reason=rules.SUICIDAL_IDEATION,
            flag__status__in=Flag.UNRESOLVED,
            purpose=OutboundMessage.Purpose.PAGE,
        )
        .exclude(status__in=[OutboundMessage.Status.CANCELLED, OutboundMessage.Status.FAILED])
        .exists()
    )
