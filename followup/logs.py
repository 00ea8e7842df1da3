"""No patient data in logs: a filter on every handler (``LOGGING`` in config/settings/logs.py).

Our own log lines carry ids only. This catches what others write: Django's ``django.request``
warnings name the path (a check-in link's token is a key to a patient's answers), and a
provider's error message may quote a phone number.
"""

import datetime as dt
import json
import logging
import re
from contextvars import ContextVar

MASK = "[masked]"

_TOKEN_PATHS = re.compile(
    r"(?P<prefix>/c/|/public/check-ins/)(?P<token>[^\s/?#\"'<>]+)", flags=re.IGNORECASE
)
# E.164 numbers, also URL-encoded (``%2B1312…`` in a Twilio webhook's body or query).
_PHONES = re.compile(r"(?P<plus>\+|%2B)\d[\d\s().-]{6,18}\d", flags=re.IGNORECASE)


def mask_text(text: str) -> str:
    """``text`` with check-in tokens and phone numbers replaced (a number keeps its last two
    digits, enough to tell two apart in a log)."""
    text = _TOKEN_PATHS.sub(lambda m: m["prefix"] + MASK, text)
    return _PHONES.sub(lambda m: f"{m['plus']}…{m[0][-2:]}", text)


class MaskPatientData(logging.Filter):
    """Rewrites each record's message (and traceback) with ``mask_text``; never drops one."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed record: leave it to the handler to report
            return True
        masked = mask_text(message)
        if masked != message:
            record.msg, record.args = masked, ()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_text(record.exc_text)
        return True


# Which request or task a log line belongs to: set by the RequestId middleware
# (followup/web/middleware.py) and by Celery's task signals (config/celery.py).
request_id: ContextVar[str | None] = ContextVar("request_id", default=None)
task_id: ContextVar[str | None] = ContextVar("task_id", default=None)


class JsonFormatter(logging.Formatter):
    """``LOG_FORMAT=json``: one JSON object per line (time, level, logger, message, and the
    request or task it came from). The handler's ``MaskPatientData`` filter has already run on
    the message and its traceback; nothing else of the record is written."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": dt.datetime.fromtimestamp(record.created, tz=dt.UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if (request := request_id.get()) is not None:
            entry["request_id"] = request
        if (task := task_id.get()) is not None:
            entry["task_id"] = task
        if record.exc_info and not record.exc_text:
            record.exc_text = mask_text(self.formatException(record.exc_info))
        if record.exc_text:
            entry["exception"] = record.exc_text
        return json.dumps(entry, ensure_ascii=False)
