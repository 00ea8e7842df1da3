"""Celery tasks: thin, idempotent wrappers around ``followup`` services.

Task names are explicit and stable, so a rename never orphans a queued message.
"""

from tasks import heartbeat

__all__ = ["heartbeat"]
