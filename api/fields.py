import datetime as dt

from django.utils.dateparse import parse_datetime
from rest_framework import serializers

# Times the API takes: outside these a year is a typo, and near the ends of Python's calendar
# converting to UTC or adding a follow-up plan's weeks would overflow.
EARLIEST = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
LATEST = dt.datetime(2100, 12, 31, 23, 59, tzinfo=dt.UTC)


class AwareDateTimeField(serializers.DateTimeField):
    """An ISO 8601 date-time that must carry its offset: a clock time alone is ambiguous."""

    default_error_messages = {
        "naive": "Give the time zone offset, e.g. 2026-11-25T14:30:00Z or …T09:30:00-05:00.",
        "impossible": "{value} is not a real date and time (check the hours, minutes and day).",
        "out_of_range": "Give a year between 2000 and 2100.",
    }

    def to_internal_value(self, value: dt.datetime | str) -> dt.datetime:
        if isinstance(value, str):
            try:
                # The shape of a date-time with a value that cannot be (12:99, February 30th).
                parsed = parse_datetime(value.strip())
            except ValueError:
                self.fail("impossible", value=value.strip()[:40])
            if parsed is not None and parsed.tzinfo is None:
                self.fail("naive")
            # Years outside a clinic's records overflow when converted or planned from.
            if parsed is not None and not EARLIEST.year <= parsed.year <= LATEST.year:
                self.fail("out_of_range")
        return super().to_internal_value(value)


class StrictBooleanField(serializers.BooleanField):
    """JSON ``true`` or ``false`` only: a setting that decides what patients are sent is never
    read from "yes", 1 or "on"."""

    default_error_messages = {"invalid": "Must be true or false."}

    def to_internal_value(self, data: object) -> bool:
        if isinstance(data, bool):
            return data
        self.fail("invalid")
