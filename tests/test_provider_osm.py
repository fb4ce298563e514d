"""OpenStreetMap (Nominatim) provider: parsing payloads in the documented jsonv2 shape, `search` on HTTP.

The HTTP tests run a threaded stdlib server on loopback and route the project's HttpClient to it with
`sandbox=`; routing keeps the original Host header, so the tests see exactly what Nominatim would receive.
"""

from __future__ import annotations

import copy
import json
import socket
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest

from auditor.plugins import load_providers
from providers.base import ProviderContext, ProviderError, SearchQuery
from providers.osm import OsmProvider, first_of_list, parse_search
from tests.loopback import Answer, Loopback, Reply, Request, sandboxed_client

PAYLOADS = Path(__file__).parent / "payloads"


def payload(name: str) -> Any:
    return json.loads((PAYLOADS / name).read_text(encoding="utf-8"))


# --- parsing ---------------------------------------------------------------------------------------------


def test_only_named_points_of_interest_are_kept_in_nominatim_order() -> None:
    candidates = parse_search(payload("nominatim_search_mixed.json"))
    # The street, the bare house address and the city boundary are not listings.
    assert [c.listing_id for c in candidates] == ["node/4417650841", "node/1229843357"]


def test_a_shop_without_a_name_is_not_a_listing() -> None:
    results = payload("nominatim_search_mixed.json")
    unnamed = copy.deepcopy(results[0])
    unnamed["name"] = ""
    unnamed["namedetails"] = {}
    assert parse_search([unnamed]) == []


def test_poi_fields_are_parsed_from_jsonv2() -> None:
    bakery = parse_search(payload("nominatim_search_mixed.json"))[0]
    assert bakery.provider == "osm"
    assert bakery.name == "Boulangerie Dupont"
    address = bakery.address
    assert address is not None
    assert (address.house_number, address.street, address.postcode, address.city) == (
        "12",
        "Rue de la Paix",
        "75002",
        "Paris",
    )
    assert address.country_code == "FR"
    assert address.formatted is None  # display_name lists every admin level: the parts speak instead
    # Nominatim sends coordinates as strings.
    assert address.lat == pytest.approx(48.8689341)
    assert address.lon == pytest.approx(2.3316725)
    assert address.geocoder is None
    assert bakery.phone == "+33 1 42 60 00 00"  # the first of the ";" list
    assert bakery.website == "https://www.boulangerie-dupont.fr/"
    assert bakery.hours_text == "Mo-Fr 07:00-19:30; Sa 07:00-13:00; PH off"
    assert bakery.hours is not None
    assert bakery.hours[0] == ((7 * 60, 19 * 60 + 30),)
    assert bakery.hours[5] == ((7 * 60, 13 * 60),)
    assert bakery.hours[6] == ()
    assert "hours_unparsed" not in bakery.extra
    assert bakery.url == "https://www.openstreetmap.org/node/4417650841"
    assert bakery.business_status == "unknown"  # OSM says nothing either way


def test_contact_tags_and_village_as_city() -> None:
    cafe = parse_search(payload("nominatim_search_mixed.json"))[1]
    assert cafe.phone == "+33 4 93 32 00 00"  # contact:phone
    assert cafe.website == "https://cafedumarche.example"  # contact:website
    assert cafe.address is not None
    assert cafe.address.city == "Saint-Paul-de-Vence"  # the village, not the municipality around it
    assert cafe.address.postcode == "06570"  # a leading zero survives


def test_unparseable_opening_hours_keep_the_text() -> None:
    cafe = parse_search(payload("nominatim_search_mixed.json"))[1]
    assert cafe.hours is None
    assert cafe.hours_text == "Apr-Sep Mo-Su 08:00-22:00; Oct-Mar Tu-Su 08:00-19:00"
    assert cafe.extra["hours_unparsed"] is True


def test_vacant_shops_and_lifecycle_prefixes_mean_closed() -> None:
    vacant, disused = parse_search(payload("nominatim_search_closed.json"))
    assert vacant.business_status == "closed_permanently"  # shop=vacant
    assert disused.business_status == "closed_permanently"  # disused:amenity=*
    assert disused.website == "http://chez-lea.example"  # the `url` tag as a last resort
    assert disused.listing_id == "way/512334987"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("+33 1 42 60 00 00;+33 6 12 34 56 78", "+33 1 42 60 00 00"),
        (" ; +33 6 12 34 56 78", "+33 6 12 34 56 78"),
        ("+33 1 42 60 00 00", "+33 1 42 60 00 00"),
        ("", None),
        (None, None),
    ],
)
def test_first_of_a_semicolon_list(raw: str | None, expected: str | None) -> None:
    assert first_of_list(raw) == expected


def test_an_error_object_is_a_bad_response() -> None:
    with pytest.raises(ProviderError) as raised:
        parse_search({"error": {"code": 400, "message": "Parameter 'q' is empty"}})
    assert raised.value.reason.startswith("bad_response")


def test_fix_url_edits_the_object_or_asks_for_a_note() -> None:
    provider = OsmProvider()
    found = parse_search(payload("nominatim_search_mixed.json"))[0]
    query = SearchQuery(name="Boulangerie Dupont", lat=48.86893, lon=2.33167)
    assert provider.fix_url(query, found) == "https://www.openstreetmap.org/edit?node=4417650841"
    assert provider.fix_url(query, None) == "https://www.openstreetmap.org/note/new?lat=48.86893&lon=2.33167"
    assert provider.fix_url(SearchQuery(name="Boulangerie Dupont"), None) == "https://www.openstreetmap.org/"


def test_registered_through_the_entry_point_like_a_third_party_plugin(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SOLOMO_LOAD_PLUGINS", "osm")
    providers = load_providers()
    assert list(providers) == ["osm"]
    osm = providers["osm"]
    assert isinstance(osm, OsmProvider)
    assert osm.key_env is None and not osm.needs_key
    assert "nominatim.openstreetmap.org" in osm.hosts


# --- search over HTTP ------------------------------------------------------------------------------------


@pytest.fixture
def loopback() -> Iterator[Callable[[Answer], Loopback]]:
    with ExitStack() as servers:
        yield lambda answer: servers.enter_context(Loopback(answer))


def json_answer(body: Any, status: int = 200) -> Reply:
    return Reply(status, json.dumps(body).encode(), {"Content-Type": "application/json; charset=utf-8"})


async def run_search(sandbox: str, query: SearchQuery, settings: dict[str, Any] | None = None) -> list[Any]:
    async with sandboxed_client(sandbox) as http:
        ctx = ProviderContext(http=http, settings=settings or {}, language="fr")
        return await OsmProvider().search(ctx, query)


DUPONT = SearchQuery(
    name="Boulangerie Dupont",
    address="12 rue de la Paix, 75002 Paris",
    city="Paris",
    postcode="75002",
    country_code="FR",
)


async def test_search_sends_the_documented_request(loopback: Callable[..., Loopback]) -> None:
    server = loopback(lambda seen: json_answer(payload("nominatim_search_mixed.json")))
    candidates = await run_search(server.url, DUPONT)
    assert [c.listing_id for c in candidates] == ["node/4417650841", "node/1229843357"]
    assert len(server.requests) == 1  # POIs on the first try: no fallback query
    request = server.requests[0]
    assert (request.method, request.host, request.path, request.proto) == (
        "GET",
        "nominatim.openstreetmap.org",
        "/search",
        "https",
    )
    assert request.params == {
        "q": "Boulangerie Dupont, 12 rue de la Paix, 75002 Paris",
        "format": "jsonv2",
        "addressdetails": "1",
        "extratags": "1",
        "namedetails": "1",
        "limit": "10",
        "countrycodes": "fr",
        "accept-language": "fr",
    }
    assert request.user_agent.startswith("solomo-auditor/")  # the usage policy wants an identifying agent


async def test_domain_limit_and_position_come_from_settings_and_query(
    loopback: Callable[..., Loopback],
) -> None:
    server = loopback(lambda seen: json_answer(payload("nominatim_search_mixed.json")))
    query = SearchQuery(name="Boulangerie Dupont", lat=48.86893, lon=2.33167)
    await run_search(server.url, query, {"domain": "nominatim.example.org", "limit": 3})
    request = server.requests[0]
    assert request.host == "nominatim.example.org"
    assert request.params["limit"] == "3"
    assert request.params["q"] == "Boulangerie Dupont"
    assert "countrycodes" not in request.params  # unknown country: no filter
    west, north, east, south = (float(v) for v in request.params["viewbox"].split(","))
    assert west < 2.33167 < east and south < 48.86893 < north
    assert "bounded" not in request.params  # the box ranks, it does not exclude


async def test_falls_back_to_name_and_city_when_the_full_address_finds_no_poi(
    loopback: Callable[..., Loopback],
) -> None:
    def answer(seen: Request) -> Reply:
        if "rue de la Paix" in seen.params["q"]:
            return json_answer(
                [r for r in payload("nominatim_search_mixed.json") if r["category"] != "shop"][:1]
            )
        return json_answer(payload("nominatim_search_mixed.json")[:1])

    server = loopback(answer)
    candidates = await run_search(server.url, DUPONT)
    assert [request.params["q"] for request in server.requests] == [
        "Boulangerie Dupont, 12 rue de la Paix, 75002 Paris",
        "Boulangerie Dupont, 75002 Paris",
    ]
    assert [c.name for c in candidates] == ["Boulangerie Dupont"]


async def test_nothing_found_is_an_empty_list(loopback: Callable[..., Loopback]) -> None:
    server = loopback(lambda seen: json_answer(payload("nominatim_search_empty.json")))
    assert await run_search(server.url, DUPONT) == []
    assert len(server.requests) == 2  # the full query, then name + city


@pytest.mark.parametrize(
    ("status", "body", "reason"),
    [
        (429, b"Too Many Requests", "rate_limited"),
        (403, b"<html>Access blocked</html>", "auth_failed"),
        (503, b"Service Unavailable", "server_error"),
        (400, b'{"error":{"code":400,"message":"Nothing to search for."}}', "bad_response"),
        (200, b"<html>not json</html>", "bad_response"),
    ],
)
async def test_http_failures_become_provider_errors(
    loopback: Callable[..., Loopback], status: int, body: bytes, reason: str
) -> None:
    server = loopback(lambda seen: Reply(status, body, {"Content-Type": "text/html"}))
    with pytest.raises(ProviderError) as raised:
        await run_search(server.url, DUPONT)
    assert raised.value.reason.split(":")[0] == reason


async def test_an_unreachable_server_is_a_provider_error() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    with pytest.raises(ProviderError) as raised:
        await run_search(f"http://127.0.0.1:{closed_port}", DUPONT)
    assert raised.value.reason.startswith("connect_error")
