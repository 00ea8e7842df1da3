"""Domain errors: a stable machine ``code`` beside a human ``message``.

The API renders them as ``{"message", "code", "extra"}`` with a 4xx status; nothing the service
was doing is half-written, because services raise before they write or inside one transaction.
"""

from typing import Any


class DomainError(Exception):
    code = "invalid"
    status = 400

    def __init__(
        self, message: str, *, code: str | None = None, field: str | None = None, **extra: Any
    ) -> None:
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        self.field = field
        self.extra = extra


class ValidationError(DomainError):
    code = "invalid"


class NotFound(DomainError):
    code = "not_found"
    status = 404


class Conflict(DomainError):
    code = "conflict"
    status = 409


class Gone(DomainError):
    code = "gone"
    status = 410
