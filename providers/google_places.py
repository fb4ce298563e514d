"""Google Business Profile as the public sees it, through the Places API (New) Text Search.

One POST to `places:searchText` returns everything the audit compares (address parts, phones, website,
opening hours, status, rating), so there is no details call. Places API (New) bills by the fields in the
`X-Goog-FieldMask` header: the mask below asks for exactly what `parse_place` reads and nothing more.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

from auditor.hookspecs import hookimpl
from auditor.models import Address, BusinessStatus, Candidate, WeeklyHours
from auditor.normalise.hours import MINUTES_PER_DAY, weekly_from_intervals
from providers.base import Provider, ProviderContext, ProviderError, SearchQuery
from providers.payload import (
    error_detail,
    json_or_none,
    mapping_or_empty,
    number_or_none,
    object_list,
    reason_word,
    text_or_none,
)

SEARCH_URL = "https://places.googleapis.com/v1/places:searchText"
FIELD_MASK_HEADER = "X-Goog-FieldMask"
FIELD_MASK = ",".join(
    f"places.{name}"
    for name in (
        "id",
        "displayName",
        "formattedAddress",
        "addressComponents",
        "location",
        "nationalPhoneNumber",
        "internationalPhoneNumber",
        "websiteUri",
        "regularOpeningHours",
        "businessStatus",
        "rating",
        "userRatingCount",
        "googleMapsUri",
        "googleMapsLinks",
    )
)
CREATE_LISTING_URL = "https://business.google.com/create"
LOCATION_BIAS_RADIUS_M = 500.0
DEFAULT_PAGE_SIZE = 5
MINUTES_PER_WEEK = 7 * MINUTES_PER_DAY

_BUSINESS_STATUSES: dict[str, BusinessStatus] = {
    "OPERATIONAL": "operational",
    "CLOSED_TEMPORARILY": "closed_temporarily",
    "CLOSED_PERMANENTLY": "closed_permanently",
}
# google.rpc.ErrorInfo reasons that mean "this key cannot call this API", whatever the HTTP status.
_AUTH_REASONS = frozenset(
    {
        "API_KEY_INVALID",
        "API_KEY_EXPIRED",
        "API_KEY_SERVICE_BLOCKED",
        "API_KEY_HTTP_REFERRER_BLOCKED",
        "API_KEY_IP_ADDRESS_BLOCKED",
        "API_KEY_ANDROID_APP_BLOCKED",
        "API_KEY_IOS_APP_BLOCKED",
        "SERVICE_DISABLED",
        "BILLING_DISABLED",
        "CONSUMER_INVALID",
    }
)


class GooglePlacesProvider(Provider):
    id = "google_places"
    label = "Google (Places API)"
    kind = "listing"
    key_env = "SOLOMO_GOOGLE_PLACES_KEY"
    hosts = ("places.googleapis.com",)
    docs_url = "https://developers.google.com/maps/documentation/places/web-service/text-search"
    quota = "Text Search (New), Enterprise fields: paid per request beyond the monthly free usage"

    async def search(self, ctx: ProviderContext, query: SearchQuery) -> list[Candidate]:
        if not ctx.key:
            raise ProviderError(f"auth_failed: no API key (set {self.key_env})")
        body = build_search_body(query, ctx.language, int(ctx.settings.get("page_size", DEFAULT_PAGE_SIZE)))
        response = await ctx.http.post(
            SEARCH_URL,
            json=body,
            headers={"X-Goog-Api-Key": ctx.key, FIELD_MASK_HEADER: FIELD_MASK},
            cache=ctx.cache_ttl is not None,
            # The mask decides which fields come back: two masks must not share a cached answer.
            cache_vary=(FIELD_MASK_HEADER,),
        )
        if not response.ok:
            raise error_from_response(response.status, json_or_none(response), key=ctx.key)
        return parse_search_response(response.json())

    def fix_url(self, query: SearchQuery, candidate: Candidate | None) -> str | None:
        # The Maps page of a listing carries "Suggest an edit" and "Claim this business".
        if candidate is not None and candidate.url:
            return candidate.url
        return CREATE_LISTING_URL


@hookimpl
def register_providers(register: Callable[[Provider], None]) -> None:
    register(GooglePlacesProvider())


def build_search_body(query: SearchQuery, language: str, page_size: int) -> dict[str, Any]:
    """The JSON body of a Text Search (New) request for this business."""
    body: dict[str, Any] = {"textQuery": query.text(), "languageCode": language, "pageSize": page_size}
    if query.country_code:
        body["regionCode"] = query.country_code.lower()
    if query.lat is not None and query.lon is not None:
        # A bias, not a restriction: a pin geocoded a little off must not hide the listing.
        body["locationBias"] = {
            "circle": {
                "center": {"latitude": query.lat, "longitude": query.lon},
                "radius": LOCATION_BIAS_RADIUS_M,
            }
        }
    return body


def parse_search_response(payload: Any) -> list[Candidate]:
    """Candidates from a `places:searchText` answer; `{}` (no `places` at all) means nothing matched."""
    return [parse_place(place) for place in object_list(payload, "places", source="Places")]


def parse_place(place: Mapping[str, Any]) -> Candidate:
    opening_hours = mapping_or_empty(place.get("regularOpeningHours"))
    links = mapping_or_empty(place.get("googleMapsLinks"))
    rating_count = place.get("userRatingCount")
    return Candidate(
        provider=GooglePlacesProvider.id,
        name=text_or_none(mapping_or_empty(place.get("displayName")).get("text")),
        address=parse_address(place),
        phone=text_or_none(place.get("nationalPhoneNumber"))
        or text_or_none(place.get("internationalPhoneNumber")),
        website=text_or_none(place.get("websiteUri")),
        hours=hours_from_periods(opening_hours.get("periods")),
        hours_text=_hours_text(opening_hours.get("weekdayDescriptions")),
        listing_id=text_or_none(place.get("id")),
        url=text_or_none(place.get("googleMapsUri")),
        business_status=_BUSINESS_STATUSES.get(str(place.get("businessStatus")), "unknown"),
        rating=number_or_none(place.get("rating")),
        review_count=rating_count if isinstance(rating_count, int) else None,
        review_url=text_or_none(links.get("writeAReviewUri")),
    )


def parse_address(place: Mapping[str, Any]) -> Address:
    parts = _components_by_type(place.get("addressComponents"))
    location = mapping_or_empty(place.get("location"))
    country = parts.get("country", {}).get("shortText")
    return Address(
        formatted=text_or_none(place.get("formattedAddress")),
        house_number=_component(parts, "street_number"),
        street=_component(parts, "route"),
        postcode=_component(parts, "postal_code"),
        city=_component(parts, "locality") or _component(parts, "postal_town"),
        country_code=country.upper() if isinstance(country, str) and country else None,
        unit=_component(parts, "subpremise"),
        lat=number_or_none(location.get("latitude")),
        lon=number_or_none(location.get("longitude")),
    )


def hours_from_periods(periods: Any) -> WeeklyHours | None:
    """`regularOpeningHours.periods` as a Monday-first week.

    Google numbers days from Sunday = 0. A period whose close is on a later day (a bar open Friday 18:00 to
    Saturday 02:00, or a place open around the clock Monday to Wednesday) is split at each midnight. A period
    with no `close` is how Google says "always open" (open Sunday 00:00, never closes): the whole week.
    """
    if not isinstance(periods, list) or not periods:
        return None
    intervals: list[tuple[int, int, int]] = []
    for period in periods:
        if not isinstance(period, Mapping):
            continue
        opens = _week_minute(period.get("open"))
        if opens is None:
            continue
        if "close" not in period:
            return weekly_from_intervals((day, 0, MINUTES_PER_DAY) for day in range(7))
        closes = _week_minute(period.get("close"))
        if closes is None:
            continue
        if closes <= opens:
            closes += MINUTES_PER_WEEK  # closes the next week: Sunday night into Monday morning
        intervals.extend(_split_at_midnight(opens, closes))
    return weekly_from_intervals(intervals) if intervals else None


def error_from_response(status: int, body: Any, *, key: str | None) -> ProviderError:
    """A Places error answer (google.rpc.Status JSON) as a ProviderError with a stable first word.

    Google answers a bad key with 400 INVALID_ARGUMENT, a disabled API or billing with 403, and both the
    per-minute and the per-day quota with 429 RESOURCE_EXHAUSTED: the ErrorInfo reason and quota limit tell
    them apart better than the status code does.
    """
    error = mapping_or_empty(mapping_or_empty(body).get("error"))
    message = text_or_none(error.get("message")) or f"HTTP {status}"
    rpc_status = text_or_none(error.get("status")) or ""
    reasons: set[str] = set()
    quota_limits: list[str] = []
    for detail in error.get("details", []) if isinstance(error.get("details"), list) else []:
        detail_map = mapping_or_empty(detail)
        if isinstance(detail_map.get("reason"), str):
            reasons.add(detail_map["reason"])
        quota_limit = mapping_or_empty(detail_map.get("metadata")).get("quota_limit")
        if isinstance(quota_limit, str):
            quota_limits.append(quota_limit)
    label = " ".join(part for part in (f"HTTP {status}", rpc_status, *sorted(reasons)) if part)
    exhausted = status == 429 or rpc_status == "RESOURCE_EXHAUSTED"
    per_day = any("PerDay" in limit for limit in quota_limits) or "per day" in message.lower()
    word = reason_word(
        status,
        auth_failed=bool(reasons & _AUTH_REASONS) or rpc_status in ("UNAUTHENTICATED", "PERMISSION_DENIED"),
        quota_exceeded=exhausted and per_day,
        rate_limited=exhausted,
    )
    return ProviderError(f"{word}: {error_detail(f'{message} ({label})', key)}")


def _week_minute(point: Any) -> int | None:
    """Minutes since Monday 00:00 for a Places `Point` ({day, hour, minute}, day 0 = Sunday)."""
    point_map = mapping_or_empty(point)
    day, hour, minute = point_map.get("day"), point_map.get("hour", 0), point_map.get("minute", 0)
    if isinstance(day, int) and isinstance(hour, int) and isinstance(minute, int):
        monday_based_day = (day - 1) % 7
        return monday_based_day * MINUTES_PER_DAY + hour * 60 + minute
    return None


def _split_at_midnight(start: int, end: int) -> Iterator[tuple[int, int, int]]:
    """(day, open, close) pieces of a span in week minutes, one per calendar day it touches."""
    while start < end:
        day, offset = divmod(start, MINUTES_PER_DAY)
        piece_end = min(end, (day + 1) * MINUTES_PER_DAY)
        yield day % 7, offset, piece_end - day * MINUTES_PER_DAY
        start = piece_end


def _components_by_type(components: Any) -> dict[str, Mapping[str, Any]]:
    found: dict[str, Mapping[str, Any]] = {}
    for component in components if isinstance(components, list) else []:
        component_map = mapping_or_empty(component)
        types = component_map.get("types")
        for kind in types if isinstance(types, list) else []:
            if isinstance(kind, str):
                found.setdefault(kind, component_map)
    return found


def _component(parts: Mapping[str, Mapping[str, Any]], kind: str) -> str | None:
    return text_or_none(parts.get(kind, {}).get("longText"))


def _hours_text(descriptions: Any) -> str | None:
    if not isinstance(descriptions, list):
        return None
    lines = [line for line in descriptions if isinstance(line, str) and line.strip()]
    return "; ".join(lines) or None
