"""Reads for one flag's page: the flag (own clinic only), what raised it in words, and its
timeline. No requests, no templates; a fixed number of queries however long the history.
"""

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from followup.clinical.instruments import INSTRUMENTS, severity_band
from followup.models import Clinic, Clinician, Flag, FlagEvent, InboundMessage, OutboundMessage
from followup.models.clinics import clinician_display_name
from followup.web.dashboard.presenters.flag_queue import (
    PAGE_WORDS,
    PageState,
    masked_number,
)

Kind = FlagEvent.Kind
# The page's status each page_<status> event records.
PAGE_STATUS: dict[str, str] = {
    kind: status for status, kind in OutboundMessage.PAGE_EVENT_KIND.items()
}

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
        pk: clinician_display_name(first, last, username)
        for pk, first, last, username in Clinician.objects.filter(pk__in=wanted).values_list(
            "pk", "first_name", "last_name", "username"
        )
    }


# What raised it, in words --------------------------------------------------------------------

# followup.clinical.crisis_language categories: the kind of words found, never the words themselves.
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
    "item_9_listed": "thoughts of death or self-harm (PHQ-9 item 9 above 0, in a list of answers)",
    "unlisted": "a crisis that no phrase list names (the trained reader recognised it)",
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
    """One trigger's evidence (``followup.clinical.rules`` detail) in words, and the item's wording."""
    instrument = INSTRUMENTS.get(str(detail.get("instrument")))
    name = instrument.name if instrument else str(detail.get("instrument", ""))
    late = " after the check-in had closed" if detail.get("late") else ""
    if detail.get("shared_number"):
        return (
            "A text from this patient's phone number to the number clinics share, where a "
            f"patient of another clinic has the same phone number ({detail.get('clinics')} "
            "clinics in all): it may be from either, and it raised this for the other patient. "
            "Every clinic with a patient on that number is being told",
            "",
        )
    if instrument and detail.get("reply") == "unclear":
        item = next((i for i in instrument.items if i.number == detail.get("item")), None)
        words = ""
        if "category" in detail:
            kind = CRISIS_CATEGORY.get(detail["category"], str(detail["category"]))
            words = f", with words about {kind.replace('_', ' ')}"
        return (
            f"{name} item {detail.get('item')}: the reply{late} was not a clear answer{words}, "
            "so it counts as positive (fail-safe)",
            item.text if item else "",
        )
    if detail.get("unread"):
        return f"A text message for a clinician to read{late}", ""
    if instrument and "item" in detail and "value" in detail:
        item = next((i for i in instrument.items if i.number == detail["item"]), None)
        option = next((o for o in instrument.options if o.value == detail["value"]), None)
        words = f" ({option.label})" if option else ""
        return (
            f"{name} item {detail['item']} answered {detail['value']}{words}{late}",
            item.text if item else "",
        )
    if instrument and "reference" in detail and "total" in detail:
        return _deterioration_text(name, detail), ""
    if instrument and "previous_total" in detail and "total" in detail:
        return (
            f"{name} total {detail['total']}, up {detail.get('change')} from "
            f"{detail['previous_total']} (a rise of {detail.get('threshold')} or more is a "
            "reliable deterioration)",
            "",
        )
    if instrument and "answered_sum" in detail:
        limit = f"; {detail['threshold']} or more flags" if "threshold" in detail else ""
        return (
            f"{name} not finished: the {detail.get('answered')} of {instrument.item_count} "
            f"items answered already sum to {detail['answered_sum']}{limit}",
            "",
        )
    if instrument and detail.get("prorated") and "total" in detail:
        limit = f"; {detail['threshold']} or more flags" if "threshold" in detail else ""
        return (
            f"{name} total {detail['total']}, prorated from {detail.get('answered')} of "
            f"{instrument.item_count} items answered{limit}",
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


def _deterioration_text(name: str, detail: dict) -> str:
    """ "PHQ-9 total 14, up 10 from the baseline of 4 (up 5 from the previous score, 9)"."""
    rises = []
    for reference, words in (("previous", "the previous score"), ("baseline", "the baseline")):
        if detail.get(f"{reference}_total") is not None:
            rises.append(
                (
                    reference,
                    f"up {detail.get(f'{reference}_change')} from {words} of "
                    f"{detail[f'{reference}_total']}",
                )
            )
    fired = [text for reference, text in rises if detail["reference"] in (reference, "both")]
    others = [text for reference, text in rises if detail["reference"] not in (reference, "both")]
    text = f"{name} total {detail['total']}, " + " and ".join(fired)
    if others:
        text += f" ({'; '.join(others)})"
    return text + (
        f"; a rise of {detail.get('threshold')} or more is a reliable deterioration"
        if detail.get("threshold")
        else ""
    )


def flag_evidence(flag: Flag) -> list[Evidence]:
    """Each trigger of the flag, oldest first. For a text message (crisis language, a message to
    read, an unclear reply to item 9), the message that raised it: named by id in the evidence,
    or, for crisis-language triggers stored before the id was, the one being handled when the
    trigger was stored (received before it, marked handled after it). One query per such
    trigger, at most ten."""
    entries = flag.evidence if isinstance(flag.evidence, list) else [flag.evidence]
    found: list[Evidence] = []
    lookups = 0
    for detail in entries:
        if not isinstance(detail, dict):
            continue
        at = _parse_at(detail.get("at"))
        text, quote = evidence_text(detail)
        message = None
        if ("category" in detail or detail.get("inbound")) and at is not None and lookups < 10:
            lookups += 1
            if detail.get("inbound"):
                if detail.get("shared_number") and flag.patient is not None:
                    # Stored as the other clinic's patient's: it came from this one's number.
                    sender: dict[str, Any] = {"from_number": flag.patient.phone}
                elif flag.patient_id:
                    sender = {"patient_id": flag.patient_id}
                else:
                    sender = {"patient__isnull": True, "from_number": flag.sender}
                candidates = InboundMessage.objects.filter(pk=detail["inbound"], **sender)
            else:
                candidates = InboundMessage.objects.filter(
                    # No patient: a message from no patient's number (the stubs refuse None).
                    patient_id=flag.patient_id,  # type: ignore[misc]
                    received_at__lte=at,
                    handled_at__gte=at,
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
_ROLE: dict[str | None, str] = {
    "on_call": "on call",
    "admin": "clinic admin",
    "fallback": "fallback",
}


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
    people: set[int | None] = set()
    message_ids: set[int] = set()
    for event in chosen:
        detail: Any = event.detail if isinstance(event.detail, dict) else {}  # JSON
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


def _entry(
    event: FlagEvent, names: dict[int, str], messages: Mapping[int, Mapping[str, Any]]
) -> TimelineEntry:
    detail: Any = event.detail if isinstance(event.detail, dict) else {}  # JSON
    actor = event.actor.display_name if event.actor else ""
    entry = TimelineEntry(kind=event.kind, at=event.at, actor=actor, detail=detail)
    if event.kind in FlagEvent.TRIGGERS:
        return replace(entry, evidence=evidence_text(detail)[0])
    if event.kind in (Kind.PAGED, Kind.ESCALATED):
        targets = tuple(
            f"{names.get(t['clinician'], 'a fallback number')} ({_ROLE.get(t.get('as'), t.get('as'))})"
            if t.get("clinician")
            else "a fallback number"
            for t in detail.get("to", [])
            if isinstance(t, dict)
        )
        how = " and ".join("call" if c == "voice" else "SMS" for c in detail.get("channels", []))
        return replace(entry, targets=targets, channels=how or "SMS")
    if event.kind in PAGE_STATUS:
        message = messages.get(detail.get("message"), {})
        who = (
            names.get(detail.get("clinician")) or f"fallback {masked_number(message.get('to', ''))}"
        )
        state = PageState(
            detail.get("channel", "sms"),
            PAGE_STATUS[event.kind],
            1,
            detail.get("error") or "",
        )
        return replace(entry, page=state, who=who)
    if event.kind == Kind.ACKNOWLEDGED:
        return replace(entry, via=VIA.get(detail.get("via", ""), ""))
    if event.kind == Kind.CRISIS_MESSAGE:
        message = messages.get(detail.get("message"), {})
        return replace(entry, message_status=PAGE_WORDS.get(message.get("status", ""), ("",))[0])
    return entry
