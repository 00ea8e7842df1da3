import datetime as dt
from collections.abc import Callable
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Model, QuerySet
from django.utils.dateparse import parse_datetime
from rest_framework import serializers

from followup.models import Clinic

# Times the API takes: outside these a year is a typo, and near the ends of Python's calendar
# converting to UTC or adding a follow-up plan's weeks would overflow.
EARLIEST = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
LATEST = dt.datetime(2100, 12, 31, 23, 59, tzinfo=dt.UTC)
# The largest id PostgreSQL's bigint holds: a larger one is nobody's, without asking.
MAX_ID = 2**63 - 1


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


class ClinicScopedSerializer(serializers.Serializer):
    """An input shape that takes ids of rows, each of the caller's clinic (``clinic=``): see
    ``ClinicRelatedField``."""

    def __init__(self, *args: Any, clinic: Clinic | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.clinic = clinic


class ClinicRelatedField(serializers.PrimaryKeyRelatedField):
    """The id of one of the caller's clinic's rows, in a ``ClinicScopedSerializer``.

    Another clinic's row does not exist, as far as the caller can tell: the same 400 as an id
    that is nobody's, in our words (``Patient 999 does not exist in your clinic.``), not
    DRF's. Only a whole number is an id: ``true`` is not row 1.
    """

    default_error_messages = {
        "does_not_exist": "{noun} {pk_value} does not exist in your clinic.",
        "incorrect_type": "Give the {noun_lower}'s id, a whole number.",
    }

    def __init__(
        self, *, model: type[Model], rows: Callable[[Clinic | None], QuerySet], **kwargs: Any
    ) -> None:
        self.rows = rows
        self.noun = str(model._meta.verbose_name).capitalize()
        # The model's empty rows: what the schema reads (an integer id); requests use ``rows``.
        super().__init__(queryset=model._default_manager.none(), **kwargs)

    def get_queryset(self) -> QuerySet:
        return self.rows(getattr(self.root, "clinic", None))

    def to_internal_value(self, data: Any) -> Model:
        if isinstance(data, str) and data.isascii() and data.strip().isdigit():
            data = int(data)
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("incorrect_type", noun_lower=self.noun.lower())
        if not 0 < data <= MAX_ID:
            self.fail("does_not_exist", noun=self.noun, pk_value=data)
        try:
            return self.get_queryset().get(pk=data)
        except ObjectDoesNotExist:
            self.fail("does_not_exist", noun=self.noun, pk_value=data)
