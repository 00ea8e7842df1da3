"""Web check-in links: a signed token naming one check-in.

The token is valid while its check-in is open; submitting the check-in or its expiry ends it
(single use). It carries no patient data, only the check-in id, signed with SECRET_KEY.
"""

from django.conf import settings
from django.core import signing
from django.urls import reverse

SALT = "followup.check-in"


def checkin_token_make(check_in_id: int) -> str:
    return signing.dumps(check_in_id, salt=SALT, compress=False)


def checkin_token_read(token: str) -> int | None:
    try:
        value = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        return None
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def checkin_url(check_in_id: int) -> str:
    return settings.PUBLIC_BASE_URL + reverse(
        "check-in-page", args=[checkin_token_make(check_in_id)]
    )
