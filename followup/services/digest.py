"""The clinicians' morning digest (CLINICAL.md, escalation defaults: moderate flags page nobody;
they are shown on the dashboard and in each clinician's daily digest).

Once the clinic's own clock has passed 08:00, each active clinician and admin of the clinic who
has an email address gets one email: how many moderate flags are unresolved, how many messages
wait to be read, how many paged flags are still unresolved, and a link to the dashboard. Counts
and a link only: nothing about any patient (no names, initials, ids, numbers or words).

Once per clinic and local day, whatever the retries or however many schedulers run: the day's
``Digest`` row (unique per clinic and date) is inserted in the same transaction that counts and
sends, so a second scheduler waits on that row and then finds it taken. If the mail server fails
half-way, the transaction rolls back with the row, and the next tick sends again to everyone: at
least once per clinician (one who got it before the failure gets it twice), never silently
lost. A recipient the server refuses for good (5xx) is logged by id and skipped, so one bad
address neither holds back the others nor repeats the email to them every tick.

With nothing to report no email goes out, and the day is recorded all the same: the digest is
the morning's picture, so a flag raised in the afternoon waits for the dashboard or tomorrow's
digest instead of turning into an afternoon email.
"""

import datetime as dt
import logging
import smtplib
import zoneinfo
from dataclasses import asdict, dataclass

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone

from followup.models import Clinic, Clinician, Digest, Flag

logger = logging.getLogger(__name__)

DIGEST_TIME = dt.time(8, 0)


@dataclass(frozen=True)
class DigestCounts:
    # Moderate flags other than messages to read, open or acknowledged: paged to nobody.
    moderate: int
    # Messages from patients (or unknown numbers) that wait to be read: each trigger of an
    # unresolved ``unread_message`` flag.
    unread: int
    # Critical and high flags not yet resolved: paged already, and still someone's to close.
    urgent: int

    @property
    def empty(self) -> bool:
        return not (self.moderate or self.unread or self.urgent)


def digest_counts(clinic: Clinic) -> DigestCounts:
    # A safety drill's flag is no real patient's (and is resolved as the drill ends).
    unresolved = Flag.objects.filter(clinic=clinic, status__in=Flag.UNRESOLVED).exclude(
        patient__is_drill=True
    )
    unread = unresolved.filter(reason=Flag.Reason.UNREAD_MESSAGE)
    return DigestCounts(
        moderate=unresolved.filter(priority=Flag.Priority.MODERATE)
        .exclude(reason=Flag.Reason.UNREAD_MESSAGE)
        .count(),
        unread=sum(
            max(1, len(evidence or [])) for evidence in unread.values_list("evidence", flat=True)
        ),
        urgent=unresolved.filter(priority__in=Flag.PAGED_PRIORITIES).count(),
    )


def digest_local_date(clinic: Clinic, now: dt.datetime) -> dt.date | None:
    """The clinic's own date if its clock has passed 08:00 at ``now``, else ``None``. Wall-clock
    time in the clinic's zone, so a day when the clocks change is no different."""
    try:
        local = now.astimezone(zoneinfo.ZoneInfo(clinic.timezone))
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        logger.error("clinic %s has no valid time zone; no digest", clinic.pk)
        return None
    return local.date() if local.time() >= DIGEST_TIME else None


def digests_send_due(*, now: dt.datetime | None = None) -> int:
    """Send the digest of each clinic whose 08:00 has passed today and that has none for today
    yet. Returns how many clinics' days were settled (sent, or recorded with nothing to say).

    A clinic whose sending fails is logged and left for the next tick; the others go on.
    """
    now = now or timezone.now()
    # Every clinic's local date is within a day of the UTC date.
    done = set(
        Digest.objects.filter(local_date__gte=now.date() - dt.timedelta(days=1)).values_list(
            "clinic_id", "local_date"
        )
    )
    settled = 0
    for clinic in Clinic.objects.order_by("pk"):
        local_date = digest_local_date(clinic, now)
        if local_date is None or (clinic.pk, local_date) in done:
            continue
        try:
            if digest_send(clinic=clinic, local_date=local_date) is not None:
                settled += 1
        except Exception:
            logger.exception(
                "digest of clinic %s for %s not sent; tried again next tick", clinic.pk, local_date
            )
    return settled


def digest_send(*, clinic: Clinic, local_date: dt.date) -> Digest | None:
    """Claim, count and send ``clinic``'s digest for ``local_date`` in one transaction.

    Returns ``None`` when another scheduler has it. Raises (and records nothing) when the mail
    server fails, so that the next tick sends it again.
    """
    with transaction.atomic():
        try:
            with transaction.atomic():
                digest = Digest.objects.create(clinic=clinic, local_date=local_date)
        except IntegrityError:
            return None
        counts = digest_counts(clinic)
        recipients = [] if counts.empty else digest_recipients(clinic)
        if not counts.empty and not recipients:
            logger.warning("digest of clinic %s: nobody has an email address", clinic.pk)
        digest.recipients = _send(clinic, local_date, counts, recipients)
        digest.counts = asdict(counts)
        digest.save(update_fields=["recipients", "counts"])
    logger.info(
        "digest of clinic %s for %s: %s recipients", clinic.pk, local_date, digest.recipients
    )
    return digest


def digest_recipients(clinic: Clinic) -> list[Clinician]:
    return list(
        Clinician.objects.filter(clinic=clinic, is_active=True, role__in=Clinician.Role.values)
        .exclude(email="")
        .order_by("pk")
    )


def _send(
    clinic: Clinic, local_date: dt.date, counts: DigestCounts, recipients: list[Clinician]
) -> int:
    if not recipients:
        return 0
    sent = 0
    with get_connection() as connection:
        for clinician in recipients:
            message = _email(clinic, local_date, counts, clinician)
            try:
                connection.send_messages([message])
            except smtplib.SMTPRecipientsRefused as exc:
                if any(code < 500 for code, _ in exc.recipients.values()):
                    raise  # refused for now (e.g. greylisted): the whole digest again next tick
                logger.warning("digest of clinic %s: clinician %s refused", clinic.pk, clinician.pk)
                continue
            sent += 1
    return sent


def _email(
    clinic: Clinic, local_date: dt.date, counts: DigestCounts, clinician: Clinician
) -> EmailMessage:
    context = {
        **asdict(counts),
        "clinic": clinic.name,
        "name": clinician.first_name,
        "date": f"{local_date:%A}, {local_date:%B} {local_date.day}, {local_date.year}",
        "url": f"{settings.PUBLIC_BASE_URL}/dashboard/",
    }
    subject = render_to_string("email/digest_subject.txt", context)
    return EmailMessage(
        subject=" ".join(subject.split()),
        body=render_to_string("email/digest.txt", context).strip() + "\n",
        to=[clinician.email],
    )
