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
from auditor.http import FetchError, HttpResponse
from auditor.models import Address, Candidate, WeeklyHours
from auditor.normalise.hours import MINUTES_PER_DAY, hhmm_to_minutes, weekly_from_intervals
from auditor.redact import MASK, redact
from providers.base import Provider, ProviderContext, ProviderError, ProviderSkipped, SearchQuery
from providers.yelp import split_street_line

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
MAX_DETAIL_CHARS = 300


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
            raise error_from_response(response.status, _json_or_none(response), key=ctx.key)
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
    if not isinstance(payload, Mapping):
        raise ProviderError("bad_response: Foursquare answer is not a JSON object")
    results = payload.get("results", [])
    if not isinstance(results, list):
        raise ProviderError("bad_response: `results` is not a list")
    return [parse_place(place) for place in results if isinstance(place, Mapping)]


def parse_place(place: Mapping[str, Any]) -> Candidate:
    place_id = _text(place.get("fsq_place_id"))
    hours = _mapping(place.get("hours"))
    raw_rating = _number(place.get("rating"))
    total_ratings = _mapping(place.get("stats")).get("total_ratings")
    extra: dict[str, Any] = {}
    if raw_rating is not None:
        extra.update(rating_scale=FOURSQUARE_RATING_SCALE, source_rating=raw_rating)
    return Candidate(
        provider=FoursquareProvider.id,
        name=_text(place.get("name")),
        address=parse_address(place),
        phone=_text(place.get("tel")),
        website=_text(place.get("website")),
        hours=hours_from_regular(hours.get("regular")),
        hours_text=_text(hours.get("display")),
        listing_id=place_id,
        url=f"https://foursquare.com/v/{quote(place_id, safe='')}" if place_id else None,
        # `date_closed` is set only once Foursquare knows the place closed for good; its absence does not
        # prove the place is open, hence "unknown" rather than "operational".
        business_status="closed_permanently" if _text(place.get("date_closed")) else "unknown",
        # Foursquare rates on 0-10; the report compares ratings on Google's and Yelp's 0-5 scale, so halve it
        # and keep the source value in `extra` for anyone who wants Foursquare's own figure.
        rating=raw_rating / 2 if raw_rating is not None else None,
        review_count=total_ratings if isinstance(total_ratings, int) else None,
        extra=extra,
    )


def parse_address(place: Mapping[str, Any]) -> Address:
    location = _mapping(place.get("location"))
    street_line = _text(location.get("address"))
    house_number, street = split_street_line(street_line) if street_line else (None, None)
    country = _text(location.get("country"))
    return Address(
        formatted=_text(location.get("formatted_address")),
        house_number=house_number,
        street=street,
        postcode=_text(location.get("postcode")),
        city=_text(location.get("locality")) or _text(location.get("post_town")),
        country_code=country.upper() if country else None,
        unit=_text(location.get("address_extended")),
        lat=_number(place.get("latitude")),
        lon=_number(place.get("longitude")),
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
        span_map = _mapping(span)
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
    message = _text(_mapping(body).get("message")) or f"HTTP {status}"
    detail = _clean_detail(f"{message} (HTTP {status})", key)
    if status in (401, 403):
        return ProviderError(f"auth_failed: {detail}")
    if status == 402:
        return ProviderError(f"quota_exceeded: {detail}")
    if status == 429:
        return ProviderError(f"rate_limited: {detail}")
    if status >= 500:
        return ProviderError(f"server_error: {detail}")
    return ProviderError(f"bad_response: {detail}")


def _json_or_none(response: HttpResponse) -> Any:
    try:
        return response.json()
    except FetchError:
        return None  # an HTML error page from a proxy: the status alone classifies it


def _clean_detail(text: str, key: str | None) -> str:
    """One line, bounded, and never the key (an error message may quote the request)."""
    if key:
        text = text.replace(key, MASK)
    text = " ".join(redact(text).split())
    return text if len(text) <= MAX_DETAIL_CHARS else text[: MAX_DETAIL_CHARS - 1] + "…"


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _text(value: Any) -> str | None:
    return (value.strip() or None) if isinstance(value, str) else None


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None
