"""Brand domains: candidate rules, the bootstrap, RDAP parsing, findings, and lookups over real HTTP
against the sandbox's registries."""

from __future__ import annotations

import json
import logging
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from auditor.domains import (
    Bootstrap,
    BootstrapError,
    DomainSettings,
    brand_domains,
    bundled_bootstrap_path,
    check_domain,
    check_domains,
    country_tlds,
    domain_findings,
    domain_label,
    domain_settings,
    load_bootstrap,
    parse_bootstrap,
    parse_domain_object,
    rdap_base_url,
    refresh_bootstrap,
    user_bootstrap_path,
)
from auditor.http import HttpClient, HttpSettings
from auditor.models import DomainResult
from tests.sandbox_control import SandboxControl

WEBSITE = "https://www.boulangerie-dupont.fr"
FAST = HttpSettings(max_retries=0, connect_timeout=2.0, read_timeout=2.0)

# Verisign's answer for google.com, recorded 2026-06-27 (jarthod/rdap spec fixture); notices trimmed.
VERISIGN_GOOGLE = json.loads(
    """{"objectClassName":"domain","handle":"2138514_DOMAIN_COM-VRSN","ldhName":"GOOGLE.COM",
    "links":[{"value":"https://rdap.verisign.com/com/v1/domain/GOOGLE.COM","rel":"self",
    "href":"https://rdap.verisign.com/com/v1/domain/GOOGLE.COM","type":"application/rdap+json"},
    {"value":"https://rdap.markmonitor.com/rdap/domain/GOOGLE.COM","rel":"related",
    "href":"https://rdap.markmonitor.com/rdap/domain/GOOGLE.COM","type":"application/rdap+json"}],
    "status":["client delete prohibited","client transfer prohibited","client update prohibited",
    "server delete prohibited","server transfer prohibited","server update prohibited"],
    "entities":[{"objectClassName":"entity","handle":"292","roles":["registrar"],
    "links":[{"href":"http://www.markmonitor.com","type":"text/html","value":"https://rdap.markmonitor.com/rdap/",
    "rel":"about"}],"publicIds":[{"type":"IANA Registrar ID","identifier":"292"}],
    "vcardArray":["vcard",[["version",{},"text","4.0"],["fn",{},"text","MarkMonitor Inc."]]],
    "entities":[{"objectClassName":"entity","roles":["abuse"],"vcardArray":["vcard",[["version",{},"text","4.0"],
    ["fn",{},"text",""],["tel",{"type":"voice"},"uri","tel:+1.2086851750"],
    ["email",{},"text","abusecomplaints@markmonitor.com"]]]}]}],
    "events":[{"eventAction":"registration","eventDate":"1997-09-15T04:00:00Z"},
    {"eventAction":"expiration","eventDate":"2028-09-14T04:00:00Z"},
    {"eventAction":"last changed","eventDate":"2019-09-09T15:39:04Z"},
    {"eventAction":"last update of RDAP database","eventDate":"2026-06-27T13:33:33Z"}],
    "secureDNS":{"delegationSigned":false},
    "nameservers":[{"objectClassName":"nameserver","ldhName":"NS1.GOOGLE.COM"}],
    "rdapConformance":["rdap_level_0","icann_rdap_technical_implementation_guide_1",
    "icann_rdap_response_profile_1"]}"""
)

# AFNIC's answer for airport.fr, recorded 2022-12-29 (jarthod/rdap spec fixture); contact remarks trimmed.
# A former registrar (inactive, role "registrar" only) is listed before the sponsoring one.
AFNIC_AIRPORT = json.loads(
    """{"rdapConformance":["rdap_level_0","icann_rdap_technical_implementation_guide_0",
    "icann_rdap_response_profile_0"],"objectClassName":"domain","handle":"DOM000000001670-FRNIC",
    "entities":[{"objectClassName":"entity","handle":"ANO00-FRNIC","status":["associated","active"],
    "vcardArray":["vcard",[["version",{},"text","4.0"],["fn",{},"text","Ano Nymous"],["org",{},"text",""]]],
    "roles":["registrant","administrative"]},
    {"objectClassName":"entity","handle":"RAR910-FRNIC","status":["inactive"],
    "links":[{"href":"https://rdap.nic.fr/entity/RAR910-FRNIC","value":"https://rdap.nic.fr/entity/RAR910-FRNIC",
    "rel":"self"}],"vcardArray":["vcard",[["version",{},"text","4.0"],["fn",{},"text","PG"],
    ["url",{},"uri","http://exceptionnel.fr/e/acces-clients/"]]],"roles":["registrar"],
    "publicIds":[{"type":"IANA Registrar ID","identifier":"84259"}]},
    {"objectClassName":"entity","handle":"RAR803-FRNIC","status":["active"],
    "links":[{"href":"https://rdap.nic.fr/entity/RAR803-FRNIC","value":"https://rdap.nic.fr/entity/RAR803-FRNIC",
    "rel":"self"}],"vcardArray":["vcard",[["version",{},"text","4.0"],["fn",{},"text","EXCEPTIONNEL"],
    ["tel",{},"text","+33.183625369"],["email",{},"text","contact@exceptionnel.fr"],
    ["url",{},"uri","http://www.dotlia.fr"],
    ["adr",{},"text",["","","231 Rue Saint-Honoré","PARIS","","75001","FR"]]]],
    "roles":["registrar","sponsor"],"publicIds":[{"type":"IANA Registrar ID","identifier":"82909"}]}],
    "status":["inactive"],"events":[{"eventAction":"registration","eventDate":"2016-01-27T00:33:10Z"},
    {"eventAction":"expiration","eventDate":"2023-01-27T00:33:10Z"},
    {"eventAction":"last changed","eventDate":"2022-01-27T00:35:28Z"}],
    "links":[{"href":"https://rdap.nic.fr/domain/airport.fr","value":"https://rdap.nic.fr/domain/airport.fr",
    "rel":"self"}],"ldhName":"airport.fr","nameservers":[]}"""
)

# AFNIC's answer for lemonde.fr (icann/icann-rdap test file), trimmed to one contact and one nameserver:
# the nameserver carries a registrar entity of its own ("Registry Operations"), which is not the domain's.
AFNIC_LEMONDE = json.loads(
    """{"objectClassName":"domain","handle":"DOM000000024309-FRNIC","ldhName":"lemonde.fr",
    "events":[{"eventAction":"registration","eventDate":"2005-08-02T14:16:36Z"},
    {"eventAction":"expiration","eventDate":"2025-06-09T22:08:09Z"},
    {"eventAction":"last changed","eventDate":"2024-06-12T22:09:39.881923Z"},
    {"eventAction":"transfer","eventDate":"2022-06-09T22:08:09Z"}],
    "status":["server update prohibited","server transfer prohibited","server delete prohibited"],
    "entities":[{"objectClassName":"entity","handle":"RAR24-FRNIC","status":["active"],
    "vcardArray":["vcard",[["version",{},"text","4.0"],["fn",{},"text","NAMESHIELD"],
    ["url",{},"uri","https://www.nameshield.com/contact-nameshield/"]]],"roles":["sponsor","registrar"],
    "publicIds":[{"type":"IANA Registrar ID","identifier":"1251"}]},
    {"objectClassName":"entity","handle":"SEDM254-FRNIC","roles":["registrant"],
    "vcardArray":["vcard",[["version",{},"text","4.0"],["fn",{},"text","SOCIETE EDITRICE du monde"]]]}],
    "nameservers":[{"objectClassName":"nameserver","ldhName":"ns-cloud-b4.googledomains.com",
    "entities":[{"objectClassName":"entity","handle":"RAR939-FRNIC","roles":["sponsor","registrar"],
    "vcardArray":["vcard",[["version",{},"text","4.0"],["fn",{},"text","Registry Operations"],
    ["url",{},"uri","https://www.afnic.fr"]]]}]}]}"""
)


def _bootstrap(services: dict[str, tuple[str, ...]], publication: str = "2026-01-01T00:00:00Z") -> Bootstrap:
    return Bootstrap(publication=publication, services=services, source="test")


def _bootstrap_document(publication: str, services: list[Any]) -> dict[str, Any]:
    return {"description": "test", "publication": publication, "services": services, "version": "1.0"}


def _client(sandbox: SandboxControl, settings: HttpSettings = FAST) -> HttpClient:
    return HttpClient(settings, sandbox=sandbox.url, cache_dir=None)


# -- candidates -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("candidate", "label"),
    [
        ("boulangeriedupont", "boulangeriedupont"),
        ("BoulangerieDupont", "boulangeriedupont"),
        ("boulangerie_dupont", "boulangerie-dupont"),
        ("boulangerie.dupont", "boulangerie-dupont"),
        ("crown & anchor", None),  # "&" is not a letter, digit or hyphen
        ("Crown and Anchor", "crown-and-anchor"),
        ("_dupont_", "dupont"),
        ("a" * 63, "a" * 63),
        ("a" * 64, None),
        ("café", None),
        ("ab--cd", None),  # places 3-4 are reserved for IDNA forms (xn--)
        ("a--b", "a--b"),
        ("boulangerie . dupont", "boulangerie-dupont"),
        ("", None),
        ("---", None),
    ],
)
def test_domain_label_keeps_only_valid_dns_labels(candidate: str, label: str | None) -> None:
    assert domain_label(candidate) == label


def test_brand_domains_checks_each_label_under_each_tld_and_the_country_tld() -> None:
    settings = DomainSettings(tlds=("fr", "com"))
    domains = brand_domains(["boulangeriedupont", "boulangerie_dupont", "café"], "BE", settings)
    assert domains == [
        "boulangeriedupont.fr",
        "boulangeriedupont.com",
        "boulangeriedupont.be",
        "boulangerie-dupont.fr",
        "boulangerie-dupont.com",
        "boulangerie-dupont.be",
    ]


def test_brand_domains_puts_the_business_site_first_without_duplicates() -> None:
    domains = brand_domains(
        ["boulangerie_dupont", "boulangerie.dupont"], "FR", DomainSettings(), website=WEBSITE
    )
    assert domains == ["boulangerie-dupont.fr", "boulangerie-dupont.com"]


def test_brand_domains_checks_co_uk_and_uk_for_great_britain() -> None:
    domains = brand_domains(["crownandanchorbath"], "GB", DomainSettings(tlds=("com",)))
    assert domains == ["crownandanchorbath.com", "crownandanchorbath.co.uk", "crownandanchorbath.uk"]


@pytest.mark.parametrize(
    ("country", "tlds"),
    [("FR", ("fr",)), ("us", ("us",)), ("GB", ("co.uk", "uk")), (None, ()), ("", ()), ("FRA", ())],
)
def test_country_tlds(country: str | None, tlds: tuple[str, ...]) -> None:
    assert country_tlds(country) == tlds


def test_domain_settings_from_a_config_table() -> None:
    settings = domain_settings({"tlds": [".FR", "com", "fr"], "fallback": "", "expiry_warning_days": 30})
    assert settings == DomainSettings(tlds=("fr", "com"), fallback=None, expiry_warning_days=30)
    assert domain_settings({}) == DomainSettings()


@pytest.mark.parametrize(
    "table",
    [
        {"tlds": "fr"},
        {"tlds": [""]},
        {"fallback": "ftp://x"},
        {"expiry_warning_days": -1},
        {"expiry_warning_days": True},
    ],
)
def test_domain_settings_rejects_bad_values(table: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="domains\\."):
        domain_settings(table)


# -- bootstrap --------------------------------------------------------------------------------------------


def test_bundled_bootstrap_routes_fr_com_and_net_to_their_registries() -> None:
    bootstrap = load_bootstrap(Path("/nonexistent/rdap_dns.json"))
    assert bootstrap.source == str(bundled_bootstrap_path())
    assert bootstrap.publication == "2026-06-26T18:00:02Z"
    assert rdap_base_url("boulangerie-dupont.fr", bootstrap) == "https://rdap.nic.fr/"
    assert rdap_base_url("boulangeriedupont.com", bootstrap) == "https://rdap.verisign.com/com/v1/"
    assert rdap_base_url("boulangeriedupont.net", bootstrap) == "https://rdap.verisign.com/net/v1/"
    assert rdap_base_url("crownandanchorbath.co.uk", bootstrap) == "https://rdap.nominet.uk/uk/"
    assert rdap_base_url("maplestreetbakery.us", bootstrap) is None


def test_rdap_base_url_takes_the_longest_listed_suffix_and_prefers_https() -> None:
    bootstrap = _bootstrap(
        {
            "uk": ("https://rdap.example/uk/",),
            "co.uk": ("http://plain.example/couk", "https://secure.example/couk"),
        }
    )
    assert rdap_base_url("dupont.co.uk", bootstrap) == "https://secure.example/couk/"
    assert rdap_base_url("dupont.uk", bootstrap) == "https://rdap.example/uk/"
    assert rdap_base_url("DUPONT.CO.UK.", bootstrap) == "https://secure.example/couk/"
    assert rdap_base_url("uk", bootstrap) is None  # a bare TLD is no domain to look up
    assert rdap_base_url("dupont.fr", bootstrap) is None


@pytest.mark.parametrize(
    "document",
    [
        [],
        {"publication": "2026-01-01T00:00:00Z", "version": "1.0", "services": []},
        {"publication": "yesterday", "version": "1.0", "services": [[["com"], ["https://x.example/"]]]},
        {"publication": "2026-01-01T00:00:00Z", "services": [[["com"], ["https://x.example/"]]]},
        {"publication": "2026-01-01T00:00:00Z", "version": "1.0", "services": [[["com"], []]]},
        {"publication": "2026-01-01T00:00:00Z", "version": "1.0", "services": [[["com"], ["ftp://x/"]]]},
        {
            "publication": "2026-01-01T00:00:00Z",
            "version": "1.0",
            "services": [["com", "https://x.example/"]],
        },
    ],
)
def test_parse_bootstrap_rejects_what_is_not_an_rfc9224_file(document: Any) -> None:
    with pytest.raises(BootstrapError):
        parse_bootstrap(document, "test")


def test_load_bootstrap_prefers_a_valid_newer_user_copy(tmp_path: Path) -> None:
    user = tmp_path / "rdap_dns.json"
    services = [[["com"], ["https://rdap.example/com/"]]]
    user.write_text(json.dumps(_bootstrap_document("2027-01-01T00:00:00Z", services)), encoding="utf-8")
    bootstrap = load_bootstrap(user)
    assert bootstrap.source == str(user)
    assert rdap_base_url("dupont.com", bootstrap) == "https://rdap.example/com/"


def test_load_bootstrap_keeps_the_bundled_file_when_the_user_copy_is_older(tmp_path: Path) -> None:
    user = tmp_path / "rdap_dns.json"
    services = [[["com"], ["https://rdap.example/com/"]]]
    user.write_text(json.dumps(_bootstrap_document("2024-01-01T00:00:00Z", services)), encoding="utf-8")
    assert load_bootstrap(user).source == str(bundled_bootstrap_path())


def test_load_bootstrap_ignores_a_broken_user_copy(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    user = tmp_path / "rdap_dns.json"
    user.write_text('{"services": ', encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="auditor.domains"):
        bootstrap = load_bootstrap(user)
    assert bootstrap.source == str(bundled_bootstrap_path())
    assert "ignoring the RDAP bootstrap copy" in caplog.text


def test_load_bootstrap_looks_in_the_data_dir_by_default(tmp_path: Path) -> None:
    # conftest points SOLOMO_DATA_DIR at tmp_path / "solomo-data"
    default = user_bootstrap_path()
    assert default == tmp_path / "solomo-data" / "rdap_dns.json"
    default.parent.mkdir(parents=True)
    services = [[["com"], ["https://rdap.example/com/"]]]
    default.write_text(json.dumps(_bootstrap_document("2027-01-01T00:00:00Z", services)), encoding="utf-8")
    assert load_bootstrap().source == str(default)


# -- parsing RDAP domain objects --------------------------------------------------------------------------


def test_parse_verisign_domain_object() -> None:
    registration = parse_domain_object(VERISIGN_GOOGLE, "google.com")
    assert registration is not None
    assert registration.registrar == "MarkMonitor Inc."
    assert registration.registrar_url == "http://www.markmonitor.com"
    assert registration.expires == "2028-09-14"
    assert registration.registered == "1997-09-15"


def test_parse_afnic_domain_object_picks_the_active_sponsoring_registrar() -> None:
    registration = parse_domain_object(AFNIC_AIRPORT, "airport.fr")
    assert registration is not None
    assert registration.registrar == "EXCEPTIONNEL"
    assert registration.registrar_url == "http://www.dotlia.fr"
    assert registration.expires == "2023-01-27"
    assert registration.registered == "2016-01-27"


def test_parse_ignores_the_registrars_of_nameservers() -> None:
    registration = parse_domain_object(AFNIC_LEMONDE, "lemonde.fr")
    assert registration is not None
    assert registration.registrar == "NAMESHIELD"
    assert registration.registrar_url == "https://www.nameshield.com/contact-nameshield/"
    assert registration.expires == "2025-06-09"


def test_parse_names_the_registrar_by_its_public_id_when_its_vcard_has_no_name() -> None:
    payload = json.loads(json.dumps(VERISIGN_GOOGLE))
    payload["entities"][0]["vcardArray"] = ["vcard", [["version", {}, "text", "4.0"], ["fn", {}, "text", ""]]]
    registration = parse_domain_object(payload, "google.com")
    assert registration is not None
    assert registration.registrar == "IANA Registrar ID 292"


def test_parse_converts_event_dates_to_utc_days_and_skips_bad_ones() -> None:
    payload = {
        "objectClassName": "domain",
        "ldhName": "dupont.fr",
        "events": [
            {"eventAction": "expiration", "eventDate": "not a date"},
            {"eventAction": "expiration", "eventDate": "2027-03-01T01:30:00+02:00"},
            {"eventAction": "registration"},
        ],
    }
    registration = parse_domain_object(payload, "dupont.fr")
    assert registration is not None
    assert registration.expires == "2027-02-28"
    assert registration.registered is None
    assert registration.registrar is None


@pytest.mark.parametrize(
    "payload",
    [
        [],
        "domain",
        {"objectClassName": "entity", "handle": "292"},
        {"objectClassName": "domain", "ldhName": "OTHER.COM"},
        {"errorCode": 404, "title": "Not Found"},
    ],
)
def test_parse_rejects_what_is_not_this_domain(payload: Any) -> None:
    assert parse_domain_object(payload, "google.com") is None


# -- findings ---------------------------------------------------------------------------------------------

TODAY = date(2026, 11, 22)


def _registered(domain: str, expires_in: int, *, own: bool, url: str | None = None) -> DomainResult:
    return DomainResult(
        domain,
        "registered",
        registrar="OVH SAS",
        expires=(TODAY + timedelta(days=expires_in)).isoformat(),
        business_site=own,
        registrar_url=url,
    )


def _findings(*results: DomainResult, **kw: Any) -> list[Any]:
    return domain_findings(
        results, brand_labels=["boulangeriedupont", "boulangerie_dupont"], today=TODAY, **kw
    )


def test_own_domain_expiring_in_20_days_is_high_with_the_registrars_site() -> None:
    [finding] = _findings(_registered("boulangerie-dupont.fr", 20, own=True, url="https://www.ovhcloud.com/"))
    assert (finding.severity, finding.code) == ("high", "domain_expiring")
    assert "in 20 days" in finding.message and "OVH SAS" in finding.message
    assert finding.fix_url == "https://www.ovhcloud.com/"


def test_own_domain_expiring_in_200_days_is_no_finding() -> None:
    assert _findings(_registered("boulangerie-dupont.fr", 200, own=True)) == []


def test_expiry_warning_window_is_configurable() -> None:
    result = _registered("boulangerie-dupont.fr", 45, own=True)
    assert _findings(result, expiry_warning_days=30) == []
    assert [f.code for f in _findings(result, expiry_warning_days=60)] == ["domain_expiring"]


def test_own_domain_already_expired_is_high() -> None:
    [finding] = _findings(_registered("boulangerie-dupont.fr", -3, own=True))
    assert finding.severity == "high"
    assert "expired on" in finding.message


def test_own_domain_that_lapsed_is_high() -> None:
    [finding] = _findings(DomainResult("boulangerie-dupont.fr", "available", business_site=True))
    assert (finding.severity, finding.code) == ("high", "domain_lapsed")
    assert finding.fix_url == "https://www.afnic.fr/en/"


def test_brand_com_held_by_someone_else_is_medium() -> None:
    [finding] = _findings(_registered("boulangeriedupont.com", 400, own=False))
    assert (finding.severity, finding.code, finding.fix_url) == ("medium", "domain_taken", None)
    assert "OVH SAS" in finding.message


def test_the_business_own_brand_domain_is_not_taken() -> None:
    assert _findings(_registered("boulangerie-dupont.com", 400, own=True)) == []


def test_free_brand_fr_and_com_are_low_with_a_neutral_registration_page() -> None:
    findings = _findings(
        DomainResult("boulangeriedupont.fr", "available"),
        DomainResult("boulangerie-dupont.com", "available"),
    )
    assert [(f.severity, f.code, f.fix_url) for f in findings] == [
        ("low", "domain_available", "https://www.afnic.fr/en/"),
        ("low", "domain_available", "https://www.icann.org/en/accredited-registrars"),
    ]


def test_unknown_lookups_variants_and_other_tlds_give_no_finding() -> None:
    assert (
        _findings(
            DomainResult("boulangeriedupont.com", "unknown", reason="rate_limited"),
            DomainResult("boulangeriedupont.fr", "unknown", reason="server_error"),
            DomainResult("dupontboulangerie.com", "available"),  # a variant, not the brand
            DomainResult("boulangeriedupont.be", "available"),  # not a brand TLD by default
        )
        == []
    )


def test_brand_tlds_can_follow_the_country() -> None:
    results = [DomainResult("crownandanchorbath.uk", "available")]
    kw: dict[str, Any] = {"brand_labels": ["crownandanchorbath"], "today": TODAY}
    assert domain_findings(results, **kw) == []
    [finding] = domain_findings(results, brand_tlds=("com", "co.uk", "uk"), **kw)
    assert finding.fix_url == "https://www.nominet.uk/"


# -- lookups over HTTP, against the sandbox ---------------------------------------------------------------


async def test_registered_domain_of_the_business(sandbox: SandboxControl) -> None:
    async with _client(sandbox) as http:
        result = await check_domain(
            http, "boulangerie-dupont.fr", load_bootstrap(), DomainSettings(), WEBSITE
        )
    assert isinstance(result, DomainResult)
    assert (result.status, result.registrar, result.business_site) == ("registered", "OVH SAS", True)
    assert result.registrar_url == "https://www.ovhcloud.com/"
    assert result.rdap_url == "https://rdap.nic.fr/domain/boulangerie-dupont.fr"
    assert result.expires is not None
    assert 19 <= (date.fromisoformat(result.expires) - date.today()).days <= 21
    [entry] = [e for e in sandbox.log() if e["host"] == "rdap.nic.fr"]
    assert "application/rdap+json" in entry["headers"]["accept"]


async def test_registered_by_someone_else_available_and_unknowns(sandbox: SandboxControl) -> None:
    domains = [
        "boulangeriedupont.com",
        "boulangeriedupont.fr",
        "dupontboulangerie.com",
        "patisserie-dupont.fr",
        "boulangeriedupont.net",
    ]
    async with _client(sandbox) as http:
        results = await check_domains(http, domains, load_bootstrap(), DomainSettings(), WEBSITE)
    by_domain = {r.domain: r for r in results}
    taken = by_domain["boulangeriedupont.com"]
    assert (taken.status, taken.registrar, taken.business_site) == ("registered", "GoDaddy.com, LLC", False)
    assert by_domain["boulangeriedupont.fr"].status == "available"
    assert (by_domain["dupontboulangerie.com"].status, by_domain["dupontboulangerie.com"].reason) == (
        "unknown",
        "rate_limited",
    )
    assert by_domain["patisserie-dupont.fr"].reason == "server_error"
    assert by_domain["boulangeriedupont.net"].reason == "bad_response"  # a body cut short
    assert [r.domain for r in results] == domains


async def test_a_silent_registry_is_unknown_timeout(sandbox: SandboxControl) -> None:
    settings = HttpSettings(max_retries=0, connect_timeout=2.0, read_timeout=0.3)
    async with _client(sandbox, settings) as http:
        result = await check_domain(http, "dupont-traiteur.fr", load_bootstrap(), DomainSettings(), WEBSITE)
    assert (result.status, result.reason) == ("unknown", "timeout")


async def test_a_stale_bootstrap_falls_back_to_rdap_org_which_redirects(sandbox: SandboxControl) -> None:
    stale = _bootstrap({"com": ("https://rdap.verisign.com/com/v1/",)})
    async with _client(sandbox) as http:
        result = await check_domain(http, "boulangerie-dupont.fr", stale, DomainSettings(), WEBSITE)
    assert (result.status, result.registrar) == ("registered", "OVH SAS")
    assert result.rdap_url == "https://rdap.nic.fr/domain/boulangerie-dupont.fr"
    assert [(e["host"], e["path"]) for e in sandbox.log()] == [
        ("rdap.org", "/domain/boulangerie-dupont.fr"),
        ("rdap.nic.fr", "/domain/boulangerie-dupont.fr"),
    ]


async def test_rdap_org_404_means_no_server_not_available(sandbox: SandboxControl) -> None:
    async with _client(sandbox) as http:
        result = await check_domain(http, "maplestreetbakery.us", load_bootstrap(), DomainSettings(), None)
    assert (result.status, result.reason) == ("unknown", "no RDAP server for .us")


async def test_without_a_fallback_a_missing_tld_is_unknown_without_a_request(sandbox: SandboxControl) -> None:
    async with _client(sandbox) as http:
        result = await check_domain(
            http, "maplestreetbakery.us", load_bootstrap(), DomainSettings(fallback=None), None
        )
    assert (result.status, result.reason) == ("unknown", "no RDAP server for .us")
    assert sandbox.log() == []


async def test_an_html_404_is_not_taken_for_an_available_name(sandbox: SandboxControl) -> None:
    sandbox.configure(
        faults=[{"host": "rdap.nic.fr", "status": 404, "body": "<html><h1>Not Found</h1></html>"}]
    )
    async with _client(sandbox) as http:
        result = await check_domain(http, "boulangeriedupont.fr", load_bootstrap(), DomainSettings(), None)
    assert (result.status, result.reason) == ("unknown", "bad_response")


async def test_refresh_writes_a_valid_bootstrap_that_load_then_uses(
    sandbox: SandboxControl, tmp_path: Path
) -> None:
    data_dir = tmp_path / "data"
    async with _client(sandbox) as http:
        path = await refresh_bootstrap(http, data_dir)
    assert path == data_dir / "rdap_dns.json"
    assert path.read_bytes() == bundled_bootstrap_path().read_bytes()
    assert sorted(p.name for p in data_dir.iterdir()) == ["rdap_dns.json"]  # no temporary file left
    assert load_bootstrap(path).source == str(path)  # same publication: the refreshed copy is used
    [entry] = sandbox.log()
    assert (entry["host"], entry["path"], entry["forwarded_proto"]) == (
        "data.iana.org",
        "/rdap/dns.json",
        "https",
    )


@pytest.mark.parametrize(
    "fault",
    [
        {"status": 503, "body": "maintenance"},
        {"status": 200, "body": '{"description": "not a bootstrap"}'},
        {"status": 200, "body": '{"services": '},
        {
            "status": 200,
            "body": json.dumps(
                {
                    "publication": "2027-01-01T00:00:00Z",
                    "version": "1.0",
                    "services": [[["fr"], ["https://x/"]]],
                }
            ),
        },
    ],
)
async def test_refresh_keeps_the_old_copy_when_iana_answers_badly(
    sandbox: SandboxControl, tmp_path: Path, fault: dict[str, Any]
) -> None:
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    old = data_dir / "rdap_dns.json"
    old.write_text("previous copy", encoding="utf-8")
    sandbox.configure(faults=[{"host": "data.iana.org", **fault}])
    async with _client(sandbox) as http:
        with pytest.raises(BootstrapError):
            await refresh_bootstrap(http, data_dir)
    assert old.read_text(encoding="utf-8") == "previous copy"
    assert sorted(p.name for p in data_dir.iterdir()) == ["rdap_dns.json"]
