"""A patient texting in, as Twilio delivers it: signed webhooks on the SMS path."""

import datetime as dt
import itertools
from urllib.parse import urlencode

from django.conf import settings
from django.test import Client

from followup.models import Patient
from testkit.twilio_server import signed_post_headers

# Noon in Chicago (CST, UTC-6): inside the allowed window. Tests that use it pin the clock
# there with ``@pytest.mark.time_machine(NOW, tick=False)``, fixtures included.
NOW = dt.datetime(2026, 11, 26, 18, 0, tzinfo=dt.UTC)
_sids = itertools.count(1)


def sign_and_post(client: Client, path: str, params: dict[str, str], token: str) -> object:
    """POST a webhook as Twilio does: form-encoded, signed over PUBLIC_BASE_URL + path."""
    headers = signed_post_headers(token, settings.PUBLIC_BASE_URL + path, params)
    return client.post(
        path,
        urlencode(params),
        content_type="application/x-www-form-urlencoded",
        HTTP_X_TWILIO_SIGNATURE=headers["X-Twilio-Signature"],
    )


# The shared sender of the tests' settings (``twilio`` fixture).
SHARED_NUMBER = "+13125550100"


def text(
    twilio: object,
    patient: Patient,
    body: str,
    sid: str | None = None,
    *,
    to: str = SHARED_NUMBER,
    **more: str,
) -> object:
    """``patient`` texts ``body`` to ``to`` (the shared number unless a clinic's own); the
    webhook must accept it. ``more``: other parameters Twilio sends (``MessagingServiceSid``)."""
    params = {
        "MessageSid": sid or f"SM{next(_sids):032x}",
        "AccountSid": twilio.account_sid,
        "From": patient.phone,
        "To": to,
        "Body": body,
        **more,
    }
    response = sign_and_post(Client(), "/twilio/sms/", params, twilio.auth_token)
    assert response.status_code == 200
    return response


def bodies(twilio: object, patient: Patient) -> list[str]:
    """Every SMS the Twilio-compatible server was asked to send to ``patient``, in order."""
    return [m.params["Body"] for m in twilio.messages_to(patient.phone)]
