"""Turning an address line into a located, split `Address`, with geopy's geocoders on our HTTP stack.

geopy knows each geocoder's URL and response format; it does not get to open connections. Its requests go
through `HttpClientAdapter`, so the per-host rate and concurrency limits, retries, the cache and sandbox
routing apply to geocoding like to any other request (geopy's own RateLimiter is not used: the
`[hosts."nominatim.openstreetmap.org"]` limit of 1 request/second already is Nominatim's policy).

Two geocoders: Nominatim (OpenStreetMap, worldwide; its policy requires a User-Agent naming the
application and a contact) and the French Base Adresse Nationale served by the Géoplateforme (France only,
more precise there, no key).
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

from geopy.adapters import BaseAsyncAdapter, get_retry_after
from geopy.exc import (
    GeocoderAuthenticationFailure,
    GeocoderInsufficientPrivileges,
    GeocoderParseError,
    GeocoderQueryError,
    GeocoderQuotaExceeded,
    GeocoderRateLimited,
    GeocoderServiceError,
    GeocoderTimedOut,
    GeocoderUnavailable,
    GeopyError,
)
from geopy.geocoders import BANFrance, Nominatim

from auditor.config import GeocoderSettings
from auditor.http import FetchError, HttpClient, HttpResponse
from auditor.models import Address

# Nominatim's address keys for "the place the postal address names", most specific first.
_NOMINATIM_CITY_KEYS = ("city", "town", "village", "municipality")
_NOMINATIM_STREET_KEYS = ("road", "pedestrian")
# How much of an error body goes into an exception message: enough to recognise it, not a whole page.
_ERROR_TEXT_CHARS = 200


class GeocodeError(Exception):
    """The geocoding service failed (as opposed to finding nothing, which is None).

    `reason` is one stable word: timeout, unavailable, rate_limited, auth_failed, quota_exceeded,
    query_error, bad_response or server_error.
    """

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


class HttpClientAdapter(BaseAsyncAdapter):  # type: ignore[misc]  # geopy ships no type hints
    """A geopy adapter whose requests go through our HttpClient.

    geopy passes a per-request timeout; it is ignored because the HttpClient's settings decide timeouts
    for every request alike. Errors are translated into the exceptions geopy's adapters must raise.
    """

    def __init__(self, http: HttpClient, *, proxies: Any = None, ssl_context: Any = None) -> None:
        super().__init__(proxies=proxies, ssl_context=ssl_context)
        self._http = http

    async def get_json(self, url: str, *, timeout: float | None, headers: Mapping[str, str]) -> Any:
        response = await self._fetch(url, headers)
        try:
            return response.json()
        except FetchError as error:
            raise GeocoderParseError(str(error)) from None

    async def get_text(self, url: str, *, timeout: float | None, headers: Mapping[str, str]) -> str:
        return (await self._fetch(url, headers)).text

    async def _fetch(self, url: str, headers: Mapping[str, str]) -> HttpResponse:
        try:
            response = await self._http.get(url, headers=dict(headers))
        except FetchError as error:
            raise _geopy_error_for_fetch(error) from None
        if not response.ok:
            raise _geopy_error_for_status(response)
        return response


def _geopy_error_for_fetch(error: FetchError) -> GeopyError:
    if error.reason == "timeout":
        return GeocoderTimedOut(str(error))
    if error.reason in ("unknown_host", "connect_error"):
        return GeocoderUnavailable(str(error))
    if error.reason == "bad_response":
        return GeocoderParseError(str(error))
    return GeocoderServiceError(str(error))


def _geopy_error_for_status(response: HttpResponse) -> GeopyError:
    message = f"HTTP {response.status} from {response.url}: {response.text[:_ERROR_TEXT_CHARS]}"
    if response.status == 429:
        return GeocoderRateLimited(message, retry_after=get_retry_after(response.headers))
    if response.status == 401:
        return GeocoderAuthenticationFailure(message)
    if response.status == 403:
        return GeocoderInsufficientPrivileges(message)
    if response.status == 400:
        return GeocoderQueryError(message)
    return GeocoderServiceError(message)


def _reason_for(error: GeopyError) -> str:
    # Most specific first: GeocoderRateLimited is a GeocoderQuotaExceeded, and all are service errors.
    kinds: tuple[tuple[type[GeopyError] | tuple[type[GeopyError], ...], str], ...] = (
        (GeocoderTimedOut, "timeout"),
        (GeocoderUnavailable, "unavailable"),
        (GeocoderRateLimited, "rate_limited"),
        ((GeocoderAuthenticationFailure, GeocoderInsufficientPrivileges), "auth_failed"),
        (GeocoderQuotaExceeded, "quota_exceeded"),
        (GeocoderQueryError, "query_error"),
        (GeocoderParseError, "bad_response"),
    )
    for kind, reason in kinds:
        if isinstance(error, kind):
            return reason
    return "server_error"


async def geocode_address(
    http: HttpClient,
    settings: GeocoderSettings,
    text: str,
    country_code: str | None,
    user_agent: str,
) -> Address | None:
    """The best match for `text`, split into parts and located; None when the geocoder finds nothing.

    `country_code` (ISO alpha-2) restricts Nominatim to that country. BAN covers France only, so with
    another country it answers None without asking. Raises GeocodeError when the service fails.
    """
    adapter_factory = functools.partial(HttpClientAdapter, http)
    try:
        if settings.name == "ban":
            if country_code and country_code.upper() != "FR":
                return None
            ban = BANFrance(
                domain=settings.ban_domain, user_agent=user_agent, adapter_factory=adapter_factory
            )
            location = await ban.geocode(text, exactly_one=True, limit=1)
            return _address_from_ban(location.raw) if location is not None else None
        if settings.name == "nominatim":
            nominatim = Nominatim(
                domain=settings.nominatim_domain, user_agent=user_agent, adapter_factory=adapter_factory
            )
            location = await nominatim.geocode(
                text,
                exactly_one=True,
                addressdetails=True,
                country_codes=country_code.lower() if country_code else None,
            )
            return _address_from_nominatim(location.raw) if location is not None else None
    except GeopyError as error:
        raise GeocodeError(_reason_for(error), str(error)) from error
    raise ValueError(f"unknown geocoder {settings.name!r}: expected 'nominatim' or 'ban'")


def _address_from_nominatim(place: Mapping[str, Any]) -> Address:
    """A Nominatim search result (format=json, addressdetails=1): lat/lon are strings, parts in `address`."""
    parts: Mapping[str, str] = place.get("address") or {}
    country_code = parts.get("country_code")
    return Address(
        formatted=place.get("display_name"),
        house_number=parts.get("house_number"),
        street=_first_of(parts, _NOMINATIM_STREET_KEYS),
        postcode=parts.get("postcode"),
        city=_first_of(parts, _NOMINATIM_CITY_KEYS),
        country_code=country_code.upper() if country_code else None,
        lat=float(place["lat"]),
        lon=float(place["lon"]),
        geocoder="nominatim",
    )


def _address_from_ban(feature: Mapping[str, Any]) -> Address:
    """A BAN GeoJSON feature: [lon, lat] coordinates; `street` is absent when the match is the street
    itself (type "street"), whose name is then in `name`."""
    properties: Mapping[str, Any] = feature.get("properties") or {}
    longitude, latitude = feature["geometry"]["coordinates"][:2]
    street = properties.get("street")
    if street is None and properties.get("type") == "street":
        street = properties.get("name")
    return Address(
        formatted=properties.get("label"),
        house_number=properties.get("housenumber"),
        street=street,
        postcode=properties.get("postcode"),
        city=properties.get("city"),
        country_code="FR",
        lat=float(latitude),
        lon=float(longitude),
        geocoder="ban",
    )


def _first_of(parts: Mapping[str, str], keys: tuple[str, ...]) -> str | None:
    for key in keys:
        if parts.get(key):
            return parts[key]
    return None
