"""Foursquare (and the apps fed by its places data) through the 2025 Places API on places-api.foursquare.com.

Not the retired `api.foursquare.com/v3`: the 2025 API takes a Bearer service key, a dated
`X-Places-Api-Version` header, names the id `fsq_place_id` and puts `latitude`/`longitude` at the top level.
One search call asks for every field the audit compares, so there is no details call.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import quote

from auditor.hookspecs import hookimpl
from auditor.models import Address, Candidate, WeeklyHours
from auditor.normalise.address import split_street_line
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

SEARCH_URL = "https://places-api.foursquare.com/places/search"
VERSION_HEADER = "X-Places-Api-Version"
DEFAULT_API_VERSION = "2025-06-17"
SEARCH_FIELDS = (
    "fsq_place_id,name,latitude,longitude,location,tel,website,hours,rating,stats,link,date_closed"
)
ADD_PLACE_URL = "https://foursquare.com/add-place"
DEFAULT_PAGE_SIZE = 5
DEFAULT_RADIUS_M = 1000
FOURSQUARE_RATING_SCALE = 10


class FoursquareProvider(Provider):
    id = "foursquare"
    label = "Foursquare"
    kind = "listing"
    key_env = "SOLOMO_FOURSQUARE_KEY"
    hosts = ("places-api.foursquare.com",)
    docs_url = "https://docs.foursquare.com/developer/reference/place-search"
    quota = (
        "Places API: tel, website, hours, rating, stats and date_closed are Premium fields, billed per call"
    )

    async def search(self, ctx: ProviderContext, query: SearchQuery) -> list[Candidate]:
        if not ctx.key:
            raise ProviderError(f"auth_failed: no API key (set {self.key_env})")
        params = build_search_params(
            query,
            page_size=int(ctx.settings.get("page_size", DEFAULT_PAGE_SIZE)),
            radius_m=int(ctx.settings.get("radius_m", DEFAULT_RADIUS_M)),
            # An account without Premium access can drop the Premium fields here rather than fail.
            fields=str(ctx.settings.get("fields", SEARCH_FIELDS)),
        )
        response = await ctx.http.get(
            SEARCH_URL,
            params=params,
            headers={
                "Authorization": f"Bearer {ctx.key}",
                VERSION_HEADER: str(ctx.settings.get("api_version", DEFAULT_API_VERSION)),
                "Accept": "application/json",
            },
            cache=ctx.cache_ttl is not None,
            # Another API version may answer another shape: never serve one version's answer to another.
            cache_vary=(VERSION_HEADER,),
        )
        if not response.ok:
            raise error_from_response(response.status, json_or_none(response), key=ctx.key)
        return parse_search_response(response.json())

    def fix_url(self, query: SearchQuery, candidate: Candidate | None) -> str | None:
        # The listing page has "Suggest an edit" and the claim link.
        if candidate is not None and candidate.url:
            return candidate.url
        return ADD_PLACE_URL


@hookimpl
def register_providers(register: Callable[[Provider], None]) -> None:
    register(FoursquareProvider())


def build_search_params(
    query: SearchQuery, *, page_size: int, radius_m: int, fields: str = SEARCH_FIELDS
) -> dict[str, str | int | float]:
    """Query string of a Place Search: around the known pin, else `near` the town (or the address)."""
    params: dict[str, str | int | float] = {"query": query.name, "limit": page_size, "fields": fields}
    if query.lat is not None and query.lon is not None:
        params["ll"] = f"{query.lat},{query.lon}"
        params["radius"] = radius_m
    else:
        # `near` is geocoded as a place name: a town with its country is what it resolves best.
        town = ", ".join(part for part in (query.city, query.country_code) if part) if query.city else None
        near = town or query.address
        if not near:
            # Without ll or near, Foursquare guesses from the caller's IP: near the auditor, not the shop.
            raise ProviderSkipped("no town, address or position to search Foursquare near")
        params["near"] = near
    return params


def parse_search_response(payload: Any) -> list[Candidate]:
    return [parse_place(place) for place in object_list(payload, "results", source="Foursquare")]


def parse_place(place: Mapping[str, Any]) -> Candidate:
    place_id = text_or_none(place.get("fsq_place_id"))
    hours = mapping_or_empty(place.get("hours"))
    raw_rating = number_or_none(place.get("rating"))
    total_ratings = mapping_or_empty(place.get("stats")).get("total_ratings")
    extra: dict[str, Any] = {}
    if raw_rating is not None:
        extra.update(rating_scale=FOURSQUARE_RATING_SCALE, source_rating=raw_rating)
    return Candidate(
        provider=FoursquareProvider.id,
        name=text_or_none(place.get("name")),
        address=parse_address(place),
        phone=text_or_none(place.get("tel")),
        website=text_or_none(place.get("website")),
        hours=hours_from_regular(hours.get("regular")),
        hours_text=text_or_none(hours.get("display")),
        listing_id=place_id,
        url=f"https://foursquare.com/v/{quote(place_id, safe='')}" if place_id else None,
        # `date_closed` is set only once Foursquare knows the place closed for good; its absence does not
        # prove the place is open, hence "unknown" rather than "operational".
        business_status="closed_permanently" if text_or_none(place.get("date_closed")) else "unknown",
        # Foursquare rates on 0-10; the report compares ratings on Google's and Yelp's 0-5 scale, so halve it
        # and keep the source value in `extra` for anyone who wants Foursquare's own figure.
        rating=raw_rating / 2 if raw_rating is not None else None,
        review_count=total_ratings if isinstance(total_ratings, int) else None,
        extra=extra,
    )


def parse_address(place: Mapping[str, Any]) -> Address:
    location = mapping_or_empty(place.get("location"))
    street_line = text_or_none(location.get("address"))
    house_number, street = split_street_line(street_line) if street_line else (None, None)
    country = text_or_none(location.get("country"))
    return Address(
        formatted=text_or_none(location.get("formatted_address")),
        house_number=house_number,
        street=street,
        postcode=text_or_none(location.get("postcode")),
        city=text_or_none(location.get("locality")) or text_or_none(location.get("post_town")),
        country_code=country.upper() if country else None,
        unit=text_or_none(location.get("address_extended")),
        lat=number_or_none(place.get("latitude")),
        lon=number_or_none(place.get("longitude")),
    )


def hours_from_regular(regular: Any) -> WeeklyHours | None:
    """`hours.regular` as a week. Foursquare numbers days Monday = 1 … Sunday = 7, times "HHMM".

    A close written "+HHMM" is on the next day ("Fri 18:00 to +0200" is Friday night to Saturday 02:00;
    "0000" to "+0000" is 24 hours). A plain close at or before the open is read the same way.
    """
    if not isinstance(regular, list) or not regular:
        return None
    intervals: list[tuple[int, int, int]] = []
    for span in regular:
        span_map = mapping_or_empty(span)
        day, opens, closes = span_map.get("day"), span_map.get("open"), span_map.get("close")
        if not (
            isinstance(day, int) and 1 <= day <= 7 and isinstance(opens, str) and isinstance(closes, str)
        ):
            continue
        monday_based_day = day - 1
        next_day = closes.startswith("+")
        try:
            start, end = hhmm_to_minutes(opens), hhmm_to_minutes(closes.lstrip("+"))
        except ValueError:
            continue
        if next_day:
            # Split here rather than rely on "end <= start": "0800" to "+0900" is 25 hours, not one.
            intervals.append((monday_based_day, start, MINUTES_PER_DAY))
            if end:
                intervals.append(((monday_based_day + 1) % 7, 0, end))
        else:
            intervals.append((monday_based_day, start, end))
    return weekly_from_intervals(intervals) if intervals else None


def error_from_response(status: int, body: Any, *, key: str | None) -> ProviderError:
    """A Places API error answer (`{"message": "..."}`) as a ProviderError.

    401 is a bad or revoked key, 403 a key without access to the endpoint or field, 402 an account out of
    credit, 429 too many requests.
    """
    message = text_or_none(mapping_or_empty(body).get("message")) or f"HTTP {status}"
    detail = error_detail(f"{message} (HTTP {status})", key)
    return ProviderError(f"{reason_word(status, quota_exceeded=status == 402)}: {detail}")
