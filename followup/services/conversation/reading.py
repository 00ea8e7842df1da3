"""How a text is read before anything else: the keywords of SPEC §7 (STOP, START, HELP, LINK, any
case, any time), a clinician's ``ACK <code>``, and how a trigger names the message it came from."""

import dataclasses
import logging
import re

from followup.clinical import rules
from followup.models import (
    InboundMessage,
)

logger = logging.getLogger(__name__)


# SPEC §7 keywords, any case, any time (and the carriers' own opt-out and opt-in words).
STOP_WORDS = {"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "OPTOUT", "REVOKE"}


START_WORDS = {"START", "UNSTOP", "OPTIN"}


HELP_WORDS = {"HELP", "INFO"}


LINK_WORDS = {"LINK"}


_KEYWORD = re.compile(r"^\s*([A-Za-z]+)\s*[.!]*\s*$")


# A clinician's "ACK <code>" in reply to a page.
ACK = re.compile(r"^\s*ACK\s+([A-Za-z0-9]{3,12})\s*[.!]*\s*$", re.IGNORECASE)


def crisis_triggers(text: str) -> list[rules.Trigger]:
    """``rules.message_triggers`` for a text that is free text: an ``ACK <code>`` that
    acknowledged nothing (a wrong code, a phone that was not paged) is a command, not words to
    read for crisis language (the trained reader takes a code like "K7QP2" for one)."""
    return [] if ACK.match(text or "") else rules.message_triggers(text)


def keyword(text: str) -> str | None:
    match = _KEYWORD.match(text or "")
    if not match:
        return None
    word = match.group(1).upper()
    for name, words in (
        ("stop", STOP_WORDS),
        ("start", START_WORDS),
        ("help", HELP_WORDS),
        ("link", LINK_WORDS),
    ):
        if word in words:
            return name
    return None


def about(
    triggers: list[rules.Trigger], message: InboundMessage, **more: object
) -> list[rules.Trigger]:
    """The triggers, naming the message by id (never its words) for the dashboard to show."""
    return [
        dataclasses.replace(trigger, detail={**trigger.detail, "inbound": message.pk, **more})
        for trigger in triggers
    ]
