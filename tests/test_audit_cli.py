"""The real CLI, end to end, over real HTTP against the sandbox process (no mocks of our own code)."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from auditor.brand import load_platform_set
from auditor.cli import cli
from reports.json_report import validate_report

KEYS = {
    "SOLOMO_GOOGLE_PLACES_KEY": "sandbox-test-google-7f3a9c",
    "SOLOMO_YELP_KEY": "sandbox-test-yelp-51be20",
    "SOLOMO_FOURSQUARE_KEY": "sandbox-test-fsq-c0ffee",
    "SOLOMO_TRIPADVISOR_KEY": "sandbox-test-ta-d00d1e",
    "SOLOMO_HERE_KEY": "sandbox-test-here-beef42",
    "SOLOMO_TOMTOM_KEY": "sandbox-test-tomtom-a1b2",
    "SOLOMO_AZURE_MAPS_KEY": "sandbox-test-azure-c3d4",
    "SOLOMO_FACEBOOK_KEY": "sandbox-test-facebook-e5f6",
    "SOLOMO_APPLE_MAPS_KEY": "sandbox-test-apple-a7b8",
}
DUPONT = [
    "Boulangerie Dupont",
    "--address",
    "12 rue de la République, 69002 Lyon",
    "--phone",
    "04 78 42 10 10",
    "--website",
    "https://www.boulangerie-dupont.fr",
    "--hours",
    "Mo-Fr 07:00-19:30; Sa 07:00-13:00",
]
# Tests lift Nominatim's 1 req/s (the sandbox is ours) and shorten retries so faults resolve quickly.
FAST_CONFIG = """
[http]
backoff_base = 0.05
backoff_max = 0.2
read_timeout = 2.0
[hosts."nominatim.openstreetmap.org"]
rate = 100.0
concurrency = 4
[audit]
provider_timeout = 6.0
"""

Run = Callable[..., Result]


@pytest.fixture
def config_file(tmp_path: Path) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(FAST_CONFIG, encoding="utf-8")
    return path


@pytest.fixture
def keys(monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    for name, value in KEYS.items():
        monkeypatch.setenv(name, value)
    return KEYS


@pytest.fixture
def run(sandbox: Any, config_file: Path) -> Run:
    def invoke(*args: str, sandboxed: bool = True, config: Path | None = None) -> Result:
        prefix = ["--sandbox", sandbox.url] if sandboxed else []
        prefix += ["--config", str(config or config_file), "--no-cache"]
        return CliRunner().invoke(cli, [*prefix, *args], catch_exceptions=False)

    return invoke


def _json(result: Result) -> dict[str, Any]:
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.stdout)
    validate_report(data)
    return data


def _listing(report: dict[str, Any], provider: str) -> dict[str, Any]:
    return next(item for item in report["listings"] if item["provider"] == provider)


def _verdicts(report: dict[str, Any], provider: str) -> dict[str, str]:
    return {name: field["verdict"] for name, field in _listing(report, provider)["fields"].items()}


def test_full_audit_finds_the_demo_worlds_inconsistencies(run: Run, keys: dict[str, str]) -> None:
    report = _json(run(*DUPONT, "--format", "json"))
    assert {item["provider"]: item["status"] for item in report["listings"]} == {
        "google_places": "found",
        "osm": "found",
        "yelp": "found",
        "foursquare": "found",
        "tripadvisor": "found",
        "here": "found",
        "tomtom": "found",
        "azure_maps": "found",
        "facebook": "found",
        "apple_maps": "found",
        "pagesjaunes": "skipped",  # no API: off unless --enable
        "thefork": "skipped",
        "website": "found",
    }
    skipped = {f["provider"]: f for f in report["findings"] if f["code"] == "provider_skipped"}
    assert skipped["pagesjaunes"]["fix_url"].startswith(
        "https://www.pagesjaunes.fr/annuaire/chercherlespros?"
    )
    google, yelp, fsq, osm = (_verdicts(report, p) for p in ("google_places", "yelp", "foursquare", "osm"))
    tripadvisor = _verdicts(report, "tripadvisor")
    assert tripadvisor["name"] == "match"
    assert tripadvisor["hours"] == "variant"  # the same week, written as Tripadvisor's weekday_text
    assert tripadvisor["website"] == "missing"  # the Tripadvisor listing has no website
    assert _listing(report, "tripadvisor")["review_url"].startswith("https://www.tripadvisor.fr/UserReview-")
    assert google["phone"] == "mismatch"  # 04 78 42 10 11
    assert google["name"] == "match"
    assert yelp["name"] == "variant"  # SARL
    assert yelp["address"] == "variant"  # "r." for rue
    assert yelp["hours"] == "mismatch"  # Saturday closes at noon
    assert yelp["website"] == "unknown"  # Yelp never publishes it: not a finding
    assert fsq["name"] == "mismatch" and fsq["address"] == "mismatch"  # stuffed name, house number 14
    assert fsq["phone"] == "missing" and fsq["website"] == "missing"
    assert osm["website"] == "variant" and osm["phone"] == "variant"
    assert _listing(report, "google_places")["review_url"].startswith("https://")
    codes = {(f["code"], f["provider"]) for f in report["findings"]}
    assert ("phone_mismatch", "google_places") in codes
    assert ("phone_missing", "foursquare") in codes
    assert not any(code == "website_missing" and provider == "yelp" for code, provider in codes)
    severities = [f["severity"] for f in report["findings"]]
    assert severities == sorted(severities, key=["high", "medium", "low", "info"].index)
    assert report["normalized"]["phone"] == "+33478421010"
    assert report["normalized"]["website"] == "boulangerie-dupont.fr"
    address = report["normalized"]["address"]
    assert address["postcode"] == "69002" and address["geocoder"] == "nominatim"
    assert abs(address["lat"] - 45.7627) < 0.001
    assert _listing(report, "google_places")["distance_m"] < 50
    assert all(ref["source"] == "business" for ref in report["references"].values())
    assert 0 < report["score"]["consistency"] < 100 and report["score"]["presence"] == 100
    handles = {(h["platform"], h["handle"]): h["status"] for h in report["handles"]}
    assert handles[("instagram", "boulangeriedupont")] == "owned"  # the website links to it
    assert handles[("tiktok", "boulangeriedupont")] == "taken"
    domains = {d["domain"]: d for d in report["domains"]}
    assert domains["boulangerie-dupont.fr"]["business_site"] is True
    assert "domain_expiring" in {f["code"] for f in report["findings"]}
    assert isinstance(report["score"]["brand"], int)


def test_discovery_takes_the_consensus_and_the_websites_word(run: Run, keys: dict[str, str]) -> None:
    report = _json(run("Boulangerie Dupont", "--city", "Lyon", "--format", "json"))
    refs = report["references"]
    assert refs["name"]["source"] == "business"
    assert refs["website"]["source"] == "website"  # found on the listings, then confirmed by the site itself
    assert refs["phone"]["source"] == "website"  # the site's JSON-LD speaks for the owner
    assert _listing(report, "website")["status"] == "found"
    assert _verdicts(report, "google_places")["phone"] == "mismatch"
    assert _listing(report, "google_places")["fields"]["name"]["value"] == "Boulangerie Dupont"  # not Durand
    assert report["normalized"]["address"]["lat"] is not None


def test_missing_keys_skip_providers_and_the_rest_goes_on(run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in KEYS:
        monkeypatch.delenv(name, raising=False)
    report = _json(run(*DUPONT, "--format", "json"))
    google = _listing(report, "google_places")
    assert google["status"] == "skipped" and "SOLOMO_GOOGLE_PLACES_KEY" in google["reason"]
    assert _listing(report, "osm")["status"] == "found"
    assert report["errors"] == []


def test_a_bad_key_is_an_auth_error_and_never_printed(
    run: Run, monkeypatch: pytest.MonkeyPatch, keys: dict[str, str]
) -> None:
    monkeypatch.setenv("SOLOMO_GOOGLE_PLACES_KEY", "wrong-key-d41d8cd98f")
    result = run(*DUPONT, "--format", "json", "-v")
    report = _json(result)
    google = _listing(report, "google_places")
    assert google["status"] == "error" and google["reason"].startswith("auth_failed")
    everything = result.stdout + result.stderr
    for secret in ("wrong-key-d41d8cd98f", *keys.values()):
        assert secret not in everything


def test_keys_only_travel_to_their_own_host(run: Run, sandbox: Any, keys: dict[str, str]) -> None:
    _json(run(*DUPONT, "--format", "json"))
    owners = {
        KEYS["SOLOMO_GOOGLE_PLACES_KEY"]: "places.googleapis.com",
        KEYS["SOLOMO_YELP_KEY"]: "api.yelp.com",
        KEYS["SOLOMO_FOURSQUARE_KEY"]: "places-api.foursquare.com",
        KEYS["SOLOMO_TRIPADVISOR_KEY"]: "api.content.tripadvisor.com",
        KEYS["SOLOMO_HERE_KEY"]: "discover.search.hereapi.com",
        KEYS["SOLOMO_TOMTOM_KEY"]: "api.tomtom.com",
        KEYS["SOLOMO_AZURE_MAPS_KEY"]: "atlas.microsoft.com",
        KEYS["SOLOMO_FACEBOOK_KEY"]: "graph.facebook.com",
        KEYS["SOLOMO_APPLE_MAPS_KEY"]: "maps-api.apple.com",
    }
    log = sandbox.log()
    assert {entry["host"] for entry in log} >= set(owners.values())
    for entry in log:
        dumped = json.dumps(entry)
        for key, host in owners.items():
            if key in dumped:
                assert entry["host"].split(":")[0] == host


def test_a_hanging_provider_is_an_error_and_the_audit_completes(
    run: Run, sandbox: Any, keys: dict[str, str]
) -> None:
    sandbox.configure(faults=[{"host": "api.yelp.com", "path_prefix": "/", "kind": "hang"}])
    started = time.monotonic()
    report = _json(run(*DUPONT, "--format", "json"))
    elapsed = time.monotonic() - started
    yelp = _listing(report, "yelp")
    assert yelp["status"] == "error" and "timeout" in yelp["reason"]
    assert _listing(report, "google_places")["status"] == "found"
    assert any(error["provider"] == "yelp" for error in report["errors"])
    assert elapsed < 15  # bounded by the read timeout and the provider deadline, not the hang


def test_retry_after_is_honoured(run: Run, sandbox: Any, keys: dict[str, str]) -> None:
    sandbox.configure(
        faults=[
            {
                "host": "places.googleapis.com",
                "path_prefix": "/",
                "kind": "status",
                "status": 429,
                "headers": {"Retry-After": "1"},
                "times": 1,
            }
        ]
    )
    started = time.monotonic()
    report = _json(run(*DUPONT, "--format", "json", "--only", "google_places"))
    assert time.monotonic() - started >= 1.0
    assert _listing(report, "google_places")["status"] == "found"
    hits = [entry for entry in sandbox.log() if entry["host"].startswith("places.googleapis.com")]
    assert len(hits) == 2


def test_persistent_rate_limiting_is_an_error_with_its_reason(
    run: Run, sandbox: Any, keys: dict[str, str]
) -> None:
    sandbox.configure(
        faults=[
            {
                "host": "api.yelp.com",
                "path_prefix": "/",
                "kind": "status",
                "status": 429,
                "headers": {"Retry-After": "3600"},
            }
        ]
    )
    report = _json(run(*DUPONT, "--format", "json", "--only", "yelp,osm"))
    assert _listing(report, "yelp")["status"] == "error"
    assert _listing(report, "yelp")["reason"].startswith(("rate_limited", "quota_exceeded"))
    assert _listing(report, "osm")["status"] == "found"


@pytest.fixture
def outbound(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[Any]]:
    """Every socket connect and name lookup made in this process.

    On asyncio's own loop: uvloop connects and resolves in libuv, out of sight of the socket module. Where
    requests go is decided by the HTTP client before the loop is involved, so what is seen holds for both.
    """
    monkeypatch.setenv("SOLOMO_EVENT_LOOP", "asyncio")
    seen: list[Any] = []
    real_connect = socket.socket.connect
    real_getaddrinfo = socket.getaddrinfo

    def connect(self: socket.socket, address: Any) -> Any:
        seen.append(("connect", address))
        return real_connect(self, address)

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        seen.append(("lookup", host))
        return real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    yield seen


def test_sandbox_routing_sends_nothing_anywhere_else(
    run: Run, sandbox: Any, keys: dict[str, str], outbound: list[Any]
) -> None:
    _json(run(*DUPONT, "--format", "json"))
    port = int(sandbox.url.rsplit(":", 1)[1])
    assert outbound, "the audit made no connection at all"
    for kind, target in outbound:
        if kind == "connect":
            assert target[:2] == ("127.0.0.1", port), target
        else:
            assert target in ("127.0.0.1", b"127.0.0.1"), target
    hosts = {entry["host"].split(":")[0] for entry in sandbox.log()}
    assert hosts >= {
        "nominatim.openstreetmap.org",
        "places.googleapis.com",
        "api.yelp.com",
        "places-api.foursquare.com",
        "www.boulangerie-dupont.fr",
        "www.instagram.com",
        "rdap.nic.fr",
    }
    # Only the website's http→https probe goes out as plain http.
    plain = {(e["host"], e["path"]) for e in sandbox.log() if e["forwarded_proto"] != "https"}
    assert plain <= {("www.boulangerie-dupont.fr", "/")}


def test_second_run_is_served_from_the_cache(sandbox: Any, config_file: Path, keys: dict[str, str]) -> None:
    args = ["--sandbox", sandbox.url, "--config", str(config_file), *DUPONT, "--format", "json"]
    first = CliRunner().invoke(cli, args, catch_exceptions=False)
    assert first.exit_code == 0
    # Handle probes are never cached (a handle taken or freed since yesterday is the point of the check).
    platform_hosts = {
        url.split("/")[2]
        for p in load_platform_set()[0]
        for url in (p.probe_url, p.links.url if p.links and p.links.url else p.probe_url)
    }

    def cacheable() -> list[dict[str, Any]]:
        # RDAP's "free" answers are 404s, which are not cached either: a free name may be taken tomorrow.
        # Apple's access token is a credential, exchanged anew by each run, never cached.
        return [
            e
            for e in sandbox.log()
            if e["host"] not in platform_hosts
            and not e["host"].startswith("rdap")
            and (e["host"], e["path"]) != ("maps-api.apple.com", "/v1/token")
        ]

    requests_first = len(cacheable())
    second = CliRunner().invoke(cli, args, catch_exceptions=False)
    assert second.exit_code == 0
    assert len(cacheable()) == requests_first  # nothing new went out but the handle probes
    assert json.loads(second.stdout)["listings"] == json.loads(first.stdout)["listings"]
    CliRunner().invoke(cli, [*args[:4], "--no-cache", *args[4:]], catch_exceptions=False)
    assert len(cacheable()) > requests_first


def test_every_provider_failing_exits_3(run: Run, sandbox: Any, keys: dict[str, str], tmp_path: Path) -> None:
    hosts = [
        "nominatim.openstreetmap.org",
        "places.googleapis.com",
        "api.yelp.com",
        "places-api.foursquare.com",
        "api.content.tripadvisor.com",
        "discover.search.hereapi.com",
        "api.tomtom.com",
        "atlas.microsoft.com",
        "graph.facebook.com",
        "maps-api.apple.com",
        "www.boulangerie-dupont.fr",
    ]
    sandbox.configure(
        faults=[{"host": h, "path_prefix": "/", "kind": "status", "status": 503} for h in hosts]
    )
    config = tmp_path / "noretry.toml"
    config.write_text(FAST_CONFIG.replace("[http]\n", "[http]\nmax_retries = 0\n"), encoding="utf-8")
    result = run(*DUPONT, "--format", "json", config=config)
    assert result.exit_code == 3
    report = json.loads(result.stdout)
    validate_report(report)
    statuses = {item["provider"]: item["status"] for item in report["listings"]}
    # HERE searches around the geocoded position: with the geocoder down too, it could not ask at all.
    assert statuses.pop("here") == statuses.pop("tomtom") == statuses.pop("azure_maps") == "skipped"
    assert statuses.pop("pagesjaunes") == statuses.pop("thefork") == "skipped"  # off by default
    assert set(statuses.values()) == {"error"}


def test_fail_under(run: Run, keys: dict[str, str]) -> None:
    assert run(*DUPONT, "--fail-under", "100").exit_code == 1
    assert run(*DUPONT, "--fail-under", "0").exit_code == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["Boulangerie Dupont", "--phone", "12"], "phone"),
        (["", "--city", "Lyon"], "name"),
        (["X", "--country", "Atlantis"], "country"),
        (["X", "--hours", "whenever"], "hours"),
        (["X", "--only", "google,bing"], "--only"),
    ],
)
def test_bad_input_exits_2_and_writes_nothing(
    run: Run, tmp_path: Path, args: list[str], message: str
) -> None:
    out = tmp_path / "report.json"
    result = run(*args, "-o", str(out))
    assert result.exit_code == 2
    assert message in result.stderr and "Traceback" not in result.output
    assert len(result.stderr.strip().splitlines()) == 1
    assert not out.exists() and list(tmp_path.glob(".report.json*")) == []


def test_business_file_and_output_file(run: Run, keys: dict[str, str], tmp_path: Path) -> None:
    shop = tmp_path / "dupont.toml"
    shop.write_text(
        'name = "Boulangerie Dupont"\naddress = "12 rue de la République, 69002 Lyon"\n'
        'phone = "04 78 42 10 10"\nwebsite = "https://www.boulangerie-dupont.fr"\n',
        encoding="utf-8",
    )
    out = tmp_path / "dupont.json"
    result = run(str(shop), "--format", "json", "-o", str(out))
    assert result.exit_code == 0 and result.stdout == ""
    data = json.loads(out.read_text(encoding="utf-8"))
    validate_report(data)
    assert data["business"]["phone"] == "04 78 42 10 10"
    bad = tmp_path / "bad.toml"
    bad.write_text("name = [", encoding="utf-8")
    result = run(str(bad))
    assert result.exit_code == 2 and "bad.toml" in result.stderr


def test_terminal_report(run: Run, keys: dict[str, str]) -> None:
    result = run(*DUPONT)
    assert result.exit_code == 0
    text = result.stdout
    assert "Boulangerie Dupont" in text and "score" in text
    for word in ("google_places", "mismatch", "variant", "missing", "Findings"):
        assert word in text


def test_check_disambiguates_a_business_named_like_a_command(run: Run, keys: dict[str, str]) -> None:
    result = run("check", "providers", "--city", "Lyon", "--format", "json")
    report = _json(result)
    assert report["business"]["name"] == "providers"
    assert _listing(report, "google_places")["status"] == "not_found"


def test_providers_command_lists_keys_without_values(run: Run, keys: dict[str, str]) -> None:
    result = CliRunner().invoke(cli, ["providers", "--format", "json"], catch_exceptions=False)
    rows = {row["id"]: row for row in json.loads(result.stdout)}
    assert set(rows) >= {"osm", "google_places", "yelp", "foursquare", "website"}
    assert rows["yelp"]["key_env"] == "SOLOMO_YELP_KEY" and rows["yelp"]["key_set"] is True
    assert rows["osm"]["key_env"] is None and rows["osm"]["ready"] is True
    table = CliRunner().invoke(cli, ["providers"], catch_exceptions=False).stdout
    assert "SOLOMO_GOOGLE_PLACES_KEY (set)" in table
    for secret in KEYS.values():
        assert secret not in result.stdout + table


@pytest.mark.parametrize(
    ("args", "provider", "field", "verdict"),
    [
        (
            [
                "Maple Street Bakery",
                "--address",
                "120 Maple St Suite 200, Portland, OR 97205",
                "--phone",
                "+1 503-555-0142",
            ],
            "google_places",
            "address",
            "mismatch",
        ),
        (
            [
                "Maple Street Bakery",
                "--address",
                "120 Maple St Suite 200, Portland, OR 97205",
                "--phone",
                "+1 503-555-0142",
            ],
            "google_places",
            "phone",
            "variant",
        ),
        (
            ["The Crown & Anchor", "--address", "22 High Street, Bath BA1 5AW", "--country", "GB"],
            "google_places",
            "name",
            "variant",
        ),
        (
            [
                "Boulangerie Saint-Laurent",
                "--address",
                "4521 boulevard Saint-Laurent, Montréal, QC H2T 1R2",
                "--country",
                "CA",
            ],
            "google_places",
            "address",
            "variant",
        ),
    ],
)
def test_other_countries(
    run: Run, keys: dict[str, str], args: list[str], provider: str, field: str, verdict: str
) -> None:
    report = _json(run(*args, "--format", "json"))
    assert _listing(report, provider)["status"] == "found"
    assert _verdicts(report, provider)[field] == verdict


def test_closed_listing_is_a_high_finding(run: Run, keys: dict[str, str]) -> None:
    report = _json(run("Le Café des Arts", "--address", "5 place du Tertre, 75018 Paris", "--format", "json"))
    closed = [f for f in report["findings"] if f["code"] == "listing_closed"]
    assert closed and closed[0]["severity"] == "high" and closed[0]["provider"] == "google_places"


def test_the_installed_console_script_runs_a_real_audit(
    sandbox: Any, config_file: Path, tmp_path: Path
) -> None:
    """A separate process, as a user runs it: `audit --sandbox URL NAME --city Lyon`."""
    script = Path(sys.executable).parent / "audit"
    env = {
        "PATH": str(script.parent),
        "SOLOMO_DATA_DIR": str(tmp_path),
        "SOLOMO_CONFIG_DIR": str(tmp_path),
        **KEYS,
    }
    done = subprocess.run(
        [
            str(script),
            "--sandbox",
            sandbox.url,
            "--config",
            str(config_file),
            "Boulangerie Dupont",
            "--city",
            "Lyon",
            "--format",
            "json",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    validate_report(json.loads(done.stdout))


def test_ban_geocoder_through_the_same_stack(run: Run, sandbox: Any, keys: dict[str, str]) -> None:
    report = _json(run(*DUPONT, "--geocoder", "ban", "--only", "osm", "--format", "json"))
    address = report["normalized"]["address"]
    assert address["geocoder"] == "ban" and abs(address["lat"] - 45.7627) < 0.001
    paths = {(entry["host"], entry["path"]) for entry in sandbox.log()}
    assert ("data.geopf.fr", "/geocodage/search") in paths


def test_nominatim_one_request_per_second_holds_with_the_shipped_config(sandbox: Any, tmp_path: Path) -> None:
    """The geocoder and the osm provider share nominatim.openstreetmap.org's 1 req/s, even in the sandbox."""
    shipped = tmp_path / "empty.toml"
    shipped.write_text("", encoding="utf-8")
    started = time.monotonic()
    result = CliRunner().invoke(
        cli,
        ["--sandbox", sandbox.url, "--config", str(shipped), "--no-cache", *DUPONT, "--only", "osm"],
        catch_exceptions=False,
    )
    assert result.exit_code == 0
    hits = [entry for entry in sandbox.log() if entry["host"] == "nominatim.openstreetmap.org"]
    assert len(hits) == 2
    assert time.monotonic() - started >= 1.0


def test_a_duplicate_listing_is_reported_with_both_urls(run: Run, keys: dict[str, str]) -> None:
    durand = [
        "Boulangerie Durand",
        "--address",
        "20 rue de la République, 69002 Lyon",
        "--phone",
        "04 78 42 20 20",
    ]
    report = _json(run(*durand, "--format", "json", "--skip", "website"))
    google = _listing(report, "google_places")
    assert [d["listing_id"] for d in google["duplicates"]] == ["ChIJsbx-Durand-Lyon-0000009"]
    assert all(not _listing(report, p)["duplicates"] for p in ("osm", "yelp"))
    [finding] = [f for f in report["findings"] if f["code"] == "duplicate_listing"]
    assert finding["provider"] == "google_places" and finding["params"]["count"] == 2
    assert google["url"] in finding["message"] and google["duplicates"][0]["url"] in finding["message"]
