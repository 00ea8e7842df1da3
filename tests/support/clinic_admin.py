"""What the tests of the clinic admin pages (rota, policy, plan) share: Riverside's clock, the
page as a reader sees it, and shifts made directly or through the rota form."""

import datetime as dt
import html
import re
import zoneinfo
from collections.abc import Callable

from django.test import Client

from followup.models import Clinic, Clinician
from followup.services.rota import shift_create

CHICAGO = zoneinfo.ZoneInfo("America/Chicago")
# A Tuesday, noon in Chicago.
NOON = dt.datetime(2026, 12, 1, 12, 0, tzinfo=CHICAGO)

SignedIn = Callable[[Clinician], Client]


def local(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 12, day, hour, minute, tzinfo=CHICAGO)


def text(response: object) -> str:
    """The page as a reader sees it: tags gone, white space collapsed."""
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", response.content.decode(), flags=re.S)
    words = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())
    return words.replace(" ,", ",").replace(" .", ".")


def shift(clinic: Clinic, who: Clinician, starts: dt.datetime, ends: dt.datetime, level: int = 1):
    return shift_create(clinic=clinic, clinician=who, starts_at=starts, ends_at=ends, level=level)


def add_shift(client: Client, clinician: Clinician, starts: str, ends: str, level: int = 1):
    return client.post(
        "/dashboard/rota/",
        {
            "action": "add",
            "clinician": clinician.pk,
            "starts_at": starts,
            "ends_at": ends,
            "level": level,
        },
    )
