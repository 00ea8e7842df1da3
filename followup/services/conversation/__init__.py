"""The SMS conversation (SPEC §2 step 4, §7): one question per message, answers as they come.

Every patient-facing text goes through ``followup.messaging`` (a ledger row first). Answers are
stored the moment they arrive, so PHQ-9 item 9 reaches the flag rules before the check-in ends.

- ``outgoing``: questions, reminders and every text to a patient; which check-in a reply answers.
- ``intake``: what the webhook reads of a text before it answers Twilio (crisis first).
- ``inbound``: a stored inbound SMS, handled (ACK, keywords, answers, free text in every state).
- ``answers``: an answer stored and judged, then the next question or the thanks.
- ``strangers``: texts from a number that is no patient's.
- ``reading``: keywords, ACK, and how a trigger names its message.
"""

from followup.services.conversation.inbound import inbound_handle
from followup.services.conversation.outgoing import checkin_open, reminder_send
from followup.services.conversation.reading import keyword

__all__ = ["checkin_open", "inbound_handle", "keyword", "reminder_send"]
