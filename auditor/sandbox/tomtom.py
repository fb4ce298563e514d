"""TomTom Search API (api.tomtom.com/search/2): POI Search.

Emulated on purpose: the key as a `key` query parameter (missing or not `sandbox-`: 403 with TomTom's
`{"errorText", "detailedError": {"code", "message"}, "httpStatusCode"}`); the query in the path
(`/poiSearch/{query}.json`); `lat`/`lon` with `radius` restricting and sorting by distance; results with
`poi` {name, phone, url (often without a scheme), categories, openingHours}, `address` with `streetNumber`,
`streetName`, `municipality`, `postalCode`, `countryCode`, `freeformAddress`, and `position` {lat, lon}.
Opening hours only with `openingHours=nextSevenDays`, as dated time ranges for the seven days from today.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from auditor.sandbox.emulation import Emulation, JSONBody, int_param, is_sandbox_key
from auditor.sandbox.relevance import Query, Scored, Where, distance_m, place_score, ranked
from auditor.sandbox.world import TomtomPoi, World

HOST = "api.tomtom.com"
MAX_LIMIT = 100


def _error(status: int, code: str, message: str) -> Response:
    body = {
        "errorText": message,
        "detailedError": {"code": code, "message": message},
        "httpStatusCode": status,
    }
    return JSONBody(body, status_code=status)


class Tomtom:
    def __init__(self, world: World) -> None:
        self.pois = world.tomtom_pois

    async def poi_search(self, request: Request) -> Response:
        if not is_sandbox_key(request.query_params.get("key")):
            return _error(403, "Forbidden", "You are not allowed to access this endpoint")
        return self.answer(request, request.path_params["query"]) or _error(
            400, "BadRequest", "Invalid value for limit or radius"
        )

    def answer(self, request: Request, text: str) -> Response | None:
        """The search results for `text` (None: a bad limit or radius, which each API words its own way).
        Azure Maps' Search v1 answers from the same TomTom data in the same shape."""
        limit = int_param(request, "limit", 10)
        radius = int_param(request, "radius", 0)
        if limit is None or not 1 <= limit <= MAX_LIMIT or radius is None or radius < 0:
            return None
        try:
            center = (float(request.query_params["lat"]), float(request.query_params["lon"]))
        except (KeyError, ValueError):
            center = None
        query = Query.of(text)
        hits: list[Scored[TomtomPoi]] = []
        for poi in self.pois:
            where = Where(poi.street_number, poi.street_name, poi.municipality, poi.postal_code)
            score = place_score(query, poi.name, where)
            distance = distance_m(center[0], center[1], poi.lat, poi.lon) if center else None
            if score is None or (radius and distance is not None and distance > radius):
                continue
            hits.append(Scored(poi, score, distance, poi.id))
        with_hours = request.query_params.get("openingHours") == "nextSevenDays"
        results = [_result(hit, with_hours) for hit in ranked(hits)][:limit]
        summary = {"query": text, "queryType": "NON_NEAR", "numResults": len(results),
                   "offset": 0, "totalResults": len(hits), "fuzzyLevel": 1}  # fmt: skip
        return JSONBody({"summary": summary, "results": results})


def _result(hit: Scored[TomtomPoi], with_hours: bool) -> dict[str, Any]:
    poi = hit.item
    body: dict[str, Any] = {"name": poi.name, "categories": list(poi.categories)}
    if poi.phone:
        body["phone"] = poi.phone
    if poi.url:
        body["url"] = poi.url
    if with_hours and poi.hours is not None:
        body["openingHours"] = _next_seven_days(poi)
    result: dict[str, Any] = {
        "type": "POI",
        "id": poi.id,
        "score": round(hit.score, 4),
        "poi": body,
        "address": {
            "streetNumber": poi.street_number,
            "streetName": poi.street_name,
            "municipality": poi.municipality,
            "postalCode": poi.postal_code,
            "countryCode": poi.country_code,
            "country": poi.country,
            "freeformAddress": f"{poi.street_number} {poi.street_name}, {poi.postal_code} {poi.municipality}",
        },
        "position": {"lat": poi.lat, "lon": poi.lon},
    }
    if hit.distance is not None:
        result["dist"] = round(hit.distance, 1)
    return result


def _next_seven_days(poi: TomtomPoi) -> dict[str, Any]:
    assert poi.hours is not None
    today = datetime.now(UTC).date()
    ranges = []
    days = poi.hours.days()
    for offset in range(7):
        day = today + timedelta(days=offset)
        for span in days[day.weekday()]:
            end_day = day if span.end > span.start else day + timedelta(days=1)
            ranges.append(
                {"startTime": _moment(day, span.start), "endTime": _moment(end_day, span.end % 1440)}
            )
    return {"mode": "nextSevenDays", "timeRanges": ranges}


def _moment(day: date, minutes: int) -> dict[str, Any]:
    return {"date": day.isoformat(), "hour": minutes // 60, "minute": minutes % 60}


def emulation(world: World) -> Emulation:
    service = Tomtom(world)
    app = Starlette(routes=[Route("/search/2/poiSearch/{query}.json", service.poi_search, methods=["GET"])])
    return Emulation(name="tomtom", hosts=(HOST,), app=app)
