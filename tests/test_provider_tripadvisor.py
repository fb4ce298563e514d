"""Tripadvisor Content API provider, over real HTTP against the sandbox's api.content.tripadvisor.com."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import parse_qs

import pytest

from auditor.http import HttpClient
from providers.base import ProviderContext, ProviderError, ProviderSkipped, SearchQuery
from providers.tripadvisor import TripadvisorProvider, hours_from_periods
from tests.loopback import sandboxed_client

KEY = "sandbox-test-tripadvisor-9e1f"
DUPONT = SearchQuery(
    name="Boulangerie Dupont",
    address="12 rue de la République, 69002 Lyon",
    country_code="FR",
    lat=45.7627,
    lon=4.8357,
)


@pytest.fixture
async def http(sandbox: Any) -> AsyncIterator[HttpClient]:
    async with sandboxed_client(sandbox.url) as client:
        yield client


async def test_search_then_details_gives_the_listing_field_by_field(http: HttpClient, sandbox: Any) -> None:
    ctx = ProviderContext(http=http, key=KEY, language="fr")
    [dupont] = await TripadvisorProvider().search(ctx, DUPONT)

    assert (dupont.name, dupont.listing_id) == ("Boulangerie Dupont", "23456781")
    assert dupont.phone == "+33 4 78 42 10 10" and dupont.website is None
    assert dupont.rating == 4.5 and dupont.review_count == 87
    assert dupont.url and dupont.url.startswith(
        "https://www.tripadvisor.fr/Restaurant_Review-g187265-d23456781"
    )
    assert dupont.review_url and dupont.review_url.startswith("https://www.tripadvisor.fr/UserReview-")
    address = dupont.address
    assert address is not None
    assert (address.house_number, address.street, address.postcode) == ("12", "Rue de la République", "69002")
    assert (address.city, address.country_code) == ("Lyon", "FR")
    assert address.lat == pytest.approx(45.76268)
    assert dupont.hours is not None
    assert dupont.hours[0] == ((420, 1170),) and dupont.hours[5] == ((420, 780),) and dupont.hours[6] == ()
    search, details = sandbox.log()
    assert (
        search["path"] == "/api/v1/location/search" and details["path"] == "/api/v1/location/23456781/details"
    )
    sent = parse_qs(search["query"])
    assert sent["searchQuery"] == ["Boulangerie Dupont"] and sent["language"] == ["fr"]
    assert sent["latLong"] == ["45.7627,4.8357"] and sent["key"] == [KEY]


async def test_no_key_skips_and_a_bad_key_is_auth_failed_without_the_key(http: HttpClient) -> None:
    with pytest.raises(ProviderSkipped, match="SOLOMO_TRIPADVISOR_KEY"):
        await TripadvisorProvider().search(ProviderContext(http=http, key=None), DUPONT)
    wrong = "not-a-sandbox-key-5150"
    with pytest.raises(ProviderError) as caught:
        await TripadvisorProvider().search(ProviderContext(http=http, key=wrong), DUPONT)
    assert str(caught.value).startswith("auth_failed: Invalid or missing API key (HTTP 401)")
    assert wrong not in str(caught.value)


async def test_a_429_is_rate_limited(http: HttpClient, sandbox: Any) -> None:
    sandbox.configure(
        faults=[{"host": "api.content.tripadvisor.com", "status": 429, "headers": {"Retry-After": "3600"}}]
    )
    with pytest.raises(ProviderError, match=r"^rate_limited"):
        await TripadvisorProvider().search(ProviderContext(http=http, key=KEY), DUPONT)


async def test_the_sandbox_wants_a_query_and_knows_its_ids(sandbox: Any) -> None:
    no_query = sandbox.request("GET", "api.content.tripadvisor.com", f"/api/v1/location/search?key={KEY}")
    assert no_query.status == 400 and no_query.json()["error"]["type"] == "InvalidArgumentException"
    unknown = sandbox.request("GET", "api.content.tripadvisor.com", f"/api/v1/location/1/details?key={KEY}")
    assert unknown.status == 404


def test_periods_past_midnight_are_split_at_it() -> None:
    friday_late = [{"open": {"day": 5, "time": "1200"}, "close": {"day": 6, "time": "0100"}}]
    week = hours_from_periods(friday_late)
    assert week is not None
    assert week[4] == ((720, 1440),) and week[5] == ((0, 60),)
    assert hours_from_periods([]) is None
    assert (
        hours_from_periods([{"open": {"day": 9, "time": "0800"}, "close": {"day": 9, "time": "1000"}}])
        is None
    )
