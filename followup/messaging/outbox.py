"""The outbound ledger: every SMS or call is a row before the provider is called.

``message_queue`` writes the row (idempotent by key) and enqueues its send on commit;
``messages_transmit`` claims rows with a conditional update, so a re-delivered or duplicate task
finds them claimed or sent and does nothing. Transient failures put the row back with a due time.

The ledger only records: it returns what happened (``SendReport``), and the service that sent
(``followup.services.messages``) acts on a message that failed for good.
"""

import contextlib
import datetime as dt
import logging
import os
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextvars import ContextVar
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.db.models import Case, F, Model, Q, QuerySet, Value, When
from django.urls import reverse
from django.utils import timezone

from followup.jobs import Job, Queue, enqueue
from followup.messaging.transports import (
    Sender,
    TransportError,
    get_transport,
)
from followup.models import Clinic, Flag, FlagEvent, OutboundMessage

logger = logging.getLogger(__name__)

# Messages queued together (a sweep, a re-drive) go out in tasks of this many, each on up to
# ``SEND_THREADS`` connections at once: a provider's round trip is waited for in threads.
SEND_BATCH = 10
SEND_THREADS = 10
MAX_ATTEMPTS = 8
REDRIVE_AFTER = dt.timedelta(seconds=15)
# A message about a flag (a page, a crisis message) is never left waiting long: a lost enqueue is
# re-driven after 5 s and a claim cut short by a dead worker after 11 s (the Twilio client gives
# up after 10 s, so a live worker has settled its claim by then), by the pages tick that runs
# every few seconds. A duplicate page is cheap; a late one is not.
PAGE_REDRIVE_AFTER = dt.timedelta(seconds=5)
PAGE_CLAIM_TIMEOUT = dt.timedelta(seconds=11)
# How long after a console send its delivery is reported (development only).
CONSOLE_DELIVERY_AFTER = dt.timedelta(seconds=2)
FINISHED = ("sent", "delivered", "undelivered", "failed", "cancelled")
# The messages others wait for (``after``): the next question waits for the crisis message, and
# a newer check-in's first question for the "thanks" of the one just finished. Only their sends
# look for followers to release.
LEADERS = (OutboundMessage.Purpose.CRISIS, OutboundMessage.Purpose.THANKS)
Status = OutboundMessage.Status
Purpose = OutboundMessage.Purpose


def backoff(attempts: int) -> dt.timedelta:
    """2, 4, 8 … seconds, at most 2 minutes: no obligation waits long in the broker."""
    return dt.timedelta(seconds=min(2**attempts, 120))


def message_queue(
    *,
    key: str,
    to: str,
    body: str,
    purpose: OutboundMessage.Purpose,
    clinic: Clinic,
    channel: str = OutboundMessage.Channel.SMS,
    queue: Queue | None = None,
    **links: Model | None,
) -> OutboundMessage:
    """Record a message to send (once per ``key``) and enqueue its send after commit."""
    message = OutboundMessage(
        idempotency_key=key,
        to=to,
        body=body,
        purpose=purpose,
        clinic=clinic,
        channel=channel,
        **links,
    )
    if not _insert_once(message):
        return OutboundMessage.objects.get(idempotency_key=key)
    collected = _collected.get()
    if collected is None:
        enqueue(Job.SEND_MESSAGE, message.pk, queue=queue)
    else:
        collected.append((message.pk, queue))
    return message


def _insert_once(message: OutboundMessage) -> bool:
    """``INSERT … ON CONFLICT (idempotency_key) DO NOTHING``: whether the row is new. One
    statement where the ORM needs a savepoint around its insert (three round trips inside the
    caller's transaction) to survive the duplicate of a retried task."""
    meta = OutboundMessage._meta
    connection = transaction.get_connection()
    quote = connection.ops.quote_name
    fields = [field for field in meta.concrete_fields if not field.primary_key]
    values = [field.get_db_prep_save(field.pre_save(message, True), connection) for field in fields]
    sql = (
        f"INSERT INTO {quote(meta.db_table)} ({', '.join(quote(f.column) for f in fields)})"  # noqa: S608
        f" VALUES ({', '.join(['%s'] * len(fields))})"
        f" ON CONFLICT ({quote(meta.get_field('idempotency_key').column)}) DO NOTHING"
        f" RETURNING {quote(meta.pk.column)}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        row = cursor.fetchone()
    if row is None:
        return False
    message.pk = row[0]
    message._state.adding = False
    message._state.db = connection.alias
    return True


# Sending together --------------------------------------------------------------------------

_collected: ContextVar[list[tuple[int, Queue | None]] | None] = ContextVar(
    "followup_sends_collected", default=None
)


@contextlib.contextmanager
def messages_collected() -> Iterator[list[tuple[int, Queue | None]]]:
    """Messages queued inside the block are collected, as ``(id, queue)``, instead of enqueued
    one by one: the caller sends them together once the block has committed
    (``followup.services.messages.messages_send_together``)."""
    collected: list[tuple[int, Queue | None]] = []
    token = _collected.set(collected)
    try:
        yield collected
    finally:
        _collected.reset(token)


def messages_enqueue(collected: list[tuple[int, Queue | None]]) -> None:
    """Enqueue collected messages in tasks of ``SEND_BATCH``, per queue, pages first: they wait
    on their own queue, which a worker always serves first."""
    by_queue: dict[Queue | None, list[int]] = {}
    for pk, queue in collected:
        by_queue.setdefault(queue, []).append(pk)
    for queue in sorted(by_queue, key=lambda q: q != Queue.PAGES):
        pks = by_queue[queue]
        for start in range(0, len(pks), SEND_BATCH):
            enqueue(Job.SEND_MESSAGES, pks[start : start + SEND_BATCH], queue=queue)


@dataclass
class SendReport:
    """What a send did: how many of each outcome (sent, retry, failed, cancelled, not_claimed),
    and the messages that failed for good, for the sender to act on."""

    counts: Counter = field(default_factory=Counter)
    failed: list[OutboundMessage] = field(default_factory=list)


def messages_transmit(message_ids: list[int]) -> SendReport:
    """Send ledger rows, each at most once per claim, the provider's round trips concurrently."""
    report = SendReport()
    outcomes = report.counts
    claimed = _claim(message_ids)
    outcomes["not_claimed"] = len(set(message_ids)) - len(claimed)
    to_send = []
    for message in claimed:
        if message.patient is not None and message.patient.is_drill:
            # The safety drill's patient is fictional: nothing is ever sent to its number.
            _finish(message, Status.CANCELLED, error_code="drill", error="Drill patient.")
            outcomes["cancelled"] += 1
        elif message.patient_id and message.channel == "sms" and _patient_blocks(message):
            _finish(message, Status.CANCELLED, error_code="opted_out", error="Patient opted out.")
            outcomes["cancelled"] += 1
        elif message.purpose == Purpose.PAGE and message.flag.status != Flag.Status.OPEN:  # type: ignore[union-attr]  # a page names its flag
            # Acknowledged or resolved since it was queued: every later page stops.
            _finish(
                message, Status.CANCELLED, error_code="acknowledged", error="Flag acknowledged."
            )
            outcomes["cancelled"] += 1
        else:
            to_send.append(message)
    sent: list[tuple[OutboundMessage, str]] = []
    for message, result in _transmit(to_send):
        if isinstance(result, TransportError):
            outcome = _failed(message, result)
            outcomes[outcome] += 1
            if outcome == "failed":
                report.failed.append(message)
        else:
            sent.append((message, result))
    if sent:
        _record_sent(sent)
        outcomes["sent"] += len(sent)
    report.counts = +outcomes
    return report


def _claim(message_ids: list[int]) -> list[OutboundMessage]:
    """The rows that are due and whose predecessor is out, marked ``sending`` by this caller
    alone (a row another worker holds is skipped, not waited for)."""
    now = timezone.now()
    due = (
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now),
        Q(after__isnull=True) | Q(after__status__in=FINISHED),
    )
    if len(message_ids) == 1:
        # One row (a reply, a page): one conditional update claims it.
        pks = list(message_ids)
        if not OutboundMessage.objects.filter(*due, pk=pks[0], status=Status.PENDING).update(
            status=Status.SENDING, attempts=F("attempts") + 1, updated_at=now
        ):
            return []
        return list(_claimed().filter(pk=pks[0]))
    with transaction.atomic():
        pks = list(
            OutboundMessage.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(
                *due,
                pk__in=message_ids,
                status=Status.PENDING,
            )
            .values_list("pk", flat=True)
        )
        if not pks:
            return []
        OutboundMessage.objects.filter(pk__in=pks).update(
            status=Status.SENDING, attempts=F("attempts") + 1, updated_at=now
        )
    return list(_claimed().filter(pk__in=pks).order_by("pk"))


def _claimed() -> QuerySet:
    """Claimed rows as sending needs them."""
    return OutboundMessage.objects.select_related("patient", "flag", "clinic")


_pool: tuple[int, ThreadPoolExecutor] | None = None


def _threads() -> ThreadPoolExecutor:
    """One pool per process (a forked worker child makes its own)."""
    global _pool
    if _pool is None or _pool[0] != os.getpid():
        _pool = (os.getpid(), ThreadPoolExecutor(SEND_THREADS, thread_name_prefix="send"))
    return _pool[1]


def _transmit(
    messages: list[OutboundMessage],
) -> list[tuple[OutboundMessage, str | TransportError]]:
    """The provider's calls, concurrently when there are several; no database access here."""
    if len(messages) <= 1:
        return [(message, _call_provider(message)) for message in messages]
    return list(zip(messages, _threads().map(_call_provider, messages), strict=True))


def _call_provider(message: OutboundMessage) -> str | TransportError:
    transport = get_transport()
    callback = settings.PUBLIC_BASE_URL + reverse("twilio-status") + f"?m={message.pk}"
    clinic = message.clinic
    sender = Sender(number=clinic.sms_number, service=clinic.messaging_service_sid)
    try:
        if message.channel == OutboundMessage.Channel.VOICE:
            return transport.call(
                to=message.to, twiml=message.body, status_callback=callback, sender=sender
            )
        return transport.send_sms(
            to=message.to, body=message.body, status_callback=callback, sender=sender
        )
    except TransportError as exc:
        return exc


def _record_sent(sent: list[tuple[OutboundMessage, str]]) -> None:
    # A status callback may have arrived first and moved a row on: only fill what is missing.
    now = timezone.now()
    still_sending = Q(status=Status.SENDING)
    OutboundMessage.objects.filter(pk__in=[message.pk for message, _ in sent]).update(
        status=Case(When(still_sending, then=Value(Status.SENT)), default=F("status")),
        sent_at=Case(When(still_sending, then=Value(now)), default=F("sent_at")),
        updated_at=Case(When(still_sending, then=Value(now)), default=F("updated_at")),
        provider_sid=Case(
            *(When(pk=message.pk, provider_sid="", then=Value(sid)) for message, sid in sent),
            default=F("provider_sid"),
        ),
    )
    page_events_record([message for message, _ in sent], Status.SENT)
    _release_followers([message.pk for message, _ in sent if message.purpose in LEADERS])
    if settings.DEBUG and settings.SMS_BACKEND == "console":
        # No provider will call back: the console's delivery reports follow in a moment, as
        # Twilio's would (development only; never with Twilio, whose callbacks are real).
        for message, _ in sent:
            enqueue(
                Job.CONSOLE_DELIVERY,
                message.pk,
                queue=Queue.PAGES if message.flag_id else None,
                countdown=CONSOLE_DELIVERY_AFTER.total_seconds(),
            )


def page_events_record(messages: list[OutboundMessage], status: str) -> None:
    """A page's delivery belongs on its flag's timeline: paged whom, how, and what became of it."""
    events = [
        FlagEvent(
            flag_id=message.flag_id,
            kind=OutboundMessage.PAGE_EVENT_KIND[status],
            detail={
                "message": message.pk,
                "channel": message.channel,
                "clinician": message.clinician_id,
                "error": message.error_code or None,
            },
        )
        for message in messages
        if message.flag_id and message.purpose == Purpose.PAGE
    ]
    if events:
        FlagEvent.objects.bulk_create(events)


def _release_followers(message_ids: list[int]) -> None:
    """Messages waiting for these (the next question after a crisis message) go now."""
    if not message_ids:
        return
    for pk, flag_id in OutboundMessage.objects.filter(
        after__in=message_ids, status=Status.PENDING
    ).values_list("pk", "flag_id"):
        enqueue(Job.SEND_MESSAGE, pk, queue=Queue.PAGES if flag_id else None)


# What an opted-out patient may still receive: the STOP confirmation, and answers to HELP
# (carriers' rules allow both).
ALLOWED_AFTER_STOP = (Purpose.STOP_CONFIRMATION, Purpose.HELP)


def _patient_blocks(message: OutboundMessage) -> bool:
    """Patients who sent STOP get nothing more, except ``ALLOWED_AFTER_STOP``."""
    patient = message.patient
    assert patient is not None  # asked only of a message to a patient
    return patient.opted_out and message.purpose not in ALLOWED_AFTER_STOP


def _failed(message: OutboundMessage, exc: TransportError) -> str:
    if exc.permanent or message.attempts >= MAX_ATTEMPTS:
        _finish(message, Status.FAILED, error_code=exc.code, error=str(exc))
        logger.warning("message %s failed permanently: %s", message.pk, exc.code or "error")
        return "failed"
    retry_at = timezone.now() + backoff(message.attempts)
    OutboundMessage.objects.filter(pk=message.pk, status=Status.SENDING).update(
        status=Status.PENDING,
        next_attempt_at=retry_at,
        error_code=exc.code,
        error_message=str(exc)[:500],
        updated_at=timezone.now(),
    )
    logger.info("message %s will retry at %s: %s", message.pk, retry_at.isoformat(), exc)
    # The fast path; if this is lost, the sweep picks the row up by its due time.
    enqueue(
        Job.SEND_MESSAGE,
        message.pk,
        queue=Queue.PAGES if message.flag_id else None,
        countdown=backoff(message.attempts).total_seconds(),
    )
    return "retry"


def _finish(message: OutboundMessage, status: str, *, error_code: str, error: str) -> None:
    OutboundMessage.objects.filter(pk=message.pk, status=Status.SENDING).update(
        status=status, error_code=error_code, error_message=error[:500], updated_at=timezone.now()
    )
    message.error_code = error_code
    page_events_record([message], status)
    _release_followers([message.pk])


def messages_redrive(*, now: dt.datetime, limit: int = 500, pages_only: bool = False) -> int:
    """The sweep: enqueue pending rows that are due, and free claims cut short by a dead worker.

    A claim cut short may or may not have reached the provider; its status callback tells (it
    moves the row on). Without one after ``SEND_CLAIM_TIMEOUT_SECONDS`` (a message about a flag:
    ``PAGE_CLAIM_TIMEOUT``) we send again: a rare duplicate beats a lost question or a late page.
    ``pages_only``: the pages tick's share, messages about a flag only.
    """
    stale_claim = dt.timedelta(seconds=settings.SEND_CLAIM_TIMEOUT_SECONDS)
    stale = Q(flag_id__isnull=False, updated_at__lt=now - min(PAGE_CLAIM_TIMEOUT, stale_claim))
    waiting = Q(flag_id__isnull=False, updated_at__lte=now - PAGE_REDRIVE_AFTER)
    if not pages_only:
        stale |= Q(updated_at__lt=now - stale_claim)
        waiting |= Q(updated_at__lte=now - REDRIVE_AFTER)
    OutboundMessage.objects.filter(stale, status=Status.SENDING, provider_sid="").update(
        status=Status.PENDING, next_attempt_at=now, updated_at=now - REDRIVE_AFTER
    )
    with transaction.atomic():
        # Rows whose task has not run for a while: the fast path's enqueue was lost (broker
        # down) or the worker died. Touching updated_at spaces re-drives of a backlog out.
        due = list(
            OutboundMessage.objects.select_for_update(skip_locked=True)
            .filter(
                Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now),
                waiting,
                status=Status.PENDING,
            )
            .order_by("created_at")
            .values_list("pk", "flag_id")[:limit]
        )
        OutboundMessage.objects.filter(pk__in=[pk for pk, _ in due]).update(updated_at=now)
        batch = [(pk, Queue.PAGES if flag_id else None) for pk, flag_id in due]
        transaction.on_commit(lambda: messages_enqueue(batch), robust=True)
    return len(due)
