"""Phone numbers to E.164, so that "04 78 42 10 10" and "+33 4 78 42 10 10" are recognised as one number.

Parsing is phonenumbers' (libphonenumber's metadata): it knows each country's trunk prefix, lengths and
valid ranges, which no regex of ours would keep up with.
"""

from __future__ import annotations

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumber, PhoneNumberFormat

# phonenumbers' own messages are terse enums; these read well in a CLI error.
_PARSE_ERRORS: dict[int, str] = {
    NumberParseException.INVALID_COUNTRY_CODE: "no country: write it as +<country code> or give a country",
    NumberParseException.NOT_A_NUMBER: "not a phone number",
    NumberParseException.TOO_SHORT_AFTER_IDD: "too short after the international prefix",
    NumberParseException.TOO_SHORT_NSN: "too short",
    NumberParseException.TOO_LONG: "too long",
}

# Region names people type that are not ISO alpha-2 codes.
_REGION_ALIASES = {"UK": "GB", "EL": "GR"}


def _region(region: str | None) -> str | None:
    if not region or not region.strip():
        return None
    code = region.strip().upper()
    code = _REGION_ALIASES.get(code, code)
    return code if code in phonenumbers.SUPPORTED_REGIONS else None


def _clean(raw: str) -> str:
    text = raw.strip()
    if text.lower().startswith("tel:"):
        text = text[4:]
    # "00 33 ..." is the international prefix of most of Europe; without a default region phonenumbers
    # cannot know that, but the number is international whatever the region.
    stripped = text.lstrip()
    if stripped.startswith("00") and not stripped.startswith("000"):
        text = "+" + stripped[2:]
    return text


def _parse_number(raw: str, region: str | None) -> PhoneNumber:
    """The parsed, valid number; ValueError with a human message otherwise."""
    if not raw or not raw.strip():
        raise ValueError("empty phone number")
    default_region = _region(region)
    try:
        number = phonenumbers.parse(_clean(raw), default_region)
    except NumberParseException as exc:
        reason = _PARSE_ERRORS.get(exc.error_type, str(exc))
        raise ValueError(f"unparseable phone {raw.strip()!r}: {reason}") from exc
    if not phonenumbers.is_valid_number(number):
        where = phonenumbers.region_code_for_number(number) or default_region or "any country"
        if not phonenumbers.is_possible_number(number):
            reason = f"wrong length for {where}"
        else:
            reason = f"not a number in use in {where}"
        raise ValueError(f"unparseable phone {raw.strip()!r}: {reason}")
    return number


def parse_phone(raw: str, region: str | None) -> str:
    """E.164 form of a phone number the user typed; ValueError says what is wrong with it.

    `region` is the ISO alpha-2 country used for national formats ("04 78 42 10 10" with "FR").
    """
    return phonenumbers.format_number(_parse_number(raw, region), PhoneNumberFormat.E164)


def normalise_phone(raw: str | None, region: str | None) -> str | None:
    """E.164 form of a number as a listing shows it, None when it is not a valid number."""
    if raw is None:
        return None
    try:
        return parse_phone(raw, region)
    except ValueError:
        return None


def phone_country(e164: str) -> str | None:
    """ISO alpha-2 region of a number ("+33478421010" -> "FR"); None when it has none or is unparseable."""
    try:
        number = phonenumbers.parse(_clean(e164), None)
    except NumberParseException:
        return None
    region = phonenumbers.region_code_for_number(number)
    # Non-geographic numbers (+800, +882...) have the pseudo-region "001".
    if not region or region in ("001", "ZZ"):
        return None
    return str(region)


def format_phone_international(e164: str) -> str:
    """'+33 4 78 42 10 10': how verdict notes show a number, readable and unambiguous."""
    try:
        number = phonenumbers.parse(e164, None)
    except NumberParseException:
        return e164
    return phonenumbers.format_number(number, PhoneNumberFormat.INTERNATIONAL)


def is_international_form(raw: str) -> bool:
    """Whether a number is written with its country code (+33 / 0033) rather than in national form."""
    text = _clean(raw)
    return text.lstrip().startswith("+")
