"""Google Places (New) provider: parsing real-shaped answers, error mapping, and one real HTTP round trip.

The round-trip tests run the provider through the project's HttpClient in sandbox mode against a loopback
server that plays places.googleapis.com, so the request Google would receive (path, headers, JSON body)
is checked as sent, not as built.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pluggy
import pytest

from auditor import hookspecs
from auditor.http import HttpClient
from auditor.models import Candidate
from providers.base import Provider, ProviderContext, ProviderError, SearchQuery
from providers.google_places import (
    CREATE_LISTING_URL,
    FIELD_MASK,
    GooglePlacesProvider,
    build_search_body,
    error_from_response,
    hours_from_periods,
    parse_search_response,
)
from tests.loopback import FakeApi, Reply, sandboxed_client

PAYLOADS = Path(__file__).parent / "payloads"
NOT_FOUND = Reply(404, b'{"error": {"code": 404, "message": "no route"}}')
KEY = "AIzaSyTest-not-a-real-key-0123456789"
CLOSED: tuple[tuple[int, int], ...] = ()


def payload(name: str) -> Any:
    return json.loads((PAYLOADS / name).read_text(encoding="utf-8"))


def search_candidates(name: str) -> list[Candidate]:
    return parse_search_response(payload(name))


# -- parsing ---------------------------------------------------------------------------------------------


def test_full_place_fills_every_field() -> None:
    bakery = search_candidates("google_search_text.json")[0]
    assert bakery.provider == "google_places"
    assert bakery.name == "Boulangerie Utopie"
    assert bakery.listing_id == "ChIJ5xY3fP1t5kcRm0a8l2kq8Xo"
    assert bakery.phone == "01 43 57 00 12"  # national form first
    assert bakery.website == "https://www.boulangerie-utopie.fr/"
    assert bakery.url == "https://maps.google.com/?cid=8857617823340520091"
    assert bakery.review_url is not None and bakery.review_url.endswith("!12e1")
    assert bakery.business_status == "operational"
    assert bakery.rating == 4.6
    assert bakery.review_count == 812
    assert bakery.not_carried == frozenset()
    address = bakery.address
    assert address is not None
    assert address.formatted == "20 Rue Jean-Pierre Timbaud, 75011 Paris, France"
    assert (address.house_number, address.street) == ("20", "Rue Jean-Pierre Timbaud")
    assert (address.postcode, address.city, address.country_code) == ("75011", "Paris", "FR")
    assert address.unit is None
    assert (address.lat, address.lon) == (48.8661442, 2.3712574)
    assert address.geocoder is None  # the listing's own pin, not a geocoding result


def test_sunday_first_days_become_monday_first_with_split_days() -> None:
    bakery = search_candidates("google_search_text.json")[0]
    open_all_day = ((420, 1200),)
    assert bakery.hours == (
        CLOSED,  # Monday: no period with day 1
        open_all_day,
        open_all_day,
        open_all_day,
        open_all_day,
        ((450, 780), (900, 1200)),  # Saturday (Google day 6), two spans
        open_all_day,  # Sunday (Google day 0)
    )
    assert bakery.hours_text is not None
    assert bakery.hours_text.startswith("lundi: Fermé; mardi: 07:00–20:00")


def test_overnight_periods_spill_into_the_next_day_including_sunday_into_monday() -> None:
    bar = search_candidates("google_search_text.json")[1]
    evening, after_midnight = (1080, 1440), (0, 120)
    assert bar.hours == (
        ((0, 60),),  # Monday: the tail of Sunday 18:00-01:00
        CLOSED,
        (evening,),  # Wednesday opens, closes Thursday 02:00
        (after_midnight, evening),
        (after_midnight, evening),
        (after_midnight, evening),
        (after_midnight, evening),  # Sunday: Saturday's tail, then its own evening
    )


def test_sparse_place_falls_back_and_leaves_unknowns_empty() -> None:
    bar, old_shop = search_candidates("google_search_text.json")[1:]
    assert bar.phone == "+33 9 51 23 45 67"  # no national number: the international one
    assert bar.website is None
    assert bar.rating is None and bar.review_count is None
    assert bar.business_status == "closed_temporarily"
    assert bar.address is not None and bar.address.unit == "Bât. B"
    assert old_shop.business_status == "closed_permanently"
    assert old_shop.hours is None and old_shop.hours_text is None
    assert old_shop.phone is None and old_shop.review_url is None
    assert old_shop.address is not None
    assert old_shop.address.city == "Ludlow"  # postal_town where there is no locality
    assert old_shop.address.country_code == "GB"
    assert old_shop.address.street == "High Street"  # longText, not the abbreviated shortText


def test_a_period_without_close_means_open_around_the_clock() -> None:
    [pharmacy] = search_candidates("google_search_always_open.json")
    assert pharmacy.hours == tuple(((0, 1440),) for _ in range(7))


def test_a_period_longer_than_a_day_covers_each_day_it_spans() -> None:
    # Monday 08:00 to Wednesday 12:00, in Google's numbering (Monday = 1).
    periods = [{"open": {"day": 1, "hour": 8, "minute": 0}, "close": {"day": 3, "hour": 12, "minute": 0}}]
    hours = hours_from_periods(periods)
    assert hours == (((480, 1440),), ((0, 1440),), ((0, 720),), CLOSED, CLOSED, CLOSED, CLOSED)


def test_no_periods_is_unknown_hours_not_closed_all_week() -> None:
    assert hours_from_periods(None) is None
    assert hours_from_periods([]) is None


def test_empty_answer_means_no_result() -> None:
    assert search_candidates("google_search_empty.json") == []


@pytest.mark.parametrize("body", [[], "oops", {"places": {"id": "x"}}])
def test_an_answer_of_the_wrong_shape_is_bad_response(body: Any) -> None:
    with pytest.raises(ProviderError) as caught:
        parse_search_response(body)
    assert caught.value.reason.startswith("bad_response:")


# -- request body ----------------------------------------------------------------------------------------


def test_body_biases_towards_a_known_pin_and_region() -> None:
    query = SearchQuery(name="Boulangerie Utopie", city="Paris", country_code="FR", lat=48.86, lon=2.37)
    body = build_search_body(query, "fr", 5)
    assert body["textQuery"] == "Boulangerie Utopie, Paris"
    assert body["languageCode"] == "fr"
    assert body["regionCode"] == "fr"
    assert body["pageSize"] == 5
    circle = body["locationBias"]["circle"]
    assert circle["center"] == {"latitude": 48.86, "longitude": 2.37}
    assert circle["radius"] == 500.0


def test_body_without_pin_or_country_has_no_bias_or_region() -> None:
    body = build_search_body(SearchQuery(name="Utopie", address="20 rue JP Timbaud, Paris"), "en", 3)
    assert "locationBias" not in body and "regionCode" not in body
    assert body["textQuery"] == "Utopie, 20 rue JP Timbaud, Paris"
    assert body["pageSize"] == 3


# -- errors ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "status", "word"),
    [
        ("google_error_api_key_invalid.json", 400, "auth_failed"),
        ("google_error_service_disabled.json", 403, "auth_failed"),
        ("google_error_rate_limit_per_minute.json", 429, "rate_limited"),
        ("google_error_quota_per_day.json", 429, "quota_exceeded"),
        ("google_error_internal.json", 500, "server_error"),
        ("google_error_invalid_field_mask.json", 400, "bad_response"),
    ],
)
def test_error_answers_map_to_a_stable_reason_with_googles_message(name: str, status: int, word: str) -> None:
    body = payload(name)
    error = error_from_response(status, body, key=KEY)
    assert error.reason.startswith(f"{word}: ")
    google_message = body["error"]["message"]
    assert google_message[:40] in error.reason
    assert len(error.reason) < 400


def test_error_without_json_body_is_classified_by_status() -> None:
    assert error_from_response(502, None, key=KEY).reason.startswith("server_error: HTTP 502")


def test_the_key_never_appears_in_an_error_reason() -> None:
    body = {"error": {"code": 400, "message": f"API key {KEY} not valid.", "status": "INVALID_ARGUMENT"}}
    reason = error_from_response(400, body, key=KEY).reason
    assert KEY not in reason
    assert "API key *** not valid." in reason


# -- provider contract -----------------------------------------------------------------------------------


def test_fix_url_points_to_the_listing_or_to_create_one() -> None:
    provider = GooglePlacesProvider()
    query = SearchQuery(name="Boulangerie Utopie")
    bakery = search_candidates("google_search_text.json")[0]
    assert provider.fix_url(query, bakery) == bakery.url
    assert provider.fix_url(query, None) == CREATE_LISTING_URL


def test_module_registers_its_provider_through_the_plugin_hook() -> None:
    import providers.google_places as module

    manager = pluggy.PluginManager("solomo_auditor")
    manager.add_hookspecs(hookspecs)
    manager.register(module)
    registered: list[Provider] = []
    manager.hook.register_providers(register=registered.append)
    [provider] = registered
    assert isinstance(provider, GooglePlacesProvider)
    assert provider.id == "google_places"
    assert provider.key_env == "SOLOMO_GOOGLE_PLACES_KEY"
    assert provider.hosts == ("places.googleapis.com",)


# -- over HTTP -------------------------------------------------------------------------------------------


@pytest.fixture
def api() -> Iterator[FakeApi]:
    with FakeApi(NOT_FOUND, PAYLOADS) as fake:
        yield fake


@pytest.fixture
async def http(api: FakeApi) -> AsyncIterator[HttpClient]:
    async with sandboxed_client(api.url) as client:
        yield client


SEARCH_PATH = "/v1/places:searchText"


async def test_search_sends_the_real_request_and_parses_the_answer(api: FakeApi, http: HttpClient) -> None:
    api.reply_with_file(SEARCH_PATH, "google_search_text.json")
    ctx = ProviderContext(http=http, key=KEY, settings={"page_size": 3}, language="fr")
    query = SearchQuery(name="Boulangerie Utopie", city="Paris", country_code="FR", lat=48.866, lon=2.371)

    candidates = await GooglePlacesProvider().search(ctx, query)

    assert [c.name for c in candidates] == ["Boulangerie Utopie", "Le Perchoir de Nuit", "The Old Bakehouse"]
    [sent] = api.requests
    assert (sent.method, sent.path) == ("POST", SEARCH_PATH)
    assert sent.headers["host"] == "places.googleapis.com"
    assert sent.headers["x-forwarded-proto"] == "https"
    assert sent.headers["x-goog-api-key"] == KEY
    assert sent.headers["x-goog-fieldmask"] == FIELD_MASK
    assert "places.regularOpeningHours" in FIELD_MASK.split(",")
    assert sent.headers["content-type"].startswith("application/json")
    assert json.loads(sent.body) == build_search_body(query, "fr", 3)


async def test_search_with_no_match_returns_nothing(api: FakeApi, http: HttpClient) -> None:
    api.reply_with_file(SEARCH_PATH, "google_search_empty.json")
    ctx = ProviderContext(http=http, key=KEY)
    assert await GooglePlacesProvider().search(ctx, SearchQuery(name="Nowhere Café")) == []


async def test_search_error_answer_raises_provider_error_without_the_key(
    api: FakeApi, http: HttpClient
) -> None:
    api.reply_with_file(SEARCH_PATH, "google_error_service_disabled.json", status=403)
    ctx = ProviderContext(http=http, key=KEY)
    with pytest.raises(ProviderError) as caught:
        await GooglePlacesProvider().search(ctx, SearchQuery(name="Boulangerie Utopie"))
    assert caught.value.reason.startswith("auth_failed: Places API (New) has not been used")
    assert KEY not in caught.value.reason


async def test_an_html_error_page_is_a_server_error(api: FakeApi, http: HttpClient) -> None:
    api.replies[SEARCH_PATH] = Reply(
        502, b"<html><body>Bad Gateway</body></html>", {"Content-Type": "text/html"}
    )
    ctx = ProviderContext(http=http, key=KEY)
    with pytest.raises(ProviderError) as caught:
        await GooglePlacesProvider().search(ctx, SearchQuery(name="Boulangerie Utopie"))
    assert caught.value.reason.startswith("server_error:")
