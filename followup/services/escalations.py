"""Paging the on-call clinician, and up the escalation chain until someone acknowledges
(SPEC §2 step 6, CLINICAL.md escalation defaults).

Each page of an open flag is an ``EscalationStep`` row with a due time: (flag, level, round) is
unique, and a step runs once (claimed under a row lock), so duplicate or retried tasks, restarts
or two schedulers never page twice. The first step runs inside the transaction that raised the
flag (outbox): the flag and its page messages commit together or not at all.
"""

import datetime as dt
import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from followup.jobs import Job, Queue, enqueue
from followup.messaging.outbox import message_queue
from followup.messaging.texts import render_sms
from followup.models import (
    Clinician,
    EscalationStep,
    Flag,
    FlagEvent,
    OutboundMessage,
)

logger = logging.getLogger(__name__)

# CLINICAL.md: high flags wait 15 minutes per level where critical ones wait 5.
HIGH_PRIORITY_FACTOR = 3
REASON_TEXT: dict[str, str] = {
    Flag.Reason.SUICIDAL_IDEATION: "thoughts of self-harm reported",
    Flag.Reason.CRISIS_LANGUAGE: "crisis language in a message",
    Flag.Reason.SEVERE_DEPRESSION: "severe depression answers",
    Flag.Reason.SEVERE_ANXIETY: "severe anxiety answers",
    Flag.Reason.RELIABLE_DETERIORATION: "marked worsening",
    Flag.Reason.UNREAD_MESSAGE: "a message to read",
    Flag.Reason.UNREACHABLE: "patient unreachable",
}


@dataclass(frozen=True)
class Target:
    phone: str
    clinician: Clinician | None
    why: str  # "on_call", "admin", "fallback"


def escalation_start(flag: Flag, *, now: dt.datetime | None = None) -> bool:
    """Page for a new flag, or again for a new critical trigger of an open one. Runs inside the
    caller's transaction. Returns whether anyone was paged."""
    if not flag.is_paged or flag.status != Flag.Status.OPEN:
        return False
    now = now or timezone.now()
    level = max(flag.escalation_level, 1)
    rounds = EscalationStep.objects.filter(flag=flag, level=level).order_by("-round")
    last = rounds.values_list("round", flat=True).first()
    # A re-trigger pages the current level again now; the escalation clock starts over.
    EscalationStep.objects.filter(flag=flag, status=EscalationStep.Status.PENDING).update(
        status=EscalationStep.Status.CANCELLED, done_at=now
    )
    step = EscalationStep.objects.create(
        flag=flag, level=level, round=0 if last is None else last + 1, due_at=now
    )
    return escalation_step_run(step.pk, now=now) > 0


def escalation_step_run(step_id: int, *, now: dt.datetime | None = None) -> int:
    """Page one (flag, level, round), once, and schedule what follows. Returns the number of
    page messages queued."""
    now = now or timezone.now()
    with transaction.atomic():
        step = (
            EscalationStep.objects.select_for_update(skip_locked=True)
            .filter(pk=step_id, status=EscalationStep.Status.PENDING)
            .first()
        )
        if step is None:
            return 0
        flag = (
            # Only the flag's row: its patient is an outer join (none for an unknown sender).
            Flag.objects.select_for_update(of=("self",))
            .select_related("clinic", "patient")
            .get(pk=step.flag_id)
        )
        if flag.status != Flag.Status.OPEN:
            _close(step, EscalationStep.Status.CANCELLED, now)
            return 0
        policy = flag.policy_snapshot
        levels = policy.get("levels") or []
        last_level = len(levels)
        config = levels[min(step.level, last_level) - 1]
        channels = [
            c for c in config["channels"] if c == "sms" or flag.priority == Flag.Priority.CRITICAL
        ]
        targets, gap = _targets(flag, step.level, last_level, now)
        if gap:
            FlagEvent.objects.create(
                flag=flag,
                kind=FlagEvent.Kind.ROTA_GAP,
                detail={"level": step.level, "round": step.round},
            )
        queued = 0
        for target in targets:
            for channel in channels or ["sms"]:
                message_queue(
                    key=f"page:{flag.pk}:{step.level}:{step.round}:{target.phone}:{channel}",
                    to=target.phone,
                    body=_page_body(flag, channel, target),
                    purpose=OutboundMessage.Purpose.PAGE,
                    clinic=flag.clinic,
                    channel=channel,
                    queue=Queue.PAGES,
                    flag=flag,
                    clinician=target.clinician,
                )
                queued += 1
        FlagEvent.objects.create(
            flag=flag,
            kind=FlagEvent.Kind.PAGED if step.level == 1 else FlagEvent.Kind.ESCALATED,
            detail={
                "level": step.level,
                "round": step.round,
                "channels": channels,
                "to": [
                    {"clinician": t.clinician.pk if t.clinician else None, "as": t.why}
                    for t in targets
                ],
            },
        )
        if not targets:
            logger.error("flag %s: nobody to page at level %s", flag.pk, step.level)
        Flag.objects.filter(pk=flag.pk).update(escalation_level=step.level)
        factor = 1 if flag.priority == Flag.Priority.CRITICAL else HIGH_PRIORITY_FACTOR
        if step.level < last_level:
            following = (step.level + 1, 0, config["timeout_seconds"])
        else:
            following = (step.level, step.round + 1, policy.get("repeat_every_seconds", 300))
        next_level, next_round, wait = following
        EscalationStep.objects.get_or_create(
            flag=flag,
            level=next_level,
            round=next_round,
            defaults={"due_at": now + dt.timedelta(seconds=wait * factor)},
        )
        _close(step, EscalationStep.Status.DONE, now)
    return queued


def _close(step: EscalationStep, status: str, now: dt.datetime) -> None:
    step.status = status
    step.done_at = now
    step.save(update_fields=["status", "done_at"])


def _targets(
    flag: Flag, level: int, last_level: int, now: dt.datetime
) -> tuple[list[Target], bool]:
    """Who is paged at ``level``: its on-call clinicians; at the last level also the clinic's
    admins and fallback phones. A level with nobody on call (a rota gap) pages the admins and
    fallback phones instead."""
    on_call = (
        Clinician.objects.filter(
            shifts__clinic=flag.clinic,
            shifts__level=level,
            shifts__starts_at__lte=now,
            shifts__ends_at__gt=now,
            is_active=True,
        )
        .exclude(phone="")
        .distinct()
    )
    targets = [Target(c.phone, c, "on_call") for c in on_call]
    gap = not targets
    if gap or level >= last_level:
        admins = Clinician.objects.filter(
            clinic=flag.clinic, role=Clinician.Role.ADMIN, is_active=True
        ).exclude(phone="")
        targets += [Target(c.phone, c, "admin") for c in admins]
        targets += [
            Target(phone, None, "fallback")
            for phone in flag.policy_snapshot.get("fallback_phones", [])
        ]
    unique: dict[str, Target] = {}
    for target in targets:
        unique.setdefault(target.phone, target)
    return list(unique.values()), gap


def cannot_be_texted(flag: Flag) -> bool:
    """The patient sent STOP or never consented to SMS: the clinician must call, and the page
    says so (the patient got no crisis message by SMS either)."""
    patient = flag.patient
    return patient is not None and (patient.opted_out or not patient.sms_consent)


def _page_body(flag: Flag, channel: str, target: Target) -> str:
    reason = REASON_TEXT.get(flag.reason, flag.reason)
    cannot_text = cannot_be_texted(flag)
    # A safety drill's page says so first: nobody mistakes it for a real patient.
    drill = flag.patient is not None and flag.patient.is_drill
    if channel == OutboundMessage.Channel.VOICE:
        action = (
            settings.PUBLIC_BASE_URL
            + reverse("twilio-voice-ack")
            + f"?f={flag.pk}&amp;c={target.clinician.pk if target.clinician else 0}"
        )
        spoken_code = " ".join(flag.code)
        whose = "A patient's" if flag.patient_id else "From an unknown number:"
        call = " The patient cannot be texted: call them." if cannot_text else ""
        return (
            '<?xml version="1.0" encoding="UTF-8"?><Response>'
            f'<Gather numDigits="1" action="{action}" method="POST" timeout="10">'
            f"<Say>{'Drill. ' if drill else ''}Follow-up alert. {flag.priority}. {whose} {reason}.{call} "
            f"Flag {spoken_code}. Press 1 to acknowledge.</Say>"
            f"<Say>Again: flag {spoken_code}. Press 1 to acknowledge.</Say></Gather>"
            "<Say>Not acknowledged. The alert stays open.</Say></Response>"
        )
    return render_sms(
        "page",
        drill=drill,
        priority=flag.priority,
        reason=reason,
        initials=flag.patient.initials if flag.patient is not None else "",
        # A number that is no patient's: its last four digits stand in for the initials.
        sender_last4=flag.sender[-4:] if flag.patient is None else "",
        cannot_text=cannot_text,
        code=flag.code,
        url=f"{settings.PUBLIC_BASE_URL}/dashboard/flags/{flag.pk}/",
    )


def escalation_steps_run_due(*, now: dt.datetime, limit: int = 200) -> int:
    """The sweep: run every step that has come due (and any the fast path missed)."""
    due = list(
        EscalationStep.objects.filter(status=EscalationStep.Status.PENDING, due_at__lte=now)
        .order_by("due_at")
        .values_list("pk", flat=True)[:limit]
    )
    for pk in due:
        escalation_step_run(pk, now=now)
    return len(due)


def escalation_advance(flag_id: int) -> None:
    """A page failed for good: do not wait out the timeout, page the next level now."""
    now = timezone.now()
    pending = EscalationStep.objects.filter(
        Q(flag_id=flag_id), status=EscalationStep.Status.PENDING
    ).order_by("due_at")
    step = pending.first()
    if step is not None and step.due_at > now:
        EscalationStep.objects.filter(pk=step.pk, status=EscalationStep.Status.PENDING).update(
            due_at=now
        )
        FlagEvent.objects.create(
            flag_id=flag_id, kind=FlagEvent.Kind.ESCALATED_EARLY, detail={"level": step.level}
        )
    if step is not None:
        enqueue(Job.ESCALATE, step.pk, queue=Queue.PAGES)
