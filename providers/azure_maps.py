"""Azure Maps (Bing Maps' successor, in Windows, Outlook and many business apps) through Search v1 Fuzzy
Search.

One call around the shop's position, POIs only (`idxSet=POI`), with the next seven days' opening hours. The
answer is TomTom's Search shape (Azure Maps' Search v1 is built on TomTom's data), so it is read by
providers.tomtom. The key travels as `subscription-key`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from auditor.hookspecs import hookimpl
from auditor.models import Candidate
from providers.base import Provider, ProviderContext, ProviderError, ProviderSkipped, SearchQuery
from providers.payload import (
    error_detail,
    json_or_none,
    mapping_or_empty,
    object_list,
    reason_word,
    text_or_none,
)
from providers.tomtom import around, parse_result

FUZZY_URL = "https://atlas.microsoft.com/search/fuzzy/json"
BING_PLACES_URL = "https://www.bingplaces.com/"


class AzureMapsProvider(Provider):
    id = "azure_maps"
    label = "Azure Maps"
    kind = "listing"
    key_env = "SOLOMO_AZURE_MAPS_KEY"
    hosts = ("atlas.microsoft.com",)
    docs_url = "https://learn.microsoft.com/en-us/rest/api/maps/search/get-search-fuzzy"
    quota = "Gen2 pricing: a free monthly allowance of search transactions, then billed per 1,000"
    needs = ("lat", "lon")

    async def search(self, ctx: ProviderContext, query: SearchQuery) -> list[Candidate]:
        if not ctx.key:
            raise ProviderSkipped(f"no API key: set {self.key_env}")
        params: dict[str, str | int | float] = {
            "api-version": "1.0",
            "query": query.name,
            "subscription-key": ctx.key,
            "idxSet": "POI",
            **around(ctx, query, self.label),
        }
        response = await ctx.http.get(FUZZY_URL, params=params, cache=ctx.cache_ttl is not None)
        if not response.ok:
            raise error_from_response(response.status, json_or_none(response), key=ctx.key)
        results = object_list(response.json(), "results", source="Azure Maps")
        return [parse_result(item, self.id) for item in results]

    def fix_url(self, query: SearchQuery, candidate: Candidate | None) -> str | None:
        return BING_PLACES_URL  # Bing Places for Business feeds Microsoft's maps


@hookimpl
def register_providers(register: Callable[[Provider], None]) -> None:
    register(AzureMapsProvider())


def error_from_response(status: int, body: Any, *, key: str | None) -> ProviderError:
    """Azure Maps' errors: `{"error": {"code", "message"}}`; a bad key is a 401."""
    message = text_or_none(mapping_or_empty(mapping_or_empty(body).get("error")).get("message"))
    return ProviderError(
        f"{reason_word(status)}: {error_detail(f'{message or status} (HTTP {status})', key)}"
    )
