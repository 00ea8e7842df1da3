"""The dispatcher: one idempotent sweep over every obligation that has come due.

Each obligation is a row with a due time: check-ins to open, reminders, expiries, messages to
(re)send, inbound messages to handle. Rows are claimed with ``SELECT … FOR UPDATE SKIP LOCKED``
(PostgreSQL; SQLite serialises writers), so two schedulers, a missed tick or a repeated one
change nothing.
"""

import datetime as dt
import logging
from dataclasses import dataclass, field
from typing import TypeVar

from django.conf import settings
from django.db import transaction
from django.db.models import Model, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone

from followup.clinical.quiet_hours import next_allowed
from followup.jobs import Job, enqueue
from followup.messaging.outbox import messages_redrive
from followup.models import CheckIn, InboundMessage, Response
from followup.services import conversation
from followup.services.escalations import escalation_steps_run_due
from followup.services.messages import messages_send_together
from followup.services.responses import response_finalise

logger = logging.getLogger(__name__)

BATCH = 200
# Check-ins opened per second of the tick's interval, at most: a little above a short code's
# rate (Twilio sends 100 messages a second from one and only queues what comes faster). A
# morning's burst goes out at that pace and leaves the machine room for the status callbacks
# each message brings back, and for the answers.
OPEN_PER_SECOND = 110
INBOUND_REDRIVE_AFTER = dt.timedelta(seconds=10)
INBOUND_REDRIVE_EVERY = dt.timedelta(seconds=60)
OPEN = (CheckIn.Status.SENT, CheckIn.Status.IN_PROGRESS)


@dataclass
class Sweep:
    escalations: int = 0
    opened: int = 0
    deferred: int = 0
    undeliverable: int = 0
    reminded: int = 0
    expired: int = 0
    messages_redriven: int = 0
    inbound_redriven: int = 0
    details: dict = field(default_factory=dict)


def checkins_dispatch_due(*, now: dt.datetime | None = None) -> Sweep:
    now = now or timezone.now()
    sweep = Sweep()
    # Pages first (their own tick on the pages queue runs them too; a step runs once).
    sweep.escalations = escalation_steps_run_due(now=now)
    budget = OPEN_PER_SECOND * settings.DISPATCH_INTERVAL_SECONDS
    while budget > 0:
        claimed = _open_due_check_ins(now, sweep, limit=min(BATCH, budget))
        if not claimed:
            break
        budget -= claimed
    _remind(now, sweep)
    _expire(now, sweep)
    sweep.messages_redriven = messages_redrive(now=now)
    sweep.inbound_redriven = _redrive_inbound(now)
    return sweep


_ModelT = TypeVar("_ModelT", bound=Model)


def _claim(queryset: QuerySet[_ModelT], limit: int = BATCH) -> list[_ModelT]:
    return list(
        queryset.select_for_update(skip_locked=True, of=("self",))
        .select_related("patient__clinic__follow_up_plan")
        .order_by("pk")[:limit]
    )


def _quiet_until(check_in: CheckIn, now: dt.datetime) -> dt.datetime:
    clinic = check_in.patient.clinic
    return next_allowed(
        now,
        zone=check_in.patient.timezone,
        start=clinic.quiet_hours_start,
        end=clinic.quiet_hours_end,
    )


def _open_due_check_ins(now: dt.datetime, sweep: Sweep, *, limit: int) -> int:
    # Each claim's first questions go out together once it commits, a few tasks per batch.
    with messages_send_together(), transaction.atomic():
        due = _claim(
            CheckIn.objects.filter(status=CheckIn.Status.SCHEDULED, due_at__lte=now), limit
        )
        for check_in in due:
            patient = check_in.patient
            if patient.opted_out or not patient.sms_consent:
                reason = "opted_out" if patient.opted_out else "no_sms_consent"
                CheckIn.objects.filter(pk=check_in.pk).update(
                    status=CheckIn.Status.UNDELIVERABLE, undeliverable_reason=reason, updated_at=now
                )
                sweep.undeliverable += 1
                continue
            allowed = _quiet_until(check_in, now)
            if allowed > now:
                # The planned time is kept (the first one, if it is moved again): the API and
                # the patient page say it was moved, from when and to when.
                CheckIn.objects.filter(pk=check_in.pk).update(
                    due_at=allowed,
                    deferred_from=Coalesce("deferred_from", "due_at"),
                    updated_at=now,
                )
                sweep.deferred += 1
                continue
            conversation.checkin_open(check_in, now=now)
            sweep.opened += 1
    return len(due)


def _remind(now: dt.datetime, sweep: Sweep) -> None:
    with messages_send_together(), transaction.atomic():
        due = _claim(
            CheckIn.objects.filter(
                status__in=OPEN,
                reminded_at__isnull=True,
                reminder_due_at__lte=now,
                expires_at__gt=now,
            )
        )
        for check_in in due:
            allowed = _quiet_until(check_in, now)
            if allowed > now:
                CheckIn.objects.filter(pk=check_in.pk).update(
                    reminder_due_at=allowed, updated_at=now
                )
                continue
            CheckIn.objects.filter(pk=check_in.pk).update(reminded_at=now, updated_at=now)
            if not check_in.patient.opted_out:
                conversation.reminder_send(check_in)
                sweep.reminded += 1


def _expire(now: dt.datetime, sweep: Sweep) -> None:
    # Answers given so far stay, as partial responses (CLINICAL.md), now final: each gets its
    # total, prorated when few enough items are missing, in the same transaction.
    with transaction.atomic():
        due = _claim(CheckIn.objects.filter(status__in=OPEN, expires_at__lte=now))
        CheckIn.objects.filter(pk__in=[c.pk for c in due]).update(
            status=CheckIn.Status.EXPIRED, current_instrument="", current_item=None, updated_at=now
        )
        for response in Response.objects.filter(
            check_in__in=due, complete=False, prorated=False
        ).select_related("patient__clinic"):
            response_finalise(response=response)
        sweep.expired += len(due)


def _redrive_inbound(now: dt.datetime) -> int:
    """Texts stored but not handled 10 s later: their enqueue was lost (the broker was down), or
    they wait behind a backlog. Each is enqueued again, then not again for a minute: a
    backlog is not made longer by a copy of itself at every tick."""
    with transaction.atomic():
        waiting = list(
            InboundMessage.objects.select_for_update(skip_locked=True)
            .filter(
                Q(redriven_at__isnull=True) | Q(redriven_at__lte=now - INBOUND_REDRIVE_EVERY),
                status=InboundMessage.Status.RECEIVED,
                received_at__lte=now - INBOUND_REDRIVE_AFTER,
            )
            .order_by("received_at")
            .values_list("pk", flat=True)[:BATCH]
        )
        InboundMessage.objects.filter(pk__in=waiting).update(redriven_at=now)
        for pk in waiting:
            enqueue(Job.HANDLE_INBOUND, pk)
    return len(waiting)
