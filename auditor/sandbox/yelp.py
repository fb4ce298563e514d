"""Yelp Fusion (api.yelp.com/v3): business search, business match and business details.

Emulated on purpose: Bearer auth (401 TOKEN_MISSING / TOKEN_INVALID), the daily-quota headers on every
response (RateLimit-Remaining counts down, reset by the control API's reset), VALIDATION_ERROR and
LOCATION_NOT_FOUND as the real service words them, Monday = day 0 with "HHMM" strings in hours, phones in
E.164 (or "") next to a national `display_phone`, and no business website anywhere: Yelp never gives it.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import phonenumbers
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from auditor.sandbox.emulation import Emulation, JSONBody, bearer_token, float_pair, int_param, is_sandbox_key
from auditor.sandbox.relevance import (
    Query,
    Scored,
    Where,
    address_score,
    distance_m,
    fold,
    mentions_place,
    place_score,
    ranked,
)
from auditor.sandbox.world import WeekHours, World, YelpBusiness, open_now

HOST = "api.yelp.com"
DAILY_LIMIT = 5000
MAX_RADIUS_M = 40000
DEFAULT_LIMIT = 20
MAX_LIMIT = 50
COUNTRY_NAMES = {"FR": "France", "GB": "United Kingdom", "CA": "Canada", "US": "United States"}
LOCALE_PATTERN = "^[a-z]{2,3}_[A-Z]{2}$"
REQUIRED_MATCH_PARAMS = ("name", "address1", "city", "state", "country")


def _hhmm(minute: int) -> str:
    hour, minute = divmod(minute % 1440, 60)
    return f"{hour:02d}{minute:02d}"


def _hours(hours: WeekHours, is_open: bool) -> list[dict[str, Any]]:
    entries = [
        {"is_overnight": span.overnight, "start": _hhmm(span.start), "end": _hhmm(span.end), "day": span.day}
        for span in sorted(hours.spans, key=lambda s: (s.day, s.start))
    ]
    return [{"open": entries, "hours_type": "REGULAR", "is_open_now": is_open}]


def _display_phone(e164: str) -> str:
    if not e164:
        return ""
    return phonenumbers.format_number(phonenumbers.parse(e164), phonenumbers.PhoneNumberFormat.NATIONAL)


def _location(biz: YelpBusiness) -> dict[str, Any]:
    lines = [line for line in (biz.address1, biz.address2, biz.address3) if line]
    if biz.country in ("US", "CA"):
        lines.append(f"{biz.city}, {biz.state} {biz.zip_code}")
    elif biz.country == "GB":
        lines.append(f"{biz.city} {biz.zip_code}")
    else:
        lines.append(f"{biz.zip_code} {biz.city}")
    if biz.country != "US":
        lines.append(COUNTRY_NAMES.get(biz.country, biz.country))
    return {
        "address1": biz.address1,
        "address2": biz.address2,
        "address3": biz.address3,
        "city": biz.city,
        "zip_code": biz.zip_code,
        "country": biz.country,
        "state": biz.state,
        "display_address": lines,
    }


def _where(biz: YelpBusiness) -> Where:
    number, _, street = biz.address1.partition(" ")
    return Where(
        number if number.isdigit() else None,
        street if number.isdigit() else biz.address1,
        biz.city,
        biz.zip_code,
    )


def _error(status: int, code: str, description: str, **extra: Any) -> tuple[int, dict[str, Any]]:
    return status, {"error": {"code": code, "description": description, **extra}}


class Yelp:
    def __init__(self, world: World) -> None:
        self.world = world
        self.businesses = world.yelp_businesses
        self.remaining = DAILY_LIMIT

    def reset(self) -> None:
        self.remaining = DAILY_LIMIT

    def _reply(self, status: int, payload: Any) -> Response:
        tomorrow = (datetime.now(UTC) + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
        headers = {
            "RateLimit-DailyLimit": str(DAILY_LIMIT),
            "RateLimit-Remaining": str(self.remaining),
            "RateLimit-ResetTime": tomorrow.isoformat(),
        }
        return JSONBody(payload, status_code=status, headers=headers)

    def _authorize(self, request: Request) -> tuple[int, dict[str, Any]] | None:
        if "authorization" not in request.headers:
            return _error(
                401, "TOKEN_MISSING", "An access token must be supplied in order to use this endpoint."
            )
        if not is_sandbox_key(bearer_token(request)):
            return _error(401, "TOKEN_INVALID", "Invalid access token or authorization header.")
        if self.remaining <= 0:
            return _error(
                429,
                "ACCESS_LIMIT_REACHED",
                "You've reached the access limit for this client. Please email api@yelp.com for assistance",
            )
        self.remaining -= 1
        return None

    def _locale_error(self, request: Request) -> tuple[int, dict[str, Any]] | None:
        locale = request.query_params.get("locale")
        if locale is None:
            return None
        language, _, country = locale.partition("_")
        if 2 <= len(language) <= 3 and language.islower() and len(country) == 2 and country.isupper():
            return None
        return _error(
            400,
            "VALIDATION_ERROR",
            f"'{locale}' does not match '{LOCALE_PATTERN}'",
            field="locale",
            instance=locale,
        )

    def business_json(
        self, biz: YelpBusiness, *, details: bool, distance: float | None = None
    ) -> dict[str, Any]:
        shop = self.world.shop_for(biz)
        out: dict[str, Any] = {
            "id": biz.id,
            "alias": biz.alias,
            "name": biz.name,
            "image_url": biz.image_url,
        }
        if details:
            out["is_claimed"] = biz.is_claimed
        out.update(
            is_closed=biz.is_closed,
            url=(
                f"https://www.yelp.com/biz/{biz.alias}?adjust_creative=sandbox&utm_campaign=yelp_api_v3"
                f"&utm_medium=api_v3_business_{'lookup' if details else 'search'}&utm_source=sandbox"
            ),
            review_count=biz.review_count,
            categories=[{"alias": alias, "title": title} for alias, title in biz.categories],
            rating=biz.rating,
            coordinates={"latitude": biz.lat, "longitude": biz.lon},
            transactions=[],
        )
        if biz.price:
            out["price"] = biz.price
        location = _location(biz)
        if details:
            location["cross_streets"] = ""
        out.update(location=location, phone=biz.phone, display_phone=_display_phone(biz.phone))
        is_open = open_now(biz.hours, shop)
        if details:
            out["photos"] = [biz.image_url]
            if biz.hours is not None:
                out["hours"] = _hours(biz.hours, is_open)
        else:
            out["distance"] = round(distance or 0.0, 4)
            if biz.hours is not None:
                out["business_hours"] = _hours(biz.hours, is_open)
        return out

    async def search(self, request: Request) -> Response:
        problem = (
            self._authorize(request) or self._locale_error(request) or self._search_params_error(request)
        )
        if problem:
            return self._reply(*problem)
        params = request.query_params
        location = params.get("location", "").strip()
        position = float_pair(f"{params.get('latitude', '')},{params.get('longitude', '')}")
        center = position or self._location_center(location)
        if location and center is None:
            return self._reply(
                *_error(
                    400,
                    "LOCATION_NOT_FOUND",
                    "Could not execute search, try specifying a more exact location.",
                )
            )
        radius = int(params.get("radius", MAX_RADIUS_M))
        hits = self._matches(params.get("term", ""), location, position, radius, center)
        limit = int(params.get("limit", DEFAULT_LIMIT))
        offset = int(params.get("offset", 0))
        page = hits[offset : offset + limit]
        payload = {
            "businesses": [self.business_json(h.item, details=False, distance=h.distance) for h in page],
            "total": len(hits),
            "region": {"center": {"longitude": center[1], "latitude": center[0]} if center else None},
        }
        return self._reply(200, payload)

    @staticmethod
    def _search_params_error(request: Request) -> tuple[int, dict[str, Any]] | None:
        params = request.query_params
        has_position = "latitude" in params and "longitude" in params
        if not params.get("location", "").strip() and not has_position:
            return _error(400, "VALIDATION_ERROR", "Please specify a location or a latitude and longitude")
        if has_position and float_pair(f"{params['latitude']},{params['longitude']}") is None:
            return _error(
                400, "VALIDATION_ERROR", "'latitude' and 'longitude' must be numbers", field="latitude"
            )
        for name, default, maximum in (("limit", DEFAULT_LIMIT, MAX_LIMIT), ("radius", 1, MAX_RADIUS_M)):
            value = int_param(request, name, default)
            if value is None or value < 0 or value > maximum:
                return _error(
                    400,
                    "VALIDATION_ERROR",
                    f"'{params.get(name)}' is not a valid value for {name} (maximum {maximum})",
                    field=name,
                    instance=params.get(name),
                )
        if int_param(request, "offset", 0) is None:
            return _error(400, "VALIDATION_ERROR", "'offset' must be an integer", field="offset")
        return None

    def _location_center(self, location: str) -> tuple[float, float] | None:
        """Where a free-text location points: the address it names, else a place in the city it names."""
        if not location:
            return None
        query = Query.of(location)
        addresses = [
            Scored(a, score, None, a.id)
            for a in self.world.addresses
            if (score := address_score(query, Where(a.house_number, a.street, a.city, a.postcode)))
            is not None
        ]
        if addresses:
            best = ranked(addresses)[0].item
            return best.lat, best.lon
        for point in self.world.addresses:
            if mentions_place(query, Where(city=point.city, postcode=point.postcode)):
                return point.lat, point.lon
        for biz in self.businesses:
            if mentions_place(query, _where(biz)):
                return biz.lat, biz.lon
        return None

    def _matches(
        self,
        term: str,
        location: str,
        position: tuple[float, float] | None,
        radius: int,
        center: tuple[float, float] | None,
    ) -> list[Scored[YelpBusiness]]:
        location_query = Query.of(location)
        query = Query.of(term, location)
        hits = []
        for biz in self.businesses:
            where = _where(biz)
            if location and not mentions_place(location_query, where):
                continue
            distance = distance_m(center[0], center[1], biz.lat, biz.lon) if center else None
            if position and distance is not None and distance > radius:
                continue
            score = place_score(query, biz.name, where) if term.strip() else 0.0
            if score is not None:
                hits.append(Scored(biz, score, distance, biz.id))
        return ranked(hits)

    async def match(self, request: Request) -> Response:
        problem = self._authorize(request)
        if problem:
            return self._reply(*problem)
        params = request.query_params
        for name in REQUIRED_MATCH_PARAMS:
            if not params.get(name, "").strip():
                return self._reply(
                    *_error(
                        400, "VALIDATION_ERROR", f"'{name}' is a required property", field=name, instance=None
                    )
                )
        country = params["country"].strip()
        if len(country) != 2 or not country.isalpha():
            return self._reply(
                *_error(400, "VALIDATION_ERROR", f"'{country}' is not a valid country code", field="country")
            )
        limit = int_param(request, "limit", 3)
        if limit is None or not 1 <= limit <= 10:
            return self._reply(
                *_error(400, "VALIDATION_ERROR", "'limit' must be between 1 and 10", field="limit")
            )
        threshold = params.get("match_threshold", "default").lower()
        query = Query.of(params["name"], params["address1"], params["city"], params.get("zip_code"))
        hits = []
        for biz in self.businesses:
            if biz.country != country.upper():
                continue
            if threshold != "none" and fold(biz.city) != fold(params["city"]):
                continue
            if threshold == "strict" and Query.of(params["address1"]).fraction(biz.address1) < 0.5:
                continue
            score = place_score(query, biz.name, _where(biz))
            if score is not None:
                hits.append(Scored(biz, score, None, biz.id))
        businesses = [
            {
                "id": hit.item.id,
                "alias": hit.item.alias,
                "name": hit.item.name,
                "location": _location(hit.item),
                "coordinates": {"latitude": hit.item.lat, "longitude": hit.item.lon},
                "phone": hit.item.phone,
            }
            for hit in ranked(hits)[:limit]
        ]
        return self._reply(200, {"businesses": businesses})

    async def details(self, request: Request) -> Response:
        problem = self._authorize(request) or self._locale_error(request)
        if problem:
            return self._reply(*problem)
        wanted = request.path_params["business_id"]
        for biz in self.businesses:
            if wanted in (biz.id, biz.alias):
                return self._reply(200, self.business_json(biz, details=True))
        return self._reply(*_error(404, "BUSINESS_NOT_FOUND", "The requested business could not be found."))


def emulation(world: World) -> Emulation:
    service = Yelp(world)
    app = Starlette(
        routes=[
            Route("/v3/businesses/search", service.search, methods=["GET"]),
            Route("/v3/businesses/matches", service.match, methods=["GET"]),
            Route("/v3/businesses/{business_id}", service.details, methods=["GET"]),
        ]
    )
    return Emulation(name="yelp", hosts=(HOST,), app=app, reset=service.reset)
