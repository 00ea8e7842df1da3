"""Reads for the dashboard's patients list (selectors), scoped by clinic.

Fast with 100,000 patients and 1,000,000 responses: it picks its page of ids first and
annotates those ~50 rows only, in a fixed number of queries.
"""

import datetime as dt
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypedDict, cast

from django.db.models import (
    Count,
    Exists,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.utils import timezone

from followup.clinical import progress
from followup.clinical.instruments import INSTRUMENTS
from followup.models import (
    CheckIn,
    Clinic,
    Flag,
    OutboundMessage,
    Patient,
    Response,
)
from followup.selectors.flags import PRIORITY_OF_RANK, urgency

if TYPE_CHECKING:  # django-stubs-ext is a development dependency
    from django_stubs_ext import WithAnnotations


class _RowAnnotations(TypedDict):
    """What ``patient_rows`` annotates each patient with (besides the scores, read by name). The
    last check-in's status and due time are set whenever its id is."""

    last_check_in_id: int | None
    last_check_in_status: str
    last_check_in_due_at: dt.datetime
    last_check_in_sent_at: dt.datetime | None
    last_check_in_completed_at: dt.datetime | None
    last_check_in_undeliverable_reason: str | None
    flags_unresolved: int | None
    flags_acknowledged: int | None
    flags_top_rank: int | None


PAGE_SIZE = 50

FAILED_DELIVERY = (OutboundMessage.Status.FAILED, OutboundMessage.Status.UNDELIVERED)


# --- The patients list ----------------------------------------------------------------------


@dataclass(frozen=True)
class LatestScore:
    total: int
    severity: str
    at: dt.datetime
    trend: progress.Trend | None


@dataclass(frozen=True)
class LastCheckIn:
    status: str
    at: dt.datetime
    undeliverable_reason: str
    delivery_failed: bool


@dataclass(frozen=True)
class PatientRow:
    patient: Patient
    scores: dict[str, LatestScore | None]
    last_check_in: LastCheckIn | None
    unresolved_flags: int
    acknowledged_flags: int
    top_priority: str | None

    @property
    def unreachable_reason(self) -> str | None:
        """Why the clinic cannot reach this patient now, or None.

        Opted-out patients are shown as such (their own marker), not also as unreachable.
        Every check-in message, the web link too, goes out by SMS, so no consent means no
        reach; so does a latest check-in that was undeliverable or whose messages failed.
        """
        if self.patient.opted_out:
            return None
        if not self.patient.sms_consent:
            return "no SMS consent"
        last = self.last_check_in
        if last is not None and last.status == CheckIn.Status.UNDELIVERABLE:
            return undeliverable_words(last.undeliverable_reason)
        if last is not None and last.delivery_failed:
            return "last check-in's messages failed"
        return None


@dataclass(frozen=True)
class PatientListPage:
    rows: list[PatientRow]
    number: int
    num_pages: int
    count: int

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.num_pages


def undeliverable_words(reason: str) -> str:
    if reason == "opted_out":
        return "opted out"
    if reason == "no_sms_consent":
        return "no SMS consent"
    if reason.startswith("send_failed"):
        return "sending failed"
    return reason.replace("_", " ") or "could not be sent"


def search_filter(query: str) -> Q | None:
    """Name words, phone digits, or an id (``123`` or ``#123``)."""
    query = query.strip()
    if not query:
        return None
    if re.fullmatch(r"#\s*\d{1,18}", query):
        return Q(pk=int(query.lstrip("#").strip()))
    digits = re.sub(r"\D", "", query)
    if re.fullmatch(r"[\d\s()+.-]+", query) and digits:
        by_phone = Q(phone__contains=digits) if len(digits) >= 3 else Q(pk__in=[])
        return by_phone | Q(pk=int(digits)) if len(digits) <= 18 else by_phone
    words = query.split()[:5]
    match = Q()
    for word in words:
        match &= Q(first_name__icontains=word) | Q(last_name__icontains=word)
    return match


def _unresolved_flags() -> QuerySet[Flag]:
    return Flag.objects.filter(patient=OuterRef("pk"), status__in=Flag.UNRESOLVED)


def patient_list_page(*, clinic: Clinic, query: str = "", page: int = 1) -> PatientListPage:
    """One page of the clinic's patients: those with unresolved flags first (most urgent
    priority first), then everyone by last name, first name and id."""
    base = Patient.objects.filter(clinic=clinic)
    matching = search_filter(query)
    # The safety drill's patient is fictional: found by a search, never listed.
    base = base.filter(matching) if matching is not None else base.exclude(is_drill=True)
    by_name = ("last_name", "first_name", "id")
    flagged = (
        base.filter(Exists(_unresolved_flags()))
        .annotate(
            rank=Subquery(
                _unresolved_flags().annotate(rank=urgency()).order_by("rank").values("rank")[:1]
            )
        )
        .order_by("rank", *by_name)
    )
    others = base.exclude(Exists(_unresolved_flags())).order_by(*by_name)
    count = base.count()
    if matching is None:
        # Through the flag queue's index rather than a pass over every patient.
        flagged_count = (
            Flag.objects.filter(clinic=clinic, status__in=Flag.UNRESOLVED)
            .exclude(patient__is_drill=True)
            .values("patient")
            .distinct()
            .count()
        )
    else:
        flagged_count = flagged.count()
    num_pages = max(1, -(-count // PAGE_SIZE))
    number = min(max(1, page), num_pages)
    start, end = (number - 1) * PAGE_SIZE, number * PAGE_SIZE
    ids = list(flagged.values_list("pk", flat=True)[start:end]) if start < flagged_count else []
    if len(ids) < PAGE_SIZE:
        rest_start = max(0, start - flagged_count)
        ids += others.values_list("pk", flat=True)[rest_start : rest_start + PAGE_SIZE - len(ids)]
    return PatientListPage(rows=patient_rows(ids), number=number, num_pages=num_pages, count=count)


def _latest_complete(code: str) -> QuerySet[Response]:
    return Response.objects.filter(patient=OuterRef("pk"), instrument=code, complete=True).order_by(
        "-submitted_at", "-id"
    )


def patient_rows(ids: list[int], *, now: dt.datetime | None = None) -> list[PatientRow]:
    """The rows of the given patients, in the given order, in one query (a few subqueries per
    row, each through an index) and one more for failed deliveries."""
    if not ids:
        return []
    now = now or timezone.now()
    annotations: dict[str, Subquery] = {}
    for code in INSTRUMENTS:
        latest = _latest_complete(code)
        annotations[f"{code}_total"] = Subquery(latest.values("total")[:1])
        annotations[f"{code}_severity"] = Subquery(latest.values("severity")[:1])
        annotations[f"{code}_at"] = Subquery(latest.values("submitted_at")[:1])
        annotations[f"{code}_previous"] = Subquery(latest.values("total")[1:2])
    last = (
        CheckIn.objects.filter(patient=OuterRef("pk"), due_at__lte=now)
        .exclude(status=CheckIn.Status.CANCELLED)
        .order_by("-due_at", "-id")
    )
    for name in ("id", "status", "due_at", "sent_at", "completed_at", "undeliverable_reason"):
        annotations[f"last_check_in_{name}"] = Subquery(last.values(name)[:1])
    flags = Flag.objects.filter(patient=OuterRef("pk"), status__in=Flag.UNRESOLVED)
    counted = flags.order_by().values("patient")
    annotations["flags_unresolved"] = Subquery(counted.annotate(n=Count("id")).values("n"))
    annotations["flags_acknowledged"] = Subquery(
        counted.filter(status=Flag.Status.ACKNOWLEDGED).annotate(n=Count("id")).values("n")
    )
    annotations["flags_top_rank"] = Subquery(
        flags.annotate(rank=urgency()).order_by("rank").values("rank")[:1]
    )
    # Annotated from a dict, which the type checker cannot read: ``_RowAnnotations`` says what.
    annotated = cast(
        "QuerySet[WithAnnotations[Patient, _RowAnnotations]]",
        Patient.objects.filter(pk__in=ids).annotate(**annotations),
    )
    patients = {p.pk: p for p in annotated}
    check_in_ids = [p.last_check_in_id for p in patients.values() if p.last_check_in_id]
    failed = set(
        OutboundMessage.objects.filter(check_in_id__in=check_in_ids, status__in=FAILED_DELIVERY)
        .values_list("check_in_id", flat=True)
        .distinct()
    )
    return [_row(patients[pk], failed) for pk in ids if pk in patients]


def _row(patient: "WithAnnotations[Patient, _RowAnnotations]", failed: set[int]) -> PatientRow:
    scores: dict[str, LatestScore | None] = {}
    for code, instrument in INSTRUMENTS.items():
        total = getattr(patient, f"{code}_total")
        if total is None:
            scores[code] = None
            continue
        severity = getattr(patient, f"{code}_severity")
        band = next((b.label for b in instrument.bands if b.code == severity), severity)
        scores[code] = LatestScore(
            total=total,
            severity=band,
            at=getattr(patient, f"{code}_at"),
            trend=progress.trend(getattr(patient, f"{code}_previous"), total),
        )
    last = None
    if patient.last_check_in_id:
        status = patient.last_check_in_status
        at_by_status: dict[str, dt.datetime | None] = {
            CheckIn.Status.COMPLETED: patient.last_check_in_completed_at,
            CheckIn.Status.SCHEDULED: patient.last_check_in_due_at,
        }
        at = at_by_status.get(status) or (
            patient.last_check_in_sent_at or patient.last_check_in_due_at
        )
        last = LastCheckIn(
            status=status,
            at=at,
            undeliverable_reason=patient.last_check_in_undeliverable_reason or "",
            delivery_failed=patient.last_check_in_id in failed,
        )
    rank = patient.flags_top_rank
    return PatientRow(
        patient=patient,
        scores=scores,
        last_check_in=last,
        unresolved_flags=patient.flags_unresolved or 0,
        acknowledged_flags=patient.flags_acknowledged or 0,
        top_priority=PRIORITY_OF_RANK[rank] if rank is not None else None,
    )
