"""TomTom (car navigation systems, and the maps of many apps) through the Search API's POI Search.

One call: `/search/2/poiSearch/{name}.json` around the shop's position, asking for the opening hours of
the next seven days (`openingHours=nextSevenDays`), which come as dated time ranges and are folded back into
a week by weekday. The key travels as `key`. TomTom often writes the website without its scheme.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import Any
from urllib.parse import quote

from auditor.hookspecs import hookimpl
from auditor.models import Address, Candidate, WeeklyHours
from auditor.normalise.hours import weekly_from_intervals
from providers.base import Provider, ProviderContext, ProviderError, ProviderSkipped, SearchQuery
from providers.payload import (
    error_detail,
    json_or_none,
    mapping_or_empty,
    number_or_none,
    object_list,
    reason_word,
    text_or_none,
)

API = "https://api.tomtom.com/search/2/poiSearch"
DEFAULT_PAGE_SIZE = 5
DEFAULT_RADIUS_M = 2000
FEEDBACK_URL = "https://www.tomtom.com/mapshare/tools/"


class TomtomProvider(Provider):
    id = "tomtom"
    label = "TomTom"
    kind = "listing"
    key_env = "SOLOMO_TOMTOM_KEY"
    hosts = ("api.tomtom.com",)
    docs_url = (
        "https://developer.tomtom.com/search-api/documentation/search-service/points-of-interest-search"
    )
    quota = "Freemium: a free daily allowance of non-tile requests, then billed per 1,000; 5 queries/s"
    needs = ("lat", "lon")  # searched around the shop's position, so after geocoding

    async def search(self, ctx: ProviderContext, query: SearchQuery) -> list[Candidate]:
        if not ctx.key:
            raise ProviderSkipped(f"no API key: set {self.key_env}")
        params: dict[str, str | int | float] = {"key": ctx.key, **around(ctx, query, self.label)}
        url = f"{API}/{quote(query.name, safe='')}.json"
        response = await ctx.http.get(url, params=params, cache=ctx.cache_ttl is not None)
        if not response.ok:
            raise error_from_response(response.status, json_or_none(response), key=ctx.key)
        return [
            parse_result(item, self.id) for item in object_list(response.json(), "results", source="TomTom")
        ]

    def fix_url(self, query: SearchQuery, candidate: Candidate | None) -> str | None:
        return FEEDBACK_URL  # MapShare: TomTom's map corrections


def around(ctx: ProviderContext, query: SearchQuery, label: str) -> dict[str, str | int | float]:
    """The search-around-the-shop parameters TomTom's Search API and Azure Maps' Search v1 share."""
    if query.lat is None or query.lon is None:
        raise ProviderSkipped(f"no position to search {label} around")
    language = ctx.language or "fr"
    return {
        "lat": query.lat,
        "lon": query.lon,
        "radius": int(ctx.settings.get("radius_m", DEFAULT_RADIUS_M)),
        "limit": int(ctx.settings.get("page_size", DEFAULT_PAGE_SIZE)),
        "language": language if "-" in language else f"{language}-{language.upper()}",
        "openingHours": "nextSevenDays",
    }


@hookimpl
def register_providers(register: Callable[[Provider], None]) -> None:
    register(TomtomProvider())


def parse_result(result: Mapping[str, Any], provider: str) -> Candidate:
    """One result of TomTom's Search API shape (Azure Maps' Search v1 answers the same)."""
    poi = mapping_or_empty(result.get("poi"))
    address = mapping_or_empty(result.get("address"))
    position = mapping_or_empty(result.get("position"))
    website = text_or_none(poi.get("url"))
    if website and "://" not in website:
        website = f"http://{website}"  # written without a scheme: the page is what it names
    country = text_or_none(address.get("countryCode"))
    return Candidate(
        provider=provider,
        name=text_or_none(poi.get("name")),
        address=Address(
            formatted=text_or_none(address.get("freeformAddress")),
            house_number=text_or_none(address.get("streetNumber")),
            street=text_or_none(address.get("streetName")),
            postcode=text_or_none(address.get("postalCode")),
            city=text_or_none(address.get("municipality")),
            country_code=country.upper() if country else None,
            lat=number_or_none(position.get("lat")),
            lon=number_or_none(position.get("lon")),
        ),
        phone=text_or_none(poi.get("phone")),
        website=website,
        hours=hours_from_time_ranges(mapping_or_empty(poi.get("openingHours")).get("timeRanges")),
        listing_id=text_or_none(result.get("id")),
    )


def hours_from_time_ranges(ranges: Any) -> WeeklyHours | None:
    """Dated ranges over the next seven days, as a week: each range on its date's weekday; one that ends
    on a later date runs past midnight."""
    if not isinstance(ranges, list) or not ranges:
        return None
    intervals: list[tuple[int, int, int]] = []
    for item in ranges:
        start, end = (
            mapping_or_empty(mapping_or_empty(item).get("startTime")),
            mapping_or_empty(mapping_or_empty(item).get("endTime")),
        )
        try:
            start_day, end_day = date.fromisoformat(str(start["date"])), date.fromisoformat(str(end["date"]))
            opens = int(start["hour"]) * 60 + int(start["minute"])
            closes = int(end["hour"]) * 60 + int(end["minute"])
        except (KeyError, TypeError, ValueError):
            continue
        if end_day > start_day:
            intervals.append((start_day.weekday(), opens, 1440))
            if closes:
                intervals.append((end_day.weekday(), 0, closes))
        else:
            intervals.append((start_day.weekday(), opens, closes))
    return weekly_from_intervals(intervals) if intervals else None


def error_from_response(status: int, body: Any, *, key: str | None) -> ProviderError:
    """TomTom's errors: `{"errorText", "detailedError": {"code", "message"}, "httpStatusCode"}`; a bad or
    inactive key is a 403."""
    payload = mapping_or_empty(body)
    message = text_or_none(mapping_or_empty(payload.get("detailedError")).get("message")) or text_or_none(
        payload.get("errorText")
    )
    return ProviderError(
        f"{reason_word(status)}: {error_detail(f'{message or status} (HTTP {status})', key)}"
    )
