"""HERE Geocoding & Search v7 Discover provider, over real HTTP against the sandbox."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import parse_qs

import pytest

from auditor.http import HttpClient
from providers.base import ProviderContext, ProviderError, SearchQuery
from providers.here import HereProvider, hours_from_structured
from tests.loopback import sandboxed_client

KEY = "sandbox-test-here-77aa"
MAPLE = SearchQuery(
    name="Maple Street Bakery", city="Portland", country_code="US", lat=45.5203, lon=-122.6812
)


@pytest.fixture
async def http(sandbox: Any) -> AsyncIterator[HttpClient]:
    async with sandboxed_client(sandbox.url) as client:
        yield client


async def test_discover_gives_the_place_with_its_contacts_and_hours(http: HttpClient, sandbox: Any) -> None:
    candidates = await HereProvider().search(ProviderContext(http=http, key=KEY, language="en"), MAPLE)
    maple = candidates[0]
    assert maple.name == "Maple Street Bakery"
    assert maple.phone == "+15035550142" and maple.website == "http://maplestreetbakery.com"
    assert maple.url == "https://wego.here.com/p/here:pds:place:840c20fb-maplestreet0000000000003"
    address = maple.address
    assert address is not None
    assert (address.house_number, address.street, address.postcode) == ("120", "Maple St", "97205")
    assert (address.city, address.country_code) == ("Portland", "US")  # "USA" in HERE's answer
    assert maple.hours is not None
    assert maple.hours[0] == ((390, 900),) and maple.hours[5] == ()  # open Monday, not Saturday
    [request] = sandbox.log()
    assert request["host"] == "discover.search.hereapi.com" and request["path"] == "/v1/discover"
    sent = parse_qs(request["query"])
    assert sent["in"] == ["circle:45.5203,-122.6812;r=2000"] and sent["apiKey"] == [KEY]
    assert sent["q"] == ["Maple Street Bakery Portland"]


async def test_a_bad_key_is_auth_failed_without_the_key(http: HttpClient) -> None:
    wrong = "not-sandbox-9999"
    with pytest.raises(ProviderError) as caught:
        await HereProvider().search(ProviderContext(http=http, key=wrong), MAPLE)
    assert str(caught.value) == "auth_failed: apiKey invalid. apiKey not found. (HTTP 401)"


async def test_the_sandbox_wants_a_position(sandbox: Any) -> None:
    answer = sandbox.request("GET", "discover.search.hereapi.com", f"/v1/discover?q=bakery&apiKey={KEY}")
    assert answer.status == 400 and answer.json()["title"] == "Illegal input for parameters"


def test_structured_hours_past_midnight_go_on_to_the_next_day() -> None:
    week = hours_from_structured(
        [{"start": "T220000", "duration": "PT04H00M", "recurrence": "FREQ:DAILY;BYDAY:FR,SA"}]
    )
    assert week is not None
    assert week[4] == ((1320, 1440),) and week[5] == ((0, 120), (1320, 1440)) and week[6] == ((0, 120),)
    assert hours_from_structured([{"start": "bad"}]) is None
