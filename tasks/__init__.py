"""Celery tasks: thin, idempotent wrappers around ``followup`` services.

Task names are explicit and stable, so a rename never orphans a queued message.
"""

from tasks import digest, dispatch, drills, idempotency, messages

__all__ = ["digest", "dispatch", "drills", "idempotency", "messages"]
