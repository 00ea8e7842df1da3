"""Who is calling the API: a clinician's personal token, a clinic's integration key, or the
dashboard's browser session with both factors.

``Authorization: Token <key>`` and ``Authorization: Bearer <key>`` are the same. A key that
starts with ``fuk_`` is an integration key, any other a personal token (django-rest-knox, with
the prefix ``fup_``). Either way the credentials, the caller's clinic and its follow-up plan come
in one query (every clinic-scoped request needs the clinic, and enrolling a patient or recording
a session needs its plan), and nothing is written on use but the audit of an integration key.

**The principal of an integration key** is the clinic admin who made it: ``request.user`` is that
admin (with their clinic) and ``request.auth`` the key. So every clinic-scoped view, permission
and service works unchanged for a key, and what an EHR records is attributed to a person of the
clinic, as it is in the dashboard. The key's scope narrows what it can do: a ``read`` key gets a
403 on every unsafe method; and no key adds clinicians (``IsClinicAdminInPersonOrReadOnly``). A key stops working when it expires, when it is revoked, and when its
admin is deactivated or no longer an admin of its clinic (make a new one then). Every use is an
audit event (``integration_key.use``) naming the key.
"""

import binascii
import hmac
from typing import TYPE_CHECKING

from django.utils import timezone
from knox.crypto import hash_token
from knox.models import AuthToken
from knox.settings import CONSTANTS
from rest_framework import authentication, exceptions
from rest_framework.permissions import SAFE_METHODS
from rest_framework.request import Request

from followup.models import Clinician, IntegrationKey
from followup.models.credentials import KEY_PREFIX, LOOKUP_LENGTH
from followup.services.accounts import second_factor_satisfied
from followup.services.audit import audit_record

if TYPE_CHECKING:  # a type for the checker only
    from followup.models.clinics import ClinicMember

KEYWORDS = (b"token", b"bearer")
# The clinic and its plan, loaded with the credentials.
CALLER = "clinic__follow_up_plan"


class TokenAuthentication(authentication.BaseAuthentication):
    """A personal token or an integration key, sent as ``Token <key>`` or ``Bearer <key>``."""

    keyword = "Token"

    def authenticate(self, request: Request) -> tuple[Clinician, object] | None:
        parts = authentication.get_authorization_header(request).split()
        if not parts or parts[0].lower() not in KEYWORDS:
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(
                "Send one key: 'Authorization: Token <key>' or 'Bearer <key>'."
            )
        try:
            key = parts[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed("Invalid token.") from None
        if key.startswith(KEY_PREFIX):
            return self._integration_key(request, key)
        return self._personal_token(key)

    def authenticate_header(self, request: Request) -> str:
        return self.keyword

    def _personal_token(self, key: str) -> tuple[Clinician, AuthToken]:
        now = timezone.now()
        candidates = AuthToken.objects.select_related(f"user__{CALLER}").filter(
            token_key=key[: CONSTANTS.TOKEN_KEY_LENGTH], expiry__gt=now
        )
        try:
            digest = hash_token(key)
        except (TypeError, ValueError, binascii.Error):
            raise exceptions.AuthenticationFailed("Invalid token.") from None
        for token in candidates:
            if hmac.compare_digest(digest, token.digest):
                if not token.user.is_active:
                    raise exceptions.AuthenticationFailed("User inactive or deleted.")
                return token.user, token
        raise exceptions.AuthenticationFailed(
            "Invalid or expired token. Ask for a new one: POST /api/v1/auth/token/."
        )

    def _integration_key(self, request: Request, key: str) -> tuple[Clinician, IntegrationKey]:
        row = (
            IntegrationKey.objects.select_related(f"created_by__{CALLER}")
            .filter(lookup=key[:LOOKUP_LENGTH])
            .first()
        )
        if row is None or not hmac.compare_digest(IntegrationKey.digest_of(key), row.digest):
            raise exceptions.AuthenticationFailed("Invalid integration key.")
        if row.revoked_at is not None:
            raise exceptions.AuthenticationFailed("This integration key was revoked.")
        if row.expires_at <= timezone.now():
            raise exceptions.AuthenticationFailed("This integration key has expired.")
        admin = row.created_by
        if not (admin.is_active and admin.is_clinic_admin and admin.clinic_id == row.clinic_id):
            raise exceptions.AuthenticationFailed(
                "The admin who made this integration key can no longer use it: make a new one."
            )
        writes = request.method not in SAFE_METHODS
        refused = writes and not row.can_write
        detail = {"key": row.name, "method": request.method, "path": request.path}
        if refused:
            detail["refused"] = "read-only key"
        audit_record(
            actor=admin, action="integration_key.use", obj=row, clinic=admin.clinic, detail=detail
        )
        if refused:
            raise exceptions.PermissionDenied(
                "This integration key can only read: make a read-write key to change data.",
                code="read_only_key",
            )
        return admin, row


class SessionAuthentication(authentication.SessionAuthentication):
    """The dashboard's browser session, only once it has passed the second factor as the
    dashboard requires it (``followup.services.accounts.second_factor_satisfied``): a session signed in
    with a password alone gets a 403 from every route."""

    def authenticate(self, request: Request) -> tuple[Clinician, None] | None:
        result = super().authenticate(request)
        if result is not None and not second_factor_satisfied(result[0]):
            raise exceptions.PermissionDenied(
                "Sign in to the dashboard with the code from your authenticator app first.",
                code="second_factor_required",
            )
        return result


class ClinicianRequest(Request):
    """A request that ``IsClinicMember`` let through: its user is a clinician of a clinic (an
    integration key's admin included). For the type checker only; DRF builds the request."""

    user: "ClinicMember"
