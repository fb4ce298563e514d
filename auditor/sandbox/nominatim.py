"""Nominatim (nominatim.openstreetmap.org): /search, /reverse and /status as the public server answers them.

Faithful where clients trip: lat/lon, boundingbox and (in json) ids are the types the real server sends
(coordinates as strings), results are a JSON array (empty when nothing matches), a request without a
User-Agent or with a stock library one is refused with the policy's 403, and a missing `format` means
jsonv2 as on the current server. Search follows `relevance.py`, which is more lenient than Nominatim's
all-terms-must-match search: a POI's name plus its address in `q` still finds it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from auditor.sandbox.emulation import Emulation, JSONBody, flag, int_param
from auditor.sandbox.relevance import Query, Scored, Where, address_score, distance_m, place_score, ranked
from auditor.sandbox.world import AddressPoint, OsmPoi, World

HOST = "nominatim.openstreetmap.org"
LICENCE = "Data © OpenStreetMap contributors, ODbL 1.0. http://osm.org/copyright"
FORMATS = ("xml", "json", "jsonv2", "geojson", "geocodejson")
SERVED_FORMATS = ("json", "jsonv2", "geojson")
DEFAULT_LIMIT = 10
MAX_LIMIT = 40
REVERSE_RADIUS_M = 100.0
STRUCTURED_PARAMS = ("amenity", "street", "city", "county", "state", "country", "postalcode")
STOCK_USER_AGENTS = (
    "python-requests",
    "python-urllib",
    "python-httpx",
    "aiohttp",
    "go-http-client",
    "java/",
    "okhttp",
)
BLOCKED_TEXT = (
    "Access blocked\n\n"
    "You have been blocked because you have violated the usage policy of OSM's Nominatim geocoding "
    "service. Please be aware that OSM's resources are limited and shared between many users. The usage "
    "policy is there to ensure that the service remains usable for everybody.\n\n"
    "Please review the terms at https://operations.osmfoundation.org/policies/nominatim/ and make sure "
    "that your use is in line with them: identify your application with a valid HTTP User-Agent or "
    "Referer.\n"
)


@dataclass(frozen=True)
class Entry:
    """One searchable object, a POI or a house, in the fields Nominatim's output is made of."""

    place_id: int
    osm_type: str
    osm_id: int
    lat: float
    lon: float
    category: str
    type: str
    addresstype: str
    name: str
    address: dict[str, str]
    importance: float
    extratags: dict[str, str] = field(default_factory=dict)
    namedetails: dict[str, str] = field(default_factory=dict)
    place_rank: int = 30

    @property
    def country_code(self) -> str:
        return self.address.get("country_code", "")

    @property
    def where(self) -> Where:
        return Where(
            house_number=self.address.get("house_number"),
            street=self.address.get("road"),
            city=self.address.get("city") or self.address.get("town") or self.address.get("village"),
            postcode=self.address.get("postcode"),
        )

    @property
    def display_name(self) -> str:
        parts = [
            value
            for key, value in self.address.items()
            if not key.startswith("ISO3166") and key != "country_code"
        ]
        return ", ".join(parts)


def _poi_entry(poi: OsmPoi) -> Entry:
    address = {poi.category: poi.name, **poi.address}
    return Entry(
        place_id=poi.place_id,
        osm_type=poi.osm_type,
        osm_id=poi.osm_id,
        lat=poi.lat,
        lon=poi.lon,
        category=poi.category,
        type=poi.type,
        addresstype=poi.category,
        name=poi.name,
        address=address,
        importance=poi.importance,
        extratags=dict(poi.extratags),
        namedetails=dict(poi.namedetails),
    )


def _house_entry(point: AddressPoint) -> Entry:
    candidates = {
        "house_number": point.house_number,
        "road": point.street,
        "suburb": point.suburb,
        "city_district": point.district,
        "city": point.city,
        "county": point.county,
        "state": point.state,
        "postcode": point.postcode,
        "country": point.country,
        "country_code": point.country_code.lower(),
    }
    address = {key: value for key, value in candidates.items() if value}
    return Entry(
        place_id=point.place_id,
        osm_type="way",
        osm_id=point.osm_id,
        lat=point.lat,
        lon=point.lon,
        category="place",
        type="house",
        addresstype="place",
        name="",
        address=address,
        importance=0.00000999999999995449,
    )


def _coord(value: float) -> str:
    return f"{value:.7f}"


def _bbox(entry: Entry) -> list[str]:
    delta = 0.0001
    return [
        _coord(entry.lat - delta),
        _coord(entry.lat + delta),
        _coord(entry.lon - delta),
        _coord(entry.lon + delta),
    ]


@dataclass(frozen=True)
class Output:
    fmt: str
    addressdetails: bool
    extratags: bool
    namedetails: bool


def _place_json(entry: Entry, out: Output) -> dict[str, Any]:
    place: dict[str, Any] = {
        "place_id": entry.place_id,
        "licence": LICENCE,
        "osm_type": entry.osm_type,
        "osm_id": entry.osm_id,
        "lat": _coord(entry.lat),
        "lon": _coord(entry.lon),
    }
    if out.fmt == "jsonv2":
        place.update(category=entry.category, type=entry.type, place_rank=entry.place_rank)
    else:
        place.update({"class": entry.category, "type": entry.type})
    place.update(
        importance=entry.importance,
        addresstype=entry.addresstype,
        name=entry.name,
        display_name=entry.display_name,
    )
    _add_details(place, entry, out)
    place["boundingbox"] = _bbox(entry)
    return place


def _add_details(target: dict[str, Any], entry: Entry, out: Output) -> None:
    if out.addressdetails:
        target["address"] = dict(entry.address)
    if out.extratags:
        target["extratags"] = dict(entry.extratags)
    if out.namedetails:
        target["namedetails"] = dict(entry.namedetails)


def _geojson(entries: list[Entry], out: Output) -> dict[str, Any]:
    features = []
    for entry in entries:
        properties: dict[str, Any] = {
            "place_id": entry.place_id,
            "osm_type": entry.osm_type,
            "osm_id": entry.osm_id,
            "place_rank": entry.place_rank,
            "category": entry.category,
            "type": entry.type,
            "importance": entry.importance,
            "addresstype": entry.addresstype,
            "name": entry.name,
            "display_name": entry.display_name,
        }
        _add_details(properties, entry, out)
        features.append(
            {
                "type": "Feature",
                "properties": properties,
                "bbox": [entry.lon - 0.0001, entry.lat - 0.0001, entry.lon + 0.0001, entry.lat + 0.0001],
                "geometry": {"type": "Point", "coordinates": [entry.lon, entry.lat]},
            }
        )
    return {"type": "FeatureCollection", "licence": LICENCE, "features": features}


def _error(message: str, status: int = 400) -> Response:
    return JSONBody({"error": {"code": status, "message": message}}, status_code=status)


def _blocked(request: Request) -> bool:
    agent = request.headers.get("user-agent", "").strip().lower()
    if not agent:
        return not request.headers.get("referer")
    return agent.startswith(STOCK_USER_AGENTS)


def _output(request: Request, default_details: bool) -> Output | Response:
    fmt = request.query_params.get("format", "jsonv2").strip().lower() or "jsonv2"
    if fmt not in FORMATS:
        return _error(f"Parameter 'format' must be one of: {', '.join(FORMATS)}")
    if fmt not in SERVED_FORMATS:
        return _error(f"The sandbox does not emulate format '{fmt}'; use one of: {', '.join(SERVED_FORMATS)}")
    details = flag(request, "addressdetails") if "addressdetails" in request.query_params else default_details
    return Output(fmt, details, flag(request, "extratags"), flag(request, "namedetails"))


class Nominatim:
    def __init__(self, world: World) -> None:
        self.entries = [_poi_entry(poi) for poi in world.osm_pois] + [
            _house_entry(a) for a in world.addresses
        ]

    async def search(self, request: Request) -> Response:
        if _blocked(request):
            return PlainTextResponse(BLOCKED_TEXT, status_code=403)
        out = _output(request, default_details=False)
        if isinstance(out, Response):
            return out
        params = request.query_params
        structured = [params[name] for name in STRUCTURED_PARAMS if params.get(name)]
        free_text = params.get("q", "").strip()
        if free_text and structured:
            return _error(
                "Structured query parameters(amenity, street, city, county, state, postalcode, country) "
                "cannot be used together with 'q' parameter."
            )
        limit = int_param(request, "limit", DEFAULT_LIMIT)
        if limit is None:
            return _error("Parameter 'limit' must be a number.")
        countries = {c.strip().lower() for c in params.get("countrycodes", "").split(",") if c.strip()}
        query = Query.of(free_text, *structured)
        hits = [
            hit
            for entry in self.entries
            if (not countries or entry.country_code in countries)
            and (hit := self._score(entry, query, bool(structured) and not params.get("amenity")))
        ]
        found = [hit.item for hit in ranked(hits)][: max(1, min(limit, MAX_LIMIT))]
        if out.fmt == "geojson":
            return JSONBody(_geojson(found, out))
        return JSONBody([_place_json(entry, out) for entry in found])

    @staticmethod
    def _score(entry: Entry, query: Query, addresses_only: bool) -> Scored[Entry] | None:
        if not query:
            return None
        if entry.name:
            score = None if addresses_only else place_score(query, entry.name, entry.where)
        else:
            score = address_score(query, entry.where)
        return None if score is None else Scored(entry, score, None, f"{entry.place_id:012d}")

    async def reverse(self, request: Request) -> Response:
        if _blocked(request):
            return PlainTextResponse(BLOCKED_TEXT, status_code=403)
        out = _output(request, default_details=True)
        if isinstance(out, Response):
            return out
        try:
            lat, lon = float(request.query_params["lat"]), float(request.query_params["lon"])
        except (KeyError, ValueError):
            return _error("Need coordinates or OSM object to lookup.")
        nearest = sorted(
            ((distance_m(lat, lon, e.lat, e.lon), e.place_id, e) for e in self.entries),
            key=lambda item: (item[0], item[1]),
        )
        if not nearest or nearest[0][0] > REVERSE_RADIUS_M:
            return JSONBody({"error": "Unable to geocode"})
        entry = nearest[0][2]
        if out.fmt == "geojson":
            return JSONBody(_geojson([entry], out))
        return JSONBody(_place_json(entry, out))

    async def status(self, request: Request) -> Response:
        if request.query_params.get("format") == "json":
            return JSONBody({"status": 0, "message": "OK", "software_version": "sandbox"})
        return PlainTextResponse("OK")


def emulation(world: World) -> Emulation:
    service = Nominatim(world)
    app = Starlette(
        routes=[
            Route("/search", service.search, methods=["GET"]),
            Route("/reverse", service.reverse, methods=["GET"]),
            Route("/status", service.status, methods=["GET"]),
        ]
    )
    return Emulation(name="nominatim", hosts=(HOST,), app=app)
