"""Apple Maps (the iPhone's maps, Siri, CarPlay) through the Maps Server API.

Two steps, as Apple requires: the developer's Maps token (a JWT signed with a MapKit key, kept like any
key) is exchanged at `/v1/token` for an access token valid 30 minutes, reused until a minute before it
expires; `/v1/search` then takes that access token. Apple's results carry a name, a position and an
address, never a phone number, a website or hours: those fields are `unknown` for Apple, not `missing`.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import quote

from auditor.hookspecs import hookimpl
from auditor.models import Address, Candidate, FieldName
from auditor.normalise.address import split_street_line
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

API = "https://maps-api.apple.com/v1"
REFRESH_MARGIN_S = 60
NOT_CARRIED: frozenset[FieldName] = frozenset({"phone", "website", "hours"})
BUSINESS_CONNECT_URL = "https://businessconnect.apple.com/"
# Maps token -> (access token, expiry): per process, so the shops of a batch share one exchange.
_ACCESS: dict[str, tuple[str, float]] = {}


class AppleMapsProvider(Provider):
    id = "apple_maps"
    label = "Apple Maps"
    kind = "listing"
    key_env = "SOLOMO_APPLE_MAPS_KEY"
    hosts = ("maps-api.apple.com",)
    docs_url = "https://developer.apple.com/documentation/applemapsserverapi"
    quota = "a Maps token (JWT from a MapKit key); a daily allowance of Maps Server API calls per team"

    async def search(self, ctx: ProviderContext, query: SearchQuery) -> list[Candidate]:
        if not ctx.key:
            raise ProviderSkipped(f"no Maps token: set {self.key_env}")
        access = await self._access_token(ctx, ctx.key)
        params: dict[str, str | int | float] = {"q": query.text(), "lang": ctx.language or "fr"}
        if query.lat is not None and query.lon is not None:
            params["searchLocation"] = f"{query.lat},{query.lon}"
        response = await ctx.http.get(
            f"{API}/search",
            params=params,
            headers={"Authorization": f"Bearer {access}"},
            cache=ctx.cache_ttl is not None,
        )
        if response.status == 401:
            _ACCESS.pop(ctx.key, None)  # expired early or revoked: the next audit asks again
        if not response.ok:
            raise error_from_response(response.status, json_or_none(response), key=ctx.key)
        return [parse_result(item) for item in object_list(response.json(), "results", source="Apple Maps")]

    async def _access_token(self, ctx: ProviderContext, maps_token: str) -> str:
        known = _ACCESS.get(maps_token)
        if known is not None and known[1] - REFRESH_MARGIN_S > time.monotonic():
            return known[0]
        response = await ctx.http.get(
            f"{API}/token", headers={"Authorization": f"Bearer {maps_token}"}, cache=False, retries=1
        )
        if not response.ok:
            raise error_from_response(response.status, json_or_none(response), key=maps_token)
        body = mapping_or_empty(response.json())
        access = text_or_none(body.get("accessToken"))
        if access is None:
            raise ProviderError("bad_response: Apple's token answer has no accessToken")
        lifetime = number_or_none(body.get("expiresInSeconds")) or 1800
        _ACCESS[maps_token] = (access, time.monotonic() + lifetime)
        return access

    def fix_url(self, query: SearchQuery, candidate: Candidate | None) -> str | None:
        return BUSINESS_CONNECT_URL  # where owners claim and edit their Apple Maps place card


@hookimpl
def register_providers(register: Callable[[Provider], None]) -> None:
    register(AppleMapsProvider())


def parse_result(result: Mapping[str, Any]) -> Candidate:
    address = mapping_or_empty(result.get("structuredAddress"))
    coordinate = mapping_or_empty(result.get("coordinate"))
    street_line = text_or_none(address.get("fullThoroughfare"))
    house_number, street = split_street_line(street_line) if street_line else (None, None)
    lines = result.get("formattedAddressLines")
    place_id = text_or_none(result.get("id"))
    code = text_or_none(result.get("countryCode"))
    return Candidate(
        provider=AppleMapsProvider.id,
        name=text_or_none(result.get("name")),
        address=Address(
            formatted=", ".join(str(line) for line in lines) if isinstance(lines, list) else None,
            house_number=text_or_none(address.get("subThoroughfare")) or house_number,
            street=text_or_none(address.get("thoroughfare")) or street,
            postcode=text_or_none(address.get("postCode")),
            city=text_or_none(address.get("locality")),
            country_code=code.upper() if code else None,
            lat=number_or_none(coordinate.get("latitude")),
            lon=number_or_none(coordinate.get("longitude")),
        ),
        listing_id=place_id,
        url=f"https://maps.apple.com/place?place-id={quote(place_id, safe='')}" if place_id else None,
        not_carried=NOT_CARRIED,
    )


def error_from_response(status: int, body: Any, *, key: str | None) -> ProviderError:
    message = text_or_none(mapping_or_empty(mapping_or_empty(body).get("error")).get("message"))
    return ProviderError(
        f"{reason_word(status)}: {error_detail(f'{message or status} (HTTP {status})', key)}"
    )
