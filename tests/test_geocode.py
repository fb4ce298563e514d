"""auditor.geocode: geopy's Nominatim and BAN geocoders on our HttpClient, served real-shaped payloads by a
loopback server reached through the client's sandbox routing (the Host header says which service)."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from geopy.exc import (
    GeocoderAuthenticationFailure,
    GeocoderInsufficientPrivileges,
    GeocoderParseError,
    GeocoderQueryError,
    GeocoderRateLimited,
    GeocoderServiceError,
    GeocoderTimedOut,
    GeocoderUnavailable,
)

from auditor.config import GeocoderSettings
from auditor.geocode import GeocodeError, HttpClientAdapter, geocode_address
from auditor.http import HostLimit, HttpClient, HttpSettings
from auditor.models import Address

USER_AGENT = "solomo-auditor/0.1.0 (+https://github.com/solomo-auditor/solomo-auditor)"
SETTINGS = HttpSettings(
    user_agent="overridden-by-geopy", backoff_base=0.01, backoff_max=0.02, read_timeout=2.0, max_retries=0
)

BAKERY_DISPLAY_NAME = (
    "Boulangerie Dupont, 12, Rue de la République, Cordeliers, Lyon 2e Arrondissement, "
    "Lyon, Métropole de Lyon, Rhône, Auvergne-Rhône-Alpes, France métropolitaine, 69002, France"
)

# A Nominatim /search?format=json&addressdetails=1 answer as the public instance gives it.
NOMINATIM_BAKERY = [
    {
        "place_id": 96517153,
        "licence": "Data © OpenStreetMap contributors, ODbL 1.0. http://osm.org/copyright",
        "osm_type": "node",
        "osm_id": 4395716894,
        "lat": "45.7640430",
        "lon": "4.8356590",
        "class": "shop",
        "type": "bakery",
        "place_rank": 30,
        "importance": 0.00000999999999995449,
        "addresstype": "shop",
        "name": "Boulangerie Dupont",
        "display_name": BAKERY_DISPLAY_NAME,
        "address": {
            "shop": "Boulangerie Dupont",
            "house_number": "12",
            "road": "Rue de la République",
            "neighbourhood": "Cordeliers",
            "suburb": "Lyon 2e Arrondissement",
            "city": "Lyon",
            "municipality": "Lyon",
            "county": "Métropole de Lyon",
            "ISO3166-2-lvl6": "FR-69M",
            "state": "Auvergne-Rhône-Alpes",
            "ISO3166-2-lvl4": "FR-ARA",
            "region": "France métropolitaine",
            "postcode": "69002",
            "country": "France",
            "country_code": "fr",
        },
        "boundingbox": ["45.7639930", "45.7640930", "4.8356090", "4.8357090"],
    }
]

NOMINATIM_VILLAGE = [
    {
        "place_id": 1,
        "licence": "Data © OpenStreetMap contributors, ODbL 1.0. http://osm.org/copyright",
        "osm_type": "way",
        "osm_id": 2,
        "lat": "50.4541",
        "lon": "3.9523",
        "class": "highway",
        "type": "residential",
        "display_name": "Rue du Moulin, Havré, Mons, Hainaut, Wallonie, 7021, België / Belgique / Belgien",
        "address": {
            "road": "Rue du Moulin",
            "village": "Havré",
            "town": None,
            "postcode": "7021",
            "country": "België / Belgique / Belgien",
            "country_code": "be",
        },
        "boundingbox": ["50.45", "50.46", "3.95", "3.96"],
    }
]

# A Géoplateforme /geocodage/search answer (the BAN index): GeoJSON, coordinates [lon, lat].
BAN_HOUSENUMBER = {
    "type": "FeatureCollection",
    "features": [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [2.290084, 49.897443]},
            "properties": {
                "label": "8 Boulevard du Port 80000 Amiens",
                "score": 0.9615,
                "housenumber": "8",
                "id": "80021_6590_00008",
                "banId": "44a28b5e-7d44-4c53-9ab4-6cd1d30a2c3e",
                "name": "8 Boulevard du Port",
                "postcode": "80000",
                "citycode": "80021",
                "x": 648952.58,
                "y": 6977867.25,
                "city": "Amiens",
                "context": "80, Somme, Hauts-de-France",
                "type": "housenumber",
                "importance": 0.6747,
                "street": "Boulevard du Port",
                "_type": "address",
            },
        }
    ],
    "query": "8 bd du port amiens",
}

BAN_STREET = {
    "type": "FeatureCollection",
    "features": [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [2.3522, 48.8566]},
            "properties": {
                "label": "Rue de Rivoli 75001 Paris",
                "score": 0.88,
                "id": "75101_8244",
                "name": "Rue de Rivoli",
                "postcode": "75001",
                "citycode": "75101",
                "city": "Paris",
                "context": "75, Paris, Île-de-France",
                "type": "street",
                "importance": 0.8,
                "_type": "address",
            },
        }
    ],
    "query": "rue de rivoli paris",
}


@dataclass(frozen=True)
class Answer:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0


@dataclass(frozen=True)
class Asked:
    host: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    at: float


def json_answer(payload: Any, status: int = 200) -> Answer:
    return Answer(status, json.dumps(payload).encode(), {"Content-Type": "application/json; charset=utf-8"})


class GeocoderServer:
    """Stands in for the sandbox: answers by a function of (Host, path, query) and records each request."""

    def __init__(self) -> None:
        self.asked: list[Asked] = []
        self.answer: Callable[[Asked], Answer] = lambda asked: Answer(404)
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True

            def do_GET(self) -> None:
                split = urlsplit(self.path)
                asked = Asked(
                    host=self.headers.get("Host", ""),
                    path=split.path,
                    query=parse_qs(split.query),
                    headers={name.lower(): value for name, value in self.headers.items()},
                    at=time.monotonic(),
                )
                server.asked.append(asked)
                answer = server.answer(asked)
                if answer.delay:
                    time.sleep(answer.delay)
                try:
                    self.send_response(answer.status)
                    for name, value in answer.headers.items():
                        self.send_header(name, value)
                    self.send_header("Content-Length", str(len(answer.body)))
                    self.end_headers()
                    self.wfile.write(answer.body)
                except OSError:
                    self.close_connection = True

            def log_message(self, format: str, *args: Any) -> None:
                pass

        class QuietServer(ThreadingHTTPServer):
            daemon_threads = True

            def handle_error(self, request: Any, client_address: Any) -> None:
                pass

        self._httpd = QuietServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._httpd.serve_forever, args=(0.02,), daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._httpd.server_address[1]}"

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()


@pytest.fixture
def geoserver() -> Iterator[GeocoderServer]:
    running = GeocoderServer()
    running.start()
    yield running
    running.stop()


def serve_by_service(nominatim: Answer, ban: Answer) -> Callable[[Asked], Answer]:
    def answer(asked: Asked) -> Answer:
        if asked.host == "nominatim.openstreetmap.org" and asked.path == "/search":
            return nominatim
        if asked.host == "data.geopf.fr" and asked.path == "/geocodage/search":
            return ban
        return Answer(404, b"unknown")

    return answer


async def test_nominatim_result_becomes_a_split_address(geoserver: GeocoderServer) -> None:
    geoserver.answer = serve_by_service(json_answer(NOMINATIM_BAKERY), json_answer({}))
    async with HttpClient(SETTINGS, sandbox=geoserver.url) as http:
        address = await geocode_address(
            http, GeocoderSettings(), "12 rue de la République, 69002 Lyon", "FR", USER_AGENT
        )
    assert address == Address(
        formatted=BAKERY_DISPLAY_NAME,
        house_number="12",
        street="Rue de la République",
        postcode="69002",
        city="Lyon",
        country_code="FR",
        lat=45.7640430,
        lon=4.8356590,
        geocoder="nominatim",
    )
    [asked] = geoserver.asked
    assert asked.headers["x-forwarded-proto"] == "https"
    assert asked.headers["user-agent"] == USER_AGENT  # Nominatim's policy: the application's own agent
    assert asked.query["q"] == ["12 rue de la République, 69002 Lyon"]
    assert asked.query["format"] == ["json"]
    assert asked.query["addressdetails"] == ["1"]
    assert asked.query["countrycodes"] == ["fr"]
    assert asked.query["limit"] == ["1"]


async def test_nominatim_village_and_no_country_filter(geoserver: GeocoderServer) -> None:
    geoserver.answer = serve_by_service(json_answer(NOMINATIM_VILLAGE), json_answer({}))
    async with HttpClient(SETTINGS, sandbox=geoserver.url) as http:
        address = await geocode_address(http, GeocoderSettings(), "rue du Moulin, Havré", None, USER_AGENT)
    assert address is not None
    assert (address.street, address.city, address.house_number, address.country_code) == (
        "Rue du Moulin",
        "Havré",
        None,
        "BE",
    )
    assert "countrycodes" not in geoserver.asked[0].query


async def test_nominatim_custom_domain(geoserver: GeocoderServer) -> None:
    geoserver.answer = lambda asked: (
        json_answer(NOMINATIM_BAKERY) if asked.host == "nominatim.example.test" else Answer(404)
    )
    settings = GeocoderSettings(nominatim_domain="nominatim.example.test")
    async with HttpClient(SETTINGS, sandbox=geoserver.url) as http:
        address = await geocode_address(http, settings, "Boulangerie Dupont Lyon", "FR", USER_AGENT)
    assert address is not None and address.city == "Lyon"


async def test_nominatim_nothing_found_is_none(geoserver: GeocoderServer) -> None:
    geoserver.answer = serve_by_service(json_answer([]), json_answer({}))
    async with HttpClient(SETTINGS, sandbox=geoserver.url) as http:
        assert await geocode_address(http, GeocoderSettings(), "nowhere at all", "FR", USER_AGENT) is None


async def test_ban_housenumber_result(geoserver: GeocoderServer) -> None:
    geoserver.answer = serve_by_service(json_answer([]), json_answer(BAN_HOUSENUMBER))
    async with HttpClient(SETTINGS, sandbox=geoserver.url) as http:
        address = await geocode_address(
            http, GeocoderSettings(name="ban"), "8 bd du port amiens", "FR", USER_AGENT
        )
    assert address == Address(
        formatted="8 Boulevard du Port 80000 Amiens",
        house_number="8",
        street="Boulevard du Port",
        postcode="80000",
        city="Amiens",
        country_code="FR",
        lat=49.897443,
        lon=2.290084,
        geocoder="ban",
    )
    [asked] = geoserver.asked
    assert (asked.host, asked.path, asked.query["q"]) == (
        "data.geopf.fr",
        "/geocodage/search",
        ["8 bd du port amiens"],
    )


async def test_ban_street_result_takes_the_street_from_name(geoserver: GeocoderServer) -> None:
    geoserver.answer = serve_by_service(json_answer([]), json_answer(BAN_STREET))
    async with HttpClient(SETTINGS, sandbox=geoserver.url) as http:
        address = await geocode_address(
            http, GeocoderSettings(name="ban"), "rue de rivoli paris", None, USER_AGENT
        )
    assert address is not None
    assert (address.street, address.house_number, address.city) == ("Rue de Rivoli", None, "Paris")


async def test_ban_nothing_found_and_other_countries(geoserver: GeocoderServer) -> None:
    empty = {"type": "FeatureCollection", "features": [], "query": "zzz"}
    geoserver.answer = serve_by_service(json_answer([]), json_answer(empty))
    async with HttpClient(SETTINGS, sandbox=geoserver.url) as http:
        assert await geocode_address(http, GeocoderSettings(name="ban"), "zzz", "FR", USER_AGENT) is None
        assert (
            await geocode_address(http, GeocoderSettings(name="ban"), "Grand-Place 1", "BE", USER_AGENT)
            is None
        )
    assert len(geoserver.asked) == 1  # BAN was not asked about Belgium


async def test_unknown_geocoder_name_is_a_configuration_error(geoserver: GeocoderServer) -> None:
    async with HttpClient(SETTINGS, sandbox=geoserver.url) as http:
        with pytest.raises(ValueError, match="unknown geocoder"):
            await geocode_address(http, GeocoderSettings(name="google"), "x", None, USER_AGENT)


async def test_our_per_host_rate_limit_applies_to_geocoding(geoserver: GeocoderServer) -> None:
    geoserver.answer = serve_by_service(json_answer(NOMINATIM_BAKERY), json_answer({}))
    limited = HttpSettings(
        user_agent=USER_AGENT, max_retries=0, hosts={"nominatim.openstreetmap.org": HostLimit(rate=2.0)}
    )
    async with HttpClient(limited, sandbox=geoserver.url) as http:
        for query in ("first", "second"):
            await geocode_address(http, GeocoderSettings(), query, "FR", USER_AGENT)
    first, second = geoserver.asked
    # 2 req/s spaces sends 0.5 s apart; arrivals are timed at the server, so allow for connection jitter.
    assert second.at - first.at >= 0.4


@pytest.mark.parametrize(
    ("answer", "geopy_error", "reason"),
    [
        (Answer(429, b"Too Many Requests", {"Retry-After": "120"}), GeocoderRateLimited, "rate_limited"),
        (Answer(401, b'{"error": "unauthorized"}'), GeocoderAuthenticationFailure, "auth_failed"),
        (Answer(403, b"<html>Access blocked</html>"), GeocoderInsufficientPrivileges, "auth_failed"),
        (Answer(400, b'{"error": "Nothing to search for."}'), GeocoderQueryError, "query_error"),
        (Answer(500, b"Internal Server Error"), GeocoderServiceError, "server_error"),
        (Answer(200, b"<html>not json</html>"), GeocoderParseError, "bad_response"),
        (Answer(200, b"[]", delay=0.6), GeocoderTimedOut, "timeout"),
        (Answer(502, b"unknown host", {"X-Sandbox": "unknown-host"}), GeocoderUnavailable, "unavailable"),
    ],
)
async def test_failures_map_to_geopy_errors_and_reasons(
    geoserver: GeocoderServer, answer: Answer, geopy_error: type[Exception], reason: str
) -> None:
    geoserver.answer = lambda asked: answer
    quick = HttpSettings(user_agent=USER_AGENT, read_timeout=0.3, max_retries=0, retry_after_cap=5.0)
    async with HttpClient(quick, sandbox=geoserver.url) as http:
        adapter = HttpClientAdapter(http)
        with pytest.raises(geopy_error) as caught:
            await adapter.get_json("https://nominatim.openstreetmap.org/search?q=x", timeout=1, headers={})
        with pytest.raises(GeocodeError) as failed:
            await geocode_address(http, GeocoderSettings(), "x", None, USER_AGENT)
    assert type(caught.value) is geopy_error
    assert failed.value.reason == reason
    if geopy_error is GeocoderRateLimited:
        assert getattr(caught.value, "retry_after", None) == 120


async def test_get_text_returns_the_body(geoserver: GeocoderServer) -> None:
    geoserver.answer = lambda asked: Answer(
        200, "Élysée".encode(), {"Content-Type": "text/plain; charset=utf-8"}
    )
    async with HttpClient(SETTINGS, sandbox=geoserver.url) as http:
        text = await HttpClientAdapter(http).get_text(
            "https://example.test/", timeout=1, headers={"X-A": "b"}
        )
    assert text == "Élysée"
    assert geoserver.asked[0].headers["x-a"] == "b"
