"""Azure Maps Search v1 Fuzzy Search provider, over real HTTP against the sandbox."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import parse_qs

import pytest

from auditor.http import HttpClient
from providers.azure_maps import AzureMapsProvider
from providers.base import ProviderContext, ProviderError, SearchQuery
from tests.loopback import sandboxed_client

KEY = "sandbox-test-azure-5e6f"
DUPONT = SearchQuery(name="Boulangerie Dupont", city="Lyon", country_code="FR", lat=45.7627, lon=4.8357)


@pytest.fixture
async def http(sandbox: Any) -> AsyncIterator[HttpClient]:
    async with sandboxed_client(sandbox.url) as client:
        yield client


async def test_fuzzy_search_gives_the_poi_as_azure_maps_candidates(http: HttpClient, sandbox: Any) -> None:
    [dupont] = await AzureMapsProvider().search(ProviderContext(http=http, key=KEY, language="fr"), DUPONT)
    assert dupont.provider == "azure_maps" and dupont.name == "Boulangerie Dupont"
    assert dupont.website == "http://www.boulangerie-dupont.fr"  # written without a scheme in the answer
    assert dupont.phone == "+33 4 78 42 10 10"
    assert dupont.hours is not None and dupont.hours[0] == ((420, 1170),) and dupont.hours[6] == ()
    [request] = sandbox.log()
    assert (request["host"], request["path"]) == ("atlas.microsoft.com", "/search/fuzzy/json")
    sent = parse_qs(request["query"])
    assert sent["api-version"] == ["1.0"] and sent["idxSet"] == ["POI"] and sent["subscription-key"] == [KEY]


async def test_a_bad_key_is_auth_failed_without_the_key(http: HttpClient) -> None:
    wrong = "azure-not-sandbox-77"
    with pytest.raises(ProviderError) as caught:
        await AzureMapsProvider().search(ProviderContext(http=http, key=wrong), DUPONT)
    assert str(caught.value).startswith("auth_failed: Access denied due to invalid subscription key")
    assert wrong not in str(caught.value)


async def test_the_sandbox_wants_an_api_version(sandbox: Any) -> None:
    answer = sandbox.request(
        "GET", "atlas.microsoft.com", f"/search/fuzzy/json?query=x&subscription-key={KEY}"
    )
    assert answer.status == 400 and "api-version" in answer.json()["error"]["message"]
