"""Quiet hours: no patient message between the clinic's start and end, in the patient's zone.

CLINICAL.md: US rules forbid 21:00-08:00 (stricter states end at 20:00, so the window is per
clinic). Clinician pages ignore quiet hours. Daylight saving is handled by working in local
wall-clock time and converting back through ``zoneinfo``.
"""

import datetime as dt
import zoneinfo


def in_quiet_hours(moment: dt.datetime, *, zone: str, start: dt.time, end: dt.time) -> bool:
    local = moment.astimezone(zoneinfo.ZoneInfo(zone)).time()
    if start > end:  # the usual case: the window spans midnight (21:00-08:00)
        return local >= start or local < end
    return start <= local < end


def next_allowed(moment: dt.datetime, *, zone: str, start: dt.time, end: dt.time) -> dt.datetime:
    """``moment`` itself when messages are allowed then, else the end of the quiet window."""
    if not in_quiet_hours(moment, zone=zone, start=start, end=end):
        return moment
    tz = zoneinfo.ZoneInfo(zone)
    local = moment.astimezone(tz)
    day = local.date()
    if start > end and local.time() >= start:
        day += dt.timedelta(days=1)
    opening = dt.datetime.combine(day, end, tzinfo=tz)
    # A wall-clock time inside a spring-forward gap does not exist; zoneinfo reads it with the
    # offset before the change, so the round trip through UTC lands on the first real minute.
    result = opening.astimezone(dt.UTC)
    if result <= moment:  # never go back in time (a repeated hour in autumn)
        result = moment + dt.timedelta(minutes=1)
    return result


# Zones around the world, the United States first, for demos and tests that need a patient for
# whom it is daytime now.
_AROUND_THE_WORLD = (
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Los_Angeles",
    "Pacific/Honolulu",
    "Pacific/Auckland",
    "Asia/Tokyo",
    "Asia/Singapore",
    "Asia/Kolkata",
    "Europe/Berlin",
    "Europe/London",
)


def daytime_zone(now: dt.datetime) -> str:
    """A zone where it is between 10:00 and 18:00 at ``now``."""
    for zone in _AROUND_THE_WORLD:
        if 10 <= now.astimezone(zoneinfo.ZoneInfo(zone)).hour < 18:
            return zone
    raise LookupError("no zone in daytime")  # cannot happen: the list spans the globe
