"""The PHQ-9 and GAD-7 as data, with their validation and scoring (CLINICAL.md, PHQ-9 and GAD-7).

Everything here is plain Python over plain data: no Django, no database. Texts are the published
wording and are shown to patients verbatim; LOINC codes are the ones CLINICAL.md lists.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

# Reading an SMS reply as an answer lives beside the instruments; imported from here too.
from followup.clinical.sms_replies import parse_answer as parse_answer
from followup.errors import DomainError

# Shown wherever the questions are (the check-in page, the API's public check-in).
PFIZER_NOTICE = (
    "PHQ-9 and GAD-7 are copyright Pfizer Inc. No permission is required to reproduce, "
    "translate, display or distribute them."
)


@dataclass(frozen=True)
class Option:
    """One answer choice; the ``value`` (0-3) is what is scored, never the LOINC answer code."""

    value: int
    label: str
    loinc: str


@dataclass(frozen=True)
class Item:
    number: int
    text: str
    loinc: str


@dataclass(frozen=True)
class Band:
    """A severity band: totals ``low`` to ``high`` inclusive."""

    low: int
    high: int
    code: str
    label: str


@dataclass(frozen=True)
class DifficultyQuestion:
    """The optional, unscored question asked after the last item (CLINICAL.md, LOINC 69722-7)."""

    text: str
    loinc: str
    options: tuple[Option, ...]


@dataclass(frozen=True)
class Instrument:
    code: str
    name: str
    stem: str
    panel_loinc: str
    total_loinc: str
    items: tuple[Item, ...]
    options: tuple[Option, ...]
    difficulty: DifficultyQuestion
    bands: tuple[Band, ...]

    @property
    def item_count(self) -> int:
        return len(self.items)

    @property
    def max_total(self) -> int:
        return self.item_count * max(option.value for option in self.options)


@dataclass(frozen=True)
class Score:
    """A scored response. A partial one has no total and no severity (CLINICAL.md), unless it
    is prorated: then ``total`` and ``severity`` are the prorated ones and ``prorated`` says so."""

    total: int | None
    severity: str | None
    complete: bool
    prorated: bool = False


# --- Errors ---------------------------------------------------------------------------------


class InstrumentError(DomainError, ValueError):
    """Refused input, with a stable ``code``, a human ``message`` and the ``field`` at fault.

    A ``DomainError``, so the API renders it in the one error shape without a special case.
    """

    code = "invalid_instrument_input"

    def __init__(
        self, message: str, *, code: str | None = None, field: str | None = None, **extra: Any
    ) -> None:
        super().__init__(message, code=code or type(self).code, field=field, **extra)


class UnknownInstrument(InstrumentError):
    code = "unknown_instrument"


class WrongItemCount(InstrumentError):
    code = "wrong_item_count"


class InvalidValue(InstrumentError):
    code = "invalid_value"


class Incomplete(InstrumentError):
    code = "incomplete"


class InvalidDifficulty(InstrumentError):
    code = "invalid_difficulty"


class InvalidTotal(InstrumentError):
    code = "invalid_total"


class UnknownItem(InstrumentError):
    code = "unknown_item"


# --- The instruments (CLINICAL.md) ----------------------------------------------------------

# Same four options, values and LOINC answer codes for every item of both scales.
FREQUENCY_OPTIONS: tuple[Option, ...] = (
    Option(0, "Not at all", "LA6568-5"),
    Option(1, "Several days", "LA6569-3"),
    Option(2, "More than half the days", "LA6570-1"),
    Option(3, "Nearly every day", "LA6571-9"),
)

# CLINICAL.md gives no LOINC answer codes for the difficulty options, so none are invented here.
DIFFICULTY = DifficultyQuestion(
    text=(
        "If you checked off any problems, how difficult have these problems made it for you to "
        "do your work, take care of things at home, or get along with other people?"
    ),
    loinc="69722-7",
    options=(
        Option(0, "Not difficult at all", ""),
        Option(1, "Somewhat difficult", ""),
        Option(2, "Very difficult", ""),
        Option(3, "Extremely difficult", ""),
    ),
)

PHQ9 = Instrument(
    code="phq9",
    name="PHQ-9",
    stem=(
        "Over the last 2 weeks, how often have you been bothered by any of the following problems?"
    ),
    panel_loinc="44249-1",
    total_loinc="44261-6",
    items=(
        Item(1, "Little interest or pleasure in doing things", "44250-9"),
        Item(2, "Feeling down, depressed, or hopeless", "44255-8"),
        Item(3, "Trouble falling or staying asleep, or sleeping too much", "44259-0"),
        Item(4, "Feeling tired or having little energy", "44254-1"),
        Item(5, "Poor appetite or overeating", "44251-7"),
        Item(
            6,
            "Feeling bad about yourself — or that you are a failure or have let yourself or "
            "your family down",
            "44258-2",
        ),
        Item(
            7,
            "Trouble concentrating on things, such as reading the newspaper or watching television",
            "44252-5",
        ),
        Item(
            8,
            "Moving or speaking so slowly that other people could have noticed. Or the opposite "
            "— being so fidgety or restless that you have been moving around a lot more than usual",
            "44253-3",
        ),
        Item(
            9,
            "Thoughts that you would be better off dead, or of hurting yourself in some way",
            "44260-8",
        ),
    ),
    options=FREQUENCY_OPTIONS,
    difficulty=DIFFICULTY,
    # Kroenke, Spitzer & Williams 2001.
    bands=(
        Band(0, 4, "minimal", "Minimal"),
        Band(5, 9, "mild", "Mild"),
        Band(10, 14, "moderate", "Moderate"),
        Band(15, 19, "moderately_severe", "Moderately severe"),
        Band(20, 27, "severe", "Severe"),
    ),
)

GAD7 = Instrument(
    code="gad7",
    name="GAD-7",
    stem="Over the last 2 weeks, how often have you been bothered by the following problems?",
    panel_loinc="69737-5",
    total_loinc="70274-6",
    items=(
        Item(1, "Feeling nervous, anxious, or on edge", "69725-0"),
        Item(2, "Not being able to stop or control worrying", "68509-9"),
        Item(3, "Worrying too much about different things", "69733-4"),
        Item(4, "Trouble relaxing", "69734-2"),
        Item(5, "Being so restless that it is hard to sit still", "69735-9"),
        Item(6, "Becoming easily annoyed or irritable", "69689-8"),
        Item(7, "Feeling afraid, as if something awful might happen", "69736-7"),
    ),
    options=FREQUENCY_OPTIONS,
    difficulty=DIFFICULTY,
    # Spitzer et al. 2006.
    bands=(
        Band(0, 4, "minimal", "Minimal"),
        Band(5, 9, "mild", "Mild"),
        Band(10, 14, "moderate", "Moderate"),
        Band(15, 21, "severe", "Severe"),
    ),
)

INSTRUMENTS: dict[str, Instrument] = {PHQ9.code: PHQ9, GAD7.code: GAD7}

# A partial response with at most this many items missing gets a prorated total (CLINICAL.md,
# partial questionnaires): two of the PHQ-9's nine, one of the GAD-7's seven.
PRORATE_MAX_MISSING: dict[str, int] = {PHQ9.code: 2, GAD7.code: 1}

ANSWER_VALUES: tuple[int, ...] = tuple(option.value for option in FREQUENCY_OPTIONS)


def get_instrument(code: str) -> Instrument:
    try:
        return INSTRUMENTS[code]
    except (KeyError, TypeError):
        known = " or ".join(INSTRUMENTS)
        raise UnknownInstrument(
            f"Unknown instrument {_show(code)}: expected {known}", field="instrument"
        ) from None


# --- Validation -----------------------------------------------------------------------------


def _show(value: object) -> str:
    """A short, safe rendering of a refused value for an error message."""
    text = repr(value)
    return text if len(text) <= 20 else text[:17] + "..."


def validate_answer(
    code: str, item_number: int, value: object, *, allow_none: bool = False
) -> int | None:
    """One answer to item ``item_number`` (1-based): an int 0-3, or None when ``allow_none``."""
    instrument = get_instrument(code)
    if (
        not isinstance(item_number, int)
        or isinstance(item_number, bool)
        or not 1 <= item_number <= instrument.item_count
    ):
        raise UnknownItem(
            f"{code} has items 1 to {instrument.item_count}, got {_show(item_number)}",
            field="item",
        )
    field = f"answers[{item_number - 1}]"
    if value is None:
        if allow_none:
            return None
        raise Incomplete(
            f"{code} item {item_number}: no answer; a complete response needs all "
            f"{instrument.item_count}",
            field=field,
            item=item_number,
        )
    # bool is an int subclass, but True is not an answer of 1.
    if isinstance(value, int) and not isinstance(value, bool) and value in ANSWER_VALUES:
        return value
    raise InvalidValue(
        f"{code} item {item_number}: answer must be 0, 1, 2 or 3, got {_show(value)}",
        field=field,
        item=item_number,
    )


def validate_answers(
    code: str, answers: object, *, allow_partial: bool = False
) -> list[int | None]:
    """The answers of one response, in item order, as a clean list (CLINICAL.md, responses).

    Refuses a wrong number of answers and any value that is not an int 0-3; None (unanswered)
    only when ``allow_partial``.
    """
    instrument = get_instrument(code)
    if isinstance(answers, str | bytes) or not isinstance(answers, Sequence):
        raise WrongItemCount(
            f"{code} answers must be a list of {instrument.item_count} values, "
            f"got {type(answers).__name__}",
            field="answers",
        )
    if len(answers) != instrument.item_count:
        raise WrongItemCount(
            f"{code} needs {instrument.item_count} answers, got {len(answers)}", field="answers"
        )
    return [
        validate_answer(code, number, value, allow_none=allow_partial)
        for number, value in enumerate(answers, start=1)
    ]


def validate_difficulty(value: object) -> int | None:
    """The optional difficulty answer: None, or an int 0-3 (CLINICAL.md, not scored)."""
    if value is None:
        return None
    allowed = {option.value for option in DIFFICULTY.options}
    if isinstance(value, bool) or not isinstance(value, int) or value not in allowed:
        raise InvalidDifficulty(
            f"difficulty must be 0, 1, 2 or 3, or left out, got {_show(value)}",
            field="difficulty",
        )
    return value


# --- Scoring --------------------------------------------------------------------------------


def severity_band(code: str, total: int) -> Band:
    """The band a complete total falls in (CLINICAL.md severity tables)."""
    instrument = get_instrument(code)
    if isinstance(total, int) and not isinstance(total, bool):
        for band in instrument.bands:
            if band.low <= total <= band.high:
                return band
    raise InvalidTotal(
        f"{code} total must be 0 to {instrument.max_total}, got {_show(total)}", field="total"
    )


def severity(code: str, total: int) -> str:
    """The severity code (``minimal`` … ``severe``) of a complete total."""
    return severity_band(code, total).code


def score(code: str, answers: Sequence[object], *, prorate: bool = False) -> Score:
    """Total and severity when every item has a value 0-3; a partial response has neither.

    Total is the plain sum of the item values (CLINICAL.md); the difficulty question is not scored.
    With ``prorate`` (a partial response that is final: its check-in has closed), a partial
    response with few enough items missing gets a prorated total (see ``prorated_total``).
    """
    values = validate_answers(code, answers, allow_partial=True)
    answered = [value for value in values if value is not None]
    if len(answered) < len(values):
        total = prorated_total(code, values) if prorate else None
        if total is None:
            return Score(total=None, severity=None, complete=False)
        return Score(total=total, severity=severity(code, total), complete=False, prorated=True)
    total = sum(answered)
    return Score(total=total, severity=severity(code, total), complete=True)


def prorated_total(code: str, answers: Sequence[object]) -> int | None:
    """The prorated total of a partial response, or None when too many items are missing
    (CLINICAL.md: at most two PHQ-9 items, one GAD-7 item) or none is.

    The mean of the answered items times the item count, rounded half up: 8 PHQ-9 items summing
    to 4 give 4.5, so 5. Half up rather than Python's round-half-to-even because it is the
    rounding a clinician does by hand, so the same answers give the same total on paper, and
    at an exact half it takes the more severe side (a missed severe score is the worse error).
    Computed in integers, so no float ever decides a band.
    """
    values = validate_answers(code, answers, allow_partial=True)
    answered = [value for value in values if value is not None]
    missing = len(values) - len(answered)
    if missing == 0 or missing > PRORATE_MAX_MISSING[code]:
        return None
    # round_half_up(sum * n / k) == floor((2 * sum * n + k) / (2 * k))
    return (2 * sum(answered) * len(values) + len(answered)) // (2 * len(answered))
