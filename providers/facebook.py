"""Facebook Pages through the Graph API: the Page's name, address, phone, website and hours.

Meta gives public Page data only to an app with a page or app access token and, for Pages the app does not
manage, the "Page Public Metadata Access" feature granted in App Review. Without a token the provider is
skipped with that reason. With the business's declared Facebook handle the Page is read directly
(`/{username}`); otherwise it is looked for with Pages Search (`/pages/search?q=`). Graph answers OAuth
errors with HTTP 400 and a code: 190 is a bad or expired token, 10/200 a missing permission, 4/17/32/613
a rate limit.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import quote

from auditor.hookspecs import hookimpl
from auditor.models import Address, Candidate, WeeklyHours
from auditor.normalise.address import country_code, split_street_line
from auditor.normalise.hours import hhmm_to_minutes, weekly_from_intervals
from providers.base import Provider, ProviderContext, ProviderError, ProviderSkipped, SearchQuery
from providers.payload import (
    error_detail,
    json_or_none,
    mapping_or_empty,
    number_or_none,
    object_list,
    text_or_none,
)

GRAPH = "https://graph.facebook.com"
DEFAULT_VERSION = "v21.0"
FIELDS = "id,name,username,link,location,phone,website,hours,single_line_address"
DAY_KEYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
AUTH_CODES = {102, 104, 190, 10, 200}
RATE_CODES = {4, 17, 32, 613}
PAGE_SETTINGS_URL = "https://www.facebook.com/settings/?tab=profile"


class FacebookProvider(Provider):
    id = "facebook"
    label = "Facebook"
    kind = "listing"
    key_env = "SOLOMO_FACEBOOK_KEY"
    hosts = ("graph.facebook.com",)
    docs_url = "https://developers.facebook.com/docs/graph-api/reference/page/"
    quota = (
        "a page or app access token; public Pages need the Page Public Metadata Access feature (App Review)"
    )

    async def search(self, ctx: ProviderContext, query: SearchQuery) -> list[Candidate]:
        if not ctx.key:
            raise ProviderSkipped(
                f"no access token: set {self.key_env} (Meta requires a page or app token and App Review)"
            )
        version = str(ctx.settings.get("api_version", DEFAULT_VERSION))
        handle = query.handles.get("facebook")
        if handle:
            url = f"{GRAPH}/{version}/{quote(handle, safe='.')}"
            params: dict[str, str | int | float] = {"fields": FIELDS, "access_token": ctx.key}
        else:
            url = f"{GRAPH}/{version}/pages/search"
            params = {"q": query.name, "fields": FIELDS, "access_token": ctx.key}
        response = await ctx.http.get(url, params=params, cache=ctx.cache_ttl is not None)
        body = json_or_none(response)
        if not response.ok:
            error = mapping_or_empty(mapping_or_empty(body).get("error"))
            if handle and error.get("code") == 803:  # the handle names no Page
                return []
            raise error_from_response(response.status, body, key=ctx.key)
        if handle:
            return [parse_page(mapping_or_empty(body))]
        return [parse_page(page) for page in object_list(body, "data", source="Facebook")]

    def fix_url(self, query: SearchQuery, candidate: Candidate | None) -> str | None:
        return candidate.url if candidate is not None and candidate.url else PAGE_SETTINGS_URL


@hookimpl
def register_providers(register: Callable[[Provider], None]) -> None:
    register(FacebookProvider())


def parse_page(page: Mapping[str, Any]) -> Candidate:
    location = mapping_or_empty(page.get("location"))
    street_line = text_or_none(location.get("street"))
    house_number, street = split_street_line(street_line) if street_line else (None, None)
    country = text_or_none(location.get("country"))
    return Candidate(
        provider=FacebookProvider.id,
        name=text_or_none(page.get("name")),
        address=Address(
            formatted=text_or_none(page.get("single_line_address")),
            house_number=house_number,
            street=street,
            postcode=text_or_none(location.get("zip")),
            city=text_or_none(location.get("city")),
            country_code=country_code(country) if country else None,
            lat=number_or_none(location.get("latitude")),
            lon=number_or_none(location.get("longitude")),
        ),
        phone=text_or_none(page.get("phone")),
        website=text_or_none(page.get("website")),
        hours=hours_from_keys(mapping_or_empty(page.get("hours"))),
        listing_id=text_or_none(page.get("id")),
        url=text_or_none(page.get("link")),
    )


def hours_from_keys(hours: Mapping[str, Any]) -> WeeklyHours | None:
    """`{"mon_1_open": "07:00", "mon_1_close": "19:30", ...}` as a week."""
    intervals: list[tuple[int, int, int]] = []
    for day, key in enumerate(DAY_KEYS):
        for index in range(1, 4):
            opens, closes = hours.get(f"{key}_{index}_open"), hours.get(f"{key}_{index}_close")
            if not (isinstance(opens, str) and isinstance(closes, str)):
                continue
            try:
                intervals.append((day, hhmm_to_minutes(opens), hhmm_to_minutes(closes)))
            except ValueError:
                continue
    return weekly_from_intervals(intervals) if intervals else None


def error_from_response(status: int, body: Any, *, key: str | None) -> ProviderError:
    error = mapping_or_empty(mapping_or_empty(body).get("error"))
    code = error.get("code")
    message = text_or_none(error.get("message")) or f"HTTP {status}"
    if code in AUTH_CODES:
        word = "auth_failed"
    elif code in RATE_CODES or status == 429:
        word = "rate_limited"
    elif status >= 500:
        word = "server_error"
    else:
        word = "bad_response"
    return ProviderError(f"{word}: {error_detail(f'{message} (HTTP {status}, code {code})', key)}")
