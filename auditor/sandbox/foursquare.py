"""Foursquare Places API (places-api.foursquare.com): Place Search and Place Details.

Emulated on purpose: `Authorization: Bearer` with a service key and the mandatory dated
`X-Places-Api-Version` header, errors as `{"message": ...}`, `fields` selecting what comes back (without
it only the free "Pro" fields, so hours and rating need asking for), fields a place lacks (tel, website)
omitted rather than null, Monday = day 1 and "+HHMM" for a close after midnight, ratings out of 10.
"""

from __future__ import annotations

import re
from typing import Any

import phonenumbers
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from auditor.sandbox.emulation import Emulation, JSONBody, bearer_token, float_pair, int_param, is_sandbox_key
from auditor.sandbox.relevance import Query, Scored, Where, distance_m, mentions_place, place_score, ranked
from auditor.sandbox.world import FoursquarePlace, Span, WeekHours, World, open_now

HOST = "places-api.foursquare.com"
PRO_FIELDS = (
    "fsq_place_id",
    "latitude",
    "longitude",
    "categories",
    "chains",
    "date_closed",
    "date_created",
    "date_refreshed",
    "distance",
    "email",
    "extended_location",
    "link",
    "location",
    "name",
    "placemaker_url",
    "related_places",
    "social_media",
    "tel",
    "website",
)
PREMIUM_FIELDS = (
    "attributes",
    "description",
    "hours",
    "hours_popular",
    "menu",
    "photos",
    "popularity",
    "price",
    "rating",
    "stats",
    "store_id",
    "tastes",
    "tips",
    "unresolved_flags",
    "venue_reality_bucket",
    "veracity_rating",
    "verified",
)
DEFAULT_RADIUS_M = 22000
MAX_RADIUS_M = 100000
DEFAULT_LIMIT = 10
MAX_LIMIT = 50
DAY_ABBREVIATIONS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_VERSION = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _message(status: int, message: str) -> Response:
    return JSONBody({"message": message}, status_code=status)


def _auth_error(request: Request) -> Response | None:
    if not is_sandbox_key(bearer_token(request)):
        return _message(401, "Invalid request token.")
    version = request.headers.get("x-places-api-version")
    if not version:
        return _message(400, "Missing required header: X-Places-Api-Version")
    if not _VERSION.match(version.strip()):
        return _message(400, f"Invalid X-Places-Api-Version header value: {version}")
    return None


def _fields(request: Request) -> tuple[str, ...] | Response:
    raw = request.query_params.get("fields")
    if not raw:
        return PRO_FIELDS
    wanted = tuple(name.strip() for name in raw.split(",") if name.strip())
    for name in wanted:
        if name not in PRO_FIELDS and name not in PREMIUM_FIELDS:
            return _message(400, f"Invalid field: {name}")
    return wanted


def _clock(minute: int) -> str:
    hour, minute = divmod(minute % 1440, 60)
    return f"{(hour % 12) or 12}:{minute:02d} {'AM' if hour < 12 else 'PM'}"


def _regular(span: Span) -> dict[str, Any]:
    close = f"{span.end // 60 % 24:02d}{span.end % 60:02d}"
    return {
        "day": span.day + 1,  # Foursquare counts from Monday = 1
        "open": f"{span.start // 60:02d}{span.start % 60:02d}",
        "close": f"+{close}" if span.overnight or span.end == 1440 else close,
    }


def _display(hours: WeekHours) -> str:
    """'Mon-Fri 7:00 AM-7:30 PM; Sat 7:00 AM-1:00 PM': consecutive days with the same spans grouped."""
    days = hours.days()
    groups: list[tuple[int, int, str]] = []
    for day, spans in enumerate(days):
        if not spans:
            continue
        text = ", ".join(f"{_clock(s.start)}-{_clock(s.end)}" for s in spans)
        if groups and groups[-1][1] == day - 1 and groups[-1][2] == text:
            groups[-1] = (groups[-1][0], day, text)
        else:
            groups.append((day, day, text))
    return "; ".join(
        f"{DAY_ABBREVIATIONS[first]}{'' if first == last else '-' + DAY_ABBREVIATIONS[last]} {text}"
        for first, last, text in groups
    )


def _tel(e164: str, tel_format: str) -> str:
    number = phonenumbers.parse(e164)
    style = (
        phonenumbers.PhoneNumberFormat.E164
        if tel_format == "E164"
        else phonenumbers.PhoneNumberFormat.NATIONAL
    )
    return phonenumbers.format_number(number, style)


class Foursquare:
    def __init__(self, world: World) -> None:
        self.world = world
        self.places = world.foursquare_places

    def place_json(
        self, place: FoursquarePlace, fields: tuple[str, ...], distance: float | None, tel_format: str
    ) -> dict[str, Any]:
        full: dict[str, Any] = {
            "fsq_place_id": place.fsq_place_id,
            "latitude": place.lat,
            "longitude": place.lon,
            "categories": [
                {
                    "fsq_category_id": c.id,
                    "name": c.name,
                    "short_name": c.short_name,
                    "plural_name": c.plural_name,
                    "icon": {"prefix": c.icon_prefix, "suffix": ".png"},
                }
                for c in place.categories
            ],
            "chains": [],
            "date_created": place.date_created,
            "date_refreshed": place.date_refreshed,
            "extended_location": {},
            "link": f"/places/{place.fsq_place_id}",
            "location": {
                "address": place.address,
                "locality": place.locality,
                "region": place.region,
                "postcode": place.postcode,
                "country": place.country,
                "formatted_address": place.formatted_address,
            },
            "name": place.name,
            "placemaker_url": f"https://foursquare.com/placemakers/review-place/{place.fsq_place_id}",
            "related_places": {},
            "social_media": {},
            "stats": {"total_photos": 0, "total_ratings": place.total_ratings or 0, "total_tips": 0},
        }
        optional = {
            "date_closed": place.date_closed,
            "distance": round(distance) if distance is not None else None,
            "email": place.email,
            "tel": _tel(place.tel, tel_format) if place.tel else None,
            "website": place.website,
            "rating": place.rating,
        }
        full.update({key: value for key, value in optional.items() if value is not None})
        if place.hours is not None:
            shop = self.world.shop_for(place)
            full["hours"] = {
                "display": _display(place.hours),
                "is_local_holiday": False,
                "open_now": open_now(place.hours, shop),
                "regular": [_regular(s) for s in sorted(place.hours.spans, key=lambda s: (s.day, s.start))],
            }
        return {name: full[name] for name in fields if name in full}

    async def search(self, request: Request) -> Response:
        if (problem := _auth_error(request)) is not None:
            return problem
        fields = _fields(request)
        if isinstance(fields, Response):
            return fields
        params = request.query_params
        position = float_pair(params.get("ll"))
        if params.get("ll") and position is None:
            return _message(400, "Invalid ll parameter; expected 'latitude,longitude'.")
        radius = int_param(request, "radius", DEFAULT_RADIUS_M)
        limit = int_param(request, "limit", DEFAULT_LIMIT)
        if radius is None or not 0 <= radius <= MAX_RADIUS_M:
            return _message(400, f"Invalid radius; must be between 0 and {MAX_RADIUS_M}.")
        if limit is None or not 1 <= limit <= MAX_LIMIT:
            return _message(400, f"Invalid limit; must be between 1 and {MAX_LIMIT}.")
        near = params.get("near", "").strip()
        center = position or self._near_center(near)
        if near and center is None:
            return _message(400, "Invalid request. 'near' param could not be geocoded.")
        hits = self._matches(params.get("query", ""), near, position, radius, center)
        tel_format = params.get("tel_format", "NATIONAL").upper()
        payload: dict[str, Any] = {
            "results": [self.place_json(h.item, fields, h.distance, tel_format) for h in hits[:limit]]
        }
        if center:
            payload["context"] = {
                "geo_bounds": {
                    "circle": {"center": {"latitude": center[0], "longitude": center[1]}, "radius": radius}
                }
            }
        return JSONBody(payload)

    def _near_center(self, near: str) -> tuple[float, float] | None:
        if not near:
            return None
        query = Query.of(near)
        for point in self.world.addresses:
            if mentions_place(query, Where(city=point.city, postcode=point.postcode)):
                return point.lat, point.lon
        return None

    def _matches(
        self,
        text: str,
        near: str,
        position: tuple[float, float] | None,
        radius: int,
        center: tuple[float, float] | None,
    ) -> list[Scored[FoursquarePlace]]:
        near_query = Query.of(near)
        query = Query.of(text, near)
        hits = []
        for place in self.places:
            number, _, street = place.address.partition(" ")
            where = Where(number, street, place.locality, place.postcode)
            if near and not mentions_place(near_query, where):
                continue
            distance = distance_m(center[0], center[1], place.lat, place.lon) if center else None
            if position and distance is not None and distance > radius:
                continue
            score = place_score(query, place.name, where) if text.strip() else 0.0
            if score is not None:
                hits.append(Scored(place, score, distance, place.fsq_place_id))
        return ranked(hits)

    async def details(self, request: Request) -> Response:
        if (problem := _auth_error(request)) is not None:
            return problem
        fields = _fields(request)
        if isinstance(fields, Response):
            return fields
        wanted = request.path_params["fsq_place_id"]
        tel_format = request.query_params.get("tel_format", "NATIONAL").upper()
        for place in self.places:
            if place.fsq_place_id == wanted:
                return JSONBody(self.place_json(place, fields, None, tel_format))
        return _message(404, "Place not found.")


def emulation(world: World) -> Emulation:
    service = Foursquare(world)
    app = Starlette(
        routes=[
            Route("/places/search", service.search, methods=["GET"]),
            Route("/places/{fsq_place_id}", service.details, methods=["GET"]),
        ]
    )
    return Emulation(name="foursquare", hosts=(HOST,), app=app)
