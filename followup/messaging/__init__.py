"""Outbound messages: texts, transports, and the ledger every SMS and call goes through."""
