"""Reads for each patient's page (selectors), scoped by clinic.

Fast with 100,000 patients and 1,000,000 responses: each history is read through an index on
(patient, time), capped, in a fixed number of queries whatever the history's length.
"""

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, OuterRef, Subquery

from followup.clinical import progress
from followup.clinical.instruments import INSTRUMENTS, severity_band
from followup.models import (
    CheckIn,
    Clinic,
    Flag,
    OutboundMessage,
    Patient,
    Response,
    TreatmentSession,
)
from followup.selectors.flags import PRIORITY_RANK

# Each list of a patient's page shows this many of the newest entries, and says so when there
# are more; the chart plots this many of the newest complete scores per scale.
HISTORY_CAP = 50
CHART_CAP = 200

# How a check-in's messages are summed up, delivered first.
MESSAGE_ORDER: list[str] = [
    OutboundMessage.Status.DELIVERED,
    OutboundMessage.Status.SENT,
    OutboundMessage.Status.SENDING,
    OutboundMessage.Status.PENDING,
    OutboundMessage.Status.UNDELIVERED,
    OutboundMessage.Status.FAILED,
    OutboundMessage.Status.CANCELLED,
]


# --- One patient's page ---------------------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    number: int
    text: str
    value: int | None  # None: not answered
    label: str


@dataclass
class ResponseRecord:
    """A response with its answers item by item, as the patient saw each item."""

    response: Response
    name: str
    answers: list[Answer]
    difficulty: str  # the option's words, or "" when not answered
    answered: int
    band: str  # the severity band's words, or "" for a partial response without a total
    open: bool = False  # shown unfolded on the page
    table: str = ""  # the answers as HTML, filled in by the page (see web.patients)

    @classmethod
    def of(cls, response: Response) -> "ResponseRecord":
        instrument = INSTRUMENTS[response.instrument]
        labels = {option.value: option.label for option in instrument.options}
        values = list(response.answers) + [None] * (instrument.item_count - len(response.answers))
        answers = [
            Answer(
                item.number, item.text, value, labels.get(value, "") if value is not None else ""
            )
            for item, value in zip(instrument.items, values, strict=False)
        ]
        difficulty: dict[int | None, str] = {
            o.value: o.label for o in instrument.difficulty.options
        }
        return cls(
            response=response,
            name=instrument.name,
            answers=answers,
            difficulty=difficulty.get(response.difficulty, ""),
            answered=sum(answer.value is not None for answer in answers),
            band=severity_band(response.instrument, response.total).label
            if (response.complete or response.prorated) and response.total is not None
            else "",
            open=not response.complete,
        )


@dataclass
class CheckInRecord:
    check_in: CheckIn
    responses: list[ResponseRecord]
    # Messages sent for it, by status: {"delivered": 9, "failed": 1, ...}
    messages: dict[str, int] = field(default_factory=dict)


@dataclass
class PatientRecord:
    patient: Patient
    first_session_at: dt.datetime | None
    session_count: int
    sessions: list[TreatmentSession]  # newest first, at most HISTORY_CAP
    check_ins: list[CheckInRecord]  # newest due first, at most HISTORY_CAP
    loose_responses: list[ResponseRecord]  # responses without a check-in, newest first
    flags: list[Flag]  # newest first, at most HISTORY_CAP
    unresolved_flags: int
    top_priority: str | None  # of the unresolved flags
    scores: dict[str, list[progress.Point]]  # complete scores, oldest first, at most CHART_CAP
    courses: dict[str, progress.Course]
    truncated: dict[str, bool]  # per list: there is more than is shown
    # Prorated totals of partial responses, oldest first, at most CHART_CAP: charted and listed
    # as prorated, never part of the course (its baseline and changes are complete scores).
    prorated: dict[str, list[progress.Point]] = field(default_factory=dict)
    # Other clinics whose patient has the same phone number on the shared sender: a text from it
    # cannot be told apart (``conversation.routing``).
    shared_number_clinics: int = 0


def patient_for(*, clinic: Clinic, patient_id: int) -> Patient | None:
    """The clinic's patient with this id, or None (another clinic's patient is not found)."""
    return Patient.objects.select_related("clinic").filter(clinic=clinic, pk=patient_id).first()


def _capped(rows: list, cap: int = HISTORY_CAP) -> tuple[list, bool]:
    return rows[:cap], len(rows) > cap


def patient_record(patient: Patient, *, cap: int = HISTORY_CAP) -> PatientRecord:
    """Everything the patient's page shows, in a fixed number of queries: the newest ``cap``
    check-ins, flags and other responses (the page's first view needs only a few), and the
    newest HISTORY_CAP sessions (the chart marks them)."""
    cap = min(cap, HISTORY_CAP)
    sessions_qs = patient.sessions.order_by("-occurred_at", "-id")
    first_session_at = (
        patient.sessions.order_by("occurred_at").values_list("occurred_at", flat=True).first()
    )
    sessions, more_sessions = _capped(list(sessions_qs[: HISTORY_CAP + 1]))
    check_ins, more_check_ins = _capped(
        list(patient.check_ins.order_by("-due_at", "-id")[: cap + 1]), cap
    )
    ids = [c.pk for c in check_ins]
    by_check_in: dict[int, list[ResponseRecord]] = {pk: [] for pk in ids}
    order = list(INSTRUMENTS)
    for response in sorted(
        Response.objects.filter(check_in_id__in=ids), key=lambda r: order.index(r.instrument)
    ):
        by_check_in[response.check_in_id].append(ResponseRecord.of(response))  # type: ignore[index]  # by check-in
    messages: dict[int, dict[str, int]] = {pk: {} for pk in ids}
    counted = (
        OutboundMessage.objects.filter(check_in_id__in=ids)
        .order_by()
        .values("check_in_id", "status")
        .annotate(n=Count("id"))
    )
    for row in sorted(counted, key=lambda row: MESSAGE_ORDER.index(row["status"])):
        messages[row["check_in_id"]][row["status"]] = row["n"]
    loose, more_loose = _capped(
        list(
            patient.responses.filter(check_in__isnull=True).order_by("-started_at", "-id")[
                : cap + 1
            ]
        ),
        cap,
    )
    flags, more_flags = _capped(
        list(
            patient.flags.select_related("acknowledged_by", "resolved_by").order_by(
                "-created_at", "-id"
            )[: cap + 1]
        ),
        cap,
    )
    scores: dict[str, list[progress.Point]] = {}
    courses: dict[str, progress.Course] = {}
    truncated = {
        "sessions": more_sessions,
        "check_ins": more_check_ins,
        "responses": more_loose,
        "flags": more_flags,
    }
    baselines = _baseline_points(patient, first_session_at)
    for code in INSTRUMENTS:
        complete = patient.responses.filter(instrument=code, complete=True)
        newest = list(
            complete.order_by("-submitted_at", "-id").values_list("submitted_at", "total")[
                : CHART_CAP + 1
            ]
        )
        truncated[code] = len(newest) > CHART_CAP
        # A complete response has its time and total (and a prorated one, below, too).
        points = [progress.Point(at, total) for at, total in reversed(newest[:CHART_CAP])]  # type: ignore[arg-type]
        scores[code] = points
        # The baseline (the last score at or before the first session, else the first score)
        # may be older than a capped chart reaches: read it on its own and add it.
        course_points = points
        if truncated[code] and (base := baselines[code]) is not None:
            course_points = [base, *points] if base not in points else points
        courses[code] = progress.course(code, course_points, first_session_at)
    # Prorated totals of both scales in one read (they are few: only expired check-ins have them).
    prorated: dict[str, list[progress.Point]] = {code: [] for code in INSTRUMENTS}
    for code, at, total in (
        patient.responses.filter(prorated=True, submitted_at__isnull=False)
        .order_by("-submitted_at", "-id")
        .values_list("instrument", "submitted_at", "total")[: CHART_CAP * len(INSTRUMENTS)]
    ):
        if len(prorated[code]) < CHART_CAP:
            prorated[code].insert(0, progress.Point(at, total))  # type: ignore[arg-type]
    # One unresolved flag per patient and reason: a handful at most.
    unresolved = list(
        patient.flags.filter(status__in=Flag.UNRESOLVED).values_list("priority", flat=True)
    )
    return PatientRecord(
        patient=patient,
        first_session_at=first_session_at,
        session_count=patient.sessions.count(),
        sessions=sessions,
        check_ins=[CheckInRecord(c, by_check_in[c.pk], messages[c.pk]) for c in check_ins],
        loose_responses=[ResponseRecord.of(r) for r in loose],
        flags=flags,
        unresolved_flags=len(unresolved),
        top_priority=min(unresolved, key=PRIORITY_RANK.__getitem__, default=None),
        scores=scores,
        courses=courses,
        truncated=truncated,
        prorated=prorated,
        shared_number_clinics=_shared_number_clinics(patient),
    )


def _shared_number_clinics(patient: Patient) -> int:
    if patient.clinic.has_own_sender or not patient.phone:
        return 0
    return (
        Patient.objects.filter(
            phone=patient.phone, clinic__sms_number="", clinic__messaging_service_sid=""
        )
        .exclude(clinic_id=patient.clinic_id)
        .values("clinic_id")
        .distinct()
        .count()
    )


@dataclass
class Entry:
    """One line of the timeline: a session, a check-in (with its answers), a response that
    came without a check-in, or a flag."""

    kind: str
    at: dt.datetime
    item: Any
    number: int | None = None  # a session's number in the patient's course
    when: dict[str, str] = field(default_factory=dict)  # its time as the page shows it


def _baseline_points(
    patient: Patient, first_session_at: dt.datetime | None
) -> dict[str, progress.Point | None]:
    """Per scale, the score ``progress.baseline`` would choose from the whole history: the last
    complete score at or before the first session, else the first one. A capped chart may not
    reach it. One query for both scales whatever the history's length (a subquery each)."""
    fields: dict[str, Subquery] = {}
    for code in INSTRUMENTS:
        complete = Response.objects.filter(patient=OuterRef("pk"), instrument=code, complete=True)
        candidates = {"first": complete.order_by("submitted_at", "id")}
        if first_session_at is not None:
            candidates["before"] = complete.filter(submitted_at__lte=first_session_at).order_by(
                "-submitted_at", "-id"
            )
        for name, rows in candidates.items():
            for column in ("submitted_at", "total"):
                fields[f"{code}_{name}_{column}"] = Subquery(rows.values(column)[:1])
    row = Patient.objects.filter(pk=patient.pk).annotate(**fields).values(*fields).first() or {}
    points: dict[str, progress.Point | None] = {}
    for code in INSTRUMENTS:
        for name in ("before", "first"):
            at, total = row.get(f"{code}_{name}_submitted_at"), row.get(f"{code}_{name}_total")
            if at is not None:
                points[code] = progress.Point(at, total)  # type: ignore[arg-type]  # complete
                break
        else:
            points[code] = None
    return points


def timeline(record: PatientRecord) -> list[Entry]:
    """Newest first; a check-in stands at the time it was sent (else when it is due)."""
    entries = [
        Entry("session", s.occurred_at, s, record.session_count - index)
        for index, s in enumerate(record.sessions)
    ]
    entries += [
        Entry("check_in", c.check_in.sent_at or c.check_in.due_at, c) for c in record.check_ins
    ]
    entries += [
        Entry("response", r.response.submitted_at or r.response.started_at, r)
        for r in record.loose_responses
    ]
    entries += [Entry("flag", f.created_at, f) for f in record.flags]
    entries.sort(key=lambda entry: entry.at, reverse=True)
    # The newest answers are unfolded; older ones open on a click (partial ones always show).
    for entry in entries:
        if entry.kind == "check_in" and entry.item.responses:
            for response in entry.item.responses:
                response.open = True
            break
    return entries
