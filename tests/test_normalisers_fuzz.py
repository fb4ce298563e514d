"""Property tests (hypothesis, bounded budget): the normalisers and verdicts take any text a stranger can type
into a listing without raising, and a value judged against itself is a match."""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from auditor.normalise.address import format_address, parse_address
from auditor.normalise.hours import format_hours, parse_opening_hours
from auditor.normalise.name import normalise_name
from auditor.normalise.phone import normalise_phone
from auditor.normalise.website import canonical_url, registrable_domain
from auditor.verdicts import judge_address, judge_hours, judge_name, judge_phone, judge_website

# 150 examples each in the normal run (a few seconds); SOLOMO_FUZZ_EXAMPLES=5000 for a longer hunt.
BUDGET = settings(
    max_examples=int(os.environ.get("SOLOMO_FUZZ_EXAMPLES", "150")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
ANY_TEXT = st.text(max_size=200)
PHONE_LIKE = st.one_of(ANY_TEXT, st.from_regex(r"\+?[0-9][0-9 ().-]{5,18}", fullmatch=True))
URL_LIKE = st.one_of(
    ANY_TEXT,
    st.from_regex(
        r"(https?://)?(www\.)?[a-z0-9-]{1,20}\.(fr|com|co\.uk)(/[a-zA-Z0-9/_-]{0,20})?(\?[a-z]=1)?",
        fullmatch=True,
    ),
)
LISTING_TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), min_codepoint=1, max_codepoint=0x2FFF), max_size=80
)


@BUDGET
@given(ANY_TEXT)
def test_name_normalisation_never_raises_and_is_idempotent(text: str) -> None:
    once = normalise_name(text)
    assert normalise_name(once) == once


@BUDGET
@given(LISTING_TEXT)
def test_a_name_against_itself_is_a_match(text: str) -> None:
    if normalise_name(text):
        assert judge_name(text, text).verdict == "match"


@BUDGET
@given(PHONE_LIKE, st.sampled_from([None, "FR", "US", "GB", "CA"]))
def test_phone_normalisation_never_raises_and_is_idempotent(text: str, region: str | None) -> None:
    e164 = normalise_phone(text, region)
    if e164 is not None:
        assert normalise_phone(e164, region) == e164
        assert judge_phone(text, text, region).verdict == "match"


@BUDGET
@given(URL_LIKE)
def test_website_normalisation_never_raises_and_is_idempotent(text: str) -> None:
    url = canonical_url(text)
    if url is not None:
        assert canonical_url(url) == url
        assert registrable_domain(url) == registrable_domain(text)
        assert judge_website(text, text).verdict == "match"


@BUDGET
@given(ANY_TEXT, st.sampled_from([None, "FR", "US", "GB", "CA"]))
def test_address_parsing_never_raises_and_an_address_matches_itself(text: str, country: str | None) -> None:
    address = parse_address(text, country)
    format_address(address)
    if not address.is_empty():
        assert judge_address(address, address).verdict == "match"


@BUDGET
@given(ANY_TEXT)
def test_hours_parsing_raises_only_value_error_and_round_trips(text: str) -> None:
    try:
        week = parse_opening_hours(text)
    except ValueError:
        return
    assert parse_opening_hours(format_hours(week)) == week
    assert judge_hours(week, week).verdict == "match"


@pytest.mark.parametrize("text", ["Mo-Fr 07:00-19:30; Sa 07:00-13:00", "Fr 22:00-02:00", "24/7"])
def test_known_hours_round_trip(text: str) -> None:
    week = parse_opening_hours(text)
    assert parse_opening_hours(format_hours(week)) == week
