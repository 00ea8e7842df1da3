"""Reads for the clinicians' flag queue (HackSoft-style selectors); one flag's page reads in
``followup.web.dashboard.presenters.flag_detail``.

No requests, no templates: plain data the dashboard renders. Every read is scoped by clinic and
runs a fixed number of queries, however many flags, pages or events there are (SPEC §2 step 7).
"""

import datetime as dt
import hashlib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, fields, replace
from typing import TYPE_CHECKING, TypedDict

from django.db import connection
from django.db.models import (
    Count,
    Exists,
    Max,
    OuterRef,
    Q,
    QuerySet,
)

from followup.models import Clinic, Clinician, Flag, FlagEvent, OutboundMessage, Patient
from followup.models.clinics import clinician_display_name
from followup.selectors.flags import flags_by_urgency

if TYPE_CHECKING:  # django-stubs-ext is a development dependency
    from django_stubs_ext import WithAnnotations

# Bump when the rows' markup changes: a browser showing the old markup then gets the new.
ROWS_FORMAT = 2
# The queue shows at most this many rows (the most urgent); a note says how many more there are.
QUEUE_LIMIT = 100

# What became of a page, in words (by SMS, by call): a colour never carries it alone.
PAGE_WORDS = {
    "pending": ("queued", "queued"),
    "sending": ("sending", "dialling"),
    "sent": ("sent", "ringing"),
    "delivered": ("delivered", "answered"),
    "undelivered": ("not delivered", "not answered"),
    "failed": ("failed", "failed"),
    "cancelled": ("stopped", "stopped"),
}
PROBLEM_STATES = ("undelivered", "failed")


def age_text(delta: dt.timedelta) -> str:
    """'under 1 min', '4 min', '2 h 5 min', '3 d 2 h' (queue.js formats ages the same way)."""
    minutes = max(int(delta.total_seconds() // 60), 0)
    if minutes < 1:
        return "under 1 min"
    if minutes < 60:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    days, hours = divmod(hours, 24)
    return f"{days} d {hours} h" if hours else f"{days} d"


def masked_number(phone: str) -> str:
    """A fallback number, shown by its last four digits only."""
    return f"number ending {phone[-4:]}" if phone else "a number"


# Who was paged, and how --------------------------------------------------------------------


@dataclass(frozen=True)
class PageState:
    channel: str  # "sms" or "voice"
    status: str  # OutboundMessage.Status of the latest page on this channel
    times: int  # how many pages went out on this channel (escalation repeats)
    error: str = ""

    @property
    def word(self) -> str:
        words = PAGE_WORDS.get(self.status, (self.status, self.status))
        return words[1] if self.channel == "voice" else words[0]

    @property
    def label(self) -> str:
        return f"{'Call' if self.channel == 'voice' else 'SMS'} {self.word}"

    @property
    def problem(self) -> bool:
        return self.status in PROBLEM_STATES


@dataclass(frozen=True)
class PagedPerson:
    who: str
    states: tuple[PageState, ...]


def paged_by_flag(flag_ids: Iterable[int]) -> dict[int, tuple[PagedPerson, ...]]:
    """Who was paged for each flag, by which channel, and what became of the latest page.

    Two queries whatever the number of flags or escalation rounds: the pages grouped by (flag,
    person or number, channel), then the status of the latest page of each group.
    """
    ids = list(flag_ids)
    if not ids:
        return {}
    groups = list(
        OutboundMessage.objects.filter(flag_id__in=ids, purpose=OutboundMessage.Purpose.PAGE)
        .values(
            "flag_id",
            "to",
            "channel",
            "clinician_id",
            "clinician__first_name",
            "clinician__last_name",
            "clinician__username",
        )
        .annotate(latest=Max("id"), times=Count("id"))
        .order_by()
    )
    latest = {
        row["pk"]: row
        for row in OutboundMessage.objects.filter(pk__in=[g["latest"] for g in groups]).values(
            "pk", "status", "error_code"
        )
    }
    people: dict[int, dict[str, list[PageState]]] = defaultdict(lambda: defaultdict(list))
    for group in sorted(groups, key=lambda g: (g["flag_id"], g["latest"])):
        if group["clinician_id"]:
            who = clinician_display_name(
                group["clinician__first_name"],
                group["clinician__last_name"],
                group["clinician__username"],
            )
        else:
            who = f"Fallback {masked_number(group['to'])}"
        page = latest[group["latest"]]
        people[group["flag_id"]][who].append(
            PageState(group["channel"], page["status"], group["times"], page["error_code"])
        )
    return {
        flag_id: tuple(
            PagedPerson(who, tuple(sorted(states, key=lambda s: s.channel != "sms")))
            for who, states in by_person.items()
        )
        for flag_id, by_person in people.items()
    }


# The queue ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class QueueRow:
    id: int
    code: str
    priority: str
    priority_label: str
    reason_label: str
    status: str
    patient_id: int | None  # None for a text from a number that is no patient's
    patient_name: str
    opted_out: bool
    drill: bool  # a safety drill's flag: shown with a DRILL badge, never a real patient
    created_at: dt.datetime
    escalation_level: int
    acknowledged_by: str
    acknowledged_at: dt.datetime | None
    triggers: int
    rota_gap: bool
    paged: tuple[PagedPerson, ...]
    # Changes every minute by itself; the version ignores it (queue.js keeps ages current).
    age: str = field(compare=False)

    @property
    def is_open(self) -> bool:
        return self.status == Flag.Status.OPEN

    @property
    def pages_someone(self) -> bool:
        return self.priority in Flag.PAGED_PRIORITIES

    @property
    def cue_key(self) -> str:
        """What the browser's cue watches: a new critical flag, or new danger on one (a new
        trigger re-opens it), not yet acknowledged."""
        return f"{self.id}:{self.triggers}"


@dataclass(frozen=True)
class Queue:
    rows: tuple[QueueRow, ...]
    total: int
    open: int
    limit: int
    version: str  # of ``queue_version``, read before the rows: never newer than they are

    @property
    def more(self) -> int:
        return max(self.total - len(self.rows), 0)

    def digest(self, zone: str) -> str:
        """The version computed from the rows themselves (where the database cannot)."""
        state = (ROWS_FORMAT, self.limit, zone, self.total, self.open)
        rows = [row_state(row) for row in self.rows]
        return hashlib.sha256(repr((state, rows)).encode()).hexdigest()[:20]


def row_state(row: QueueRow) -> tuple:
    """What a row shows (its age aside): a row whose state is unchanged needs no new markup."""
    return tuple(getattr(row, f.name) for f in fields(row) if f.compare)


def _unresolved(clinic_id: int) -> QuerySet[Flag]:
    return Flag.objects.filter(clinic_id=clinic_id, status__in=Flag.UNRESOLVED)


def _in_order(clinic_id: int) -> QuerySet[Flag]:
    """The unresolved flags in the queue's order (index ``flag_queue``)."""
    return flags_by_urgency(_unresolved(clinic_id))


# Everything a row shows, as text, digested in the database: the flag's own columns (updated
# in place by escalation and acknowledgement, with no change stamp), its patient's name and
# opt-out, who acknowledged it, a rota gap, and each page with its delivery status. Ages are
# left out (queue.js keeps them current); the clinic's zone is in (times show in it).
_VERSION_SQL = """
WITH shown AS (
    SELECT f.id, f.code, f.status, f.priority, f.reason, f.escalation_level, f.created_at,
           f.acknowledged_at, f.acknowledged_by_id, f.patient_id, f.sender,
           CASE WHEN jsonb_typeof(f.evidence) = 'array' THEN jsonb_array_length(f.evidence)
                ELSE -1 END AS triggers
    FROM {flag} f WHERE f.id IN ({shown_ids})
)
SELECT
    (SELECT timezone FROM {clinic} WHERE id = %s),
    (SELECT count(*) FROM {flag} WHERE clinic_id = %s AND status = ANY(%s)),
    (SELECT count(*) FROM {flag} WHERE clinic_id = %s AND status = %s),
    (SELECT md5(string_agg(ROW(
                s.id, s.code, s.status, s.priority, s.reason, s.escalation_level, s.created_at,
                s.acknowledged_at, s.triggers, s.patient_id, s.sender, p.first_name, p.last_name,
                p.opted_out, a.first_name, a.last_name, a.username,
                EXISTS (SELECT 1 FROM {event} e WHERE e.flag_id = s.id AND e.kind = '{rota_gap}')
            )::text, ',' ORDER BY s.id))
     FROM shown s
     LEFT JOIN {patient} p ON p.id = s.patient_id
     LEFT JOIN {clinician} a ON a.id = s.acknowledged_by_id),
    (SELECT md5(string_agg(ROW(
                o.id, o.flag_id, o.channel, o.status, o.error_code, o.to, o.clinician_id,
                c.first_name, c.last_name, c.username
            )::text, ',' ORDER BY o.id))
     FROM {message} o
     LEFT JOIN {clinician} c ON c.id = o.clinician_id
     WHERE o.flag_id IN (SELECT id FROM shown) AND o.purpose = '{page}')
"""


def queue_version(*, clinic_id: int, limit: int = QUEUE_LIMIT) -> str:
    """A digest of everything the queue's rows show (ages aside), in one query whose cost
    depends on the rows shown, not on the clinic's size: the browser's poll sends the version
    it shows, and an unchanged one is answered with an empty 204 without building the queue."""
    if connection.vendor != "postgresql":
        # SQLite (local development): the digest of the queue itself, built in full.
        clinic = Clinic.objects.get(pk=clinic_id)
        return _build(clinic_id, dt.datetime.now(dt.UTC), limit, version="").digest(clinic.timezone)
    shown = _in_order(clinic_id).values("id")[:limit]
    shown_sql, shown_params = shown.query.sql_with_params()
    sql = _VERSION_SQL.format(
        shown_ids=shown_sql,
        flag=Flag._meta.db_table,
        clinic=Clinic._meta.db_table,
        event=FlagEvent._meta.db_table,
        patient=Patient._meta.db_table,
        clinician=Clinician._meta.db_table,
        message=OutboundMessage._meta.db_table,
        # Constants, written into the query as the partial index ``flagevent_rota_gap`` is.
        rota_gap=FlagEvent.Kind.ROTA_GAP.value,
        page=OutboundMessage.Purpose.PAGE.value,
    )
    params = [
        *shown_params,
        clinic_id,
        clinic_id,
        list(Flag.UNRESOLVED),
        clinic_id,
        Flag.Status.OPEN.value,
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        state = cursor.fetchone()
    return hashlib.sha256(repr((ROWS_FORMAT, limit, *state)).encode()).hexdigest()[:20]


def queue_unresolved(*, clinic: Clinic, now: dt.datetime, limit: int = QUEUE_LIMIT) -> Queue:
    """The clinic's open and acknowledged flags, critical then high then moderate, oldest first
    within a priority; at most ``limit`` rows, with their version (read first: never newer than
    the rows). Five queries (index ``flag_queue``)."""
    if connection.vendor != "postgresql":
        queue = _build(clinic.pk, now, limit, version="")
        return replace(queue, version=queue.digest(clinic.timezone))
    version = queue_version(clinic_id=clinic.pk, limit=limit)
    return _build(clinic.pk, now, limit, version=version)


def queue_if_changed(
    *, clinic_id: int, seen: str, now: dt.datetime, limit: int = QUEUE_LIMIT
) -> tuple[str, Queue | None]:
    """For the poll: the version, and the queue only if its version is not ``seen`` (one
    query when it is, on PostgreSQL)."""
    if connection.vendor != "postgresql":
        clinic = Clinic.objects.get(pk=clinic_id)
        queue = queue_unresolved(clinic=clinic, now=now, limit=limit)
        return queue.version, None if queue.version == seen else queue
    version = queue_version(clinic_id=clinic_id, limit=limit)
    if version == seen:
        return version, None
    return version, _build(clinic_id, now, limit, version=version)


def _build(clinic_id: int, now: dt.datetime, limit: int, *, version: str) -> Queue:
    counts = (
        _unresolved(clinic_id)
        .exclude(patient__is_drill=True)
        .aggregate(total=Count("id"), open=Count("id", filter=Q(status=Flag.Status.OPEN)))
    )
    flags = list(
        _in_order(clinic_id)
        .annotate(
            rota_gap=Exists(
                FlagEvent.objects.filter(flag=OuterRef("pk"), kind=FlagEvent.Kind.ROTA_GAP)
            ),
        )
        .select_related("patient", "acknowledged_by")
        .only(*_ROW_COLUMNS)[:limit]
    )
    paged = paged_by_flag(flag.pk for flag in flags)
    rows = tuple(_row(flag, paged.get(flag.pk, ()), now) for flag in flags)
    return Queue(
        rows=rows, total=counts["total"], open=counts["open"], limit=limit, version=version
    )


# What a row needs, and no more: a hundred rows of whole flags, patients and clinicians (policy
# snapshots, contact details, password hashes) cost more to load than the rows to show.
_ROW_COLUMNS = (
    "code",
    "priority",
    "reason",
    "status",
    "patient_id",
    "sender",
    "created_at",
    "escalation_level",
    "acknowledged_at",
    "acknowledged_by_id",
    "evidence",
    "patient__first_name",
    "patient__last_name",
    "patient__opted_out",
    "patient__is_drill",
    "acknowledged_by__first_name",
    "acknowledged_by__last_name",
    "acknowledged_by__username",
)


class _RowAnnotations(TypedDict):
    rota_gap: bool


def _row(
    flag: "WithAnnotations[Flag, _RowAnnotations]", paged: tuple[PagedPerson, ...], now: dt.datetime
) -> QueueRow:
    acker = flag.acknowledged_by
    return QueueRow(
        id=flag.pk,
        code=flag.code,
        priority=flag.priority,
        priority_label=flag.get_priority_display(),
        reason_label=flag.get_reason_display(),
        status=flag.status,
        patient_id=flag.patient_id,
        patient_name=(
            f"{flag.patient.first_name} {flag.patient.last_name}"
            if flag.patient is not None
            else f"Unknown sender, {masked_number(flag.sender)}"
        ),
        opted_out=flag.patient.opted_out if flag.patient is not None else False,
        drill=flag.patient.is_drill if flag.patient is not None else False,
        created_at=flag.created_at,
        escalation_level=flag.escalation_level,
        acknowledged_by=(acker.display_name if acker else ""),
        acknowledged_at=flag.acknowledged_at,
        triggers=len(flag.evidence) if isinstance(flag.evidence, list) else 1,
        rota_gap=flag.rota_gap,
        paged=paged,
        age=age_text(now - flag.created_at),
    )
