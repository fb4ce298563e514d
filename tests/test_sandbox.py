"""The sandbox, over real sockets against the server process the `sandbox` fixture starts.

Each emulation is checked where a client of the real API would break: auth errors, required headers,
field masks, value types, day numbering; then the control API: latency, faults, log, reset.
"""

from __future__ import annotations

import asyncio
import http.client
import json
import socket
import time
import urllib.error
from typing import Any
from urllib.parse import urlencode

import pytest

from tests.sandbox_control import SandboxControl, SandboxResponse

UA = {"User-Agent": "solomo-auditor-tests/1 (+https://example.invalid/tests)"}
GOOGLE = "places.googleapis.com"
YELP = "api.yelp.com"
FSQ = "places-api.foursquare.com"
NOMINATIM = "nominatim.openstreetmap.org"
DUPONT_QUERY = "Boulangerie Dupont, 12 rue de la République, 69002 Lyon"
GOOGLE_AUTH = {"X-Goog-Api-Key": "sandbox-test-google"}
YELP_AUTH = {"Authorization": "Bearer sandbox-test-yelp"}
FSQ_AUTH = {"Authorization": "Bearer sandbox-test-fsq", "X-Places-Api-Version": "2025-06-17"}


def nominatim(
    sandbox: SandboxControl, path: str, headers: dict[str, str] | None = None, **params: str
) -> SandboxResponse:
    return sandbox.request(
        "GET", NOMINATIM, f"{path}?{urlencode(params)}", headers=UA if headers is None else headers
    )


def google_search(
    sandbox: SandboxControl, body: dict[str, Any], mask: str | None = "places.displayName", **headers: str
) -> SandboxResponse:
    sent = {**GOOGLE_AUTH, **({"X-Goog-FieldMask": mask} if mask else {}), **headers}
    return sandbox.request("POST", GOOGLE, "/v1/places:searchText", headers=sent, json=body)


def yelp(
    sandbox: SandboxControl, path: str, auth: dict[str, str] | None = None, **params: str
) -> SandboxResponse:
    query = f"?{urlencode(params)}" if params else ""
    return sandbox.request(
        "GET", YELP, f"/v3/businesses/{path}{query}", headers=YELP_AUTH if auth is None else auth
    )


def fsq(
    sandbox: SandboxControl, path: str, auth: dict[str, str] | None = None, **params: str
) -> SandboxResponse:
    query = f"?{urlencode(params)}" if params else ""
    return sandbox.request("GET", FSQ, f"/places/{path}{query}", headers=FSQ_AUTH if auth is None else auth)


# --- routing and control API ----------------------------------------------------------------------


def test_unknown_host_is_a_502_marked_as_such(sandbox: SandboxControl) -> None:
    answer = sandbox.request("GET", "unknown.example.org:443", "/anything")
    assert answer.status == 502
    assert answer.headers["x-sandbox"] == "unknown-host"
    assert "unknown.example.org" in answer.text


def test_health_lists_every_emulated_host(sandbox: SandboxControl) -> None:
    hosts = set(sandbox.health()["hosts"])
    assert {NOMINATIM, "data.geopf.fr", GOOGLE, YELP, FSQ, "www.boulangerie-dupont.fr"} <= hosts


def test_log_records_each_emulated_request_with_host_and_scheme(sandbox: SandboxControl) -> None:
    big_body = {"textQuery": "x" * 5000}
    sandbox.request("GET", f"{NOMINATIM}:443", "/search?q=Lyon&format=jsonv2", headers=UA, proto="https")
    sandbox.request("POST", GOOGLE, "/v1/places:searchText", headers=GOOGLE_AUTH, json=big_body, proto="http")
    sandbox.health()  # control requests are not logged
    entries = sandbox.log()
    assert [(e["host"], e["method"], e["path"], e["forwarded_proto"]) for e in entries] == [
        (NOMINATIM, "GET", "/search", "https"),
        (GOOGLE, "POST", "/v1/places:searchText", "http"),
    ]
    assert entries[0]["query"] == "q=Lyon&format=jsonv2"
    assert entries[0]["headers"]["host"] == f"{NOMINATIM}:443"
    assert entries[0]["headers"]["user-agent"] == UA["User-Agent"]
    assert entries[1]["headers"]["x-goog-api-key"] == "sandbox-test-google"
    assert len(entries[1]["body"]) == 2048 and entries[1]["body"].startswith('{"textQuery": "xxx')


def test_latency_delays_emulated_requests_but_not_the_control_api(sandbox: SandboxControl) -> None:
    sandbox.configure(latency_ms=400)
    started = time.monotonic()
    assert sandbox.request("GET", NOMINATIM, "/status").status == 200
    delayed = time.monotonic() - started
    started = time.monotonic()
    sandbox.health()
    control = time.monotonic() - started
    assert delayed >= 0.4
    assert control < 0.3


def test_status_fault_with_retry_after_hits_times_then_stops(sandbox: SandboxControl) -> None:
    sandbox.configure(
        faults=[
            {
                "host": YELP,
                "path_prefix": "/v3/",
                "kind": "status",
                "status": 429,
                "headers": {"Retry-After": "1"},
                "body": '{"error": {"code": "TOO_MANY_REQUESTS_PER_SECOND", "description": "slow down"}}',
                "times": 2,
            }
        ]
    )
    statuses = [yelp(sandbox, "sbxDupontLyonYelp00001") for _ in range(3)]
    assert [a.status for a in statuses] == [429, 429, 200]
    assert statuses[0].headers["retry-after"] == "1"
    assert statuses[0].json()["error"]["code"] == "TOO_MANY_REQUESTS_PER_SECOND"
    assert statuses[2].json()["id"] == "sbxDupontLyonYelp00001"
    assert sandbox.request("GET", NOMINATIM, "/status").status == 200  # other hosts untouched
    assert len(sandbox.log()) == 4  # faulted requests are logged too


def test_fault_without_times_lasts_and_respects_path_prefix(sandbox: SandboxControl) -> None:
    sandbox.configure(
        faults=[{"host": GOOGLE, "path_prefix": "/v1/places/", "kind": "status", "status": 503}]
    )
    for _ in range(3):
        assert sandbox.request("GET", GOOGLE, "/v1/places/x", headers=GOOGLE_AUTH).status == 503
    assert google_search(sandbox, {"textQuery": DUPONT_QUERY}).status == 200


def test_hang_fault_holds_until_the_client_gives_up(sandbox: SandboxControl) -> None:
    sandbox.configure(faults=[{"host": YELP, "kind": "hang"}])
    started = time.monotonic()
    with pytest.raises((TimeoutError, socket.timeout, urllib.error.URLError)):
        sandbox.request("GET", YELP, "/v3/businesses/x", headers=YELP_AUTH, timeout=0.5)
    assert 0.5 <= time.monotonic() - started < 5
    assert sandbox.request("GET", NOMINATIM, "/status").status == 200  # the server is not stuck


def test_reset_fault_drops_the_connection(sandbox: SandboxControl) -> None:
    sandbox.configure(faults=[{"host": FSQ, "path_prefix": "/places/", "kind": "reset", "times": 1}])
    with pytest.raises((ConnectionError, http.client.HTTPException, urllib.error.URLError)):
        fsq(sandbox, "search", query="Dupont")
    assert fsq(sandbox, "search", query="Dupont").status == 200


def test_reset_clears_faults_latency_and_log(sandbox: SandboxControl) -> None:
    sandbox.configure(latency_ms=300, faults=[{"host": GOOGLE, "status": 500}])
    assert google_search(sandbox, {"textQuery": "x"}).status == 500
    sandbox.reset()
    assert sandbox.log() == []
    started = time.monotonic()
    assert google_search(sandbox, {"textQuery": DUPONT_QUERY}).status == 200
    assert time.monotonic() - started < 0.3


@pytest.mark.parametrize(
    "config",
    [
        {"latency_ms": -1},
        {"latency_ms": "fast"},
        {"faults": [{"kind": "explode"}]},
        {"faults": [{"status": 99}]},
        {"faults": [{"times": 0}]},
        {"faults": [{"colour": "red"}]},
        {"retries": 3},
    ],
)
def test_bad_config_is_refused_and_changes_nothing(sandbox: SandboxControl, config: dict[str, Any]) -> None:
    answer = sandbox.send("POST", "/__sandbox/config", json=config)
    assert answer.status == 400 and answer.json()["error"]
    assert sandbox.send("GET", "/__sandbox/config").json() == {"latency_ms": 0, "faults": []}


async def _slow_status(port: int) -> bytes:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(b"GET /status HTTP/1.1\r\nHost: nominatim.openstreetmap.org\r\nConnection: close\r\n\r\n")
    await writer.drain()
    data = await reader.read()
    writer.close()
    return data.split(b" ", 2)[1]


async def test_a_thousand_slow_requests_are_served_concurrently(sandbox: SandboxControl) -> None:
    sandbox.configure(latency_ms=500)
    port = int(sandbox.url.rsplit(":", 1)[1])
    started = time.monotonic()
    statuses = await asyncio.gather(*(_slow_status(port) for _ in range(1000)))
    elapsed = time.monotonic() - started
    assert set(statuses) == {b"200"}
    assert elapsed < 10  # one after another would take 500 s


# --- Nominatim ------------------------------------------------------------------------------------


def test_nominatim_poi_search_has_string_coordinates_and_requested_details(sandbox: SandboxControl) -> None:
    answer = nominatim(sandbox, "/search", q=DUPONT_QUERY, format="jsonv2", addressdetails="1", extratags="1")
    results = answer.json()
    assert answer.status == 200 and isinstance(results, list)
    dupont = results[0]
    assert (dupont["category"], dupont["type"], dupont["name"]) == ("shop", "bakery", "Boulangerie Dupont")
    assert isinstance(dupont["lat"], str) and isinstance(dupont["lon"], str)
    assert abs(float(dupont["lat"]) - 45.7627) < 1e-6
    assert all(isinstance(v, str) for v in dupont["boundingbox"]) and len(dupont["boundingbox"]) == 4
    assert isinstance(dupont["place_id"], int) and dupont["osm_type"] == "node"
    assert dupont["address"]["country_code"] == "fr" and dupont["address"]["postcode"] == "69002"
    assert dupont["extratags"]["website"] == "http://boulangerie-dupont.fr"
    assert dupont["extratags"]["opening_hours"] == "Mo-Fr 07:00-19:30; Sa 07:00-13:00"
    assert "namedetails" not in dupont
    names = [r["name"] for r in results]
    assert "Boulangerie Durand" in names and names.index("Boulangerie Durand") > 0


def test_nominatim_geocodes_a_plain_address(sandbox: SandboxControl) -> None:
    results = nominatim(sandbox, "/search", q="12 rue de la République, 69002 Lyon", format="jsonv2").json()
    assert [(r["category"], r["type"]) for r in results] == [("place", "house")]
    assert (results[0]["lat"], results[0]["lon"]) == ("45.7627000", "4.8357000")
    assert "address" not in results[0]  # addressdetails defaults to 0


def test_nominatim_formats_and_filters(sandbox: SandboxControl) -> None:
    as_json = nominatim(sandbox, "/search", q="Crown Anchor Bath", format="json", namedetails="1").json()
    assert as_json[0]["class"] == "amenity" and "category" not in as_json[0]
    assert as_json[0]["namedetails"] == {"name": "The Crown & Anchor"}
    geo = nominatim(sandbox, "/search", q="Crown Anchor Bath", format="geojson").json()
    assert geo["type"] == "FeatureCollection"
    assert geo["features"][0]["geometry"]["coordinates"] == [-2.359, 51.3813]
    elsewhere = nominatim(sandbox, "/search", q="Crown Anchor Bath", format="jsonv2", countrycodes="fr")
    assert elsewhere.json() == []
    assert nominatim(sandbox, "/search", q="Nowhere Shop", format="jsonv2").json() == []
    default = nominatim(sandbox, "/search", q="Crown Anchor Bath").json()
    assert default[0]["category"] == "amenity"  # no format means jsonv2, as on the live server


def test_nominatim_refuses_bad_format_and_mixed_query_styles(sandbox: SandboxControl) -> None:
    bad = nominatim(sandbox, "/search", q="Lyon", format="yaml")
    assert bad.status == 400 and "format" in bad.json()["error"]["message"]
    mixed = nominatim(sandbox, "/search", q="Lyon", city="Lyon", format="jsonv2")
    assert mixed.status == 400


@pytest.mark.parametrize("agent", [None, "", "python-requests/2.32.3", "Python-urllib/3.11"])
def test_nominatim_blocks_requests_without_a_real_user_agent(
    sandbox: SandboxControl, agent: str | None
) -> None:
    headers = {} if agent is None else {"User-Agent": agent}
    answer = nominatim(sandbox, "/search", headers=headers, q="Lyon", format="jsonv2")
    assert answer.status == 403
    assert answer.headers["content-type"].startswith("text/plain")
    assert "usage policy" in answer.text


# --- BAN / Géoplateforme --------------------------------------------------------------------------


def test_ban_answers_geojson_with_numeric_lon_lat(sandbox: SandboxControl) -> None:
    q = urlencode({"q": "12 rue de la République 69002 Lyon", "limit": "5", "index": "address"})
    answer = sandbox.request("GET", "data.geopf.fr", f"/geocodage/search?{q}")
    features = answer.json()["features"]
    assert answer.status == 200 and len(features) == 1
    feature = features[0]
    assert feature["geometry"] == {"type": "Point", "coordinates": [4.8357, 45.7627]}
    props = feature["properties"]
    assert (props["housenumber"], props["postcode"], props["citycode"], props["type"]) == (
        "12",
        "69002",
        "69382",
        "housenumber",
    )
    assert 0 < props["score"] <= 1
    assert 842_000 < props["x"] < 843_500 and 6_519_000 < props["y"] < 6_520_500  # Lambert-93 of Lyon 2e


def test_ban_knows_only_french_addresses_and_validates_q(sandbox: SandboxControl) -> None:
    bath = sandbox.request(
        "GET", "data.geopf.fr", "/geocodage/search?" + urlencode({"q": "22 High Street Bath"})
    )
    assert bath.status == 200 and bath.json()["features"] == []
    assert sandbox.request("GET", "data.geopf.fr", "/geocodage/search?q=a").status == 400


# --- Google Places (New) --------------------------------------------------------------------------


def test_google_auth_errors_are_the_real_ones(sandbox: SandboxControl) -> None:
    body = {"textQuery": DUPONT_QUERY}
    headers = {"X-Goog-FieldMask": "places.id"}
    missing = sandbox.request("POST", GOOGLE, "/v1/places:searchText", headers=headers, json=body)
    assert missing.status == 403
    assert missing.json()["error"] == {
        "code": 403,
        "message": "The request is missing a valid API key.",
        "status": "PERMISSION_DENIED",
    }
    wrong = sandbox.request(
        "POST", GOOGLE, "/v1/places:searchText", headers={**headers, "X-Goog-Api-Key": "AIza-real"}, json=body
    )
    error = wrong.json()["error"]
    assert wrong.status == 400 and error["status"] == "INVALID_ARGUMENT"
    assert error["message"] == "API key not valid. Please pass a valid API key."
    assert error["details"][0]["reason"] == "API_KEY_INVALID"
    by_param = sandbox.request(
        "POST", GOOGLE, "/v1/places:searchText?key=sandbox-x", headers=headers, json=body
    )
    assert by_param.status == 200


def test_google_requires_a_valid_field_mask(sandbox: SandboxControl) -> None:
    missing = google_search(sandbox, {"textQuery": DUPONT_QUERY}, mask=None)
    assert missing.status == 400 and missing.json()["error"]["message"].startswith("FieldMask is a required")
    unknown = google_search(sandbox, {"textQuery": DUPONT_QUERY}, mask="places.openingHours")
    assert unknown.status == 400
    assert "Cannot find matching fields for path 'places.openingHours'" in unknown.json()["error"]["message"]
    unprefixed = google_search(sandbox, {"textQuery": DUPONT_QUERY}, mask="displayName")
    assert unprefixed.status == 400


def test_google_prunes_to_the_field_mask(sandbox: SandboxControl) -> None:
    answer = google_search(
        sandbox, {"textQuery": DUPONT_QUERY}, mask="places.displayName.text,places.location"
    )
    assert answer.headers["content-type"].startswith("application/json")
    places = answer.json()["places"]
    assert all(set(p) == {"displayName", "location"} for p in places)
    assert places[0]["displayName"] == {"text": "Boulangerie Dupont"}
    assert places[0]["location"] == {"latitude": 45.76272, "longitude": 4.83571}
    every = google_search(sandbox, {"textQuery": DUPONT_QUERY}, mask="*").json()["places"][0]
    assert {"id", "formattedAddress", "regularOpeningHours", "googleMapsLinks", "addressComponents"} <= set(
        every
    )


def test_google_dupont_listing_carries_the_wrong_phone_and_durand_comes_second(
    sandbox: SandboxControl,
) -> None:
    mask = ",".join(
        f"places.{name}"
        for name in ("id", "displayName", "nationalPhoneNumber", "internationalPhoneNumber", "websiteUri")
    )
    places = google_search(
        sandbox, {"textQuery": "Boulangerie Dupont Lyon", "languageCode": "fr"}, mask=mask
    ).json()["places"]
    # Durand twice: the demo world gives it a duplicate listing (world.json, "durand-duplicate").
    names = ["Boulangerie Dupont", "Boulangerie Durand", "Boulangerie Durand"]
    assert [p["displayName"]["text"] for p in places] == names
    assert places[0]["nationalPhoneNumber"] == "04 78 42 10 11"
    assert places[0]["internationalPhoneNumber"] == "+33 4 78 42 10 11"
    assert places[0]["websiteUri"] == "https://www.boulangerie-dupont.fr/"


def test_google_no_match_is_an_empty_object(sandbox: SandboxControl) -> None:
    answer = google_search(sandbox, {"textQuery": "Quincaillerie Imaginaire, Lyon"}, mask="places.id")
    assert answer.status == 200 and answer.json() == {}


def test_google_refuses_unknown_body_fields(sandbox: SandboxControl) -> None:
    answer = google_search(sandbox, {"textQuery": DUPONT_QUERY, "maxResults": 5})
    assert answer.status == 400 and 'Unknown name "maxResults"' in answer.json()["error"]["message"]


def test_google_details_use_unprefixed_mask_and_sunday_zero_periods(sandbox: SandboxControl) -> None:
    mask = {"X-Goog-FieldMask": "displayName,regularOpeningHours.periods,businessStatus"}
    answer = sandbox.request(
        "GET", GOOGLE, "/v1/places/ChIJsbx-Crown-Bath-0000004", headers={**GOOGLE_AUTH, **mask}
    )
    place = answer.json()
    assert set(place) == {"displayName", "regularOpeningHours", "businessStatus"}
    assert place["displayName"]["text"] == "The Crown and Anchor"
    periods = place["regularOpeningHours"]["periods"]
    friday = next(p for p in periods if p["open"]["day"] == 5)
    assert friday["close"] == {"day": 6, "hour": 1, "minute": 0}  # Friday 12:00 to Saturday 01:00
    assert any(p["open"]["day"] == 0 for p in periods)  # Sunday is day 0
    missing = sandbox.request("GET", GOOGLE, "/v1/places/ChIJnothing", headers={**GOOGLE_AUTH, **mask})
    assert missing.status == 404 and missing.json()["error"]["status"] == "NOT_FOUND"


def test_google_closed_permanently(sandbox: SandboxControl) -> None:
    mask = "places.displayName,places.businessStatus,places.regularOpeningHours"
    place = google_search(sandbox, {"textQuery": "Le Café des Arts, Paris"}, mask=mask).json()["places"][0]
    assert place["businessStatus"] == "CLOSED_PERMANENTLY" and "regularOpeningHours" not in place


# --- Yelp Fusion ----------------------------------------------------------------------------------


def test_yelp_auth_errors_and_rate_limit_headers(sandbox: SandboxControl) -> None:
    missing = yelp(sandbox, "search", auth={}, location="Lyon")
    assert missing.status == 401 and missing.json()["error"]["code"] == "TOKEN_MISSING"
    wrong = yelp(sandbox, "search", auth={"Authorization": "Bearer real-key"}, location="Lyon")
    assert wrong.status == 401 and wrong.json()["error"]["code"] == "TOKEN_INVALID"
    first = yelp(sandbox, "search", location="Lyon")
    second = yelp(sandbox, "search", location="Lyon")
    for answer in (missing, wrong, first, second):
        assert {"ratelimit-dailylimit", "ratelimit-remaining", "ratelimit-resettime"} <= set(answer.headers)
    assert int(second.headers["ratelimit-remaining"]) == int(first.headers["ratelimit-remaining"]) - 1


def test_yelp_search_shape_and_the_dupont_variants(sandbox: SandboxControl) -> None:
    answer = yelp(
        sandbox, "search", term="Boulangerie Dupont", location="12 rue de la République, 69002 Lyon"
    )
    data = answer.json()
    assert data["total"] == len(data["businesses"]) == 2
    dupont, durand = data["businesses"]
    assert dupont["name"] == "Boulangerie Dupont SARL" and durand["name"] == "Boulangerie Durand"
    assert dupont["location"]["address1"] == "12 r. de la République"
    assert dupont["location"]["zip_code"] == "69002" and dupont["location"]["city"] == "Lyon"
    assert dupont["phone"] == "+33478421010" and dupont["display_phone"] == "04 78 42 10 10"
    assert isinstance(dupont["coordinates"]["latitude"], float) and dupont["distance"] < durand["distance"]
    assert dupont["is_closed"] is False
    assert "website" not in answer.text  # Yelp never publishes the business's own site


def test_yelp_details_hours_monday_zero(sandbox: SandboxControl) -> None:
    dupont = yelp(sandbox, "boulangerie-dupont-sarl-lyon").json()
    hours = dupont["hours"][0]
    assert hours["hours_type"] == "REGULAR" and isinstance(hours["is_open_now"], bool)
    saturday = [o for o in hours["open"] if o["day"] == 5]
    assert saturday == [{"is_overnight": False, "start": "0700", "end": "1200", "day": 5}]
    crown = yelp(sandbox, "sbxCrownBathYelp000004").json()
    friday = next(o for o in crown["hours"][0]["open"] if o["day"] == 4)
    assert friday == {"is_overnight": True, "start": "1200", "end": "0100", "day": 4}
    assert crown["location"]["zip_code"] == "BA15AW"
    missing = yelp(sandbox, "no-such-business")
    assert missing.status == 404 and missing.json()["error"]["code"] == "BUSINESS_NOT_FOUND"


def test_yelp_match_and_validation(sandbox: SandboxControl) -> None:
    params = urlencode(
        {"name": "Maple Street Bakery", "address1": "120 Maple St", "city": "Portland", "state": "OR"}
    )
    missing = sandbox.request("GET", YELP, f"/v3/businesses/matches?{params}", headers=YELP_AUTH)
    assert missing.status == 400 and missing.json()["error"]["code"] == "VALIDATION_ERROR"
    assert missing.json()["error"]["field"] == "country"
    match = sandbox.request("GET", YELP, f"/v3/businesses/matches?{params}&country=US", headers=YELP_AUTH)
    found = match.json()["businesses"]
    assert [b["id"] for b in found] == ["sbxMapleStPdxYelp00003"]
    assert found[0]["location"]["address2"] == "Suite 200"
    nowhere = yelp(sandbox, "search", term="bakery")
    assert nowhere.status == 400 and nowhere.json()["error"]["code"] == "VALIDATION_ERROR"
    atlantis = yelp(sandbox, "search", term="bakery", location="Atlantis")
    assert atlantis.status == 400 and atlantis.json()["error"]["code"] == "LOCATION_NOT_FOUND"


# --- Foursquare Places ----------------------------------------------------------------------------


def test_foursquare_auth_and_version_header(sandbox: SandboxControl) -> None:
    no_key = fsq(sandbox, "search", auth={"X-Places-Api-Version": "2025-06-17"}, query="Dupont")
    assert no_key.status == 401 and no_key.json() == {"message": "Invalid request token."}
    wrong = fsq(sandbox, "search", auth={**FSQ_AUTH, "Authorization": "Bearer real"}, query="Dupont")
    assert wrong.status == 401
    no_version = fsq(sandbox, "search", auth={"Authorization": FSQ_AUTH["Authorization"]}, query="Dupont")
    assert no_version.status == 400 and "X-Places-Api-Version" in no_version.json()["message"]


def test_foursquare_default_fields_omit_premium_and_missing_values(sandbox: SandboxControl) -> None:
    results = fsq(sandbox, "search", query="Boulangerie Dupont", near="Lyon").json()["results"]
    assert len(results) == 1
    place = results[0]
    assert place["name"] == "Boulangerie Dupont - Meilleur Pain Lyon Croissants"
    assert place["location"]["address"] == "14 Rue de la République"
    assert isinstance(place["latitude"], float) and place["fsq_place_id"] == "5f0c1a2b3c4d5e6f70810001"
    assert "tel" not in place and "website" not in place  # absent, not null
    assert "hours" not in place and "rating" not in place  # premium fields need `fields`


def test_foursquare_fields_and_day_numbering(sandbox: SandboxControl) -> None:
    fields = "fsq_place_id,name,tel,website,hours,rating,stats,location"
    place = fsq(sandbox, "search", query="Crown Anchor", ll="51.381,-2.359", fields=fields).json()["results"][
        0
    ]
    assert set(place) == set(fields.split(","))
    assert place["rating"] == 8.4 and place["stats"]["total_ratings"] == 88
    regular = place["hours"]["regular"]
    assert regular[0] == {"day": 1, "open": "1200", "close": "2300"}  # Monday = 1
    assert {"day": 5, "open": "1200", "close": "+0100"} in regular  # Friday, closes 01:00 next day
    e164 = fsq(sandbox, "5f0c1a2b3c4d5e6f70810005", fields="tel,location", tel_format="E164").json()
    assert e164 == {
        "tel": "+15145550199",
        "location": {
            "address": "4521 boulevard Saint-Laurent",
            "locality": "Montréal",
            "region": "QC",
            "postcode": "H2T1R2",
            "country": "CA",
            "formatted_address": "4521 boulevard Saint-Laurent, Montréal QC H2T1R2",
        },
    }
    far = fsq(sandbox, "search", query="Crown Anchor", ll="45.76,4.83", radius="1000").json()
    assert far["results"] == []


# --- websites -------------------------------------------------------------------------------------


def test_website_https_page_with_last_modified_and_json_ld(sandbox: SandboxControl) -> None:
    page = sandbox.request("GET", "www.boulangerie-dupont.fr", "/")
    assert page.status == 200 and page.headers["content-type"].startswith("text/html")
    assert page.headers["last-modified"] == "Mon, 02 Mar 2026 09:15:00 GMT"
    assert '"@type": "Bakery"' in page.text and 'name="viewport"' in page.text and "© 2026" in page.text
    sitemap = sandbox.request("GET", "www.boulangerie-dupont.fr", "/sitemap.xml")
    assert "<lastmod>2026-03-02</lastmod>" in sitemap.text
    again = sandbox.request(
        "GET", "www.boulangerie-dupont.fr", "/", headers={"If-Modified-Since": page.headers["last-modified"]}
    )
    assert again.status == 304
    assert sandbox.request("GET", "www.boulangerie-dupont.fr", "/nope").status == 404


def test_website_http_redirects_to_https_on_the_same_host(sandbox: SandboxControl) -> None:
    answer = sandbox.request("GET", "www.boulangerie-dupont.fr", "/sitemap.xml?v=2", proto="http")
    assert answer.status == 301
    assert answer.headers["location"] == "https://www.boulangerie-dupont.fr/sitemap.xml?v=2"
    apex = sandbox.request("GET", "boulangerie-dupont.fr", "/", proto="http")
    assert apex.status == 301 and apex.headers["location"] == "https://www.boulangerie-dupont.fr/"


def test_http_only_website(sandbox: SandboxControl) -> None:
    page = sandbox.request("GET", "maplestreetbakery.com", "/", proto="http")
    assert page.status == 200 and "viewport" not in page.text and "ld+json" not in page.text
    assert "(503) 555-0142" in page.text
    with pytest.raises((ConnectionError, http.client.HTTPException, urllib.error.URLError)):
        sandbox.request("GET", "maplestreetbakery.com", "/", proto="https")


def test_log_shows_what_a_test_sent(sandbox: SandboxControl) -> None:
    """The log is what the lead's tests read: it must survive a JSON round trip unchanged."""
    yelp(sandbox, "search", location="Lyon")
    entry = sandbox.log()[0]
    assert json.loads(json.dumps(entry)) == entry
    assert entry["headers"]["authorization"] == YELP_AUTH["Authorization"]
