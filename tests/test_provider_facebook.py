"""Facebook Graph API provider, over real HTTP against the sandbox's graph.facebook.com."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import parse_qs

import pytest

from auditor.http import HttpClient
from providers.base import ProviderContext, ProviderError, ProviderSkipped, SearchQuery
from providers.facebook import FacebookProvider
from tests.loopback import sandboxed_client

TOKEN = "sandbox-test-facebook-page-token"
DUPONT = SearchQuery(name="Boulangerie Dupont", city="Lyon", country_code="FR")


@pytest.fixture
async def http(sandbox: Any) -> AsyncIterator[HttpClient]:
    async with sandboxed_client(sandbox.url) as client:
        yield client


async def test_the_declared_handle_reads_the_page_directly(http: HttpClient, sandbox: Any) -> None:
    query = SearchQuery(name="Boulangerie Dupont", handles={"facebook": "boulangeriedupont"})
    [page] = await FacebookProvider().search(ProviderContext(http=http, key=TOKEN), query)
    assert (page.name, page.listing_id) == ("Boulangerie Dupont", "104812345678901")
    assert page.url == "https://www.facebook.com/boulangeriedupont"
    assert page.phone == "04 78 42 10 10" and page.website == "https://www.boulangerie-dupont.fr"
    assert page.hours is not None and page.hours[0] == ((420, 1140),)  # closes 19:00 on Facebook
    address = page.address
    assert address is not None and (address.house_number, address.postcode, address.country_code) == (
        "12",
        "69002",
        "FR",
    )
    [request] = sandbox.log()
    assert request["path"] == "/v21.0/boulangeriedupont"
    assert "hours" in parse_qs(request["query"])["fields"][0]


async def test_without_a_handle_pages_search_finds_it(http: HttpClient, sandbox: Any) -> None:
    [page] = await FacebookProvider().search(ProviderContext(http=http, key=TOKEN), DUPONT)
    assert page.listing_id == "104812345678901"
    assert sandbox.log()[0]["path"] == "/v21.0/pages/search"


async def test_a_handle_naming_no_page_is_no_listing(http: HttpClient) -> None:
    query = SearchQuery(name="Boulangerie Dupont", handles={"facebook": "nosuchpage"})
    assert await FacebookProvider().search(ProviderContext(http=http, key=TOKEN), query) == []


async def test_tokens_missing_or_refused(http: HttpClient) -> None:
    with pytest.raises(ProviderSkipped, match="App Review"):
        await FacebookProvider().search(ProviderContext(http=http, key=None), DUPONT)
    bad = "EAAG-not-a-sandbox-token"
    with pytest.raises(ProviderError) as caught:
        await FacebookProvider().search(ProviderContext(http=http, key=bad), DUPONT)
    assert str(caught.value).startswith("auth_failed: Invalid OAuth access token")
    assert "code 190" in str(caught.value) and bad not in str(caught.value)


async def test_graph_rate_limit_codes_are_rate_limited(http: HttpClient, sandbox: Any) -> None:
    error = {"message": "(#4) Application request limit reached", "type": "OAuthException", "code": 4}
    fault = {"host": "graph.facebook.com", "status": 400, "body": json.dumps({"error": error})}
    sandbox.configure(faults=[{**fault, "headers": {"content-type": "application/json"}}])
    with pytest.raises(ProviderError, match=r"^rate_limited: \(#4\) Application request limit reached"):
        await FacebookProvider().search(ProviderContext(http=http, key=TOKEN), DUPONT)
