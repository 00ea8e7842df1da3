"""Writes sent with an ``Idempotency-Key`` header (SPEC §6): the same key and body replay the
first answer, and nothing is written twice.

The key is claimed by an INSERT in the transaction of the write it guards, and its answer is
stored in that transaction too: the write and its answer commit together, or neither does. A
second request with the key while the first is still running waits on the unique index until
the first commits (then it replays its answer) or rolls back (then it runs itself): never two
writes.
"""

import datetime as dt
from dataclasses import dataclass

from django.db import IntegrityError, transaction

from followup.errors import Conflict, DomainError
from followup.models import IdempotencyKey

# How long a key replays its answer; after that the same key is a new request.
KEY_LIFETIME = dt.timedelta(hours=24)
MAX_KEY_LENGTH = 255


class KeyReused(DomainError):
    code = "idempotency_key_reused"
    status = 422


@dataclass(frozen=True)
class Replay:
    """The first answer to a key, to send again."""

    status_code: int
    body: str


def idempotency_claim(
    *, clinic_id: int, credential: str, key: str, fingerprint: str, now: dt.datetime
) -> IdempotencyKey | Replay:
    """Claim ``key`` for a write about to run, or the first answer to it. Call it inside the
    write's transaction (``transaction.atomic``), then ``idempotency_complete``.

    Raises ``KeyReused`` when the key was first sent with another request (``fingerprint``).
    """
    assert transaction.get_connection().in_atomic_block, "claim a key in the write's transaction"
    mine = IdempotencyKey.objects.filter(clinic_id=clinic_id, credential=credential, key=key)
    mine.filter(expires_at__lte=now).delete()
    try:
        with transaction.atomic():
            return IdempotencyKey.objects.create(
                clinic_id=clinic_id,
                credential=credential,
                key=key,
                fingerprint=fingerprint,
                created_at=now,
                expires_at=now + KEY_LIFETIME,
            )
    except IntegrityError:
        first = mine.first()
    if first is None or first.status_code is None:
        # Not seen with a committed answer (rare: a purge in between): never run it twice.
        raise Conflict(
            "A request with this Idempotency-Key is in progress; retry in a moment.",
            code="idempotency_key_in_progress",
        )
    if first.fingerprint != fingerprint:
        raise KeyReused(
            "This Idempotency-Key was used with another request (method, path or body); "
            "send a new key for a new request.",
            field="Idempotency-Key",
        )
    return Replay(status_code=first.status_code, body=first.body)


def idempotency_complete(*, claim: IdempotencyKey, status_code: int, body: str) -> None:
    """Keep the answer to a claimed key, in the write's transaction."""
    claim.status_code = status_code
    claim.body = body
    claim.save(update_fields=["status_code", "body"])


def idempotency_purge(*, now: dt.datetime) -> int:
    """Forget the keys past their lifetime; returns how many."""
    deleted, _ = IdempotencyKey.objects.filter(expires_at__lte=now).delete()
    return deleted
