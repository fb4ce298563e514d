"""HERE (car navigation, HERE WeGo, and the maps many apps embed) through Geocoding & Search API v7 Discover.

One Discover call (`q` = the name, at the shop's position or inside its town) returns places with their
contacts (phone, www) and opening hours, so there is no second call. The key travels as `apiKey`.
Countries come as ISO alpha-3 codes ("FRA"). Opening hours are read from `structured` periods: a start
("T070000"), a duration ("PT12H30M") and the days it recurs on ("FREQ:DAILY;BYDAY:MO,TU").
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from auditor.hookspecs import hookimpl
from auditor.models import Address, Candidate, WeeklyHours
from auditor.normalise.address import country_code
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

DISCOVER_URL = "https://discover.search.hereapi.com/v1/discover"
DEFAULT_PAGE_SIZE = 5
DEFAULT_RADIUS_M = 2000
CORRECTIONS_URL = "https://mapcreator.here.com/"
DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_START = re.compile(r"^T(\d{2})(\d{2})(\d{2})?$")
_DURATION = re.compile(r"^PT(?:(\d+)H)?(?:(\d+)M)?$")


class HereProvider(Provider):
    id = "here"
    label = "HERE"
    kind = "listing"
    key_env = "SOLOMO_HERE_KEY"
    hosts = ("discover.search.hereapi.com",)
    docs_url = "https://www.here.com/docs/bundle/geocoding-and-search-api-v7-api-reference/page/index.html"
    quota = "Base plan: a free monthly allowance of Discover requests, then billed per 1,000"
    # Discover searches around a position (`at` or `in=circle`); the engine runs it once geocoding gave one.
    needs = ("lat", "lon")

    async def search(self, ctx: ProviderContext, query: SearchQuery) -> list[Candidate]:
        if not ctx.key:
            raise ProviderSkipped(f"no API key: set {self.key_env}")
        params: dict[str, str | int | float] = {
            "q": " ".join(part for part in (query.name, query.city) if part),
            "limit": int(ctx.settings.get("page_size", DEFAULT_PAGE_SIZE)),
            "lang": ctx.language or "fr",
            "apiKey": ctx.key,
        }
        if query.lat is not None and query.lon is not None:
            radius = int(ctx.settings.get("radius_m", DEFAULT_RADIUS_M))
            params["in"] = f"circle:{query.lat},{query.lon};r={radius}"
        else:  # the engine defers the provider until there is one (`needs`)
            raise ProviderSkipped("no position to search HERE around")
        response = await ctx.http.get(DISCOVER_URL, params=params, cache=ctx.cache_ttl is not None)
        if not response.ok:
            raise error_from_response(response.status, json_or_none(response), key=ctx.key)
        return [parse_item(item) for item in object_list(response.json(), "items", source="HERE")]

    def fix_url(self, query: SearchQuery, candidate: Candidate | None) -> str | None:
        # HERE takes place corrections through its map editor.
        return CORRECTIONS_URL


@hookimpl
def register_providers(register: Callable[[Provider], None]) -> None:
    register(HereProvider())


def parse_item(item: Mapping[str, Any]) -> Candidate:
    contacts = [mapping_or_empty(c) for c in item.get("contacts", []) if isinstance(c, Mapping)]
    hours = [mapping_or_empty(h) for h in item.get("openingHours", []) if isinstance(h, Mapping)]
    place_id = text_or_none(item.get("id"))
    text = [str(t) for h in hours for t in (h.get("text") or []) if isinstance(t, str)]
    return Candidate(
        provider=HereProvider.id,
        name=text_or_none(item.get("title")),
        address=parse_address(item),
        phone=_first(contacts, "phone"),
        website=_first(contacts, "www"),
        hours=hours_from_structured([s for h in hours for s in h.get("structured", []) or []]),
        hours_text="; ".join(text) or None,
        listing_id=place_id,
        url=f"https://wego.here.com/p/{place_id}" if place_id else None,
    )


def _first(contacts: list[Mapping[str, Any]], kind: str) -> str | None:
    for contact in contacts:
        for entry in contact.get(kind, []) or []:
            value = text_or_none(mapping_or_empty(entry).get("value"))
            if value:
                return value
    return None


def parse_address(item: Mapping[str, Any]) -> Address:
    address = mapping_or_empty(item.get("address"))
    position = mapping_or_empty(item.get("position"))
    country = text_or_none(address.get("countryCode"))
    return Address(
        formatted=text_or_none(address.get("label")),
        house_number=text_or_none(address.get("houseNumber")),
        street=text_or_none(address.get("street")),
        postcode=text_or_none(address.get("postalCode")),
        city=text_or_none(address.get("city")),
        country_code=country_code(country) if country else None,
        lat=number_or_none(position.get("lat")),
        lon=number_or_none(position.get("lng")),
    )


def hours_from_structured(periods: list[Any]) -> WeeklyHours | None:
    """Structured opening hours as a week; a period running past midnight goes on to the next day."""
    intervals: list[tuple[int, int, int]] = []
    for period in periods:
        period_map = mapping_or_empty(period)
        start = _START.match(str(period_map.get("start", "")))
        duration = _DURATION.match(str(period_map.get("duration", "")))
        recurrence = str(period_map.get("recurrence", ""))
        days = re.search(r"BYDAY:([A-Z,]+)", recurrence)
        if not (start and duration and days):
            continue
        opens = int(start.group(1)) * 60 + int(start.group(2))
        length = int(duration.group(1) or 0) * 60 + int(duration.group(2) or 0)
        for day in days.group(1).split(","):
            if day in DAYS:
                intervals.append((DAYS.index(day), opens, opens + length))
    if not intervals:
        return None
    return weekly_from_intervals([(d, s, min(e, 1440)) for d, s, e in intervals] + _overflow(intervals))


def _overflow(intervals: list[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
    """The part of each period after midnight, on the next day."""
    return [((day + 1) % 7, 0, end - 1440) for day, _, end in intervals if end > 1440]


def error_from_response(status: int, body: Any, *, key: str | None) -> ProviderError:
    """Auth errors come as `{"error", "error_description"}`, input errors as `{"title", "cause"}`."""
    payload = mapping_or_empty(body)
    message = (
        text_or_none(payload.get("error_description"))
        or text_or_none(payload.get("cause"))
        or text_or_none(payload.get("title"))
        or f"HTTP {status}"
    )
    return ProviderError(f"{reason_word(status)}: {error_detail(f'{message} (HTTP {status})', key)}")
