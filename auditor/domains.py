"""Brand domains over RDAP: who holds `<brand>.fr`, `.com` and the country's TLD, and when they expire.

RDAP (RFC 9082/9083) replaces port-43 WHOIS with JSON over HTTPS. Which server answers for a TLD comes
from IANA's bootstrap file (RFC 9224): a copy ships in `config/rdap_dns.json` and `refresh_bootstrap`
fetches a newer one into the user's data dir, so a lookup never depends on data.iana.org being up. A TLD
missing from the file goes to a bootstrap redirector (rdap.org by default), which answers 302 to the
authoritative server, or 404 when it knows none either.

The statuses never guess: `available` needs an authoritative 404, `registered` a domain object; a throttled,
failing or silent registry is `unknown` with the reason. See docs/domains.md.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from auditor import messages as M
from auditor.files import write_whole
from auditor.http import FetchError, HttpClient, HttpResponse
from auditor.messages import finding
from auditor.models import DomainResult, Finding
from auditor.normalise.website import registrable_domain
from auditor.paths import data_dir as user_data_dir
from auditor.paths import shipped_config_dir

logger = logging.getLogger("auditor.domains")

IANA_BOOTSTRAP_URL = "https://data.iana.org/rdap/dns.json"
BOOTSTRAP_FILE_NAME = "rdap_dns.json"
# RFC 7480 §4.2: ask for RDAP's own media type. AFNIC has answered `application/json` (and at times refused
# an Accept naming only rdap+json), so plain JSON is accepted too, at a lower preference.
RDAP_ACCEPT = "application/rdap+json, application/json;q=0.9"
# An RDAP domain object is a few kB; anything far larger is not one.
MAX_RDAP_BYTES = 1_000_000
FINDINGS_PROVIDER = "domains"
DEFAULT_EXPIRY_WARNING_DAYS = 60
# Where someone else holding the brand, or the brand being free, is worth telling the owner (the issue's
# ".com/.fr"); the caller passes its own list for a business elsewhere.
BRAND_TLDS = ("com", "fr")
# A refreshed file must still route the TLD nearly every audit checks; anything else is a truncated file or
# someone else's JSON (a captive portal, an error page), not a newer bootstrap.
REQUIRED_BOOTSTRAP_TLDS = ("com",)
# Country code -> the TLDs a business there registers under. The UK registers mostly under .co.uk and,
# since 2014, directly under .uk; ".gb" exists but is not open to registration, so it is never checked.
COUNTRY_TLDS: Mapping[str, tuple[str, ...]] = {"GB": ("co.uk", "uk"), "UK": ("co.uk", "uk")}
# Where to go to register a free brand domain: pages of the registries or of ICANN, never a registrar's.
REGISTER_PAGES: Mapping[str, str] = {
    "fr": "https://www.afnic.fr/en/",
    "com": "https://www.icann.org/en/accredited-registrars",
    "net": "https://www.icann.org/en/accredited-registrars",
    "uk": "https://www.nominet.uk/",
}
IANA_TLD_PAGE = "https://www.iana.org/domains/root/db/{tld}.html"

# What a transport failure says about the registry, in the words of the report.
_FETCH_REASONS = {
    "timeout": "timeout",
    "connect_error": "unreachable",
    "unknown_host": "unreachable",
    "refused_address": "unreachable",
}
_LDH_LABEL = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")
# Characters people put between the words of a handle or name; a domain writes them as one hyphen.
_WORD_SEPARATORS = re.compile(r"[\s._]+")


class BootstrapError(ValueError):
    """A bootstrap file that is not an RFC 9224 DNS registry (or not one worth keeping)."""


@dataclass(frozen=True)
class DomainSettings:
    tlds: tuple[str, ...] = ("fr", "com")
    fallback: str | None = "https://rdap.org/"  # a bootstrap redirector for TLDs the file lacks; None: none
    expiry_warning_days: int = DEFAULT_EXPIRY_WARNING_DAYS


@dataclass(frozen=True)
class Bootstrap:
    """IANA's DNS bootstrap, indexed: each TLD (or multi-label suffix) to its RDAP base URLs."""

    publication: str
    services: Mapping[str, tuple[str, ...]]
    source: str  # the file it was read from, for the report and for debugging

    @property
    def published(self) -> datetime | None:
        return _parse_datetime(self.publication)


@dataclass(frozen=True)
class Registration:
    """What an RDAP domain object says about who holds the name, and until when (ISO dates)."""

    registrar: str | None
    registrar_url: str | None
    expires: str | None
    registered: str | None


# -- settings and candidates ------------------------------------------------------------------------------


def domain_settings(table: Mapping[str, Any]) -> DomainSettings:
    """DomainSettings from a config table (`[domains]`: tlds, fallback, expiry_warning_days).

    Raises ValueError naming the key, so the config loader can report it as its own error.
    """
    defaults = DomainSettings()
    tlds = table.get("tlds", list(defaults.tlds))
    if not isinstance(tlds, list | tuple) or not all(isinstance(tld, str) and tld.strip() for tld in tlds):
        raise ValueError(f"domains.tlds must be a list of TLDs such as ['fr', 'com'], not {tlds!r}")
    fallback = table.get("fallback", defaults.fallback)
    if fallback is not None and not isinstance(fallback, str):
        raise ValueError(f"domains.fallback must be a URL or empty, not {fallback!r}")
    if fallback and urlsplit(fallback).scheme not in ("http", "https"):
        raise ValueError(f"domains.fallback must be an http(s) URL, not {fallback!r}")
    days = table.get("expiry_warning_days", defaults.expiry_warning_days)
    if isinstance(days, bool) or not isinstance(days, int) or days < 0:
        raise ValueError(f"domains.expiry_warning_days must be a whole number ≥ 0, not {days!r}")
    return DomainSettings(
        tlds=tuple(dict.fromkeys(_clean_tld(tld) for tld in tlds)),
        fallback=fallback or None,
        expiry_warning_days=days,
    )


def _clean_tld(tld: str) -> str:
    return tld.strip().strip(".").lower()


def domain_label(candidate: str) -> str | None:
    """The DNS label a brand candidate stands for, or None when it cannot be one.

    Word separators (spaces, dots, underscores; a run of them) become one hyphen: "boulangerie_dupont"
    is registered as boulangerie-dupont, not boulangeriedupont. Hyphens inside are kept as written, those
    at the ends dropped. The result must be a letter-digit-hyphen label of 1 to 63 characters, without
    hyphens in places 3-4 (reserved for IDNA forms like xn--). Non-ASCII letters make the candidate
    invalid: folding accents is the job of whoever builds the candidates, and an IDN label would need
    its own checks.
    """
    label = _WORD_SEPARATORS.sub("-", candidate.strip().lower()).strip("-")
    if not _LDH_LABEL.match(label) or label[2:4] == "--":
        return None
    return label


def country_tlds(country_code: str | None) -> tuple[str, ...]:
    """The TLDs a business in this country registers under (GB: co.uk and uk; otherwise its ccTLD)."""
    if not country_code:
        return ()
    code = country_code.strip().upper()
    if code in COUNTRY_TLDS:
        return COUNTRY_TLDS[code]
    return (code.lower(),) if len(code) == 2 and code.isalpha() else ()


def brand_domains(
    candidates: Sequence[str],
    country_code: str | None,
    settings: DomainSettings,
    *,
    website: str | None = None,
) -> list[str]:
    """Domains to look up: the business's own site first (its expiry matters most), then every valid
    candidate label under each configured TLD and the country's TLDs. No duplicates, order kept."""
    tlds = tuple(dict.fromkeys((*settings.tlds, *country_tlds(country_code))))
    domains: dict[str, None] = {}
    own = registrable_domain(website) if website else None
    if own:
        domains[own] = None
    for candidate in candidates:
        label = domain_label(candidate)
        if label is None:
            continue
        for tld in tlds:
            domains[f"{label}.{tld}"] = None
    return list(domains)


# -- bootstrap --------------------------------------------------------------------------------------------


def bundled_bootstrap_path() -> Path:
    return shipped_config_dir() / BOOTSTRAP_FILE_NAME


def user_bootstrap_path(data_dir: Path | None = None) -> Path:
    """Where `refresh_bootstrap` writes and `load_bootstrap` looks first."""
    return (data_dir or user_data_dir()) / BOOTSTRAP_FILE_NAME


def parse_bootstrap(raw: Any, source: str) -> Bootstrap:
    """Index an RFC 9224 DNS bootstrap document; BootstrapError when its shape is not one."""
    if not isinstance(raw, dict):
        raise BootstrapError(f"{source}: not a JSON object")
    publication = raw.get("publication")
    if not isinstance(publication, str) or _parse_datetime(publication) is None:
        raise BootstrapError(f"{source}: no valid 'publication' date")
    if not isinstance(raw.get("version"), str):
        raise BootstrapError(f"{source}: no 'version'")
    services = raw.get("services")
    if not isinstance(services, list) or not services:
        raise BootstrapError(f"{source}: 'services' must be a non-empty list")
    index: dict[str, tuple[str, ...]] = {}
    for number, service in enumerate(services):
        entries, urls = _service(service, f"{source}: services[{number}]")
        for entry in entries:
            index[_clean_tld(entry)] = urls
    return Bootstrap(publication=publication, services=index, source=source)


def _service(service: Any, where: str) -> tuple[list[str], tuple[str, ...]]:
    if not isinstance(service, list) or len(service) < 2:
        raise BootstrapError(f"{where} must be [[entries], [urls]]")
    entries, urls = service[0], service[1]
    if not isinstance(entries, list) or not entries or not all(isinstance(e, str) and e for e in entries):
        raise BootstrapError(f"{where}: entries must be a non-empty list of labels")
    if not isinstance(urls, list) or not urls or not all(_is_http_url(url) for url in urls):
        raise BootstrapError(f"{where}: URLs must be a non-empty list of http(s) URLs")
    return entries, tuple(urls)


def _is_http_url(value: Any) -> bool:
    if not isinstance(value, str):
        return False
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def _read_bootstrap(path: Path) -> Bootstrap:
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise BootstrapError(f"{path}: {error}") from error
    return parse_bootstrap(raw, str(path))


def load_bootstrap(path: Path | None = None) -> Bootstrap:
    """The freshest valid bootstrap: the user's refreshed copy (`path`, by default in the data dir) when it
    is valid and not older than the bundled one, else the bundled one.

    A broken user copy is logged and ignored rather than fatal: the bundled file still routes every
    major TLD, and a newer release may ship a newer one than an old refresh.
    """
    bundled = _read_bootstrap(bundled_bootstrap_path())
    user_path = path or user_bootstrap_path()
    if not user_path.exists():
        return bundled
    try:
        user = _read_bootstrap(user_path)
    except BootstrapError as error:
        logger.warning("ignoring the RDAP bootstrap copy: %s", error)
        return bundled
    if (user.published or datetime.min.replace(tzinfo=UTC)) < (
        bundled.published or datetime.min.replace(tzinfo=UTC)
    ):
        return bundled
    return user


def rdap_base_url(domain: str, bootstrap: Bootstrap) -> str | None:
    """The RDAP base URL for a domain: the longest suffix the bootstrap lists (RFC 9224 §4), its https URL
    when it has one. None when no suffix is listed."""
    labels = domain.strip().rstrip(".").lower().split(".")
    for start in range(1, len(labels)):
        urls = bootstrap.services.get(".".join(labels[start:]))
        if urls:
            chosen = next((url for url in urls if url.startswith("https://")), urls[0])
            return chosen if chosen.endswith("/") else chosen + "/"
    return None


async def refresh_bootstrap(http: HttpClient, data_dir: Path) -> Path:
    """Fetch IANA's current bootstrap and write it, byte for byte, to the data dir; returns the path.

    The file is validated first and replaced atomically, so a failed or bogus download never leaves a
    half-written or invalid copy behind. Raises FetchError (no answer) or BootstrapError (a bad one).
    """
    response = await http.get(IANA_BOOTSTRAP_URL, headers={"Accept": "application/json"}, cache=False)
    if not response.ok:
        raise BootstrapError(f"{IANA_BOOTSTRAP_URL} answered HTTP {response.status}")
    try:
        raw = response.json()
    except FetchError as error:
        raise BootstrapError(f"{IANA_BOOTSTRAP_URL}: {error.detail}") from None
    bootstrap = parse_bootstrap(raw, IANA_BOOTSTRAP_URL)
    missing = [tld for tld in REQUIRED_BOOTSTRAP_TLDS if tld not in bootstrap.services]
    if missing:
        raise BootstrapError(f"{IANA_BOOTSTRAP_URL}: no RDAP server for {', '.join(missing)}; not kept")
    target = user_bootstrap_path(data_dir)
    write_whole(target, response.content)
    return target


# -- lookups ----------------------------------------------------------------------------------------------


async def check_domain(
    http: HttpClient,
    domain: str,
    bootstrap: Bootstrap,
    settings: DomainSettings,
    website_domain: str | None,
) -> DomainResult:
    """Look one domain up: registered (with registrar and dates), available, or unknown with the reason."""
    domain = domain.strip().rstrip(".").lower()
    tld = domain.rsplit(".", 1)[-1]
    base = rdap_base_url(domain, bootstrap)
    via_fallback = base is None
    if base is None:
        if not settings.fallback:
            return DomainResult(domain, "unknown", reason=_no_server(tld))
        base = settings.fallback if settings.fallback.endswith("/") else settings.fallback + "/"
    url = f"{base}domain/{domain}"
    try:
        response = await http.get(url, headers={"Accept": RDAP_ACCEPT}, max_bytes=MAX_RDAP_BYTES)
    except FetchError as error:
        reason = _FETCH_REASONS.get(error.reason, "bad_response")
        return DomainResult(domain, "unknown", reason=reason, rdap_url=url)
    return _interpret(domain, response, via_fallback=via_fallback, website_domain=website_domain)


async def check_domains(
    http: HttpClient,
    domains: Iterable[str],
    bootstrap: Bootstrap,
    settings: DomainSettings,
    website_domain: str | None,
) -> list[DomainResult]:
    """All lookups at once, in the order given; the client's per-host limits pace each registry."""
    return list(
        await asyncio.gather(
            *(check_domain(http, domain, bootstrap, settings, website_domain) for domain in domains)
        )
    )


def _no_server(tld: str) -> str:
    return f"no RDAP server for .{tld}"


def _interpret(
    domain: str, response: HttpResponse, *, via_fallback: bool, website_domain: str | None
) -> DomainResult:
    tld = domain.rsplit(".", 1)[-1]
    status = response.status
    if status == 404:
        if via_fallback and not response.redirects:
            # The redirector itself said no: it knows no server for the TLD, which says nothing of the name.
            return DomainResult(domain, "unknown", reason=_no_server(tld))
        if not _is_rdap_not_found(response):
            return DomainResult(domain, "unknown", reason="bad_response", rdap_url=response.url)
        return DomainResult(
            domain,
            "available",
            business_site=_is_business_site(domain, website_domain),
            rdap_url=response.url,
        )
    if status == 429:
        return DomainResult(domain, "unknown", reason="rate_limited", rdap_url=response.url)
    if status >= 500:
        return DomainResult(domain, "unknown", reason="server_error", rdap_url=response.url)
    if status == 403:
        return DomainResult(domain, "unknown", reason="blocked", rdap_url=response.url)
    if status != 200:
        return DomainResult(domain, "unknown", reason=f"http_{status}", rdap_url=response.url)
    try:
        payload = response.json()
    except FetchError:
        return DomainResult(domain, "unknown", reason="bad_response", rdap_url=response.url)
    registration = parse_domain_object(payload, domain)
    if registration is None:
        return DomainResult(domain, "unknown", reason="bad_response", rdap_url=response.url)
    return DomainResult(
        domain,
        "registered",
        registrar=registration.registrar,
        expires=registration.expires,
        registered=registration.registered,
        business_site=_is_business_site(domain, website_domain),
        rdap_url=response.url,
        registrar_url=registration.registrar_url,
    )


def _is_business_site(domain: str, website_domain: str | None) -> bool:
    return bool(website_domain) and registrable_domain(website_domain) == domain


def _is_rdap_not_found(response: HttpResponse) -> bool:
    """A 404 from an RDAP server: empty (Verisign) or a JSON error object (RFC 9083 §6). An HTML page is
    a web server's 404 for a path it does not serve (a moved base URL), which says nothing of the name."""
    if not response.content.strip():
        return True
    try:
        return isinstance(response.json(), dict)
    except FetchError:
        return False


def parse_domain_object(payload: Any, domain: str) -> Registration | None:
    """Registrar, expiry and registration date from an RFC 9083 domain object; None when the payload is
    not a domain object for `domain`."""
    if not isinstance(payload, dict):
        return None
    if payload.get("objectClassName", "domain") != "domain":
        return None
    names = {str(payload.get(key, "")).rstrip(".").lower() for key in ("ldhName", "unicodeName")} - {""}
    if names and domain not in names:
        return None
    if not names and "objectClassName" not in payload:
        return None
    events = _events(payload.get("events"))
    registrar = _registrar_entity(payload.get("entities"))
    return Registration(
        registrar=_entity_name(registrar) if registrar else None,
        registrar_url=_entity_site(registrar) if registrar else None,
        expires=events.get("expiration"),
        registered=events.get("registration"),
    )


def _events(raw: Any) -> dict[str, str]:
    """eventAction -> ISO date (UTC) of its first well-formed occurrence."""
    found: dict[str, str] = {}
    for event in raw if isinstance(raw, list) else ():
        if not isinstance(event, dict):
            continue
        action, when = event.get("eventAction"), _parse_datetime(event.get("eventDate"))
        if isinstance(action, str) and when is not None:
            found.setdefault(action.lower(), when.astimezone(UTC).date().isoformat())
    return found


def _parse_datetime(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


def _registrar_entity(raw: Any) -> dict[str, Any] | None:
    """The sponsoring registrar among the domain's own entities (not its nameservers').

    AFNIC lists a former registrar too (status inactive, no "sponsor" role): the active sponsor wins.
    """
    registrars = [
        entity
        for entity in (raw if isinstance(raw, list) else ())
        if isinstance(entity, dict) and "registrar" in _strings(entity.get("roles"))
    ]
    if not registrars:
        return None
    return max(
        registrars,
        key=lambda entity: (
            "inactive" not in _strings(entity.get("status")),
            "sponsor" in _strings(entity.get("roles")),
        ),
    )


def _strings(value: Any) -> list[str]:
    return [item.lower() for item in value if isinstance(item, str)] if isinstance(value, list) else []


def _vcard_values(entity: Mapping[str, Any], name: str) -> list[str]:
    """Text values of one vCard property in a jCard (RFC 7095): ["vcard", [[name, params, type, value]]]."""
    card = entity.get("vcardArray")
    if not (isinstance(card, list) and len(card) == 2 and isinstance(card[1], list)):
        return []
    return [
        prop[3].strip()
        for prop in card[1]
        if isinstance(prop, list) and len(prop) >= 4 and prop[0] == name and isinstance(prop[3], str)
    ]


def _entity_name(entity: Mapping[str, Any]) -> str | None:
    for value in (*_vcard_values(entity, "fn"), *_vcard_values(entity, "org")):
        if value:
            return value
    for public_id in entity.get("publicIds") or ():
        if isinstance(public_id, dict) and public_id.get("identifier"):
            return f"{public_id.get('type') or 'ID'} {public_id['identifier']}"
    return None


def _entity_site(entity: Mapping[str, Any]) -> str | None:
    """The registrar's web site: its vCard url, or a link to an HTML page (Verisign's rel="about")."""
    candidates = list(_vcard_values(entity, "url"))
    links = [link for link in entity.get("links") or () if isinstance(link, dict)]
    candidates += [str(link.get("href")) for link in links if link.get("type") == "text/html"]
    candidates += [
        str(link.get("href"))
        for link in links
        if link.get("rel") == "about" and "rdap" not in str(link.get("type", ""))
    ]
    return next((url for url in candidates if _is_http_url(url)), None)


# -- findings ---------------------------------------------------------------------------------------------


def domain_findings(
    results: Sequence[DomainResult],
    *,
    brand_labels: Sequence[str],
    today: date,
    expiry_warning_days: int = DEFAULT_EXPIRY_WARNING_DAYS,
    brand_tlds: Sequence[str] = BRAND_TLDS,
) -> list[Finding]:
    """What the owner should act on: their own domain expiring or lapsed (high), the brand .com/.fr held
    by someone else (medium) or free to register (low).

    `brand_labels` are the labels that ARE the brand (not every candidate variant), so an unused variant
    does not become a finding; `brand_tlds` the TLDs where the brand matters (a British pub may pass
    ("com", "co.uk", "uk")). Unknown lookups give no finding: a throttled registry is neither good nor
    bad news.
    """
    brand = {label for label in (domain_label(raw) for raw in brand_labels) if label}
    wanted_tlds = {_clean_tld(tld) for tld in brand_tlds}
    findings: list[Finding] = []
    for result in results:
        if result.business_site:
            findings.extend(_own_domain_findings(result, today, expiry_warning_days))
            continue
        label, _, tld = result.domain.partition(".")
        if label not in brand or tld not in wanted_tlds:
            continue
        if result.status == "registered":
            findings.append(_taken_finding(result, today))
        elif result.status == "available":
            findings.append(
                finding(
                    "low",
                    "domain_available",
                    M.DOMAIN_AVAILABLE,
                    FINDINGS_PROVIDER,
                    _register_page(tld),
                    domain=result.domain,
                )
            )
    return findings


def _own_domain_findings(result: DomainResult, today: date, warning_days: int) -> list[Finding]:
    if result.status == "available":
        return [
            finding(
                "high",
                "domain_lapsed",
                M.DOMAIN_LAPSED,
                FINDINGS_PROVIDER,
                _register_page(_tld(result)),
                domain=result.domain,
            )
        ]
    expires = _iso_date(result.expires)
    if result.status != "registered" or expires is None:
        return []
    days_left = (expires - today).days
    if days_left > warning_days:
        return []
    at = result.registrar is not None
    if days_left < 0:
        template = M.DOMAIN_EXPIRED_AT if at else M.DOMAIN_EXPIRED
    elif days_left == 0:
        template = M.DOMAIN_EXPIRES_TODAY_AT if at else M.DOMAIN_EXPIRES_TODAY
    elif days_left == 1:
        template = M.DOMAIN_EXPIRES_IN_ONE_DAY_AT if at else M.DOMAIN_EXPIRES_IN_ONE_DAY
    else:
        template = M.DOMAIN_EXPIRES_IN_AT if at else M.DOMAIN_EXPIRES_IN
    params = {"domain": result.domain, "expires": result.expires, "days": days_left}
    if at:
        params["registrar"] = result.registrar
    return [finding("high", "domain_expiring", template, FINDINGS_PROVIDER, result.registrar_url, **params)]


def _taken_finding(result: DomainResult, today: date) -> Finding:
    expires = _iso_date(result.expires)
    until = expires is not None and expires >= today
    if result.registrar:
        template = M.DOMAIN_TAKEN_AT_UNTIL if until else M.DOMAIN_TAKEN_AT
    else:
        template = M.DOMAIN_TAKEN_UNTIL if until else M.DOMAIN_TAKEN
    params: dict[str, Any] = {"domain": result.domain}
    if result.registrar:
        params["registrar"] = result.registrar
    if until:
        params["expires"] = result.expires
    return finding("medium", "domain_taken", template, FINDINGS_PROVIDER, **params)


def _iso_date(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def _tld(result: DomainResult) -> str:
    return result.domain.rsplit(".", 1)[-1]


def _register_page(tld: str) -> str:
    return REGISTER_PAGES.get(tld) or IANA_TLD_PAGE.format(tld=tld)


__all__ = [
    "IANA_BOOTSTRAP_URL",
    "Bootstrap",
    "BootstrapError",
    "DomainSettings",
    "brand_domains",
    "bundled_bootstrap_path",
    "check_domain",
    "check_domains",
    "country_tlds",
    "domain_findings",
    "domain_label",
    "domain_settings",
    "load_bootstrap",
    "parse_bootstrap",
    "parse_domain_object",
    "rdap_base_url",
    "refresh_bootstrap",
    "user_bootstrap_path",
]
