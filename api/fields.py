from django.utils.dateparse import parse_datetime
from rest_framework import serializers


class AwareDateTimeField(serializers.DateTimeField):
    """An ISO 8601 date-time that must carry its offset: a clock time alone is ambiguous."""

    default_error_messages = {
        "naive": "Give the time zone offset, e.g. 2026-11-25T14:30:00Z or …T09:30:00-05:00.",
    }

    def to_internal_value(self, value: object) -> object:
        if isinstance(value, str):
            parsed = parse_datetime(value.strip())
            if parsed is not None and parsed.tzinfo is None:
                self.fail("naive")
        return super().to_internal_value(value)


class StrictBooleanField(serializers.BooleanField):
    """JSON ``true`` or ``false`` only: a setting that decides what patients are sent is never
    read from "yes", 1 or "on"."""

    default_error_messages = {"invalid": "Must be true or false."}

    def to_internal_value(self, data: object) -> bool:
        if isinstance(data, bool):
            return data
        self.fail("invalid")
