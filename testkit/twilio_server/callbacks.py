"""Twilio's part in delivery status callbacks: each accepted message (or call) with a
``StatusCallback`` gets its statuses posted back, signed, from a background thread."""

import threading
from typing import Any

from testkit.twilio_server.resources import API_VERSION
from testkit.twilio_server.signing import post_form, signed_post_headers


class StatusCallbacks:
    """Mixed into ``FakeTwilio``: reads its settings, lock and stop event, and records each
    callback's outcome in ``_callback_results``."""

    account_sid: str
    auth_token: str
    status_callbacks_enabled: bool
    callback_outcome: dict[str, tuple[str, str | None]]
    _cond: threading.Condition
    _generation: int
    _callback_results: list[tuple[str, int]]
    _callback_threads: list[threading.Thread]
    _stopping: threading.Event

    def _schedule_callbacks(
        self, message: dict[str, Any], params: dict[str, str], resource: str = "Messages"
    ) -> None:
        """Post the message's (or call's) status callbacks from a background thread, if
        enabled. Calls get 'initiated' then 'completed', as with Twilio's StatusCallbackEvent."""
        url = params.get("StatusCallback")
        if not url or not self.status_callbacks_enabled:
            return
        thread = threading.Thread(
            target=self._post_callbacks if resource == "Messages" else self._post_call_callbacks,
            args=(url, message),
            name=f"fake-twilio-callback-{message['sid']}",
            daemon=True,
        )
        with self._cond:
            self._callback_threads = [t for t in self._callback_threads if t.is_alive()]
            self._callback_threads.append(thread)
        thread.start()

    def _post_call_callbacks(self, url: str, call: dict[str, Any]) -> None:
        for status in ("initiated", "completed"):
            if self._stopping.is_set():
                return
            params = {
                "CallSid": call["sid"],
                "CallStatus": status,
                "AccountSid": self.account_sid,
                "From": call.get("from") or "",
                "To": call["to"],
                "ApiVersion": API_VERSION,
            }
            self._post_one(url, params)

    def _post_callbacks(self, url: str, message: dict[str, Any]) -> None:
        """Post 'sent' then the final status (only 'failed' if it failed), signed like Twilio."""
        outcome, error_code = self.callback_outcome.get(message["to"], ("delivered", None))
        statuses = [outcome] if outcome in ("sent", "failed") else ["sent", outcome]
        for status in statuses:
            if self._stopping.is_set():
                return
            params = {
                "MessageSid": message["sid"],
                "SmsSid": message["sid"],
                "MessageStatus": status,
                "SmsStatus": status,
                "AccountSid": self.account_sid,
                "From": message["from"] or "",
                "To": message["to"],
                "ApiVersion": API_VERSION,
            }
            if message["messaging_service_sid"]:
                params["MessagingServiceSid"] = message["messaging_service_sid"]
            if error_code and status == outcome:
                params["ErrorCode"] = error_code
            self._post_one(url, params)

    def _post_one(self, url: str, params: dict[str, str]) -> None:
        """Post one signed callback and record its HTTP status, waking wait_for()."""
        status_code = post_form(url, params, signed_post_headers(self.auth_token, url, params))
        with self._cond:
            self._callback_results.append((url, status_code))
            self._generation += 1
            self._cond.notify_all()
