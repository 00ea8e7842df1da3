"""The ``Idempotency-Key`` header on the API's writes (SPEC §6): an EHR may retry a POST, PUT
or PATCH it is unsure of with the same key and body, and gets the first answer again, byte for
byte, with nothing written twice (``followup/services/idempotency.py``).

Keys are per clinic and per credential (a personal token, an integration key, a dashboard
session). Only a successful answer (2xx) is kept: after an error nothing was written, and the
key is free to send again. The same key with another method, path or body is a 422.
"""

import hashlib
import json
from collections.abc import Callable
from typing import Any, cast

from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.utils import timezone
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.authentication import ClinicianRequest
from followup.errors import ValidationError
from followup.models import IntegrationKey
from followup.services.idempotency import (
    MAX_KEY_LENGTH,
    Replay,
    idempotency_claim,
    idempotency_complete,
)

HEADER = "Idempotency-Key"
WRITES = ("POST", "PUT", "PATCH")
# On a replayed answer, so a caller (and its logs) can tell it from a first one.
REPLAYED_HEADER = "Idempotent-Replayed"


def idempotency_key(request: Request) -> str | None:
    """The request's key, when it is a write that sent one."""
    if request.method not in WRITES:
        return None
    key = request.headers.get(HEADER)
    if key is None:
        return None
    if not key.strip() or len(key) > MAX_KEY_LENGTH or not key.isprintable():
        raise ValidationError(
            f"{HEADER} must be 1 to {MAX_KEY_LENGTH} printable characters, e.g. a UUID.",
            field=HEADER,
            code="invalid_idempotency_key",
        )
    return key


def _credential(request: Request) -> str:
    """Who sent the key, by a hash: never the credential itself."""
    auth = request.auth
    if isinstance(auth, IntegrationKey):
        who = f"key:{auth.pk}"
    elif auth is not None:
        who = f"token:{auth.pk}"  # a personal token (knox's AuthToken)
    else:
        who = f"session:{request.user.pk}"
    return hashlib.sha256(who.encode()).hexdigest()


def _fingerprint(request: Request) -> str:
    data: Any = request.data
    if hasattr(data, "lists"):  # a form's QueryDict
        data = dict(data.lists())
    body = json.dumps(data, sort_keys=True, separators=(",", ":"), default=str)
    seen = f"{request.method}\n{request.get_full_path()}\n{body}"
    return hashlib.sha256(seen.encode()).hexdigest()


class IdempotentWritesMixin(APIView):
    """For an authenticated view: its writes honour ``Idempotency-Key``."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        # DRF's APIView.dispatch, but for a write with a key the handler runs in a transaction
        # that also claims the key and keeps the answer. Authentication, permissions and
        # throttles (``initial``) come first, outside it: a replay is for its caller only.
        self.args = args
        self.kwargs = kwargs
        drf_request = self.initialize_request(request, *args, **kwargs)
        self.request = drf_request
        self.headers = self.default_response_headers
        try:
            self.initial(drf_request, *args, **kwargs)
            handler = self._handler(drf_request)
            key = idempotency_key(drf_request)
            if key is not None:
                return self._once(drf_request, key, handler, *args, **kwargs)
            response = handler(drf_request, *args, **kwargs)
        except Exception as exc:
            response = self.handle_exception(exc)
        self.response = self.finalize_response(drf_request, response, *args, **kwargs)
        return self.response

    def _handler(self, request: Request) -> Callable[..., Response]:
        method = (request.method or "").lower()
        if method in self.http_method_names:
            return getattr(self, method, self.http_method_not_allowed)
        return self.http_method_not_allowed

    def _once(
        self,
        request: Request,
        key: str,
        handler: Callable[..., Response],
        *args: Any,
        **kwargs: Any,
    ) -> HttpResponseBase:
        try:
            with transaction.atomic():
                claim = idempotency_claim(
                    clinic_id=cast(ClinicianRequest, request).user.clinic_id,
                    credential=_credential(request),
                    key=key,
                    fingerprint=_fingerprint(request),
                    now=timezone.now(),
                )
                if isinstance(claim, Replay):
                    replay = HttpResponse(
                        claim.body, status=claim.status_code, content_type="application/json"
                    )
                    for name, value in self.headers.items():
                        replay[name] = value
                    replay[REPLAYED_HEADER] = "true"
                    return replay
                response = self.finalize_response(
                    request, handler(request, *args, **kwargs), *args, **kwargs
                )
                response.render()
                if 200 <= response.status_code < 300:
                    idempotency_complete(
                        claim=claim,
                        status_code=response.status_code,
                        body=response.content.decode(),
                    )
                else:  # an error: nothing is kept, and the key stays free
                    transaction.set_rollback(True)
                self.response = response
                return response
        except Exception as exc:
            error = self.handle_exception(exc)
        self.response = self.finalize_response(request, error, *args, **kwargs)
        return self.response
