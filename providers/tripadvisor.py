"""Tripadvisor through its Content API (api.content.tripadvisor.com/api/v1): where travellers and many
French diners look a restaurant up.

Location Search returns at most ten ids, names and addresses; the phone, website, hours, rating and the
listing's own links need a Location Details call per location, so only the first few search results are
detailed (`details`, default 3), concurrently. The key travels as a `key` query parameter (redacted from
every log like any key). Hours come as `periods` with Monday = 1 … Sunday = 7 and "HHMM" times.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import quote

from auditor.hookspecs import hookimpl
from auditor.models import Address, Candidate, WeeklyHours
from auditor.normalise.address import country_code, split_street_line
from auditor.normalise.hours import MINUTES_PER_DAY, hhmm_to_minutes, weekly_from_intervals
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

API = "https://api.content.tripadvisor.com/api/v1"
DEFAULT_DETAILS = 3
MANAGEMENT_URL = "https://www.tripadvisor.com/Owners"


class TripadvisorProvider(Provider):
    id = "tripadvisor"
    label = "Tripadvisor"
    kind = "listing"
    key_env = "SOLOMO_TRIPADVISOR_KEY"
    hosts = ("api.content.tripadvisor.com",)
    docs_url = "https://tripadvisor-content-api.readme.io/reference/searchforlocations"
    quota = "Content API: pay per call (search and details each count), up to 50 calls/s; a daily cap per key"

    async def search(self, ctx: ProviderContext, query: SearchQuery) -> list[Candidate]:
        if not ctx.key:
            raise ProviderSkipped(f"no API key: set {self.key_env}")
        language = (ctx.language or "en").split("-")[0]
        params: dict[str, str | int | float] = {
            "key": ctx.key,
            "searchQuery": query.name,
            "language": language,
        }
        if query.address:
            params["address"] = query.address
        elif query.city:
            params["address"] = query.city
        if query.lat is not None and query.lon is not None:
            params["latLong"] = f"{query.lat},{query.lon}"
        response = await ctx.http.get(
            f"{API}/location/search", params=params, cache=ctx.cache_ttl is not None
        )
        if not response.ok:
            raise error_from_response(response.status, json_or_none(response), key=ctx.key)
        found = object_list(response.json(), "data", source="Tripadvisor")
        ids = [text_or_none(item.get("location_id")) for item in found]
        wanted = [i for i in ids if i][: int(ctx.settings.get("details", DEFAULT_DETAILS))]
        details = await asyncio.gather(*(self._details(ctx, location_id, language) for location_id in wanted))
        return [parse_details(item) for item in details]

    async def _details(self, ctx: ProviderContext, location_id: str, language: str) -> Mapping[str, Any]:
        response = await ctx.http.get(
            f"{API}/location/{quote(location_id, safe='')}/details",
            params={"key": ctx.key or "", "language": language},
            cache=ctx.cache_ttl is not None,
        )
        if not response.ok:
            raise error_from_response(response.status, json_or_none(response), key=ctx.key)
        return mapping_or_empty(response.json())

    def fix_url(self, query: SearchQuery, candidate: Candidate | None) -> str | None:
        # Owners edit their listing from the Management Center, after claiming it.
        return MANAGEMENT_URL


@hookimpl
def register_providers(register: Callable[[Provider], None]) -> None:
    register(TripadvisorProvider())


def parse_details(location: Mapping[str, Any]) -> Candidate:
    location_id = text_or_none(location.get("location_id"))
    rating = number_or_none(_number(location.get("rating")))
    reviews = number_or_none(_number(location.get("num_reviews")))
    hours = mapping_or_empty(location.get("hours"))
    weekday_text = hours.get("weekday_text")
    return Candidate(
        provider=TripadvisorProvider.id,
        name=text_or_none(location.get("name")),
        address=parse_address(location),
        phone=text_or_none(location.get("phone")),
        website=text_or_none(location.get("website")),
        hours=hours_from_periods(hours.get("periods")),
        hours_text="; ".join(str(t) for t in weekday_text) if isinstance(weekday_text, list) else None,
        listing_id=location_id,
        url=text_or_none(location.get("web_url")),
        rating=rating,
        review_count=int(reviews) if reviews is not None else None,
        review_url=text_or_none(location.get("write_review")),
    )


def _number(value: Any) -> Any:
    """The API writes numbers as strings ("4.5", "87")."""
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return None
    return value


def parse_address(location: Mapping[str, Any]) -> Address:
    parts = mapping_or_empty(location.get("address_obj"))
    street_line = text_or_none(parts.get("street1"))
    house_number, street = split_street_line(street_line) if street_line else (None, None)
    country = text_or_none(parts.get("country"))
    return Address(
        formatted=text_or_none(parts.get("address_string")),
        house_number=house_number,
        street=street,
        postcode=text_or_none(parts.get("postalcode")),
        city=text_or_none(parts.get("city")),
        country_code=country_code(country) if country else None,
        unit=text_or_none(parts.get("street2")),
        lat=number_or_none(_number(location.get("latitude"))),
        lon=number_or_none(_number(location.get("longitude"))),
    )


def hours_from_periods(periods: Any) -> WeeklyHours | None:
    """`hours.periods` as a week: Monday = 1 … Sunday = 7; a close on another day runs past midnight."""
    if not isinstance(periods, list) or not periods:
        return None
    intervals: list[tuple[int, int, int]] = []
    for period in periods:
        opens, closes = (
            mapping_or_empty(mapping_or_empty(period).get("open")),
            mapping_or_empty(mapping_or_empty(period).get("close")),
        )
        day, close_day = opens.get("day"), closes.get("day")
        if not (isinstance(day, int) and 1 <= day <= 7 and isinstance(close_day, int)):
            continue
        try:
            start, end = hhmm_to_minutes(str(opens.get("time"))), hhmm_to_minutes(str(closes.get("time")))
        except ValueError:
            continue
        if close_day != day:  # past midnight: split at it
            intervals.append((day - 1, start, MINUTES_PER_DAY))
            if end:
                intervals.append((close_day - 1, 0, end))
        else:
            intervals.append((day - 1, start, end))
    return weekly_from_intervals(intervals) if intervals else None


def error_from_response(status: int, body: Any, *, key: str | None) -> ProviderError:
    """An error answer (`{"error": {"message", "type", "code"}}`) as a ProviderError: 401/403 a bad key
    or a key restricted to other domains, 429 the rate or the daily cap."""
    error = mapping_or_empty(mapping_or_empty(body).get("error"))
    message = text_or_none(error.get("message")) or text_or_none(mapping_or_empty(body).get("message"))
    detail = error_detail(f"{message or 'HTTP ' + str(status)} (HTTP {status})", key)
    return ProviderError(f"{reason_word(status)}: {detail}")
