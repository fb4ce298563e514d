"""Géoplateforme geocoding (BAN, data.geopf.fr/geocodage/search): French addresses only, GeoJSON out.

Coordinates are numbers, [lon, lat] as GeoJSON wants; `x`/`y` are the same point in Lambert-93 (EPSG:2154),
computed rather than stored so they always agree with the position.
"""

from __future__ import annotations

import math
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from auditor.sandbox.emulation import Emulation, JSONBody, int_param
from auditor.sandbox.relevance import Query, Scored, Where, address_score, fold, ranked
from auditor.sandbox.world import AddressPoint, World

HOST = "data.geopf.fr"
INDEXES = ("address", "poi", "parcel")
DEFAULT_LIMIT = 10
MAX_LIMIT = 50
MAX_RAW_SCORE = 1.6  # what relevance.address_score gives a perfect match

# Lambert-93: conic conformal on GRS80, standard parallels 44°N and 49°N, origin 46.5°N 3°E.
_GRS80_A = 6378137.0
_GRS80_E = 0.0818191910428158
_LAMBERT_LON0 = math.radians(3.0)
_LAMBERT_X0, _LAMBERT_Y0 = 700000.0, 6600000.0


def _lambert_t(phi: float) -> float:
    e_sin = _GRS80_E * math.sin(phi)
    ratio: float = ((1 - e_sin) / (1 + e_sin)) ** (_GRS80_E / 2)
    return math.tan(math.pi / 4 - phi / 2) / ratio


def _lambert_m(phi: float) -> float:
    return math.cos(phi) / math.sqrt(1 - (_GRS80_E * math.sin(phi)) ** 2)


_PHI1, _PHI2, _PHI0 = math.radians(44.0), math.radians(49.0), math.radians(46.5)
_N = (math.log(_lambert_m(_PHI1)) - math.log(_lambert_m(_PHI2))) / (
    math.log(_lambert_t(_PHI1)) - math.log(_lambert_t(_PHI2))
)
_F = _lambert_m(_PHI1) / (_N * _lambert_t(_PHI1) ** _N)
_RHO0 = _GRS80_A * _F * _lambert_t(_PHI0) ** _N


def lambert93(lat: float, lon: float) -> tuple[float, float]:
    rho = _GRS80_A * _F * _lambert_t(math.radians(lat)) ** _N
    theta = _N * (math.radians(lon) - _LAMBERT_LON0)
    return round(_LAMBERT_X0 + rho * math.sin(theta), 2), round(
        _LAMBERT_Y0 + _RHO0 - rho * math.cos(theta), 2
    )


def _feature(point: AddressPoint, score: float) -> dict[str, Any]:
    x, y = lambert93(point.lat, point.lon)
    name = f"{point.house_number} {point.street}"
    properties: dict[str, Any] = {
        "label": f"{name} {point.postcode} {point.city}",
        "score": score,
        "housenumber": point.house_number,
        "id": f"{point.citycode}_{point.ban_street_code or '0000'}_{int(point.house_number):05d}",
        "name": name,
        "postcode": point.postcode,
        "citycode": point.citycode,
        "x": x,
        "y": y,
        "city": point.city,
        "context": point.context,
        "type": "housenumber",
        "importance": 0.68,
        "street": point.street,
        "_type": "address",
    }
    if point.district:
        properties["district"] = point.district
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [point.lon, point.lat]},
        "properties": properties,
    }


def _error(detail: str) -> Response:
    return JSONBody({"code": 400, "message": "Failed parsing query", "detail": [detail]}, status_code=400)


class Ban:
    def __init__(self, world: World) -> None:
        self.points = [a for a in world.addresses if a.country_code == "FR" and a.citycode]

    async def search(self, request: Request) -> Response:
        params = request.query_params
        q = params.get("q", "").strip()
        if not 3 <= len(q) <= 200 or not fold(q)[:1].isalnum():
            return _error("q: must contain between 3 and 200 chars and start with a number or a letter")
        index = params.get("index", "address")
        if any(part not in INDEXES for part in index.split(",")):
            return _error(f"index: must be one of {', '.join(INDEXES)}")
        limit = int_param(request, "limit", DEFAULT_LIMIT)
        if limit is None or not 1 <= limit <= MAX_LIMIT:
            return _error(f"limit: must be an integer between 1 and {MAX_LIMIT}")
        features = self._matches(request, q)[:limit] if "address" in index.split(",") else []
        return JSONBody(
            {
                "type": "FeatureCollection",
                "version": "draft",
                "features": features,
                "attribution": "BAN",
                "licence": "ETALAB-2.0",
                "query": q,
                "limit": limit,
            }
        )

    def _matches(self, request: Request, q: str) -> list[dict[str, Any]]:
        params = request.query_params
        wanted_type = params.get("type")
        if wanted_type and wanted_type != "housenumber":
            return []
        query = Query.of(q)
        hits: list[Scored[AddressPoint]] = []
        for point in self.points:
            if params.get("postcode") and params["postcode"] != point.postcode:
                continue
            if params.get("citycode") and params["citycode"] != point.citycode:
                continue
            where = Where(point.house_number, point.street, point.city, point.postcode)
            score = address_score(query, where)
            if score is not None:
                hits.append(Scored(point, score, None, point.id))
        return [_feature(hit.item, round(min(0.99, hit.score / MAX_RAW_SCORE), 4)) for hit in ranked(hits)]


def emulation(world: World) -> Emulation:
    service = Ban(world)
    app = Starlette(routes=[Route("/geocodage/search", service.search, methods=["GET"])])
    return Emulation(name="ban", hosts=(HOST,), app=app)
