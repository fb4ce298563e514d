"""OpenStreetMap through Nominatim: free, keyless, and the map data many apps (Apple, Bing, Strava…) reuse.

Nominatim's usage policy asks for an identifying User-Agent and at most one request per second; both are the
HTTP client's job (the User-Agent carries the contact from config, the per-host limit paces the calls), which
is why this module never sleeps or sets headers itself.

Nominatim is a geocoder, not a business directory: a search returns streets, towns and boundaries next to the
shops, so results are filtered down to named points of interest before they reach the matcher.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import urlencode

from auditor.hookspecs import hookimpl
from auditor.http import FetchError, HttpResponse
from auditor.models import Address, BusinessStatus, Candidate
from auditor.normalise.hours import parse_opening_hours
from providers.base import Provider, ProviderContext, ProviderError, SearchQuery
from providers.payload import error_from_fetch, reason_word

DEFAULT_DOMAIN = "nominatim.openstreetmap.org"
OSM_SITE = "https://www.openstreetmap.org"
# Nominatim filters after ranking, so asking for a few more than the engine keeps leaves room for the
# streets and towns that the POI filter drops.
DEFAULT_LIMIT = 10

# Main-tag keys under which OSM maps businesses and other places a customer visits.
POI_CATEGORIES = frozenset(
    {"shop", "amenity", "craft", "office", "tourism", "leisure", "healthcare", "club", "emergency"}
)
# Address keys Nominatim uses for the street part, most specific first.
STREET_KEYS = ("road", "pedestrian", "footway", "path", "square", "place")
CITY_KEYS = ("city", "town", "village", "municipality")
# Lifecycle prefixes (https://wiki.openstreetmap.org/wiki/Lifecycle_prefix) that mean the business is gone.
CLOSED_PREFIXES = ("disused:", "was:", "abandoned:", "demolished:", "removed:", "razed:")
# Half the side of the box that biases results towards a known position, in degrees (~5 km).
VIEWBOX_HALF_DEG = 0.05


def first_of_list(value: str | None) -> str | None:
    """OSM packs several values into one tag with ';' ("+33 1…;+33 6…"); the first is the main one."""
    if not value:
        return None
    return next((part.strip() for part in value.split(";") if part.strip()), None)


def is_poi(result: Mapping[str, Any]) -> bool:
    """A named object under a business-like main tag; plain addresses, roads and places are not listings."""
    category = result.get("category") or result.get("class")
    return bool(result.get("name")) and category in POI_CATEGORIES


def parse_float(value: Any) -> float | None:
    """Nominatim sends coordinates as strings ("48.8566"); anything unparseable is no position at all."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if number == number else None  # NaN is not a position


def parse_address(result: Mapping[str, Any]) -> Address:
    parts: Mapping[str, Any] = result.get("address") or {}
    street = next((parts[key] for key in STREET_KEYS if parts.get(key)), None)
    city = next((parts[key] for key in CITY_KEYS if parts.get(key)), None)
    country = parts.get("country_code")
    return Address(
        # display_name strings every admin level together ("…, Lyon 2e Arrondissement, Métropole de Lyon,
        # Auvergne-Rhône-Alpes, France métropolitaine, …"): nobody writes an address so, so the parts speak.
        formatted=None,
        house_number=parts.get("house_number") or None,
        street=street,
        postcode=parts.get("postcode") or None,
        city=city,
        country_code=country.upper() if isinstance(country, str) and country else None,
        lat=parse_float(result.get("lat")),
        lon=parse_float(result.get("lon")),
        geocoder=None,  # the pin is OSM's own data, not a geocoding of ours
    )


def business_status(result: Mapping[str, Any]) -> BusinessStatus:
    """OSM only says a place is closed through lifecycle prefixes or a vacant shop; silence is `unknown`."""
    tags: Mapping[str, Any] = result.get("extratags") or {}
    if result.get("type") == "vacant" or tags.get("disused") == "yes":
        return "closed_permanently"
    if any(key.startswith(CLOSED_PREFIXES) for key in tags):
        return "closed_permanently"
    return "unknown"


def parse_result(result: Mapping[str, Any]) -> Candidate:
    """One jsonv2 search result (with addressdetails, extratags and namedetails) to a Candidate."""
    tags: Mapping[str, Any] = result.get("extratags") or {}
    names: Mapping[str, Any] = result.get("namedetails") or {}
    osm_type, osm_id = result.get("osm_type"), result.get("osm_id")
    listing_id = f"{osm_type}/{osm_id}" if osm_type and osm_id is not None else None
    hours_text = tags.get("opening_hours") or None
    hours = None
    extra: dict[str, Any] = {
        "category": result.get("category"),
        "type": result.get("type"),
        "display_name": result.get("display_name"),
    }
    if hours_text:
        try:
            hours = parse_opening_hours(hours_text)
        except ValueError:
            extra["hours_unparsed"] = True
    return Candidate(
        provider=OsmProvider.id,
        name=names.get("name") or result.get("name") or None,
        address=parse_address(result),
        phone=first_of_list(tags.get("phone") or tags.get("contact:phone")),
        website=first_of_list(tags.get("website") or tags.get("contact:website") or tags.get("url")),
        hours=hours,
        hours_text=hours_text,
        listing_id=listing_id,
        url=f"{OSM_SITE}/{osm_type}/{osm_id}" if listing_id else None,
        business_status=business_status(result),
        extra=extra,
    )


def parse_search(payload: Any) -> list[Candidate]:
    """A /search jsonv2 answer to the POIs in it, in Nominatim's order (its best first)."""
    if not isinstance(payload, list):
        raise ProviderError("bad_response: Nominatim answered something other than a list of places")
    return [parse_result(item) for item in payload if isinstance(item, Mapping) and is_poi(item)]


def search_params(query: SearchQuery, language: str, limit: int, text: str) -> dict[str, str | int]:
    params: dict[str, str | int] = {
        "q": text,
        "format": "jsonv2",
        "addressdetails": 1,
        "extratags": 1,
        "namedetails": 1,
        "limit": limit,
        "accept-language": language,
    }
    if query.country_code:
        params["countrycodes"] = query.country_code.lower()
    if query.lat is not None and query.lon is not None:
        # A viewbox without `bounded` only ranks nearby results first; far ones still come back.
        params["viewbox"] = ",".join(
            f"{value:.5f}"
            for value in (
                query.lon - VIEWBOX_HALF_DEG,
                query.lat + VIEWBOX_HALF_DEG,
                query.lon + VIEWBOX_HALF_DEG,
                query.lat - VIEWBOX_HALF_DEG,
            )
        )
    return params


def fallback_text(query: SearchQuery) -> str | None:
    """Nominatim often finds nothing for "name, full street address" but finds "name, city": try that next."""
    where = " ".join(part for part in (query.postcode, query.city) if part)
    if not query.address or not where:
        return None
    text = f"{query.name}, {where}"
    return text if text != query.text() else None


def raise_for_status(response: HttpResponse) -> None:
    if response.ok:
        return
    word = reason_word(response.status)
    if word == "rate_limited":
        detail = "Nominatim answered 429; its policy allows 1 request per second"
    elif word == "auth_failed":
        # Nominatim blocks clients with a missing or generic User-Agent, or that ignored the policy.
        detail = f"Nominatim refused the request (HTTP {response.status})"
    else:
        detail = f"Nominatim answered HTTP {response.status}"
    raise ProviderError(f"{word}: {detail}")


class OsmProvider(Provider):
    id = "osm"
    label = "OpenStreetMap"
    kind = "listing"
    key_env = None
    hosts = (DEFAULT_DOMAIN,)
    docs_url = "https://nominatim.org/release-docs/latest/api/Search/"
    quota = "Free, no key; at most 1 request per second (Nominatim usage policy)"

    async def search(self, ctx: ProviderContext, query: SearchQuery) -> list[Candidate]:
        domain = ctx.settings.get("domain", DEFAULT_DOMAIN)
        limit = int(ctx.settings.get("limit", DEFAULT_LIMIT))
        texts = [query.text()]
        second = fallback_text(query)
        if second:
            texts.append(second)
        candidates: list[Candidate] = []
        for text in texts:
            params = search_params(query, ctx.language, limit, text)
            try:
                response = await ctx.http.get(f"https://{domain}/search", params=params)
                raise_for_status(response)
                candidates = parse_search(response.json())
            except FetchError as error:
                raise error_from_fetch(error, "Nominatim search failed") from error
            if candidates:
                break
        return candidates

    def fix_url(self, query: SearchQuery, candidate: Candidate | None) -> str | None:
        """Edit the object when OSM has it; otherwise a note at the shop's position asks mappers to add it."""
        if candidate is not None and candidate.listing_id and "/" in candidate.listing_id:
            osm_type, osm_id = candidate.listing_id.split("/", 1)
            return f"{OSM_SITE}/edit?{urlencode({osm_type: osm_id})}"
        if query.lat is not None and query.lon is not None:
            return f"{OSM_SITE}/note/new?{urlencode({'lat': query.lat, 'lon': query.lon})}"
        return f"{OSM_SITE}/"


@hookimpl
def register_providers(register: Callable[[Provider], None]) -> None:
    register(OsmProvider())
