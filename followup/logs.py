"""No patient data in logs: a filter on every handler (``LOGGING`` in config/settings/logs.py).

Our own log lines carry ids only. This catches what others write: Django's ``django.request``
warnings name the path (a check-in link's token is a key to a patient's answers), and a
provider's error message may quote a phone number.
"""

import logging
import re

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
