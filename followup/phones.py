"""Phone numbers and time zones, validated at the edge and stored in one canonical form."""

import zoneinfo
from functools import cache

import phonenumbers
from phonenumbers import PhoneNumberType

from followup.errors import ValidationError

# Numbers that cannot receive an SMS or a call from us.
_UNREACHABLE_TYPES = {
    PhoneNumberType.FIXED_LINE: "a landline",
    PhoneNumberType.TOLL_FREE: "a toll-free number",
    PhoneNumberType.PREMIUM_RATE: "a premium-rate number",
    PhoneNumberType.SHARED_COST: "a shared-cost number",
    PhoneNumberType.PAGER: "a pager number",
    PhoneNumberType.UAN: "a company number",
    PhoneNumberType.VOICEMAIL: "a voicemail number",
}


def normalize_phone(raw: str, *, region: str = "US", field: str = "phone") -> str:
    """Return ``raw`` as E.164, reading numbers without ``+`` as numbers of ``region``."""
    text = (raw or "").strip()
    if not text:
        raise ValidationError("A mobile phone number is required.", field=field, code="required")
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        raise ValidationError(
            f"'{text}' is not a phone number; use the international form, e.g. +14155550123.",
            field=field,
            code="invalid_phone",
        ) from None
    if not phonenumbers.is_valid_number(number):
        raise ValidationError(
            f"'{text}' is not a valid phone number; use the international form, e.g. +14155550123.",
            field=field,
            code="invalid_phone",
        )
    kind = _UNREACHABLE_TYPES.get(phonenumbers.number_type(number))
    if kind:
        raise ValidationError(
            f"'{text}' is {kind}; a mobile number is needed for text messages.",
            field=field,
            code="not_mobile",
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


@cache
def _zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def validate_timezone(name: str, *, field: str = "timezone") -> str:
    """Return ``name`` if it is an IANA time zone (``America/Chicago``), else raise."""
    value = (name or "").strip()
    if value not in _zones() or value in ("localtime", "Factory"):
        raise ValidationError(
            f"'{value}' is not an IANA time zone; use a name like America/Chicago.",
            field=field,
            code="invalid_timezone",
        )
    return value
