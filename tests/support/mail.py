"""A mail server that misbehaves, at the network edge: Django's in-memory backend (the test
outbox, ``mailoutbox``) that breaks off after some messages or refuses some addresses."""

import smtplib
from collections.abc import Sequence

from django.core.mail import EmailMessage
from django.core.mail.backends import locmem

PATH = "tests.support.mail.FlakyMailServer"


class FlakyMailServer(locmem.EmailBackend):
    """Set the class attributes (with ``monkeypatch``) to choose how it fails."""

    # Messages accepted before the connection drops (a transient failure); None: never drops.
    drop_after: int | None = None
    # Addresses refused for good (550), as a server refuses an unknown mailbox.
    refused: frozenset[str] = frozenset()
    accepted = 0

    def send_messages(self, messages: Sequence[EmailMessage]) -> int:
        for message in messages:
            cls = type(self)
            if cls.drop_after is not None and cls.accepted >= cls.drop_after:
                raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
            refused = {to: (550, b"5.1.1 No such user") for to in message.to if to in cls.refused}
            if refused:
                raise smtplib.SMTPRecipientsRefused(refused)
            cls.accepted += 1
            super().send_messages([message])
        return len(messages)
