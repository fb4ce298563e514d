"""Foursquare Places API (2025) provider: parsing real-shaped answers, error mapping, real HTTP round trips.

The round-trip tests run the provider through the project's HttpClient in sandbox mode against a loopback
server that plays places-api.foursquare.com, so the request Foursquare would receive is checked as sent.
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
from providers.foursquare import (
    ADD_PLACE_URL,
    DEFAULT_API_VERSION,
    SEARCH_FIELDS,
    FoursquareProvider,
    build_search_params,
    error_from_response,
    hours_from_regular,
    parse_search_response,
)
from tests.loopback import FakeApi, Reply, sandboxed_client

PAYLOADS = Path(__file__).parent / "payloads"
NOT_FOUND = Reply(404, b'{"message": "Not Found"}')
KEY = "fsq3TestServiceKey-0aB1cD2eF3gH4iJ5kL6mN7oP8"
CLOSED: tuple[tuple[int, int], ...] = ()


def payload(name: str) -> Any:
    return json.loads((PAYLOADS / name).read_text(encoding="utf-8"))


def search_candidates(name: str = "foursquare_search.json") -> list[Candidate]:
    return parse_search_response(payload(name))


# -- parsing ---------------------------------------------------------------------------------------------


def test_full_place_fills_every_field() -> None:
    bakery = search_candidates()[0]
    assert bakery.provider == "foursquare"
    assert bakery.name == "Boulangerie Utopie"
    assert bakery.listing_id == "4b5d8c2ef964a520cb6129e3"
    assert bakery.url == "https://foursquare.com/v/4b5d8c2ef964a520cb6129e3"
    assert bakery.phone == "01 43 57 00 12"
    assert bakery.website == "http://www.boulangerie-utopie.fr"
    assert bakery.hours_text == "Mar-Ven 7:00-20:00; Sam 7:30-13:00, 15:00-20:00; Dim 7:00-20:00"
    assert bakery.business_status == "unknown"  # no date_closed: not proof of being open
    assert bakery.review_count == 231
    assert bakery.review_url is None
    address = bakery.address
    assert address is not None
    assert address.formatted == "20 rue Jean-Pierre Timbaud, 75011 Paris"
    assert (address.house_number, address.street) == ("20", "rue Jean-Pierre Timbaud")
    assert (address.postcode, address.city, address.country_code) == ("75011", "Paris", "FR")
    assert address.unit is None
    assert (address.lat, address.lon) == (48.866176, 2.371189)


def test_rating_is_halved_to_five_and_the_source_value_kept() -> None:
    bakery = search_candidates()[0]
    assert bakery.rating == pytest.approx(4.55)
    assert bakery.extra == {"rating_scale": 10, "source_rating": 9.1}
    unrated = search_candidates()[1]
    assert unrated.rating is None and unrated.extra == {}


def test_days_one_to_seven_become_monday_first() -> None:
    bakery = search_candidates()[0]
    day = ((420, 1200),)
    assert bakery.hours == (CLOSED, day, day, day, day, ((450, 780), (900, 1200)), day)


def test_plus_prefixed_closes_run_into_the_next_day() -> None:
    bar = search_candidates()[1]
    evening = (1080, 1440)
    assert bar.hours == (
        ((0, 60),),  # Sunday 18:00 to +0100 ends on Monday
        CLOSED,
        (evening,),  # Wednesday to +0000: until midnight exactly, nothing spills over
        (evening,),
        ((0, 60), evening),
        ((0, 120), evening),
        ((0, 120), evening),
    )
    assert bar.address is not None and bar.address.unit == "2e étage"
    assert bar.website is None
    assert bar.review_count == 0


def test_open_daily_midnight_to_plus_midnight_is_24_hours() -> None:
    [pharmacy] = search_candidates("foursquare_search_open_24h.json")
    assert pharmacy.hours == tuple(((0, 1440),) for _ in range(7))
    assert pharmacy.rating == pytest.approx(3.6)


def test_a_next_day_close_after_the_open_time_is_longer_than_a_day() -> None:
    hours = hours_from_regular([{"day": 1, "open": "0800", "close": "+0900"}])
    assert hours == (((480, 1440),), ((0, 540),), CLOSED, CLOSED, CLOSED, CLOSED, CLOSED)


def test_a_plain_close_before_the_open_is_read_as_overnight() -> None:
    hours = hours_from_regular([{"day": 7, "open": "2200", "close": "0200"}])
    assert hours == (((0, 120),), CLOSED, CLOSED, CLOSED, CLOSED, CLOSED, ((1320, 1440),))


def test_hours_without_regular_spans_are_unknown() -> None:
    assert hours_from_regular(None) is None
    assert hours_from_regular([{"day": 9, "open": "0800", "close": "1200"}]) is None


def test_date_closed_marks_the_place_permanently_closed() -> None:
    cafe = search_candidates()[2]
    assert cafe.business_status == "closed_permanently"
    assert cafe.hours is None and cafe.phone is None and cafe.rating is None


def test_empty_search_means_no_result() -> None:
    assert search_candidates("foursquare_search_empty.json") == []


@pytest.mark.parametrize("body", [[], "x", {"results": {}}])
def test_an_answer_of_the_wrong_shape_is_bad_response(body: Any) -> None:
    with pytest.raises(ProviderError) as caught:
        parse_search_response(body)
    assert caught.value.reason.startswith("bad_response:")


# -- request parameters ----------------------------------------------------------------------------------


def test_params_search_around_a_known_pin() -> None:
    query = SearchQuery(name="Utopie", city="Paris", lat=48.8661, lon=2.3712)
    params = build_search_params(query, page_size=4, radius_m=750)
    assert params == {
        "query": "Utopie",
        "limit": 4,
        "fields": SEARCH_FIELDS,
        "ll": "48.8661,2.3712",
        "radius": 750,
    }


def test_params_fall_back_to_near_the_town_then_the_address() -> None:
    near_town = build_search_params(
        SearchQuery(name="U", city="Paris", country_code="FR"), page_size=5, radius_m=1
    )
    assert near_town["near"] == "Paris, FR" and "ll" not in near_town
    near_address = build_search_params(
        SearchQuery(name="U", address="20 rue X, Lyon"), page_size=5, radius_m=1
    )
    assert near_address["near"] == "20 rue X, Lyon"


def test_nothing_to_search_near_is_skipped_not_guessed_from_our_ip() -> None:
    with pytest.raises(ProviderSkipped):
        build_search_params(SearchQuery(name="Utopie"), page_size=5, radius_m=1000)


def test_requested_fields_are_the_ones_the_parser_reads() -> None:
    assert set(SEARCH_FIELDS.split(",")) == {
        *("fsq_place_id", "name", "latitude", "longitude", "location", "tel", "website"),
        *("hours", "rating", "stats", "link", "date_closed"),
    }


# -- errors ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "status", "word"),
    [
        ("foursquare_error_unauthorized.json", 401, "auth_failed"),
        ("foursquare_error_no_credits.json", 402, "quota_exceeded"),
        ("foursquare_error_rate_limited.json", 429, "rate_limited"),
        ("foursquare_error_server.json", 500, "server_error"),
        ("foursquare_error_bad_request.json", 400, "bad_response"),
    ],
)
def test_error_answers_map_to_a_stable_reason_with_the_message(name: str, status: int, word: str) -> None:
    body = payload(name)
    reason = error_from_response(status, body, key=KEY).reason
    assert reason == f"{word}: {body['message']} (HTTP {status})"


def test_the_key_never_appears_in_an_error_reason() -> None:
    reason = error_from_response(401, {"message": f"Invalid request token {KEY}."}, key=KEY).reason
    assert KEY not in reason and "token ***." in reason


# -- provider contract -----------------------------------------------------------------------------------


def test_fix_url_points_to_the_listing_or_to_add_the_place() -> None:
    provider = FoursquareProvider()
    query = SearchQuery(name="Boulangerie Utopie")
    bakery = search_candidates()[0]
    assert provider.fix_url(query, bakery) == "https://foursquare.com/v/4b5d8c2ef964a520cb6129e3"
    assert provider.fix_url(query, None) == ADD_PLACE_URL


def test_module_registers_its_provider_through_the_plugin_hook() -> None:
    import providers.foursquare as module

    manager = pluggy.PluginManager("solomo_auditor")
    manager.add_hookspecs(hookspecs)
    manager.register(module)
    registered: list[Provider] = []
    manager.hook.register_providers(register=registered.append)
    [provider] = registered
    assert isinstance(provider, FoursquareProvider)
    assert provider.id == "foursquare"
    assert provider.key_env == "SOLOMO_FOURSQUARE_KEY"
    assert provider.hosts == ("places-api.foursquare.com",)


# -- over HTTP -------------------------------------------------------------------------------------------


@pytest.fixture
def api() -> Iterator[FakeApi]:
    with FakeApi(NOT_FOUND, PAYLOADS) as fake:
        yield fake


@pytest.fixture
async def http(api: FakeApi) -> AsyncIterator[HttpClient]:
    async with sandboxed_client(api.url) as client:
        yield client


SEARCH_PATH = "/places/search"


async def test_search_sends_the_2025_api_request_and_parses_the_answer(
    api: FakeApi, http: HttpClient
) -> None:
    api.reply_with_file(SEARCH_PATH, "foursquare_search.json")
    ctx = ProviderContext(http=http, key=KEY, settings={"page_size": 3})
    query = SearchQuery(name="Boulangerie Utopie", city="Paris", lat=48.8661442, lon=2.3712574)

    candidates = await FoursquareProvider().search(ctx, query)

    assert [c.name for c in candidates] == ["Boulangerie Utopie", "Le Perchoir de Nuit", "Café des Gobelins"]
    [sent] = api.requests
    url = urlsplit(sent.target)
    assert (sent.method, url.path) == ("GET", SEARCH_PATH)
    assert sent.headers["host"] == "places-api.foursquare.com"
    assert sent.headers["x-forwarded-proto"] == "https"
    assert sent.headers["authorization"] == f"Bearer {KEY}"
    assert sent.headers["x-places-api-version"] == DEFAULT_API_VERSION
    assert sent.headers["accept"] == "application/json"
    assert parse_qs(url.query) == {
        "query": ["Boulangerie Utopie"],
        "limit": ["3"],
        "fields": [SEARCH_FIELDS],
        "ll": ["48.8661442,2.3712574"],
        "radius": ["1000"],
    }


async def test_api_version_comes_from_settings(api: FakeApi, http: HttpClient) -> None:
    api.reply_with_file(SEARCH_PATH, "foursquare_search_empty.json")
    ctx = ProviderContext(http=http, key=KEY, settings={"api_version": "2025-09-01"})
    assert await FoursquareProvider().search(ctx, SearchQuery(name="Nowhere", city="Paris")) == []
    assert api.requests[0].headers["x-places-api-version"] == "2025-09-01"


async def test_out_of_credit_over_http_is_quota_exceeded(api: FakeApi, http: HttpClient) -> None:
    api.reply_with_file(SEARCH_PATH, "foursquare_error_no_credits.json", status=402)
    with pytest.raises(ProviderError) as caught:
        await FoursquareProvider().search(
            ProviderContext(http=http, key=KEY), SearchQuery(name="U", city="Paris")
        )
    assert caught.value.reason.startswith("quota_exceeded: Insufficient credits")
    assert KEY not in caught.value.reason


async def test_bad_key_over_http_is_auth_failed(api: FakeApi, http: HttpClient) -> None:
    api.reply_with_file(SEARCH_PATH, "foursquare_error_unauthorized.json", status=401)
    with pytest.raises(ProviderError) as caught:
        await FoursquareProvider().search(
            ProviderContext(http=http, key=KEY), SearchQuery(name="U", city="Paris")
        )
    assert caught.value.reason == "auth_failed: Invalid request token. (HTTP 401)"
