"""Apple Maps Server API (maps-api.apple.com): the token exchange and Search.

Emulated on purpose: `GET /v1/token` takes the developer's Maps token (a JWT signed with the MapKit key) as
`Authorization: Bearer` and returns a short-lived `accessToken` (`expiresInSeconds` 1800); `/v1/search`
takes only such an access token (the Maps JWT itself is refused), `q` required, `searchLocation` "lat,lon"
sorting by distance. Errors: 401 `{"error": {"message": "Not Authorized", "details": []}}`, 400 for a
missing `q`. Results carry a name, a coordinate and the address, never a phone or a website, as Apple's do.
"""

from __future__ import annotations

import secrets
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from auditor.sandbox.emulation import Emulation, JSONBody, bearer_token, float_pair, is_sandbox_key
from auditor.sandbox.relevance import Query, Scored, Where, distance_m, place_score, ranked
from auditor.sandbox.world import ApplePlace, World

HOST = "maps-api.apple.com"
ACCESS_PREFIX = "sandbox-access-"


def _error(status: int, message: str) -> Response:
    return JSONBody({"error": {"message": message, "details": []}}, status_code=status)


class AppleMaps:
    def __init__(self, world: World) -> None:
        self.places = world.apple_places
        self.issued: set[str] = set()

    async def token(self, request: Request) -> Response:
        maps_token = bearer_token(request)
        if not is_sandbox_key(maps_token) or (maps_token or "").startswith(ACCESS_PREFIX):
            return _error(401, "Not Authorized")
        access = ACCESS_PREFIX + secrets.token_hex(8)
        self.issued.add(access)
        return JSONBody({"accessToken": access, "expiresInSeconds": 1800})

    async def search(self, request: Request) -> Response:
        if bearer_token(request) not in self.issued:
            return _error(401, "Not Authorized")
        text = request.query_params.get("q", "").strip()
        if not text:
            return _error(400, "Missing required parameter: q")
        center = float_pair(request.query_params.get("searchLocation"))
        query = Query.of(text)
        hits: list[Scored[ApplePlace]] = []
        for place in self.places:
            where = Where(place.sub_thoroughfare, place.thoroughfare, place.locality, place.post_code)
            score = place_score(query, place.name, where)
            if score is not None:
                distance = distance_m(center[0], center[1], place.lat, place.lon) if center else None
                hits.append(Scored(place, score, distance, place.id))
        return JSONBody({"results": [_result(hit.item) for hit in ranked(hits)]})


def _result(place: ApplePlace) -> dict[str, Any]:
    return {
        "id": place.id,
        "name": place.name,
        "coordinate": {"latitude": place.lat, "longitude": place.lon},
        "formattedAddressLines": [
            f"{place.sub_thoroughfare} {place.thoroughfare}",
            f"{place.post_code} {place.locality}",
            place.country,
        ],
        "structuredAddress": {
            "administrativeArea": place.administrative_area,
            "locality": place.locality,
            "postCode": place.post_code,
            "thoroughfare": place.thoroughfare,
            "subThoroughfare": place.sub_thoroughfare,
            "fullThoroughfare": f"{place.sub_thoroughfare} {place.thoroughfare}",
        },
        "country": place.country,
        "countryCode": place.country_code,
        "poiCategory": place.category,
    }


def emulation(world: World) -> Emulation:
    service = AppleMaps(world)
    app = Starlette(
        routes=[
            Route("/v1/token", service.token, methods=["GET"]),
            Route("/v1/search", service.search, methods=["GET"]),
        ]
    )
    return Emulation(name="apple_maps", hosts=(HOST,), app=app)
