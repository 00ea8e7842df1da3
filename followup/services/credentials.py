"""API credentials: a clinic's integration keys, and clinicians revoking their own tokens.

A clinician's token is issued by the API (``POST /api/v1/auth/token/``, django-rest-knox); the
dashboard lists and revokes them through the user's ``auth_token_set``, so this layer needs no
REST framework.
"""

import datetime as dt
import secrets

from django.db import IntegrityError, transaction
from django.utils import timezone

from followup.errors import Conflict, NotFound, ValidationError
from followup.models import Clinic, Clinician, IntegrationKey
from followup.models.credentials import KEY_PREFIX, LOOKUP_LENGTH
from followup.services.audit import audit_record

MAX_KEY_DAYS = 365
NAME_LENGTH = 100


def integration_key_create(
    *,
    clinic: Clinic,
    actor: Clinician,
    name: str,
    scope: str,
    valid_days: int,
) -> tuple[IntegrationKey, str]:
    """A new key for ``clinic``, valid ``valid_days`` days: the row, and the key itself, which
    is never stored and so can be shown only now. ``actor`` must be one of the clinic's
    admins: the API acts as them for the key."""
    name = " ".join(name.split())
    if not name:
        raise ValidationError("Give the key a name, e.g. the EHR it is for.", field="name")
    if len(name) > NAME_LENGTH:
        raise ValidationError(f"At most {NAME_LENGTH} characters.", field="name")
    if scope not in IntegrationKey.Scope.values:
        raise ValidationError("scope must be 'read' or 'read-write'.", field="scope")
    if not 1 <= valid_days <= MAX_KEY_DAYS:
        raise ValidationError(f"A key is valid for 1 to {MAX_KEY_DAYS} days.", field="valid_days")
    if actor.clinic_id != clinic.pk or not actor.is_clinic_admin:
        raise ValidationError("Only the clinic's admins make its integration keys.")
    now = timezone.now()
    for _ in range(3):  # a lookup already taken: astronomically rare, but never a 500
        key = KEY_PREFIX + secrets.token_urlsafe(32)
        try:
            with transaction.atomic():
                row = IntegrationKey.objects.create(
                    clinic=clinic,
                    created_by=actor,
                    name=name,
                    scope=scope,
                    lookup=key[:LOOKUP_LENGTH],
                    digest=IntegrationKey.digest_of(key),
                    created_at=now,
                    expires_at=now + dt.timedelta(days=valid_days),
                )
                audit_record(
                    actor=actor,
                    action="integration_key.create",
                    obj=row,
                    clinic=clinic,
                    detail={"name": name, "scope": scope, "expires_at": row.expires_at.isoformat()},
                )
        except IntegrityError:
            continue
        return row, key
    raise Conflict("Could not make a new key; try again.")


@transaction.atomic
def integration_key_revoke(*, clinic: Clinic, key_id: int, actor: Clinician) -> IntegrationKey:
    """Revoke one of ``clinic``'s keys: it stops working at once. Revoking twice is harmless."""
    key = IntegrationKey.objects.select_for_update().filter(clinic=clinic, pk=key_id).first()
    if key is None:
        raise NotFound("No such key.")
    if key.revoked_at is None:
        key.revoked_at = timezone.now()
        key.revoked_by = actor
        key.save(update_fields=["revoked_at", "revoked_by"])
        audit_record(actor=actor, action="integration_key.revoke", obj=key, clinic=clinic)
    return key


@transaction.atomic
def api_token_revoke(*, user: Clinician, token_id: str) -> None:
    """Revoke one of ``user``'s own API tokens (by its stored hash, never the token)."""
    # knox has no type information: the plugin does not see its reverse relation.
    deleted, _ = user.auth_token_set.filter(digest=token_id).delete()  # type: ignore[attr-defined]
    if not deleted:
        raise NotFound("No such token.")
    audit_record(actor=user, action="api_token.revoke")
