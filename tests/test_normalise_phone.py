from __future__ import annotations

import pytest

from auditor.normalise.phone import normalise_phone, parse_phone, phone_country

VALID = [
    ("04 78 42 10 10", "FR", "+33478421010"),
    ("04.78.42.10.10", "FR", "+33478421010"),
    ("+33 4 78 42 10 10", None, "+33478421010"),
    ("+33 (0)4 78 42 10 10", None, "+33478421010"),
    ("0033 4 78 42 10 10", None, "+33478421010"),
    ("tel:+33478421010", None, "+33478421010"),
    ("06 12 34 56 78", "fr", "+33612345678"),
    ("(212) 555-0100", "US", "+12125550100"),
    ("+1 212-555-0100", "FR", "+12125550100"),  # international form wins over the region
    ("020 7946 0018", "GB", "+442079460018"),
    ("020 7946 0018", "UK", "+442079460018"),  # the name people type for GB
    ("514-555-0100", "CA", "+15145550100"),
    ("+1 (514) 555-0100", None, "+15145550100"),
]

INVALID = [
    ("12", "FR"),
    ("", "FR"),
    ("   ", "FR"),
    ("not a number", "FR"),
    ("04 78 42 10 10", None),  # national form without a country
    ("04 78 42 10", "FR"),  # too short
    ("04 78 42 10 10 10 10", "FR"),  # too long
    ("+33 1", None),
    ("555-0100", "US"),  # no area code
]


@pytest.mark.parametrize(("raw", "region", "expected"), VALID)
def test_normalise_phone_gives_e164(raw: str, region: str | None, expected: str) -> None:
    assert normalise_phone(raw, region) == expected
    assert parse_phone(raw, region) == expected


@pytest.mark.parametrize(("raw", "region", "expected"), VALID)
def test_normalise_phone_is_idempotent(raw: str, region: str | None, expected: str) -> None:
    assert normalise_phone(normalise_phone(raw, region), None) == expected


@pytest.mark.parametrize(("raw", "region"), INVALID)
def test_invalid_numbers_are_none(raw: str, region: str | None) -> None:
    assert normalise_phone(raw, region) is None


def test_none_is_none() -> None:
    assert normalise_phone(None, "FR") is None


def test_parse_phone_says_what_is_wrong() -> None:
    with pytest.raises(ValueError, match=r"unparseable phone '12': "):
        parse_phone("12", "FR")
    with pytest.raises(ValueError, match=r"no country"):
        parse_phone("04 78 42 10 10", None)
    with pytest.raises(ValueError, match=r"empty"):
        parse_phone("  ", "FR")


@pytest.mark.parametrize(
    ("e164", "country"),
    [
        ("+33478421010", "FR"),
        ("+12125550100", "US"),
        ("+15145550100", "CA"),
        ("+442079460018", "GB"),
        ("+80012345678", None),  # international freephone: no country
        ("garbage", None),
    ],
)
def test_phone_country(e164: str, country: str | None) -> None:
    assert phone_country(e164) == country
