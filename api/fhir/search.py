"""``Observation?patient=&code=&date=`` read into the selector's terms, or a 400 that says
which parameter is wrong and why."""

import datetime as dt
import re
from dataclasses import dataclass, field

from django.utils.dateparse import parse_date, parse_datetime

from api.fhir.codes import LOINC
from followup.clinical.instruments import GAD7, PHQ9
from followup.errors import ValidationError
from followup.selectors.observations import ITEM_9, TOTAL, DateBound

# The Observations a LOINC code finds: (instrument, kind).
CODES: dict[str, tuple[str, str]] = {
    PHQ9.total_loinc: (PHQ9.code, TOTAL),
    GAD7.total_loinc: (GAD7.code, TOTAL),
    PHQ9.items[8].loinc: (PHQ9.code, ITEM_9),
}
PARAMETERS = ("patient", "subject", "code", "date")
# The prefixes of a FHIR date search we take (FHIR R4, search, date).
PREFIX = re.compile(r"^(eq|ge|le|gt|lt)?(.+)$")
DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


class BadSearch(ValidationError):
    code = "invalid_search"


@dataclass
class ObservationQuery:
    patient_id: int | None = None
    wanted: set[tuple[str, str]] | None = None
    dates: list[DateBound] = field(default_factory=list)


def _patient(value: str) -> int:
    kind, _, number = value.rpartition("/")
    if kind not in ("", "Patient") or not number.isdigit():
        raise BadSearch(
            f"patient must be a patient's id or Patient/{{id}}, got {value[:40]!r}.",
            field="patient",
        )
    return int(number)


def _codes(value: str) -> set[tuple[str, str]]:
    wanted = set()
    for token in value.split(","):
        system, bar, code = token.rpartition("|")
        if bar and system not in ("", LOINC):
            raise BadSearch(
                f"code: only LOINC ({LOINC}) codes, got system {system[:60]!r}.", field="code"
            )
        if code not in CODES:
            known = ", ".join(CODES)
            raise BadSearch(f"code: {code[:20]!r} is none of ours: {known}.", field="code")
        wanted.add(CODES[code])
    return wanted


def _bounds(value: str) -> list[DateBound]:
    """A date or a date and time with a prefix. A date alone, or ``eq``, covers its whole
    period: ``eq2026-11-25`` is that UTC day, ``lt2026-11-25`` before it began."""
    match = PREFIX.match(value)
    prefix, text = (match.group(1) or "eq", match.group(2)) if match else ("eq", value)
    start: dt.datetime | None
    end: dt.datetime | None
    moment: dt.datetime | None = None
    day: dt.date | None = None
    try:
        if DAY.fullmatch(text):
            day = parse_date(text)
        else:
            moment = parse_datetime(text)
    except ValueError:  # a date that does not exist, e.g. 2026-02-30
        moment = day = None
    if moment is not None:
        if moment.tzinfo is None:
            raise BadSearch(
                f"date {text!r} has a time but no zone: add Z or an offset, e.g. {text}Z.",
                field="date",
            )
        start = end = moment
    elif day is not None:
        start = dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC)
        end = start + dt.timedelta(days=1)
    else:
        raise BadSearch(
            f"date {value[:40]!r}: expected [eq|ge|le|gt|lt]YYYY-MM-DD or a date and time "
            "with a zone, e.g. ge2026-11-01 or lt2026-11-25T12:00:00Z.",
            field="date",
        )
    is_day = moment is None
    match prefix:
        case "ge":
            return [DateBound("ge", start)]
        case "gt":
            return [DateBound("ge" if is_day else "gt", end)]
        case "le":
            return [DateBound("lt" if is_day else "le", end)]
        case "lt":
            return [DateBound("lt", start)]
    return [DateBound("ge", start), DateBound("lt" if is_day else "le", end)]


def observation_query(params: dict[str, list[str]]) -> ObservationQuery:
    """The query of ``GET /Observation``; unknown parameters are refused, not ignored, so a
    misspelled filter never returns every patient's scores."""
    unknown = sorted(set(params) - set(PARAMETERS))
    if unknown:
        raise BadSearch(
            f"Unknown search parameter {unknown[0]!r}: Observation is searched by "
            + ", ".join(PARAMETERS)
            + ".",
            field=unknown[0],
        )
    query = ObservationQuery()
    patients = {_patient(v) for key in ("patient", "subject") for v in params.get(key, []) if v}
    if len(patients) > 1:
        raise BadSearch("patient: give one patient.", field="patient")
    query.patient_id = next(iter(patients), None)
    for value in params.get("code", []):
        found = _codes(value)
        query.wanted = found if query.wanted is None else query.wanted & found
    for value in params.get("date", []):
        query.dates += _bounds(value)
    return query
