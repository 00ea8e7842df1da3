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
    return _e164(
        text,
        region=region,
        field=field,
        example="+14155550123",
        refused=_UNREACHABLE_TYPES,
        why="a mobile number is needed for text messages",
        refused_code="not_mobile",
    )


# A number patients are told to call: a landline or a free number is fine, one that costs a
# caller in crisis more than a call, or reaches nobody, is not.
_NOT_TO_CALL = {
    PhoneNumberType.PREMIUM_RATE: "a premium-rate number",
    PhoneNumberType.SHARED_COST: "a shared-cost number",
    PhoneNumberType.PAGER: "a pager number",
    PhoneNumberType.VOICEMAIL: "a voicemail number",
}


def normalize_clinic_phone(raw: str, *, region: str = "US", field: str = "phone") -> str:
    """Return the clinic's own number (``raw``) as E.164, or ``""`` for none.

    Unlike a patient's or a clinician's number it is called, never texted: a landline or a
    toll-free number is accepted.
    """
    text = (raw or "").strip()
    if not text:
        return ""
    return _e164(
        text,
        region=region,
        field=field,
        example="+13125550100",
        refused=_NOT_TO_CALL,
        why="give a number patients can call at the normal cost",
        refused_code="invalid_phone",
    )


def _e164(
    text: str,
    *,
    region: str,
    field: str,
    example: str,
    refused: dict[int, str],
    why: str,
    refused_code: str,
) -> str:
    """``text`` parsed, checked valid and not of a ``refused`` type, as E.164."""
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise ValidationError(
            f"'{text}' is not a valid phone number; use the international form, e.g. {example}.",
            field=field,
            code="invalid_phone",
        )
    kind = refused.get(phonenumbers.number_type(number))
    if kind:
        raise ValidationError(f"'{text}' is {kind}; {why}.", field=field, code=refused_code)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def format_phone(e164: str, *, region: str = "US") -> str:
    """``e164`` as people write it: the national form for a number of ``region`` ("(312)
    555-0100"), the international form for any other ("+44 20 7946 0000")."""
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    national = phonenumbers.region_code_for_number(number) == region.upper()
    style = (
        phonenumbers.PhoneNumberFormat.NATIONAL
        if national
        else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    return phonenumbers.format_number(number, style)


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
