"""Yelp listings through the Yelp Fusion (Places) API.

Business Search finds the listing; Business Details adds the opening hours when the search answer lacks them.
Yelp never returns a business's own website (only its Yelp page), so `website` is `not_carried`: the report
says "unknown" there, not "missing".
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

from auditor.hookspecs import hookimpl
from auditor.http import HttpResponse
from auditor.models import Address, BusinessStatus, Candidate, WeeklyHours
from auditor.normalise.address import split_street_line
from auditor.normalise.hours import hhmm_to_minutes, weekly_from_intervals
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

API_ROOT = "https://api.yelp.com/v3"
SEARCH_URL = f"{API_ROOT}/businesses/search"
CLAIM_URL = "https://biz.yelp.com/claim"
DEFAULT_PAGE_SIZE = 5
DEFAULT_RADIUS_M = 1000  # Yelp treats it as a suggestion; enough for a pin geocoded a street away

# Locales Yelp accepts (https://docs.developer.yelp.com/docs/resources-supported-locales); any other value
# is a 400 VALIDATION_ERROR, so an unsupported language/country pair falls back to the language's default.
SUPPORTED_LOCALES = frozenset(
    {
        *("cs_CZ", "da_DK", "de_AT", "de_CH", "de_DE", "fi_FI", "fil_PH", "ja_JP", "ms_MY", "nb_NO"),
        *("en_AU", "en_BE", "en_CA", "en_CH", "en_GB", "en_HK", "en_IE", "en_MY", "en_NZ", "en_PH", "en_SG"),
        *("en_US", "es_AR", "es_CL", "es_ES", "es_MX", "fr_BE", "fr_CA", "fr_CH", "fr_FR", "it_CH", "it_IT"),
        *("nl_BE", "nl_NL", "pl_PL", "pt_BR", "pt_PT", "sv_FI", "sv_SE", "tr_TR", "zh_HK", "zh_TW"),
    }
)
LANGUAGE_DEFAULT_LOCALE = {
    "cs": "cs_CZ",
    "da": "da_DK",
    "de": "de_DE",
    "en": "en_US",
    "es": "es_ES",
    "fi": "fi_FI",
    "fil": "fil_PH",
    "fr": "fr_FR",
    "it": "it_IT",
    "ja": "ja_JP",
    "ms": "ms_MY",
    "nb": "nb_NO",
    "nl": "nl_NL",
    "pl": "pl_PL",
    "pt": "pt_PT",
    "sv": "sv_SE",
    "tr": "tr_TR",
    "zh": "zh_TW",
}
_AUTH_CODES = frozenset(
    {"TOKEN_INVALID", "TOKEN_MISSING", "UNAUTHORIZED_ACCESS_TOKEN", "AUTHORIZATION_ERROR"}
)
# An address line that is a suite, floor or building rather than a street ("Ste 200", "2e étage", "Bât. B").
_UNIT_LINE = re.compile(
    r"^(?:suite|ste\.?|unit|apt\.?|apartment|fl(?:oor|\.)?|bldg\.?|building|room|rm\.?|#|"
    r"b[âa]t(?:iment|\.)?|[ée]tage|escalier|esc\.|porte|local|lot|rdc|r\.d\.c\.?)(?:\s|\d|$)"
    r"|^\d+\s*(?:e|er|ère|ème|st|nd|rd|th)\s+(?:[ée]tage|floor)\b",
    re.IGNORECASE,
)
# Query parameters Yelp appends to every `url` to track the API client: noise in a report, and
# `adjust_creative`/`utm_source` carry the client id.
_TRACKING_PARAMS = frozenset({"adjust_creative", "utm_campaign", "utm_medium", "utm_source", "utm_content"})


class YelpProvider(Provider):
    id = "yelp"
    label = "Yelp"
    kind = "listing"
    key_env = "SOLOMO_YELP_KEY"
    hosts = ("api.yelp.com",)
    docs_url = "https://docs.developer.yelp.com/reference/v3_business_search"
    quota = "Yelp Places API: daily call limit by plan (300/day on the Starter trial), QPS limit per key"

    async def search(self, ctx: ProviderContext, query: SearchQuery) -> list[Candidate]:
        params = build_search_params(
            query,
            ctx.language,
            page_size=int(ctx.settings.get("page_size", DEFAULT_PAGE_SIZE)),
            radius_m=int(ctx.settings.get("radius_m", DEFAULT_RADIUS_M)),
        )
        response = await self._get(ctx, SEARCH_URL, params)
        candidates = parse_search_response(response.json())
        remaining = _rate_limit_remaining(response)
        if remaining is None or response.from_cache:  # a cached answer's count is stale
            return candidates
        return [replace(c, extra={**c.extra, "rate_limit_remaining": remaining}) for c in candidates]

    async def enrich(self, ctx: ProviderContext, candidate: Candidate) -> Candidate:
        # Recent search answers already carry `business_hours`; a details call would spend daily quota
        # for nothing.
        if candidate.hours is not None or not candidate.listing_id:
            return candidate
        params: dict[str, str | int | float] = {}
        locale = yelp_locale(ctx.language, candidate.address.country_code if candidate.address else None)
        if locale:
            params["locale"] = locale
        url = f"{API_ROOT}/businesses/{quote(candidate.listing_id, safe='')}"
        response = await self._get(ctx, url, params, missing_ok=True)
        if response.status == 404:
            return candidate  # gone between search and details: keep what the search showed
        return merge_details(candidate, response.json())

    def fix_url(self, query: SearchQuery, candidate: Candidate | None) -> str | None:
        # An unclaimed listing is fixed by claiming it; a claimed one from its page ("Edit business info").
        if candidate is None or candidate.extra.get("claimed") is False or not candidate.url:
            return CLAIM_URL
        return candidate.url

    async def _get(
        self,
        ctx: ProviderContext,
        url: str,
        params: Mapping[str, str | int | float],
        *,
        missing_ok: bool = False,
    ) -> HttpResponse:
        if not ctx.key:
            raise ProviderError(f"auth_failed: no API key (set {self.key_env})")
        response = await ctx.http.get(
            url,
            params=params,
            headers={"Authorization": f"Bearer {ctx.key}", "Accept": "application/json"},
            cache=ctx.cache_ttl is not None,
        )
        if response.ok or (missing_ok and response.status == 404):
            return response
        raise error_from_response(response.status, json_or_none(response), key=ctx.key)


@hookimpl
def register_providers(register: Callable[[Provider], None]) -> None:
    register(YelpProvider())


def yelp_locale(language: str, country_code: str | None) -> str | None:
    """A locale Yelp accepts for this language, matching the business's country when Yelp has the pair."""
    language = language.replace("-", "_").split("_")[0].lower()
    if country_code:
        wanted = f"{language}_{country_code.upper()}"
        if wanted in SUPPORTED_LOCALES:
            return wanted
    return LANGUAGE_DEFAULT_LOCALE.get(language)


def build_search_params(
    query: SearchQuery, language: str, *, page_size: int, radius_m: int
) -> dict[str, str | int | float]:
    """Query string of a Business Search: near the known pin, else near the address or the town."""
    params: dict[str, str | int | float] = {"term": query.name, "limit": page_size}
    if query.lat is not None and query.lon is not None:
        params.update(latitude=query.lat, longitude=query.lon, radius=radius_m)
    else:
        town = " ".join(part for part in (query.postcode, query.city) if part)
        where = query.address or town
        if not where:
            raise ProviderSkipped("no address, town or position to search Yelp near")
        params["location"] = where
    locale = yelp_locale(language, query.country_code)
    if locale:
        params["locale"] = locale
    return params


def parse_search_response(payload: Any) -> list[Candidate]:
    return [parse_business(business) for business in object_list(payload, "businesses", source="Yelp")]


def parse_business(business: Mapping[str, Any]) -> Candidate:
    """One business from Business Search or Business Details (the same shape, details adds `hours`)."""
    listing_id = text_or_none(business.get("id"))
    extra: dict[str, Any] = {}
    if isinstance(business.get("is_claimed"), bool):
        extra["claimed"] = business["is_claimed"]
    review_count = business.get("review_count")
    return Candidate(
        provider=YelpProvider.id,
        name=text_or_none(business.get("name")),
        address=parse_address(business),
        # Yelp answers "" rather than omitting the field when it has no phone.
        phone=text_or_none(business.get("phone")) or text_or_none(business.get("display_phone")),
        website=None,
        hours=hours_from_yelp(business.get("hours") or business.get("business_hours")),
        listing_id=listing_id,
        url=strip_tracking(text_or_none(business.get("url"))),
        # `is_closed` is Yelp's "permanently closed" flag, not "closed right now" (that is `is_open_now`).
        business_status=_status(business.get("is_closed")),
        rating=number_or_none(business.get("rating")),
        review_count=review_count if isinstance(review_count, int) else None,
        review_url=f"https://www.yelp.com/writeareview/biz/{listing_id}" if listing_id else None,
        not_carried=frozenset({"website"}),
        extra=extra,
    )


def _status(is_closed: Any) -> BusinessStatus:
    if is_closed is True:
        return "closed_permanently"
    return "operational" if is_closed is False else "unknown"


def parse_address(business: Mapping[str, Any]) -> Address:
    location = mapping_or_empty(business.get("location"))
    coordinates = mapping_or_empty(business.get("coordinates"))
    street_line = text_or_none(location.get("address1"))
    house_number, street = split_street_line(street_line) if street_line else (None, None)
    units = [
        line
        for line in (text_or_none(location.get(key)) for key in ("address2", "address3"))
        if line and is_unit(line)
    ]
    display = location.get("display_address")
    formatted = (
        ", ".join(line for line in display if isinstance(line, str) and line.strip())
        if isinstance(display, list)
        else None
    )
    country = text_or_none(location.get("country"))
    return Address(
        formatted=formatted or None,
        house_number=house_number,
        street=street,
        postcode=text_or_none(location.get("zip_code")),
        city=text_or_none(location.get("city")),
        country_code=country.upper() if country else None,
        unit=", ".join(units) or None,
        lat=number_or_none(coordinates.get("latitude")),
        lon=number_or_none(coordinates.get("longitude")),
    )


def hours_from_yelp(hours: Any) -> WeeklyHours | None:
    """The REGULAR block of Yelp `hours` as a week. Yelp numbers days Monday = 0, times "HHMM".

    `is_overnight` spans end on the next day; `weekly_from_intervals` already reads an end at or before the
    start that way, so the flag needs no handling of its own ("0000"-"0000" is a full day).
    """
    if not isinstance(hours, list):
        return None
    blocks = [mapping_or_empty(block) for block in hours]
    regular = next((b for b in blocks if b.get("hours_type", "REGULAR") == "REGULAR"), None)
    if regular is None or not isinstance(regular.get("open"), list):
        return None
    intervals: list[tuple[int, int, int]] = []
    for span in regular["open"]:
        span_map = mapping_or_empty(span)
        day, start, end = span_map.get("day"), span_map.get("start"), span_map.get("end")
        if not (isinstance(day, int) and isinstance(start, str) and isinstance(end, str)):
            continue
        try:
            intervals.append((day, hhmm_to_minutes(start), hhmm_to_minutes(end)))
        except ValueError:
            continue
    return weekly_from_intervals(intervals) if intervals else None


def merge_details(candidate: Candidate, payload: Any) -> Candidate:
    """The search candidate completed by a Business Details answer (hours, claimed flag)."""
    if not isinstance(payload, Mapping):
        raise ProviderError("bad_response: Yelp business details is not a JSON object")
    details = parse_business(payload)
    return replace(
        candidate,
        hours=details.hours or candidate.hours,
        phone=candidate.phone or details.phone,
        business_status=details.business_status,
        extra={**candidate.extra, **details.extra},
    )


def error_from_response(status: int, body: Any, *, key: str | None) -> ProviderError:
    """A Yelp error answer (`{"error": {"code", "description"}}`) as a ProviderError."""
    error = mapping_or_empty(mapping_or_empty(body).get("error"))
    code = text_or_none(error.get("code")) or ""
    description = text_or_none(error.get("description")) or f"HTTP {status}"
    detail = error_detail(f"{description} (HTTP {status}{' ' + code if code else ''})", key)
    word = reason_word(
        status,
        auth_failed=code in _AUTH_CODES,
        quota_exceeded=code == "ACCESS_LIMIT_REACHED",  # the daily limit, also answered with 429
        rate_limited=code == "TOO_MANY_REQUESTS_PER_SECOND",
    )
    return ProviderError(f"{word}: {detail}")


def is_unit(line: str) -> bool:
    return bool(_UNIT_LINE.search(line.strip()))


def strip_tracking(url: str | None) -> str | None:
    if not url:
        return None
    parts = urlsplit(url)
    kept = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k not in _TRACKING_PARAMS]
    return urlunsplit(parts._replace(query=urlencode(kept)))


def _rate_limit_remaining(response: HttpResponse) -> int | None:
    value = response.headers.get("ratelimit-remaining")
    return int(value) if value is not None and value.strip().isdigit() else None
