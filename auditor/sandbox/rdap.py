"""RDAP registries, the rdap.org redirector and IANA's bootstrap file, for brand domain lookups.

Which registry serves which TLD comes from the bundled IANA bootstrap (config/rdap_dns.json), as on the real
web: every base URL there whose host is emulated is served, at its own path (`/com/v1/domain/...` on
Verisign, `/domain/...` on AFNIC). Emulated on purpose, as the real services answer:

- Verisign (.com, .net): `application/rdap+json`, upper-case `ldhName`, the registrar as an entity with the
  IANA ID as handle and publicId, its site as a `rel: about` text/html link, an abuse contact nested in it;
  a free name is a 404 with an EMPTY body.
- AFNIC (.fr): `application/json` (what rdap.nic.fr has served), the sponsoring registrar with roles
  ["sponsor", "registrar"], its site in the vCard `url`; a free name is an RDAP error object.
- Nominet (.uk) and CIRA/Fury (.ca): `application/rdap+json`, RDAP error object on 404.
- rdap.org: 302 to `{base without trailing slash}/domain/{name}` with an empty body; 404 with an empty body
  when the TLD is in no bootstrap entry (a 404 that says nothing about the name).
- data.iana.org: `/rdap/dns.json` serves the bundled bootstrap, so a refresh works offline.

The demo domains and the failing ones are in domains_world.json beside this module; expiry dates are
computed from the day of the request.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import zlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from auditor.paths import shipped_config_dir
from auditor.sandbox.emulation import Emulation, host_without_port
from auditor.sandbox.world import World

DOMAINS_WORLD_PATH = Path(__file__).with_name("domains_world.json")
BOOTSTRAP_PATH = shipped_config_dir() / "rdap_dns.json"
RDAP_JSON = "application/rdap+json"
# The registries the demo world uses; any other RDAP host in the bootstrap is left to the unknown-host 502.
VERISIGN = "rdap.verisign.com"
AFNIC = "rdap.nic.fr"
NOMINET = "rdap.nominet.uk"
CIRA = "rdap.ca.fury.ca"
REGISTRY_HOSTS = (VERISIGN, AFNIC, NOMINET, CIRA)
RDAP_ORG = "rdap.org"
IANA_DATA = "data.iana.org"
HANG_SECONDS = 3600.0
CONFORMANCE = ["rdap_level_0", "icann_rdap_technical_implementation_guide_1", "icann_rdap_response_profile_1"]


@dataclass(frozen=True)
class Registrar:
    key: str
    name: str
    url: str
    iana_id: str | None = None
    afnic_handle: str | None = None
    email: str | None = None
    phone: str | None = None
    address: tuple[str, ...] = ()
    abuse_email: str | None = None
    abuse_phone: str | None = None


@dataclass(frozen=True)
class Registration:
    domain: str
    registrar: Registrar
    registered: datetime
    expires_in_days: int
    registrant: str | None = None
    nameservers: tuple[str, ...] = ()

    def expires(self, now: datetime) -> datetime:
        """The expiry, as many days after `now` as the world says, at the registration's time of day."""
        day = (now + timedelta(days=self.expires_in_days)).date()
        return datetime.combine(day, self.registered.timetz())


@dataclass(frozen=True)
class Failure:
    domain: str
    kind: str  # status, hang, malformed
    status: int = 500
    headers: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class DomainsWorld:
    registrations: Mapping[str, Registration]
    failures: Mapping[str, Failure]


def load_domains_world(path: Path = DOMAINS_WORLD_PATH) -> DomainsWorld:
    raw = json.loads(path.read_text(encoding="utf-8"))
    registrars = {
        key: Registrar(key=key, **{**item, "address": tuple(item.get("address", ()))})
        for key, item in raw["registrars"].items()
    }
    registrations = {
        item["domain"]: Registration(
            domain=item["domain"],
            registrar=registrars[item["registrar"]],
            registered=datetime.fromisoformat(item["registered"]),
            expires_in_days=item["expires_in_days"],
            registrant=item.get("registrant"),
            nameservers=tuple(item.get("nameservers", ())),
        )
        for item in raw["domains"]
    }
    failures = {
        item["domain"]: Failure(
            domain=item["domain"],
            kind=item["kind"],
            status=item.get("status", 500),
            headers=item.get("headers", {}),
        )
        for item in raw["failures"]
    }
    return DomainsWorld(registrations, failures)


def _zulu(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _vcard(*properties: list[Any]) -> list[Any]:
    return ["vcard", [["version", {}, "text", "4.0"], *properties]]


def _number(domain: str) -> int:
    """A stable handle number per name, as registries keep one per object."""
    return zlib.crc32(domain.encode()) % 10**9


class Bootstrap:
    """The bundled bootstrap, as raw bytes (for data.iana.org) and as suffix -> base URL (for routing)."""

    def __init__(self, path: Path) -> None:
        self.content = path.read_bytes()
        document = json.loads(self.content)
        self.base_urls: dict[str, str] = {}
        for entries, urls in document["services"]:
            chosen = next((url for url in urls if url.startswith("https://")), urls[0])
            for entry in entries:
                self.base_urls[entry.lower()] = chosen

    def base_url(self, domain: str) -> tuple[str, str] | None:
        """(suffix, base URL) for the longest listed suffix of `domain`."""
        labels = domain.split(".")
        for start in range(1, len(labels)):
            suffix = ".".join(labels[start:])
            if suffix in self.base_urls:
                return suffix, self.base_urls[suffix]
        return None


class Rdap:
    def __init__(self, world: DomainsWorld, bootstrap: Bootstrap) -> None:
        self.world = world
        self.bootstrap = bootstrap
        # (host, path prefix) -> the suffixes that base URL serves, from the bootstrap itself.
        self.bases: dict[tuple[str, str], set[str]] = {}
        for suffix, url in bootstrap.base_urls.items():
            parts = urlsplit(url)
            if parts.hostname in REGISTRY_HOSTS:
                prefix = parts.path if parts.path.endswith("/") else parts.path + "/"
                self.bases.setdefault((parts.hostname, prefix), set()).add(suffix)

    @property
    def hosts(self) -> tuple[str, ...]:
        return (*sorted({host for host, _ in self.bases}), RDAP_ORG, IANA_DATA)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        host = host_without_port(headers.get("host", ""))
        path = scope["path"]
        if scope["method"] not in ("GET", "HEAD"):
            response: Response = Response(status_code=405, headers={"Allow": "GET, HEAD"})
        elif host == IANA_DATA:
            response = self._iana(path)
        elif host == RDAP_ORG:
            response = self._rdap_org(path)
        else:
            domain = self._served_domain(host, path)
            if domain is None:
                response = self._not_found(host)
            else:
                failure = self.world.failures.get(domain)
                if failure is not None and failure.kind == "hang":
                    await _hang(receive)
                    return
                response = self._failure(failure) if failure else self._lookup(host, path, domain)
        await response(scope, receive, send)

    # -- the bootstrap services -------------------------------------------------------------------------

    def _iana(self, path: str) -> Response:
        if path == "/rdap/dns.json":
            return Response(self.bootstrap.content, media_type="application/json")
        return Response("<html><body><h1>Not Found</h1></body></html>", 404, media_type="text/html")

    def _rdap_org(self, path: str) -> Response:
        segments = [segment for segment in path.lower().split("/") if segment]
        if not segments:
            return _rdap_org_answer(302, {"location": "https://about.rdap.org/"})
        if segments == ["heartbeat"]:
            return _rdap_org_answer(200)
        if len(segments) != 2:
            return _rdap_org_answer(400)
        kind, name = segments[0], unquote(segments[1])
        found = self.bootstrap.base_url(name) if kind == "domain" else None
        if found is None:
            return _rdap_org_answer(404)
        base = found[1].rstrip("/")
        return _rdap_org_answer(302, {"location": f"{base}/{kind}/{name}"})

    # -- the registries ---------------------------------------------------------------------------------

    def _served_domain(self, host: str, path: str) -> str | None:
        """The domain a registry path asks for, when that base URL serves its suffix."""
        for (base_host, prefix), suffixes in self.bases.items():
            if base_host != host or not path.startswith(prefix + "domain/"):
                continue
            domain = unquote(path[len(prefix) + len("domain/") :]).rstrip(".").lower()
            found = self.bootstrap.base_url(domain)
            if "/" not in domain and found is not None and found[0] in suffixes:
                return domain
        return None

    def _failure(self, failure: Failure) -> Response:
        if failure.kind == "malformed":
            # A body cut short mid-answer, as a registry behind a failing proxy sends it.
            truncated = (
                f'{{"objectClassName":"domain","ldhName":"{failure.domain.upper()}","events":[{{"eventA'
            )
            return Response(truncated, media_type=RDAP_JSON)
        return Response(b"", failure.status, headers=dict(failure.headers), media_type=RDAP_JSON)

    def _lookup(self, host: str, path: str, domain: str) -> Response:
        registration = self.world.registrations.get(domain)
        if registration is None:
            return self._not_found(host)
        now = datetime.now(UTC)
        self_url = f"https://{host}{path}"
        if host == VERISIGN:
            return _json(_verisign(registration, self_url, now), RDAP_JSON)
        if host == AFNIC:
            return _json(_afnic(registration, self_url, now), "application/json")
        return _json(_generic(registration, self_url, now), RDAP_JSON)

    @staticmethod
    def _not_found(host: str) -> Response:
        if host == VERISIGN:
            return Response(b"", 404, media_type=RDAP_JSON)  # Verisign's 404 has no body at all
        error = {"rdapConformance": ["rdap_level_0"], "errorCode": 404, "title": "Not Found"}
        return _json(error, RDAP_JSON, 404)


def _rdap_org_answer(status: int, headers: Mapping[str, str] | None = None) -> Response:
    fixed = {"access-control-allow-origin": "*", "server": "https://github.com/rdap-org/rdap.org"}
    return Response(b"", status, headers={**fixed, **(headers or {})}, media_type=RDAP_JSON)


def _json(payload: Any, media_type: str, status: int = 200) -> Response:
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return Response(body, status, media_type=media_type, headers={"access-control-allow-origin": "*"})


async def _hang(receive: Receive) -> None:
    """Answer nothing until the client gives up (its read timeout), at most an hour."""

    async def until_disconnect() -> None:
        while (await receive())["type"] != "http.disconnect":
            pass

    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(until_disconnect(), HANG_SECONDS)


def _events(registration: Registration, now: datetime) -> list[dict[str, str]]:
    return [
        {"eventAction": "registration", "eventDate": _zulu(registration.registered)},
        {"eventAction": "expiration", "eventDate": _zulu(registration.expires(now))},
        {"eventAction": "last changed", "eventDate": _zulu(registration.expires(now) - timedelta(days=365))},
    ]


def _verisign(registration: Registration, self_url: str, now: datetime) -> dict[str, Any]:
    registrar = registration.registrar
    name = registration.domain.upper()
    suffix = name.rsplit(".", 1)[-1]
    abuse = _vcard(
        ["fn", {}, "text", ""],
        ["tel", {"type": "voice"}, "uri", registrar.abuse_phone or ""],
        ["email", {}, "text", registrar.abuse_email or ""],
    )
    return {
        "objectClassName": "domain",
        "handle": f"{_number(registration.domain)}_DOMAIN_{suffix}-VRSN",
        "ldhName": name,
        "links": [{"value": self_url, "rel": "self", "href": self_url, "type": RDAP_JSON}],
        "status": ["client delete prohibited", "client transfer prohibited", "client update prohibited"],
        "entities": [
            {
                "objectClassName": "entity",
                "handle": registrar.iana_id,
                "roles": ["registrar"],
                "links": [{"href": registrar.url, "type": "text/html", "value": self_url, "rel": "about"}],
                "publicIds": [{"type": "IANA Registrar ID", "identifier": registrar.iana_id}],
                "vcardArray": _vcard(["fn", {}, "text", registrar.name]),
                "entities": [{"objectClassName": "entity", "roles": ["abuse"], "vcardArray": abuse}],
            }
        ],
        "events": [
            *_events(registration, now),
            {"eventAction": "last update of RDAP database", "eventDate": _zulu(now)},
        ],
        "secureDNS": {"delegationSigned": False},
        "nameservers": [
            {"objectClassName": "nameserver", "ldhName": server.upper()}
            for server in registration.nameservers
        ],
        "rdapConformance": CONFORMANCE,
        "notices": [
            {
                "title": "Terms of Service",
                "description": ["Service subject to Terms of Use."],
                "links": [
                    {
                        "href": "https://www.verisign.com/domain-names/registration-data-access-protocol/terms-service/index.xhtml",
                        "type": "text/html",
                        "value": self_url,
                        "rel": "terms-of-service",
                    }
                ],
            },
            {
                "title": "Status Codes",
                "description": [
                    "For more information on domain status codes, please visit https://icann.org/epp"
                ],
                "links": [{"href": "https://icann.org/epp", "type": "text/html"}],
            },
        ],
    }


def _afnic(registration: Registration, self_url: str, now: datetime) -> dict[str, Any]:
    registrar = registration.registrar
    handle = registrar.afnic_handle or f"RAR{_number(registrar.name) % 1000}-FRNIC"
    address = list(registrar.address)
    entities: list[dict[str, Any]] = [
        {
            "objectClassName": "entity",
            "handle": handle,
            "links": [_afnic_link(f"https://{AFNIC}/entity/{handle}")],
            "status": ["active"],
            "vcardArray": _vcard(
                ["fn", {}, "text", registrar.name],
                ["tel", {}, "text", registrar.phone or ""],
                ["email", {}, "text", registrar.email or ""],
                ["url", {}, "uri", registrar.url],
                ["adr", {}, "text", ["", "", *address[:2], "", *address[2:]] if address else [""] * 7],
            ),
            "roles": ["sponsor", "registrar"],
            "publicIds": [{"type": "IANA Registrar ID", "identifier": registrar.iana_id}]
            if registrar.iana_id
            else [],
        }
    ]
    if registration.registrant:
        contact = f"C{_number(registration.domain) % 100000}-FRNIC"
        entities.append(
            {
                "objectClassName": "entity",
                "handle": contact,
                "links": [_afnic_link(f"https://{AFNIC}/entity/{contact}")],
                "status": ["associated", "active"],
                "vcardArray": _vcard(
                    ["fn", {}, "text", registration.registrant],
                    ["org", {}, "text", registration.registrant],
                ),
                "roles": ["registrant"],
            }
        )
    return {
        "rdapConformance": [
            "rdap_level_0",
            "icann_rdap_technical_implementation_guide_0",
            "icann_rdap_response_profile_0",
        ],
        "objectClassName": "domain",
        "handle": f"DOM{_number(registration.domain):012d}-FRNIC",
        "links": [_afnic_link(self_url)],
        "events": _events(registration, now),
        "status": ["active"],
        "port43": "whois.nic.fr",
        "entities": entities,
        "ldhName": registration.domain,
        "nameservers": [
            {"objectClassName": "nameserver", "ldhName": server, "status": ["active"]}
            for server in registration.nameservers
        ],
    }


def _afnic_link(url: str) -> dict[str, str]:
    return {"value": url, "rel": "self", "href": url}


def _generic(registration: Registration, self_url: str, now: datetime) -> dict[str, Any]:
    """Nominet and CIRA: a plain RFC 9083 domain object with the registrar's name and site."""
    registrar = registration.registrar
    return {
        "rdapConformance": ["rdap_level_0"],
        "objectClassName": "domain",
        "handle": f"{_number(registration.domain)}",
        "ldhName": registration.domain,
        "links": [{"value": self_url, "rel": "self", "href": self_url, "type": RDAP_JSON}],
        "status": ["active"],
        "events": _events(registration, now),
        "entities": [
            {
                "objectClassName": "entity",
                "roles": ["registrar"],
                "vcardArray": _vcard(["fn", {}, "text", registrar.name], ["url", {}, "uri", registrar.url]),
            }
        ],
        "nameservers": [
            {"objectClassName": "nameserver", "ldhName": server} for server in registration.nameservers
        ],
    }


def emulation(world: World) -> Emulation:
    """The RDAP side of the web; `world` (the shops) is not needed: the domains have their own file."""
    del world
    service = Rdap(load_domains_world(), Bootstrap(BOOTSTRAP_PATH))
    return Emulation(name="rdap", hosts=service.hosts, app=service)
