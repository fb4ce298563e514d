"""Tripadvisor Content API (api.content.tripadvisor.com/api/v1): Location Search and Location Details.

Emulated on purpose: the key as a `key` query parameter (a missing or non-`sandbox-` key is a 401
`{"error": {"message", "type", "code"}}`), `searchQuery` required (400 otherwise), at most 10 search
results carrying only `location_id`, `name` and `address_obj`, so the details call is needed for the phone,
website, hours and rating; numbers as strings (`latitude`, `rating`, `num_reviews`), `web_url` and
`write_review` on the language's domain, hours as `periods` (day 1 = Monday … 7 = Sunday, times "HHMM")
with `weekday_text`. An unknown location id is a 404.
"""

from __future__ import annotations

from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from auditor.sandbox.emulation import Emulation, JSONBody, float_pair, is_sandbox_key
from auditor.sandbox.relevance import Query, Scored, Where, distance_m, place_score, ranked
from auditor.sandbox.world import TripadvisorLocation, World

HOST = "api.content.tripadvisor.com"
MAX_RESULTS = 10
DOMAINS = {"fr": "www.tripadvisor.fr", "en": "www.tripadvisor.com", "de": "www.tripadvisor.de"}
DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def _error(status: int, kind: str, message: str) -> Response:
    return JSONBody({"error": {"message": message, "type": kind, "code": status}}, status_code=status)


class Tripadvisor:
    def __init__(self, world: World) -> None:
        self.locations = {loc.location_id: loc for loc in world.tripadvisor_locations}

    def _auth(self, request: Request) -> Response | None:
        if not is_sandbox_key(request.query_params.get("key")):
            return _error(401, "UnauthorizedException", "Invalid or missing API key")
        return None

    async def search(self, request: Request) -> Response:
        if (denied := self._auth(request)) is not None:
            return denied
        text = request.query_params.get("searchQuery", "").strip()
        if not text:
            return _error(400, "InvalidArgumentException", "Invalid Argument - searchQuery is required")
        query = Query.of(text, request.query_params.get("address"))
        center = float_pair(request.query_params.get("latLong"))
        hits: list[Scored[TripadvisorLocation]] = []
        for loc in self.locations.values():
            score = place_score(query, loc.name, Where(None, loc.street1, loc.city, loc.postalcode))
            if score is None:
                continue
            distance = distance_m(center[0], center[1], loc.lat, loc.lon) if center else None
            hits.append(Scored(loc, score, distance, loc.location_id))
        data = [
            {"location_id": loc.location_id, "name": loc.name, "address_obj": _address(loc)}
            for loc in [hit.item for hit in ranked(hits)][:MAX_RESULTS]
        ]
        return JSONBody({"data": data})

    async def details(self, request: Request) -> Response:
        if (denied := self._auth(request)) is not None:
            return denied
        loc = self.locations.get(request.path_params["location_id"])
        if loc is None:
            return _error(404, "NotFoundException", "Location not found")
        language = request.query_params.get("language", "en")
        domain = DOMAINS.get(language, DOMAINS["en"])
        body: dict[str, Any] = {
            "location_id": loc.location_id,
            "name": loc.name,
            "web_url": f"https://{domain}/Restaurant_Review-g{loc.geo_id}-d{loc.location_id}-Reviews-{loc.slug}.html",
            "address_obj": _address(loc),
            "latitude": f"{loc.lat}",
            "longitude": f"{loc.lon}",
            "write_review": f"https://{domain}/UserReview-g{loc.geo_id}-d{loc.location_id}-{loc.slug}.html",
            "category": {"name": loc.category, "localized_name": loc.category.title()},
        }
        if loc.phone:
            body["phone"] = loc.phone
        if loc.website:
            body["website"] = loc.website
        if loc.rating is not None:
            body["rating"] = f"{loc.rating:.1f}"
            body["num_reviews"] = str(loc.num_reviews or 0)
        if loc.hours is not None:
            body["hours"] = _hours(loc)
        return JSONBody(body)


def _address(loc: TripadvisorLocation) -> dict[str, str]:
    line = ", ".join(part for part in (loc.street1, loc.street2) if part)
    return {
        "street1": loc.street1,
        "street2": loc.street2,
        "city": loc.city,
        "country": loc.country,
        "postalcode": loc.postalcode,
        "address_string": f"{line}, {loc.postalcode} {loc.city} {loc.country}",
    }


def _hours(loc: TripadvisorLocation) -> dict[str, Any]:
    assert loc.hours is not None
    periods = []
    text = []
    for day, spans in enumerate(loc.hours.days()):
        for span in spans:
            close_day = day if span.end > span.start else (day + 1) % 7
            periods.append(
                {
                    "open": {"day": day + 1, "time": f"{span.start // 60:02d}{span.start % 60:02d}"},
                    "close": {
                        "day": close_day + 1,
                        "time": f"{(span.end // 60) % 24:02d}{span.end % 60:02d}",
                    },
                }
            )
        ranges = ", ".join(
            f"{s.start // 60:02d}:{s.start % 60:02d} - {(s.end // 60) % 24:02d}:{s.end % 60:02d}"
            for s in spans
        )
        text.append(f"{DAY_NAMES[day]}: {ranges or 'Closed'}")
    return {"periods": periods, "weekday_text": text}


def emulation(world: World) -> Emulation:
    service = Tripadvisor(world)
    app = Starlette(
        routes=[
            Route("/api/v1/location/search", service.search, methods=["GET"]),
            Route("/api/v1/location/{location_id}/details", service.details, methods=["GET"]),
        ]
    )
    return Emulation(name="tripadvisor", hosts=(HOST,), app=app)
