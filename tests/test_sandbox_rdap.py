"""The sandbox's RDAP side, seen as raw HTTP: registries, the rdap.org redirector and IANA's bootstrap file.

Requests go out with stdlib urllib (tests/sandbox_control.py), redirects not followed, so what is checked is
exactly what a client receives.
"""

from __future__ import annotations

import json
import urllib.error
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from auditor.domains import bundled_bootstrap_path
from tests.sandbox_control import SandboxControl, SandboxResponse

RDAP_JSON = "application/rdap+json"


def _get(sandbox: SandboxControl, host: str, path: str, **kw: Any) -> SandboxResponse:
    return sandbox.request("GET", host, path, headers={"Accept": "application/rdap+json"}, **kw)


def _event(payload: dict[str, Any], action: str) -> date:
    [when] = [e["eventDate"] for e in payload["events"] if e["eventAction"] == action]
    return datetime.fromisoformat(when).astimezone(UTC).date()


def _registrar(payload: dict[str, Any]) -> dict[str, Any]:
    [entity] = [e for e in payload["entities"] if "registrar" in e["roles"]]
    assert isinstance(entity, dict)
    return entity


def _vcard(entity: dict[str, Any], name: str) -> str:
    [value] = [prop[3] for prop in entity["vcardArray"][1] if prop[0] == name]
    return str(value)


def test_health_lists_the_rdap_hosts(sandbox: SandboxControl) -> None:
    hosts = sandbox.health()["hosts"]
    for host in (
        "rdap.nic.fr",
        "rdap.verisign.com",
        "rdap.nominet.uk",
        "rdap.ca.fury.ca",
        "rdap.org",
        "data.iana.org",
    ):
        assert host in hosts


def test_verisign_domain_object(sandbox: SandboxControl) -> None:
    answer = _get(sandbox, "rdap.verisign.com", "/com/v1/domain/boulangeriedupont.com")
    assert answer.status == 200
    assert answer.headers["content-type"].startswith(RDAP_JSON)
    payload = answer.json()
    assert (payload["objectClassName"], payload["ldhName"]) == ("domain", "BOULANGERIEDUPONT.COM")
    assert payload["handle"].endswith("_DOMAIN_COM-VRSN")
    registrar = _registrar(payload)
    assert registrar["objectClassName"] == "entity"
    assert registrar["handle"] == "146"
    assert registrar["publicIds"] == [{"type": "IANA Registrar ID", "identifier": "146"}]
    assert _vcard(registrar, "fn") == "GoDaddy.com, LLC"
    assert registrar["links"][0]["rel"] == "about" and registrar["links"][0]["type"] == "text/html"
    assert (_event(payload, "expiration") - datetime.now(UTC).date()).days == 430
    assert _event(payload, "registration") == date(2021, 5, 2)


def test_verisign_404_has_an_empty_body(sandbox: SandboxControl) -> None:
    answer = _get(sandbox, "rdap.verisign.com", "/com/v1/domain/boulangeriedupontlyon.com")
    assert (answer.status, answer.body) == (404, b"")
    assert answer.headers["content-type"].startswith(RDAP_JSON)


def test_verisign_net_base_does_not_serve_com_names(sandbox: SandboxControl) -> None:
    assert _get(sandbox, "rdap.verisign.com", "/net/v1/domain/boulangeriedupont.com").status == 404


def test_afnic_domain_object_expires_as_far_ahead_as_the_world_says(sandbox: SandboxControl) -> None:
    answer = _get(sandbox, "rdap.nic.fr", "/domain/boulangerie-dupont.fr")
    assert answer.status == 200
    assert answer.headers["content-type"].startswith("application/json")
    payload = answer.json()
    assert payload["ldhName"] == "boulangerie-dupont.fr"
    assert payload["handle"].endswith("-FRNIC")
    registrar = _registrar(payload)
    assert registrar["roles"] == ["sponsor", "registrar"]
    assert (_vcard(registrar, "fn"), _vcard(registrar, "url")) == ("OVH SAS", "https://www.ovhcloud.com/")
    assert (_event(payload, "expiration") - datetime.now(UTC).date()).days == 20


def test_afnic_404_is_an_rdap_error_object(sandbox: SandboxControl) -> None:
    answer = _get(sandbox, "rdap.nic.fr", "/domain/boulangeriedupont.fr")
    assert answer.status == 404
    assert answer.headers["content-type"].startswith(RDAP_JSON)
    assert answer.json()["errorCode"] == 404
    assert answer.json()["title"] == "Not Found"


def test_nominet_and_cira_bases(sandbox: SandboxControl) -> None:
    uk = _get(sandbox, "rdap.nominet.uk", "/uk/domain/crownandanchorbath.co.uk")
    assert uk.status == 200
    assert _vcard(_registrar(uk.json()), "fn") == "Krystal Hosting Ltd"
    assert _get(sandbox, "rdap.ca.fury.ca", "/rdap/domain/boulangeriesaintlaurent.ca").status == 404
    assert _get(sandbox, "rdap.nominet.uk", "/domain/crownandanchorbath.co.uk").status == 404  # wrong base


@pytest.mark.parametrize(
    ("name", "location"),
    [
        ("boulangerie-dupont.fr", "https://rdap.nic.fr/domain/boulangerie-dupont.fr"),
        ("boulangeriedupont.com", "https://rdap.verisign.com/com/v1/domain/boulangeriedupont.com"),
        ("crownandanchorbath.co.uk", "https://rdap.nominet.uk/uk/domain/crownandanchorbath.co.uk"),
    ],
)
def test_rdap_org_redirects_to_the_authoritative_server(
    sandbox: SandboxControl, name: str, location: str
) -> None:
    answer = _get(sandbox, "rdap.org", f"/domain/{name}")
    assert (answer.status, answer.headers["location"], answer.body) == (302, location, b"")


def test_rdap_org_answers_404_for_a_tld_without_rdap(sandbox: SandboxControl) -> None:
    answer = _get(sandbox, "rdap.org", "/domain/maplestreetbakery.us")
    assert (answer.status, answer.body) == (404, b"")
    assert answer.headers["content-type"].startswith(RDAP_JSON)


def test_rdap_org_other_paths(sandbox: SandboxControl) -> None:
    assert _get(sandbox, "rdap.org", "/").headers["location"] == "https://about.rdap.org/"
    assert _get(sandbox, "rdap.org", "/domain").status == 400
    assert _get(sandbox, "rdap.org", "/heartbeat").status == 200


def test_iana_serves_the_bundled_bootstrap(sandbox: SandboxControl) -> None:
    answer = sandbox.request("GET", "data.iana.org", "/rdap/dns.json")
    assert answer.status == 200
    assert answer.headers["content-type"].startswith("application/json")
    assert answer.body == bundled_bootstrap_path().read_bytes()
    assert json.loads(answer.body)["publication"] == "2026-06-26T18:00:02Z"
    assert sandbox.request("GET", "data.iana.org", "/rdap/asn.json").status == 404


def test_failures_the_world_lists(sandbox: SandboxControl) -> None:
    throttled = _get(sandbox, "rdap.verisign.com", "/com/v1/domain/dupontboulangerie.com")
    assert (throttled.status, throttled.headers["retry-after"]) == (429, "60")
    assert _get(sandbox, "rdap.nic.fr", "/domain/patisserie-dupont.fr").status == 500
    malformed = _get(sandbox, "rdap.verisign.com", "/net/v1/domain/boulangeriedupont.net")
    assert malformed.status == 200
    with pytest.raises(ValueError):
        json.loads(malformed.body)


def test_a_hanging_registry_answers_nothing(sandbox: SandboxControl) -> None:
    with pytest.raises((TimeoutError, urllib.error.URLError)):
        _get(sandbox, "rdap.nic.fr", "/domain/dupont-traiteur.fr", timeout=0.3)


def test_expiry_is_computed_at_request_time(sandbox: SandboxControl) -> None:
    payload = _get(sandbox, "rdap.nic.fr", "/domain/boulangerie-dupont.fr").json()
    expires = datetime.fromisoformat(
        next(e["eventDate"] for e in payload["events"] if e["eventAction"] == "expiration")
    )
    assert timedelta(days=19) < expires - datetime.now(UTC) < timedelta(days=21)


def test_only_get_and_head(sandbox: SandboxControl) -> None:
    answer = sandbox.request("POST", "rdap.nic.fr", "/domain/boulangerie-dupont.fr", body=b"")
    assert answer.status == 405
