"""The safety drill: the paging path tests itself.

A synthetic PHQ-9 item-9 answer of the clinic's drill patient enters through the real inbound
path (``inbound_receive``, as the signed SMS webhook stores a reply), and the drill reports, step
by step with times, that the answer was received, the flag raised, the on-call phone paged and
Twilio's receipt of the page delivered. It then cleans up after itself: its flag is resolved
with the note "safety drill" and its check-in closed, so it never waits on the queue.

The drill patient is fictional (``Patient.is_drill``): nothing is ever sent to its number (the
ledger cancels it), and it is left out of patient lists and of counts of real flags.
"""

import datetime as dt
import logging
import secrets
import time
from collections.abc import Callable
from typing import TypeVar
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from followup.models import (
    CheckIn,
    Clinic,
    Flag,
    FlagEvent,
    InboundMessage,
    OutboundMessage,
    Patient,
    Response,
    SafetyDrill,
)
from followup.services.flags import flag_acknowledge, flag_resolve
from followup.services.inbound import inbound_receive

logger = logging.getLogger(__name__)
T = TypeVar("T")

DRILL_NOTE = "safety drill"
DRILL_CANCEL_REASON = "safety_drill"
# The answer the drill sends to item 9: "nearly every day", the clearest critical trigger.
DRILL_ANSWER = "3"
POLL_SECONDS = 0.1
# The steps, in order; a drill that stops early reports the rest as not reached.
STEPS = ("answer_received", "flag_raised", "on_call_paged", "page_delivered")


def drill_phone(clinic: Clinic) -> str:
    """A number in the 555 range no carrier assigns, one per clinic."""
    return f"+1555{clinic.pk:07d}"


def drill_patient_for(clinic: Clinic) -> Patient:
    """The clinic's drill patient, made on its first drill."""
    patient = Patient.objects.filter(clinic=clinic, is_drill=True).first()
    if patient is not None:
        return patient
    now = timezone.now()
    patient, _ = Patient.objects.get_or_create(
        clinic=clinic,
        phone=drill_phone(clinic),
        defaults={
            "first_name": "Drill",
            "last_name": "Patient",
            "timezone": clinic.timezone,
            "channel": "sms",
            "sms_consent": True,
            "sms_consent_at": now,
            "is_drill": True,
        },
    )
    return patient


def _drill_check_in(patient: Patient, now: dt.datetime) -> CheckIn:
    """A PHQ-9 waiting on item 9, items 1-8 answered 0: the next reply is the item-9 answer."""
    _check_ins_close(patient, now)
    check_in = CheckIn.objects.create(
        patient=patient,
        step=0,
        due_at=now,
        local_date=now.astimezone(ZoneInfo(patient.timezone)).date(),
        instruments=["phq9"],
        status=CheckIn.Status.IN_PROGRESS,
        channel="sms",
        sent_at=now,
        expires_at=now + dt.timedelta(hours=1),
        current_instrument="phq9",
        current_item=9,
    )
    Response.objects.create(
        patient=patient,
        check_in=check_in,
        instrument="phq9",
        answers=[0] * 8 + [None],
        channel="sms",
    )
    return check_in


def _check_ins_close(patient: Patient, now: dt.datetime) -> None:
    """Close the drill patient's check-ins still open (this drill's, or one a crash left)."""
    CheckIn.objects.filter(patient=patient).exclude(
        status__in=(CheckIn.Status.CANCELLED, CheckIn.Status.EXPIRED)
    ).update(
        status=CheckIn.Status.CANCELLED,
        cancelled_at=now,
        cancel_reason=DRILL_CANCEL_REASON,
        updated_at=now,
    )


class _Report:
    """The drill's steps as they happen, with their times."""

    def __init__(self, drill: SafetyDrill, started: float) -> None:
        self.drill = drill
        self.started = started

    def step(self, name: str, *, ok: bool, detail: str) -> bool:
        now = timezone.now()
        self.drill.steps = [
            *self.drill.steps,
            {
                "name": name,
                "ok": ok,
                "at": now.isoformat(),
                "elapsed_ms": round((time.perf_counter() - self.started) * 1000),
                "detail": detail,
            },
        ]
        if not ok and not self.drill.failure_reason:
            self.drill.failure_reason = f"{name}: {detail}"[:300]
        self.drill.save(update_fields=["steps", "failure_reason"])
        return ok


def _wait_for(probe: Callable[[], T | None], deadline: float) -> T | None:
    """Ask ``probe`` until it answers or the deadline (``time.perf_counter``) passes; the clock
    a test controls is not the one waited on."""
    while True:
        found = probe()
        if found is not None or time.perf_counter() >= deadline:
            return found
        time.sleep(POLL_SECONDS)


def drill_start(*, clinic: Clinic) -> SafetyDrill:
    return SafetyDrill.objects.create(clinic=clinic, started_at=timezone.now())


def drill_run(
    *, clinic: Clinic, timeout: float | None = None, drill: SafetyDrill | None = None
) -> SafetyDrill:
    """Run one drill for ``clinic`` and return it, passed or failed, with its steps. Waits up to
    ``timeout`` seconds for each step that depends on another process (the worker that handles
    the reply, Twilio's delivery receipt). Never raises for a failed step: it is reported."""
    timeout = settings.SAFETY_DRILL_TIMEOUT_SECONDS if timeout is None else timeout
    started = time.perf_counter()
    drill = drill or drill_start(clinic=clinic)
    report = _Report(drill, started)
    patient: Patient | None = None
    try:
        patient = drill_patient_for(clinic)
        _clean_up(patient)  # what a drill cut short (a crash, a restart) left behind
        _drill_check_in(patient, timezone.now())
        inbound = _steps(report, clinic, patient, timeout, started)
        # The worker's full handling of the answer, before the clean-up closes its check-in
        # (handled after, it would read as a stray text of the drill patient).
        _wait_for(
            lambda: (
                InboundMessage.objects.filter(pk=inbound)
                .exclude(status=InboundMessage.Status.RECEIVED)
                .first()
            ),
            started + timeout,
        )
    except Exception as exc:
        logger.exception("safety drill %s of clinic %s broke off", drill.pk, clinic.pk)
        report.step("error", ok=False, detail=f"{type(exc).__name__}")
    finally:
        if patient is not None:
            _clean_up(patient)
    drill.finished_at = timezone.now()
    passed = [s["name"] for s in drill.steps if s["ok"]] == list(STEPS)
    drill.status = SafetyDrill.Status.PASSED if passed else SafetyDrill.Status.FAILED
    drill.save(update_fields=["finished_at", "status"])
    logger.info("safety drill %s of clinic %s: %s", drill.pk, clinic.pk, drill.status)
    return drill


def _steps(
    report: _Report, clinic: Clinic, patient: Patient, timeout: float, started: float
) -> int:
    """The four steps, each reported; returns the id of the drill's inbound answer."""
    since = timezone.now()
    message, stored = inbound_receive(
        message_sid=f"DRILL{report.drill.pk:08d}{secrets.token_hex(8)}",
        from_number=patient.phone,
        to_number=clinic.sms_number or settings.TWILIO_FROM_NUMBER,
        body=DRILL_ANSWER,
        payload={"Drill": "true"},
    )
    if not report.step(
        "answer_received",
        ok=stored,
        detail=f"drill check-in opened at PHQ-9 item 9, answer stored as inbound {message.pk}",
    ):
        return message.pk
    deadline = started + timeout
    flag = _wait_for(
        lambda: Flag.objects.filter(
            patient=patient,
            reason=Flag.Reason.SUICIDAL_IDEATION,
            status=Flag.Status.OPEN,
            created_at__gte=since,
        ).first(),
        deadline,
    )
    if not report.step(
        "flag_raised",
        ok=flag is not None,
        detail=f"critical flag {flag.code} raised" if flag else "no flag raised in time",
    ):
        return message.pk
    assert flag is not None
    if _paged(report, flag, deadline):
        _delivered(report, flag, deadline)
    return message.pk


def _paged(report: _Report, flag: Flag, deadline: float) -> bool:
    paged = _wait_for(
        lambda: FlagEvent.objects.filter(flag=flag, kind=FlagEvent.Kind.PAGED).first(), deadline
    )
    if paged is None:
        return report.step("on_call_paged", ok=False, detail="nobody was paged in time")
    detail = paged.detail
    on_call = [t["clinician"] for t in detail.get("to", []) if t.get("as") == "on_call"]
    if not on_call:
        return report.step(
            "on_call_paged",
            ok=False,
            detail="nobody on call (rota gap): the page went to the admins and fallback phones",
        )
    names = ", ".join(
        dict.fromkeys(
            m.clinician.display_name
            for m in OutboundMessage.objects.filter(
                flag=flag, purpose=OutboundMessage.Purpose.PAGE, clinician_id__in=on_call
            ).select_related("clinician")
            if m.clinician is not None
        )
    )
    channels = " and ".join(detail.get("channels") or ["sms"])
    return report.step(
        "on_call_paged",
        ok=True,
        detail=f"level {detail.get('level', 1)} on call ({names}) paged by {channels}",
    )


def _delivered(report: _Report, flag: Flag, deadline: float) -> bool:
    pages = OutboundMessage.objects.filter(
        flag=flag, purpose=OutboundMessage.Purpose.PAGE, channel=OutboundMessage.Channel.SMS
    )
    final = (
        OutboundMessage.Status.DELIVERED,
        OutboundMessage.Status.UNDELIVERED,
        OutboundMessage.Status.FAILED,
    )
    page = _wait_for(lambda: pages.filter(status__in=final).order_by("pk").first(), deadline)
    if page is not None and page.status == OutboundMessage.Status.DELIVERED:
        return report.step(
            "page_delivered", ok=True, detail=f"Twilio reported page {page.pk} delivered"
        )
    if page is not None:
        why = f"page {page.pk} {page.status} ({page.error_code or 'no error code'})"
    elif settings.SMS_BACKEND == "console":
        why = "console backend: no delivery receipt"
    else:
        why = "no delivery receipt from Twilio in time"
    return report.step("page_delivered", ok=False, detail=why)


def _clean_up(patient: Patient) -> None:
    """The drill leaves nothing on the queue: the drill patient's flags acknowledged and
    resolved ("safety drill"), paging stopped, its check-ins closed."""
    _check_ins_close(patient, timezone.now())
    for flag in Flag.objects.filter(patient=patient, status__in=Flag.UNRESOLVED):
        flag_acknowledge(flag=flag, via="safety_drill")
        flag_resolve(flag=flag, actor=None, note=DRILL_NOTE)


def drills_due_run(*, now: dt.datetime | None = None) -> list[SafetyDrill]:
    """The daily drills: each clinic whose drill time (its own zone) has passed today and that
    has had no drill since its midnight. A tick that runs twice starts each at most once (the
    clinic's row is locked while its drill row is written)."""
    now = now or timezone.now()
    due = []
    for clinic in Clinic.objects.filter(drill_at__isnull=False):
        zone = ZoneInfo(clinic.timezone)
        local = now.astimezone(zone)
        assert clinic.drill_at is not None
        if local.time() < clinic.drill_at:
            continue
        midnight = dt.datetime.combine(local.date(), dt.time(0), tzinfo=zone)
        with transaction.atomic():
            Clinic.objects.select_for_update().filter(pk=clinic.pk).first()
            if SafetyDrill.objects.filter(clinic=clinic, started_at__gte=midnight).exists():
                continue
            due.append(SafetyDrill.objects.create(clinic=clinic, started_at=now))
    return [drill_run(clinic=drill.clinic, drill=drill) for drill in due]
