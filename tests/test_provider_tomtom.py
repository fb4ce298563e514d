"""TomTom Search API POI Search provider, over real HTTP against the sandbox."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date, timedelta
from typing import Any
from urllib.parse import parse_qs

import pytest

from auditor.http import HttpClient
from providers.base import ProviderContext, ProviderError, SearchQuery
from providers.tomtom import TomtomProvider, hours_from_time_ranges
from tests.loopback import sandboxed_client

KEY = "sandbox-test-tomtom-31f0"
SAINT_LAURENT = SearchQuery(
    name="Boulangerie Saint-Laurent", city="Montréal", country_code="CA", lat=45.5225, lon=-73.593
)


@pytest.fixture
async def http(sandbox: Any) -> AsyncIterator[HttpClient]:
    async with sandboxed_client(sandbox.url) as client:
        yield client


async def test_poi_search_gives_the_listing_and_a_week_from_the_next_seven_days(
    http: HttpClient, sandbox: Any
) -> None:
    [bakery] = await TomtomProvider().search(
        ProviderContext(http=http, key=KEY, language="fr"), SAINT_LAURENT
    )
    assert bakery.name == "Boulangerie Saint-Laurent" and bakery.listing_id == "124009028765435"
    assert bakery.phone == "+1 514-555-0100"  # the demo world's wrong number
    assert bakery.website is None
    address = bakery.address
    assert address is not None
    assert (address.house_number, address.street, address.city) == (
        "4521",
        "Boulevard Saint-Laurent",
        "Montréal",
    )
    assert (address.postcode, address.country_code) == ("H2T 1R2", "CA")
    assert bakery.hours is not None and all(day == ((420, 1140),) for day in bakery.hours)
    [request] = sandbox.log()
    assert request["path"] == "/search/2/poiSearch/Boulangerie Saint-Laurent.json"
    sent = parse_qs(request["query"])
    assert sent["openingHours"] == ["nextSevenDays"] and sent["language"] == ["fr-FR"]
    assert (sent["lat"], sent["lon"], sent["radius"]) == (["45.5225"], ["-73.593"], ["2000"])


async def test_a_bad_key_is_auth_failed_without_the_key(http: HttpClient) -> None:
    wrong = "bad-tomtom-key-4242"
    with pytest.raises(ProviderError) as caught:
        await TomtomProvider().search(ProviderContext(http=http, key=wrong), SAINT_LAURENT)
    assert str(caught.value) == "auth_failed: You are not allowed to access this endpoint (HTTP 403)"


def test_dated_ranges_fold_into_a_week_and_overnight_ranges_split() -> None:
    friday = date(2026, 11, 27)
    saturday = friday + timedelta(days=1)
    ranges = [
        {"startTime": {"date": friday.isoformat(), "hour": 18, "minute": 0},
         "endTime": {"date": saturday.isoformat(), "hour": 2, "minute": 0}},
        {"startTime": {"date": "nonsense"}, "endTime": {}},
    ]  # fmt: skip
    week = hours_from_time_ranges(ranges)
    assert week is not None
    assert week[4] == ((1080, 1440),) and week[5] == ((0, 120),)
    assert hours_from_time_ranges([]) is None
