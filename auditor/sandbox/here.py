"""HERE Geocoding & Search API v7: Discover (discover.search.hereapi.com) and Lookup (lookup.search...).

Emulated on purpose: the key as an `apiKey` query parameter (missing or not `sandbox-`: 401
`{"error": "Unauthorized", "error_description": ...}`); Discover needs `q` and a search position, `at` or
`in=circle:...` (400 with HERE's `{"status", "title", "cause", "action", "code"}` otherwise); items with
`resultType` "place", `address` (countryCode in ISO alpha-3), `position` {lat, lng}, `contacts` (phone and
www as lists of `{value}`), and `openingHours` with `text` and `structured` periods (`start` "THHMMSS",
`duration` "PTxHyM", `recurrence` "FREQ:DAILY;BYDAY:MO,TU,..."). An unknown Lookup id is a 404.
"""

from __future__ import annotations

import uuid
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from auditor.sandbox.emulation import Emulation, JSONBody, float_pair, int_param, is_sandbox_key
from auditor.sandbox.relevance import Query, Scored, Where, distance_m, place_score, ranked
from auditor.sandbox.world import HerePlace, World

DISCOVER_HOST = "discover.search.hereapi.com"
LOOKUP_HOST = "lookup.search.hereapi.com"
DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
DAY_TEXT = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MAX_LIMIT = 100


def _bad_input(cause: str) -> Response:
    return JSONBody(
        {
            "status": 400,
            "title": "Illegal input for parameters",
            "correlationId": str(uuid.uuid4()),
            "requestId": "REQ-sandbox",
            "cause": cause,
            "action": "",
            "code": "E608211",
        },
        status_code=400,
    )


class Here:
    def __init__(self, world: World) -> None:
        self.places = {place.id: place for place in world.here_places}

    @staticmethod
    def _auth(request: Request) -> Response | None:
        if not is_sandbox_key(request.query_params.get("apiKey")):
            return JSONBody(
                {"error": "Unauthorized", "error_description": "apiKey invalid. apiKey not found."},
                status_code=401,
            )
        return None

    async def discover(self, request: Request) -> Response:
        if (denied := self._auth(request)) is not None:
            return denied
        text = request.query_params.get("q", "").strip()
        if not text:
            return _bad_input("Required parameter 'q' is missing")
        center = float_pair(request.query_params.get("at"))
        area = request.query_params.get("in", "")
        if center is None and area.startswith("circle:"):
            center = float_pair(area.removeprefix("circle:").split(";")[0])
        if center is None:
            return _bad_input("Either 'at' or 'in=circle' must be provided")
        limit = int_param(request, "limit", 20)
        if limit is None or not 1 <= limit <= MAX_LIMIT:
            return _bad_input("Parameter 'limit' must be between 1 and 100")
        query = Query.of(text)
        hits: list[Scored[HerePlace]] = []
        for place in self.places.values():
            where = Where(place.house_number, place.street, place.city, place.postal_code)
            score = place_score(query, place.title, where)
            if score is not None:
                hits.append(
                    Scored(place, score, distance_m(center[0], center[1], place.lat, place.lon), place.id)
                )
        items = [_item(hit.item, center) for hit in ranked(hits)][:limit]
        return JSONBody({"items": items})

    async def lookup(self, request: Request) -> Response:
        if (denied := self._auth(request)) is not None:
            return denied
        place = self.places.get(request.query_params.get("id", ""))
        if place is None:
            return JSONBody(
                {"status": 404, "title": "Id not found", "cause": "The id could not be found"},
                status_code=404,
            )
        return JSONBody(_item(place, None))


def _item(place: HerePlace, center: tuple[float, float] | None) -> dict[str, Any]:
    item: dict[str, Any] = {
        "title": place.title,
        "id": place.id,
        "language": "fr" if place.country_code == "FRA" else "en",
        "resultType": "place",
        "address": {
            "label": f"{place.title}, {place.house_number} {place.street}, {place.postal_code} {place.city}, "
            f"{place.country_name}",
            "countryCode": place.country_code,
            "countryName": place.country_name,
            "state": place.state,
            "city": place.city,
            "district": place.district,
            "street": place.street,
            "postalCode": place.postal_code,
            "houseNumber": place.house_number,
        },
        "position": {"lat": place.lat, "lng": place.lon},
        "categories": [{"id": "600-6300-0066", "name": place.category, "primary": True}],
    }
    if center is not None:
        item["distance"] = round(distance_m(center[0], center[1], place.lat, place.lon))
    contacts: dict[str, Any] = {}
    if place.phone:
        contacts["phone"] = [{"value": place.phone}]
    if place.www:
        contacts["www"] = [{"value": place.www}]
    if contacts:
        item["contacts"] = [contacts]
    if place.hours is not None:
        item["openingHours"] = [_opening_hours(place)]
    return item


def _opening_hours(place: HerePlace) -> dict[str, Any]:
    assert place.hours is not None
    structured: list[dict[str, str]] = []
    text: list[str] = []
    for day, spans in enumerate(place.hours.days()):
        for span in spans:
            length = (span.end - span.start) % 1440 or 1440
            structured.append(
                {
                    "start": f"T{span.start // 60:02d}{span.start % 60:02d}00",
                    "duration": f"PT{length // 60:02d}H{length % 60:02d}M",
                    "recurrence": f"FREQ:DAILY;BYDAY:{DAYS[day]}",
                }
            )
            end = span.end % 1440
            opens = f"{span.start // 60:02d}:{span.start % 60:02d}"
            text.append(f"{DAY_TEXT[day]}: {opens} - {end // 60:02d}:{end % 60:02d}")
    return {"text": text, "isOpen": False, "structured": structured}


def emulation(world: World) -> Emulation:
    service = Here(world)
    app = Starlette(
        routes=[
            Route("/v1/discover", service.discover, methods=["GET"]),
            Route("/v1/lookup", service.lookup, methods=["GET"]),
        ]
    )
    return Emulation(name="here", hosts=(DISCOVER_HOST, LOOKUP_HOST), app=app)
