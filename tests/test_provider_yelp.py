"""Yelp Fusion provider: parsing real-shaped answers, error mapping, and real HTTP round trips.

The round-trip tests run the provider through the project's HttpClient in sandbox mode against a loopback
server that plays api.yelp.com, so the requests Yelp would receive are checked as sent.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pluggy
import pytest

from auditor import hookspecs
from auditor.http import HttpClient
from auditor.models import Candidate
from providers.base import Provider, ProviderContext, ProviderError, ProviderSkipped, SearchQuery
from providers.yelp import (
    CLAIM_URL,
    YelpProvider,
    build_search_params,
    error_from_response,
    hours_from_yelp,
    is_unit,
    merge_details,
    parse_search_response,
    strip_tracking,
    yelp_locale,
)
from tests.loopback import FakeApi, Reply, sandboxed_client

PAYLOADS = Path(__file__).parent / "payloads"
NOT_FOUND = Reply(404, b'{"error": {"code": "NOT_FOUND", "description": "-"}}')
KEY = "yelp-test-key-Zx81qP0mN3vB7cD2eF5gH9jK4lM6"
CLOSED: tuple[tuple[int, int], ...] = ()
UNCLAIMED_ID = "V7bQm3xJ0oYw4sK1nHf2Zg"


def payload(name: str) -> Any:
    return json.loads((PAYLOADS / name).read_text(encoding="utf-8"))


def search_candidates() -> list[Candidate]:
    return parse_search_response(payload("yelp_search.json"))


# -- parsing ---------------------------------------------------------------------------------------------


def test_full_business_fills_every_field_yelp_carries() -> None:
    bakery = search_candidates()[0]
    assert bakery.provider == "yelp"
    assert bakery.name == "Boulangerie Utopie"
    assert bakery.listing_id == "kq3Fq0dDuQcr2bF9lVnGxA"
    assert bakery.phone == "+33143570012"
    assert bakery.url == "https://www.yelp.com/biz/boulangerie-utopie-paris"  # tracking params gone
    assert bakery.review_url == "https://www.yelp.com/writeareview/biz/kq3Fq0dDuQcr2bF9lVnGxA"
    assert bakery.business_status == "operational"
    assert bakery.rating == 4.5
    assert bakery.review_count == 412
    address = bakery.address
    assert address is not None
    assert address.formatted == "20 Rue Jean-Pierre Timbaud, 75011 Paris, France"
    assert (address.house_number, address.street) == ("20", "Rue Jean-Pierre Timbaud")
    assert (address.postcode, address.city, address.country_code) == ("75011", "Paris", "FR")
    assert address.unit is None
    assert (address.lat, address.lon) == (48.866151, 2.371232)


def test_website_is_never_carried_by_yelp() -> None:
    for candidate in search_candidates():
        assert candidate.website is None
        assert candidate.not_carried == frozenset({"website"})


def test_business_hours_in_the_search_answer_are_read_monday_first() -> None:
    bakery = search_candidates()[0]
    day = ((420, 1200),)
    # Yelp's day 0 is Monday: this bakery lists days 1-6, so Monday is the closed day.
    assert bakery.hours == (CLOSED, day, day, day, day, ((450, 780), (900, 1200)), day)


def test_empty_phone_and_unit_line() -> None:
    bistro = search_candidates()[1]
    assert bistro.phone is None  # Yelp sends "" for no phone
    assert bistro.hours is None  # no business_hours in this search result: enrich fetches them
    assert bistro.address is not None
    assert bistro.address.unit == "Bât. B"
    assert bistro.address.formatted == "7 Rue des Rosiers, Bât. B, 75004 Paris, France"


def test_closed_business_and_a_second_line_that_is_not_a_unit() -> None:
    cafe = search_candidates()[2]
    assert cafe.business_status == "closed_permanently"
    assert cafe.address is not None
    assert cafe.address.unit is None
    assert cafe.address.formatted is not None and "Centre Commercial Italie Deux" in cafe.address.formatted


def test_details_add_overnight_hours_and_the_claimed_flag() -> None:
    bistro = search_candidates()[1]
    enriched = merge_details(bistro, payload("yelp_business_details.json"))
    lunch_and_dinner = ((720, 870), (1140, 1380))
    assert enriched.hours == (
        ((0, 30),),  # Sunday 22:00-00:30 ends on Monday
        lunch_and_dinner,
        lunch_and_dinner,
        lunch_and_dinner,
        ((1140, 1440),),  # Friday 19:00-01:30, overnight
        ((0, 90), (1140, 1440)),
        ((0, 90), (1320, 1440)),
    )
    assert enriched.extra["claimed"] is False
    assert enriched.name == bistro.name and enriched.listing_id == bistro.listing_id


def test_overnight_midnight_to_midnight_is_a_full_day() -> None:
    hours = [
        {"open": [{"is_overnight": True, "start": "0000", "end": "0000", "day": 2}], "hours_type": "REGULAR"}
    ]
    assert hours_from_yelp(hours) == (CLOSED, CLOSED, ((0, 1440),), CLOSED, CLOSED, CLOSED, CLOSED)


def test_only_regular_hours_count() -> None:
    happy_hour = {
        "open": [{"is_overnight": False, "start": "1700", "end": "1900", "day": 0}],
        "hours_type": "HAPPY_HOUR",
    }
    assert hours_from_yelp([happy_hour]) is None
    assert hours_from_yelp(None) is None


def test_empty_search_means_no_result() -> None:
    assert parse_search_response(payload("yelp_search_empty.json")) == []


@pytest.mark.parametrize("body", [[], None, {"businesses": "none"}])
def test_an_answer_of_the_wrong_shape_is_bad_response(body: Any) -> None:
    with pytest.raises(ProviderError) as caught:
        parse_search_response(body)
    assert caught.value.reason.startswith("bad_response:")


@pytest.mark.parametrize(
    ("line", "unit"),
    [
        ("Ste 200", True),
        ("Suite 4B", True),
        ("Bât. B", True),
        ("2e étage", True),
        ("#12", True),
        ("Centre Commercial Italie Deux", False),
        ("Stevens Building Plaza", False),
    ],
)
def test_unit_lines_are_told_from_other_second_lines(line: str, unit: bool) -> None:
    assert is_unit(line) is unit


def test_tracking_params_are_stripped_and_others_kept() -> None:
    url = "https://www.yelp.com/biz/x?osq=pain&adjust_creative=abc&utm_source=abc&utm_medium=api"
    assert strip_tracking(url) == "https://www.yelp.com/biz/x?osq=pain"
    assert strip_tracking(None) is None


# -- request parameters ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "country", "locale"),
    [
        ("fr", "FR", "fr_FR"),
        ("fr", "BE", "fr_BE"),
        ("fr", "DE", "fr_FR"),
        ("en", None, "en_US"),
        ("xx", "FR", None),
    ],
)
def test_locale_is_one_yelp_accepts(language: str, country: str | None, locale: str | None) -> None:
    assert yelp_locale(language, country) == locale


def test_params_prefer_the_known_pin() -> None:
    query = SearchQuery(name="Utopie", address="20 rue JP Timbaud", country_code="FR", lat=48.86, lon=2.37)
    params = build_search_params(query, "fr", page_size=5, radius_m=800)
    assert params == {
        "term": "Utopie",
        "limit": 5,
        "latitude": 48.86,
        "longitude": 2.37,
        "radius": 800,
        "locale": "fr_FR",
    }


def test_params_fall_back_to_the_address_then_the_town() -> None:
    with_address = build_search_params(
        SearchQuery(name="U", address="20 rue X, Paris"), "fr", page_size=5, radius_m=1
    )
    assert with_address["location"] == "20 rue X, Paris"
    with_town = build_search_params(
        SearchQuery(name="U", postcode="75011", city="Paris"), "fr", page_size=5, radius_m=1
    )
    assert with_town["location"] == "75011 Paris"
    assert "latitude" not in with_town


def test_nothing_to_search_near_is_skipped_not_guessed() -> None:
    with pytest.raises(ProviderSkipped):
        build_search_params(SearchQuery(name="Utopie"), "fr", page_size=5, radius_m=1000)


# -- errors ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "status", "word"),
    [
        ("yelp_error_token_invalid.json", 401, "auth_failed"),
        ("yelp_error_token_missing.json", 401, "auth_failed"),
        ("yelp_error_too_many_requests.json", 429, "rate_limited"),
        ("yelp_error_access_limit_reached.json", 429, "quota_exceeded"),
        ("yelp_error_internal.json", 500, "server_error"),
        ("yelp_error_location_not_found.json", 400, "bad_response"),
    ],
)
def test_error_answers_map_to_a_stable_reason_with_yelps_description(
    name: str, status: int, word: str
) -> None:
    body = payload(name)
    reason = error_from_response(status, body, key=KEY).reason
    assert reason.startswith(f"{word}: {body['error']['description'][:30]}")
    assert body["error"]["code"] in reason


def test_the_key_never_appears_in_an_error_reason() -> None:
    body = {"error": {"code": "TOKEN_INVALID", "description": f"Invalid token Bearer {KEY}"}}
    reason = error_from_response(401, body, key=KEY).reason
    assert KEY not in reason and "Bearer ***" in reason


# -- provider contract -----------------------------------------------------------------------------------


def test_fix_url_claims_unclaimed_or_absent_listings_and_edits_claimed_ones() -> None:
    provider = YelpProvider()
    query = SearchQuery(name="Chez Marcel")
    unclaimed = merge_details(search_candidates()[1], payload("yelp_business_details.json"))
    claimed_details = {**payload("yelp_business_details.json"), "is_claimed": True}
    claimed = merge_details(search_candidates()[1], claimed_details)
    assert provider.fix_url(query, None) == CLAIM_URL
    assert provider.fix_url(query, unclaimed) == CLAIM_URL
    assert provider.fix_url(query, claimed) == "https://www.yelp.com/biz/chez-marcel-paris-4"


def test_module_registers_its_provider_through_the_plugin_hook() -> None:
    import providers.yelp as module

    manager = pluggy.PluginManager("solomo_auditor")
    manager.add_hookspecs(hookspecs)
    manager.register(module)
    registered: list[Provider] = []
    manager.hook.register_providers(register=registered.append)
    [provider] = registered
    assert isinstance(provider, YelpProvider)
    assert (provider.id, provider.key_env, provider.hosts) == ("yelp", "SOLOMO_YELP_KEY", ("api.yelp.com",))


# -- over HTTP -------------------------------------------------------------------------------------------


@pytest.fixture
def api() -> Iterator[FakeApi]:
    with FakeApi(NOT_FOUND, PAYLOADS) as fake:
        yield fake


@pytest.fixture
async def http(api: FakeApi) -> AsyncIterator[HttpClient]:
    async with sandboxed_client(api.url) as client:
        yield client


SEARCH_PATH = "/v3/businesses/search"
DETAILS_PATH = f"/v3/businesses/{UNCLAIMED_ID}"


async def test_search_sends_the_real_request_and_reads_the_remaining_quota(
    api: FakeApi, http: HttpClient
) -> None:
    api.reply_with_file(SEARCH_PATH, "yelp_search.json", headers={"RateLimit-Remaining": "287"})
    ctx = ProviderContext(http=http, key=KEY, settings={"page_size": 3}, language="fr")
    query = SearchQuery(
        name="Boulangerie Utopie", address="20 rue Jean-Pierre Timbaud, 75011 Paris", country_code="FR"
    )

    candidates = await YelpProvider().search(ctx, query)

    assert [c.listing_id for c in candidates] == [
        "kq3Fq0dDuQcr2bF9lVnGxA",
        UNCLAIMED_ID,
        "p0Lz8wRkT2aQeY6uVn1sDg",
    ]
    assert all(c.extra["rate_limit_remaining"] == 287 for c in candidates)
    [sent] = api.requests
    url = urlsplit(sent.target)
    assert (sent.method, url.path) == ("GET", SEARCH_PATH)
    assert sent.headers["host"] == "api.yelp.com"
    assert sent.headers["x-forwarded-proto"] == "https"
    assert sent.headers["authorization"] == f"Bearer {KEY}"
    assert parse_qs(url.query) == {
        "term": ["Boulangerie Utopie"],
        "location": ["20 rue Jean-Pierre Timbaud, 75011 Paris"],
        "limit": ["3"],
        "locale": ["fr_FR"],
    }


async def test_enrich_fetches_details_for_hours(api: FakeApi, http: HttpClient) -> None:
    api.reply_with_file(DETAILS_PATH, "yelp_business_details.json")
    ctx = ProviderContext(http=http, key=KEY, language="fr")
    bistro = search_candidates()[1]

    enriched = await YelpProvider().enrich(ctx, bistro)

    assert enriched.hours is not None and enriched.hours[4] == ((1140, 1440),)
    assert enriched.extra["claimed"] is False
    [sent] = api.requests
    url = urlsplit(sent.target)
    assert url.path == DETAILS_PATH
    assert parse_qs(url.query) == {"locale": ["fr_FR"]}
    assert sent.headers["authorization"] == f"Bearer {KEY}"


async def test_enrich_spends_no_call_when_the_search_had_hours(api: FakeApi, http: HttpClient) -> None:
    bakery = search_candidates()[0]
    assert await YelpProvider().enrich(ProviderContext(http=http, key=KEY), bakery) is bakery
    assert api.requests == []


async def test_enrich_keeps_the_candidate_when_details_are_gone(api: FakeApi, http: HttpClient) -> None:
    api.reply_with_file(DETAILS_PATH, "yelp_error_business_not_found.json", status=404)
    bistro = search_candidates()[1]
    assert await YelpProvider().enrich(ProviderContext(http=http, key=KEY), bistro) is bistro
    assert len(api.requests) == 1


async def test_daily_limit_over_http_is_quota_exceeded(api: FakeApi, http: HttpClient) -> None:
    api.reply_with_file(SEARCH_PATH, "yelp_error_access_limit_reached.json", status=429)
    ctx = ProviderContext(http=http, key=KEY)
    with pytest.raises(ProviderError) as caught:
        await YelpProvider().search(ctx, SearchQuery(name="Utopie", city="Paris"))
    assert caught.value.reason.startswith("quota_exceeded: You've reached the access limit")
    assert KEY not in caught.value.reason


async def test_bad_token_over_http_is_auth_failed(api: FakeApi, http: HttpClient) -> None:
    api.reply_with_file(SEARCH_PATH, "yelp_error_token_invalid.json", status=401)
    with pytest.raises(ProviderError) as caught:
        await YelpProvider().search(ProviderContext(http=http, key=KEY), SearchQuery(name="U", city="Paris"))
    assert caught.value.reason.startswith("auth_failed: Invalid access token")
