"""Reads for the clinicians' flag queue and each flag's page (HackSoft-style selectors).

No requests, no templates: plain data the dashboard renders. Every read is scoped by clinic and
runs a fixed number of queries, however many flags, pages or events there are (SPEC §2 step 7).
"""

import datetime as dt
import hashlib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, fields, replace

from django.db.models import Case, Count, Exists, IntegerField, Max, OuterRef, Q, Value, When

from followup.models import Clinic, Clinician, Flag, FlagEvent, OutboundMessage

# The queue shows at most this many rows (the most urgent); a note says how many more there are.
QUEUE_LIMIT = 100
UNRESOLVED = (Flag.Status.OPEN, Flag.Status.ACKNOWLEDGED)
# Most urgent first, then oldest (SPEC §2 step 7).
PRIORITY_RANK = {Flag.Priority.CRITICAL: 0, Flag.Priority.HIGH: 1, Flag.Priority.MODERATE: 2}
# CLINICAL.md, escalation defaults: moderate flags page nobody.
PAGED_PRIORITIES = (Flag.Priority.CRITICAL, Flag.Priority.HIGH)

# What became of a page, in words (by SMS, by call): a colour never carries it alone.
_PAGE_WORDS = {
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


def clinician_name(first: str, last: str, username: str) -> str:
    return f"{first} {last}".strip() or username


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
        words = _PAGE_WORDS.get(self.status, (self.status, self.status))
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
        OutboundMessage.objects.filter(flag_id__in=ids, purpose="page")
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
            who = clinician_name(
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
    patient_id: int
    patient_name: str
    opted_out: bool
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
        return self.priority in PAGED_PRIORITIES

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

    @property
    def more(self) -> int:
        return max(self.total - len(self.rows), 0)

    @property
    def version(self) -> str:
        """Changes when anything the rows show changes (ages aside): an unchanged queue is
        answered with an empty 204 to the browser's poll."""
        state = [tuple(getattr(row, f.name) for f in fields(row) if f.compare) for row in self.rows]
        digest = hashlib.sha256(repr((self.total, self.open, state)).encode())
        return digest.hexdigest()[:20]


def queue_unresolved(*, clinic: Clinic, now: dt.datetime, limit: int = QUEUE_LIMIT) -> Queue:
    """The clinic's open and acknowledged flags, critical then high then moderate, oldest first
    within a priority; at most ``limit`` rows. Four queries (index ``flag_queue``)."""
    unresolved = Flag.objects.filter(clinic=clinic, status__in=UNRESOLVED)
    counts = unresolved.aggregate(
        total=Count("id"), open=Count("id", filter=Q(status=Flag.Status.OPEN))
    )
    flags = list(
        unresolved.annotate(
            urgency=Case(
                *(When(priority=p, then=Value(n)) for p, n in PRIORITY_RANK.items()),
                default=Value(len(PRIORITY_RANK)),
                output_field=IntegerField(),
            ),
            rota_gap=Exists(FlagEvent.objects.filter(flag=OuterRef("pk"), kind="rota_gap")),
        )
        .select_related("patient", "acknowledged_by")
        .defer("policy_snapshot", "resolution_note")
        .order_by("urgency", "created_at", "id")[:limit]
    )
    paged = paged_by_flag(flag.pk for flag in flags)
    rows = tuple(_row(flag, paged.get(flag.pk, ()), now) for flag in flags)
    return Queue(rows=rows, total=counts["total"], open=counts["open"], limit=limit)


def _row(flag: Flag, paged: tuple[PagedPerson, ...], now: dt.datetime) -> QueueRow:
    acker = flag.acknowledged_by
    return QueueRow(
        id=flag.pk,
        code=flag.code,
        priority=flag.priority,
        priority_label=flag.get_priority_display(),
        reason_label=flag.get_reason_display(),
        status=flag.status,
        patient_id=flag.patient.pk,
        patient_name=f"{flag.patient.first_name} {flag.patient.last_name}",
        opted_out=flag.patient.opted_out,
        created_at=flag.created_at,
        escalation_level=flag.escalation_level,
        acknowledged_by=(
            clinician_name(acker.first_name, acker.last_name, acker.username) if acker else ""
        ),
        acknowledged_at=flag.acknowledged_at,
        triggers=len(flag.evidence) if isinstance(flag.evidence, list) else 1,
        rota_gap=flag.rota_gap,
        paged=paged,
        age=age_text(now - flag.created_at),
    )


# One flag ----------------------------------------------------------------------------------


def flag_for_clinic(*, clinic: Clinic, flag_id: int) -> Flag:
    """The flag, if it is the clinic's; ``Flag.DoesNotExist`` otherwise (another clinic's flag
    is not found, never forbidden)."""
    return Flag.objects.select_related("patient__clinic", "acknowledged_by", "resolved_by").get(
        pk=flag_id, clinic=clinic
    )


def clinician_names(ids: Iterable[int | None]) -> dict[int, str]:
    wanted = {pk for pk in ids if pk}
    if not wanted:
        return {}
    return {
        pk: clinician_name(first, last, username)
        for pk, first, last, username in Clinician.objects.filter(pk__in=wanted).values_list(
            "pk", "first_name", "last_name", "username"
        )
    }


# What raised it, in words --------------------------------------------------------------------

# followup.crisis_language categories: the kind of words found, never the words themselves.
CRISIS_CATEGORY = {
    "suicide": "suicide",
    "kill_self": "killing oneself",
    "end_life": "ending one's life",
    "suicide_method": "a method of suicide",
    "overdose": "an overdose",
    "want_to_die": "wanting to die",
    "self_harm": "self-harm",
    "no_reason_to_live": "no reason to live",
    "cant_go_on": "not being able to go on",
    "farewell": "saying goodbye",
}


@dataclass(frozen=True)
class Evidence:
    at: dt.datetime | None
    text: str
    quote: str = ""  # the item's wording, for an answer
    message: str = ""  # the patient's own message, for crisis language
    message_at: dt.datetime | None = None


def _parse_at(value: object) -> dt.datetime | None:
    try:
        return dt.datetime.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def evidence_text(detail: dict) -> tuple[str, str]:
    """One trigger's evidence (``followup.rules`` detail) in words, and the item's wording."""
    from followup.instruments import INSTRUMENTS, severity_band

    instrument = INSTRUMENTS.get(str(detail.get("instrument")))
    name = instrument.name if instrument else str(detail.get("instrument", ""))
    if instrument and "item" in detail and "value" in detail:
        item = next((i for i in instrument.items if i.number == detail["item"]), None)
        option = next((o for o in instrument.options if o.value == detail["value"]), None)
        words = f" ({option.label})" if option else ""
        return (
            f"{name} item {detail['item']} answered {detail['value']}{words}",
            item.text if item else "",
        )
    if instrument and "previous_total" in detail and "total" in detail:
        return (
            f"{name} total {detail['total']}, up {detail.get('change')} from "
            f"{detail['previous_total']} (a rise of {detail.get('threshold')} or more is a "
            "reliable deterioration)",
            "",
        )
    if instrument and "total" in detail:
        try:
            band = f" ({severity_band(instrument.code, int(detail['total'])).label.lower()})"
        except (ValueError, TypeError):  # an odd stored total still shows as a number
            band = ""
        limit = f"; {detail['threshold']} or more flags" if "threshold" in detail else ""
        return f"{name} total {detail['total']}{band}{limit}", ""
    if "category" in detail:
        kind = CRISIS_CATEGORY.get(detail["category"], str(detail["category"]).replace("_", " "))
        return f"Crisis language in a text message: words about {kind}", ""
    return "A flag rule fired", ""


def flag_evidence(flag: Flag) -> list[Evidence]:
    """Each trigger of the flag, oldest first. For crisis language, the patient's message that
    raised it: named by id in the evidence, or, for triggers stored before the id was, the one
    being handled when the trigger was stored (received before it, marked handled after it).
    One query per crisis-language trigger, at most ten."""
    from followup.models import InboundMessage

    entries = flag.evidence if isinstance(flag.evidence, list) else [flag.evidence]
    found: list[Evidence] = []
    lookups = 0
    for detail in entries:
        if not isinstance(detail, dict):
            continue
        at = _parse_at(detail.get("at"))
        text, quote = evidence_text(detail)
        message = None
        if "category" in detail and at is not None and lookups < 10:
            lookups += 1
            if "inbound" in detail:
                candidates = InboundMessage.objects.filter(
                    patient_id=flag.patient_id, pk=detail["inbound"]
                )
            else:
                candidates = InboundMessage.objects.filter(
                    patient_id=flag.patient_id, received_at__lte=at, handled_at__gte=at
                )
            message = candidates.order_by("handled_at", "pk").only("body", "received_at").first()
        found.append(
            Evidence(
                at=at,
                text=text,
                quote=quote,
                message=message.body if message else "",
                message_at=message.received_at if message else None,
            )
        )
    return found


# The timeline --------------------------------------------------------------------------------


@dataclass(frozen=True)
class TimelineEntry:
    """One FlagEvent with the names and states it refers to; ``_flag_timeline.html`` words it."""

    kind: str
    at: dt.datetime
    actor: str = ""
    detail: dict = field(default_factory=dict)
    targets: tuple[str, ...] = ()  # paged, escalated: who
    channels: str = ""  # paged, escalated: "SMS and call"
    page: PageState | None = None  # page_<status>: the page's channel and state
    who: str = ""  # page_<status>: to whom
    evidence: str = ""  # raised, trigger_added
    via: str = ""  # acknowledged: how
    message_status: str = ""  # crisis_message: what became of it


VIA = {
    "dashboard": "from the dashboard",
    "sms": "by replying ACK to the page",
    "voice": "by pressing 1 on the page call",
    "api": "through the clinic's system (API)",
}
_ROLE = {"on_call": "on call", "admin": "clinic admin", "fallback": "fallback"}


def flag_timeline(
    flag: Flag, *, first: int = 20, last: int = 200
) -> tuple[list[TimelineEntry], int]:
    """The flag's events in order, and how many were left out of the middle: a flag paged every
    five minutes for days keeps its first ``first`` and latest ``last`` events on the page."""
    events = FlagEvent.objects.filter(flag=flag).select_related("actor").order_by("at", "id")
    chosen = list(events[: first + last + 1])
    hidden = 0
    if len(chosen) > first + last:
        hidden = events.count() - first - last
        chosen = chosen[:first] + list(events.order_by("-at", "-id")[:last])[::-1]
    people: set[int] = set()
    message_ids: set[int] = set()
    for event in chosen:
        detail = event.detail if isinstance(event.detail, dict) else {}
        people.update(t.get("clinician") for t in detail.get("to", []) if isinstance(t, dict))
        people.add(detail.get("clinician"))
        if detail.get("message"):
            message_ids.add(detail["message"])
    names = clinician_names(people)
    messages = {
        row["pk"]: row
        for row in OutboundMessage.objects.filter(pk__in=message_ids, flag=flag).values(
            "pk", "to", "status"
        )
    }
    return [_entry(event, names, messages) for event in chosen], hidden


def _entry(event: FlagEvent, names: dict[int, str], messages: dict[int, dict]) -> TimelineEntry:
    detail = event.detail if isinstance(event.detail, dict) else {}
    actor = (
        clinician_name(event.actor.first_name, event.actor.last_name, event.actor.username)
        if event.actor
        else ""
    )
    entry = TimelineEntry(kind=event.kind, at=event.at, actor=actor, detail=detail)
    if event.kind in ("raised", "trigger_added"):
        return replace(entry, evidence=evidence_text(detail)[0])
    if event.kind in ("paged", "escalated"):
        targets = tuple(
            f"{names.get(t.get('clinician'), 'a fallback number')} ({_ROLE.get(t.get('as'), t.get('as'))})"
            if t.get("clinician")
            else "a fallback number"
            for t in detail.get("to", [])
            if isinstance(t, dict)
        )
        how = " and ".join("call" if c == "voice" else "SMS" for c in detail.get("channels", []))
        return replace(entry, targets=targets, channels=how or "SMS")
    if event.kind.startswith("page_"):
        message = messages.get(detail.get("message"), {})
        who = (
            names.get(detail.get("clinician")) or f"fallback {masked_number(message.get('to', ''))}"
        )
        state = PageState(
            detail.get("channel", "sms"),
            event.kind.removeprefix("page_"),
            1,
            detail.get("error") or "",
        )
        return replace(entry, page=state, who=who)
    if event.kind == "acknowledged":
        return replace(entry, via=VIA.get(detail.get("via", ""), ""))
    if event.kind == "crisis_message":
        message = messages.get(detail.get("message"), {})
        return replace(entry, message_status=_PAGE_WORDS.get(message.get("status", ""), ("",))[0])
    return entry
