"""Apple Maps Server API provider (token exchange, then search), over real HTTP against the sandbox."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from auditor.http import HttpClient
from providers import apple_maps
from providers.apple_maps import AppleMapsProvider
from providers.base import ProviderContext, ProviderError, SearchQuery
from tests.loopback import sandboxed_client

MAPS_TOKEN = "sandbox-test-maps-jwt-eyJhbGciOiJFUzI1NiJ9"
DUPONT = SearchQuery(
    name="Boulangerie Dupont", address="12 rue de la République, 69002 Lyon", lat=45.7627, lon=4.8357
)


@pytest.fixture
async def http(sandbox: Any) -> AsyncIterator[HttpClient]:
    apple_maps._ACCESS.clear()
    async with sandboxed_client(sandbox.url) as client:
        yield client


async def test_the_maps_token_is_exchanged_once_then_search_uses_the_access_token(
    http: HttpClient, sandbox: Any
) -> None:
    ctx = ProviderContext(http=http, key=MAPS_TOKEN, language="fr")
    [dupont] = await AppleMapsProvider().search(ctx, DUPONT)
    await AppleMapsProvider().search(ctx, DUPONT)  # another audit of the same process
    assert [e["path"] for e in sandbox.log()] == ["/v1/token", "/v1/search", "/v1/search"]
    token_request, search_request = sandbox.log()[:2]
    assert token_request["headers"]["authorization"] == f"Bearer {MAPS_TOKEN}"
    assert search_request["headers"]["authorization"].startswith("Bearer sandbox-access-")
    assert (
        dupont.name == "Boulangerie Dupont"
        and dupont.url == "https://maps.apple.com/place?place-id=I63B1D5F8A2C0E7D1"
    )
    assert dupont.phone is None and dupont.not_carried == {"phone", "website", "hours"}
    address = dupont.address
    assert address is not None and (address.house_number, address.postcode, address.city) == (
        "12",
        "69002",
        "Lyon",
    )


async def test_a_refused_maps_token_is_auth_failed_without_the_token(http: HttpClient) -> None:
    wrong = "eyJ-not-a-sandbox-jwt"
    with pytest.raises(ProviderError) as caught:
        await AppleMapsProvider().search(ProviderContext(http=http, key=wrong), DUPONT)
    assert str(caught.value) == "auth_failed: Not Authorized (HTTP 401)"


async def test_search_refuses_the_maps_token_itself(sandbox: Any) -> None:
    answer = sandbox.request(
        "GET", "maps-api.apple.com", "/v1/search?q=x", headers={"Authorization": f"Bearer {MAPS_TOKEN}"}
    )
    assert answer.status == 401
