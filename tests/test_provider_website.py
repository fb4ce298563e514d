"""Website provider: parsing home pages, sitemaps and robots.txt, then `search` over real HTTP on loopback.

The HTTP tests route the project's HttpClient to a threaded stdlib server with `sandbox=`; the server answers
by Host header and X-Forwarded-Proto, so one loopback port plays several sites, on http and https.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from auditor.models import Candidate
from auditor.plugins import load_providers
from providers.base import ProviderContext, ProviderError, ProviderSkipped, SearchQuery
from providers.website import (
    WebsiteProvider,
    copyright_year,
    country_hint,
    http_date_to_iso,
    parse_home_page,
    sitemap_lastmod,
    sitemaps_from_robots,
    social_links,
)
from tests.loopback import Loopback, Reply, Request, sandboxed_client

PAYLOADS = Path(__file__).parent / "payloads"
TODAY = date(2024, 7, 1)


def page(name: str) -> bytes:
    return (PAYLOADS / name).read_bytes()


# --- JSON-LD ---------------------------------------------------------------------------------------------


def test_json_ld_graph_with_a_broken_block_next_to_it() -> None:
    facts = parse_home_page(
        page("website_jsonld_graph.html"), "https://www.boulangerie-dupont.fr/", today=TODAY
    )
    assert facts.source == "json-ld"
    assert facts.has_json_ld
    business = facts.business
    assert business.name == "Boulangerie Dupont"  # the Bakery node, not the Organization's legal name
    assert business.phone == "+33 1 42 60 00 00"
    address = business.address
    assert address is not None
    assert (address.house_number, address.street, address.postcode, address.city) == (
        "12",
        "rue de la Paix",
        "75002",
        "Paris",
    )
    assert address.country_code == "FR"  # addressCountry given as {"name": "FR"}
    assert address.formatted == "12 rue de la Paix, 75002 Paris, Île-de-France, FR"
    assert address.lat == pytest.approx(48.86893)  # a string in the page
    assert address.lon == pytest.approx(2.33167)  # a number in the page
    assert business.declared_url == "https://www.boulangerie-dupont.fr/"
    assert facts.filled_from_page_text == ()


def test_opening_hours_specification_with_closed_days_and_holiday_exceptions() -> None:
    business = parse_home_page(
        page("website_jsonld_graph.html"), "https://www.boulangerie-dupont.fr/"
    ).business
    assert business.hours is not None
    weekday = ((7 * 60, 19 * 60 + 30),)
    assert business.hours[:5] == (weekday,) * 5
    assert business.hours[5] == ((7 * 60, 13 * 60),)
    # Sunday is closed: opens == closes == 00:00 means "closed", not "open 24 hours", and the Sunday
    # before Christmas (a spec with validFrom/validThrough) is an exception, not the regular week.
    assert business.hours[6] == ()
    assert business.hours_text == "Mo,Tu,We,Th,Fr 07:00-19:30; Sa 07:00-13:00; Su closed"
    assert not business.hours_unparsed


def test_list_types_string_address_opening_hours_list_and_a_tel_link() -> None:
    facts = parse_home_page(page("website_jsonld_types.html"), "https://www.cafe-des-arts.fr/", country="FR")
    business = facts.business
    assert facts.source == "json-ld"
    assert business.name == "Café des Arts"  # HTML entity in the JSON string
    address = business.address
    assert address is not None
    assert address.formatted == "5 place des Vosges, 75004 Paris, France"
    assert (address.house_number, address.street, address.postcode, address.city) == (
        "5",
        "place des Vosges",
        "75004",
        "Paris",
    )
    assert business.hours is not None
    assert business.hours[0] == ()
    assert business.hours[1] == ((8 * 60, 18 * 60),)
    assert business.hours[5] == ((9 * 60, 12 * 60),)
    assert business.hours_text == "Tu-Fr 08:00-18:00; Sa 09:00-12:00"
    # No telephone in the JSON-LD: the tel: link fills it, and the facts say so.
    assert business.phone == "01 48 87 00 00"
    assert facts.filled_from_page_text == ("phone",)
    assert facts.viewport  # <meta name="Viewport">: attribute values are case-insensitive here


def test_unreadable_opening_hours_keep_the_text() -> None:
    business = parse_home_page(page("website_hours_unparsed.html"), "https://fahrrad-martin.de/").business
    assert business.hours is None
    assert business.hours_text == "Mo-Fr 9-18 Uhr außer an Feiertagen"
    assert business.hours_unparsed
    assert business.address is not None
    # "Invalidenstraße 5": the number comes last in German addresses.
    assert (business.address.street, business.address.house_number) == ("Invalidenstraße", "5")
    # A country name is not a code: left to the normaliser through `formatted`.
    assert business.address.country_code is None
    assert business.address.formatted == "Invalidenstraße 5, 10115 Berlin, Deutschland"


def test_only_broken_json_ld_falls_back_to_the_page() -> None:
    html = """<html><head><title>Chez Paul</title>
    <script type="application/ld+json">{"@type": "Restaurant", "name": "Chez Paul",,}</script></head>
    <body><p>Appelez le +33 4 91 00 00 00</p></body></html>"""
    facts = parse_home_page(html, "https://chez-paul.fr/")
    assert not facts.has_json_ld
    assert facts.source == "page-text"
    assert facts.business.name == "Chez Paul"
    assert facts.business.phone == "+33 4 91 00 00 00"  # international form: found without a region


def test_an_organization_with_an_address_stands_in_for_a_missing_local_business() -> None:
    html = """<script type="application/ld+json">
    {"@context": "https://schema.org", "@graph": [
      {"@type": "WebSite", "name": "Garage Martin"},
      {"@type": "Organization", "name": "Garage Martin", "telephone": "+33 2 99 00 00 00",
       "address": {"streetAddress": "4 route de Lorient", "postalCode": "35000", "addressLocality": "Rennes"}}
    ]}</script>"""
    business = parse_home_page(html, "https://garage-martin.fr/").business
    assert business.name == "Garage Martin"
    assert business.phone == "+33 2 99 00 00 00"
    assert business.address is not None and business.address.city == "Rennes"


# --- the printed page ------------------------------------------------------------------------------------


def test_page_text_name_address_and_the_number_printed_most_often() -> None:
    facts = parse_home_page(page("website_page_text.html"), "http://www.fournil-de-lea.fr/", country="FR")
    assert facts.source == "page-text"
    assert not facts.has_json_ld
    business = facts.business
    # "Accueil - Le Fournil de Léa - Boulangerie artisanale": the generic first part is skipped; the
    # page is ISO-8859-1, declared only in a <meta http-equiv>.
    assert business.name == "Le Fournil de Léa"
    # The fax is printed first, the shop's number twice: the most printed one wins.
    assert business.phone == "04 78 00 00 00"
    address = business.address
    assert address is not None
    assert (address.house_number, address.street, address.postcode, address.city) == (
        "8",
        "avenue Jean Jaurès",
        "69007",
        "Lyon",
    )
    assert address.country_code == "FR"
    assert business.hours is None  # prose hours are not guessed at
    assert not facts.viewport


def test_no_printed_address_is_guessed_without_a_known_layout() -> None:
    facts = parse_home_page(page("website_page_text.html"), "http://www.fournil-de-lea.com/", region="FR")
    assert facts.business.address is None
    assert facts.business.phone == "04 78 00 00 00"


@pytest.mark.parametrize(
    ("country", "html", "parts"),
    [
        ("FR", "<p>12bis, avenue Foch - 75016 Paris</p>", ("12bis", "avenue Foch", None, "75016", "Paris")),
        ("DE", "<p>Invalidenstraße 5<br>10115 Berlin</p>", ("5", "Invalidenstraße", None, "10115", "Berlin")),
        (
            "NL",
            "<p>Prinsengracht 263, 1016 GV Amsterdam</p>",
            ("263", "Prinsengracht", None, "1016 GV", "Amsterdam"),
        ),
        (
            "US",
            "<p>120 Maple St Suite 200, Portland, OR 97205<br>Call us: (503) 555-0142</p>",
            ("120", "Maple St", "Suite 200", "97205", "Portland"),
        ),
        ("GB", "<p>22 High Street, Bath BA1 5AW</p>", ("22", "High Street", None, "BA1 5AW", "Bath")),
    ],
)
def test_printed_address_layouts(country: str, html: str, parts: tuple[str | None, ...]) -> None:
    address = parse_home_page(html, "https://example.com/", country=country).business.address
    assert address is not None
    assert (address.house_number, address.street, address.unit, address.postcode, address.city) == parts
    assert address.country_code == country


def test_a_postal_address_is_written_in_its_country_order() -> None:
    html = """<script type="application/ld+json">{"@type": "BarOrPub", "name": "The Crown & Anchor",
    "address": {"@type": "PostalAddress", "streetAddress": "22 High Street", "addressLocality": "Bath",
                "postalCode": "BA1 5AW", "addressCountry": "GB"}}</script>"""
    address = parse_home_page(html, "https://www.crownandanchorbath.co.uk/").business.address
    assert address is not None
    assert address.formatted == "22 High Street, Bath BA1 5AW, GB"


@pytest.mark.parametrize(
    ("query", "site", "country"),
    [
        (SearchQuery(name="X", country_code="be", phone="+33142600000"), "https://x.fr/", "BE"),
        (SearchQuery(name="X", phone="+1 503-555-0142"), "https://maplestreetbakery.com/", "US"),
        (SearchQuery(name="X"), "https://www.boulangerie-dupont.fr/", "FR"),
        (SearchQuery(name="X"), "https://maplestreetbakery.com/", None),
    ],
)
def test_country_hint_order(query: SearchQuery, site: str, country: str | None) -> None:
    assert country_hint(query, site) == country


def test_a_postcode_next_to_something_that_is_not_a_street_is_not_an_address() -> None:
    html = "<p>SIRET 123 456 789 00012</p><p>Capital 10000 euros</p><p>75002 Paris</p>"
    assert parse_home_page(html, "https://example.fr/", country="FR").business.address is None


# --- links and signals -----------------------------------------------------------------------------------


def test_social_links_are_profiles_each_listed_once() -> None:
    facts = parse_home_page(page("website_jsonld_graph.html"), "https://www.boulangerie-dupont.fr/")
    assert list(facts.social_links) == [
        "https://instagram.com/boulangerie.dupont",  # also in sameAs as www.instagram.com/…/
        "https://x.com/boulangdupont",  # also in sameAs as twitter.com
        "https://tiktok.com/@boulangeriedupont",
        "https://facebook.com/BoulangerieDupontParis",  # from the Organization's sameAs
    ]
    # sameAs as published, from the business and the organisation nodes.
    assert list(facts.same_as) == [
        "https://www.instagram.com/boulangerie.dupont/",
        "https://www.facebook.com/BoulangerieDupontParis/",
        "https://twitter.com/boulangdupont",
    ]


def test_social_link_variants() -> None:
    links = social_links(
        [
            "https://fr.linkedin.com/company/cafe-des-arts/",
            "https://www.pinterest.fr/cafedesarts/",
            "https://www.facebook.com/profile.php?id=100063512345678&ref=page",
            "https://m.facebook.com/profile.php?id=100063512345678",
            "https://www.facebook.com/",
            "https://www.instagram.com/p/C1a2b3c4d5/",
            "https://www.threads.net/@cafedesarts",
            "https://www.tripadvisor.fr/Restaurant_Review-g187147-d1-Cafe_des_Arts.html",
            "mailto:contact@cafe-des-arts.fr",
        ]
    )
    assert links == [
        "https://linkedin.com/company/cafe-des-arts",
        "https://pinterest.com/cafedesarts",
        "https://facebook.com/profile.php?id=100063512345678",
        "https://threads.net/@cafedesarts",
    ]


@pytest.mark.parametrize(
    ("text", "year"),
    [
        ("© 2015 - 2024 Boulangerie Dupont", 2024),
        ("Copyright © Boulangerie Dupont 2021", 2021),
        ("(c) 2019 Le Fournil", 2019),
        ("COPYRIGHT 2018–2023", 2023),
        ("© 2019-2099", 2019),  # a year past next year is a typo, not a sign of freshness
        ("Ouvert depuis 2012, au 12 rue de la Paix", None),
        ("© Boulangerie Dupont", None),
    ],
)
def test_copyright_year(text: str, year: int | None) -> None:
    assert copyright_year(text, today=TODAY) == year


def test_sitemap_lastmod_is_the_newest_valid_date() -> None:
    urlset = page("website_sitemap.xml").decode()
    assert sitemap_lastmod(urlset) == "2024-05-03"  # "2024-13-45" is not a date
    assert sitemap_lastmod(page("website_sitemap_index.xml").decode()) == "2024-06-18"
    assert sitemap_lastmod("<urlset></urlset>") is None


def test_robots_sitemap_lines() -> None:
    robots = (
        "User-agent: *\nDisallow: /wp-admin/\n"
        "SITEMAP: https://a.fr/sitemap_index.xml\n"
        "Sitemap: /relative.xml\n"  # not a full URL, as the protocol requires: ignored
    )
    assert sitemaps_from_robots(robots) == ["https://a.fr/sitemap_index.xml"]


@pytest.mark.parametrize(
    ("header", "iso"),
    [("Tue, 14 May 2024 08:12:31 GMT", "2024-05-14"), ("yesterday", None), ("", None), (None, None)],
)
def test_last_modified_header(header: str | None, iso: str | None) -> None:
    assert http_date_to_iso(header) == iso


def test_parsing_stays_fast_on_hostile_pages() -> None:
    hostile = "<p>" + "© " * 30_000 + "</p>" + ("<p>" + "1 a, " * 39 + "</p>") * 2_000 + "<p>" + "0" * 100_000
    started = time.monotonic()
    parse_home_page(hostile, "https://example.fr/", country="FR", region="FR")
    assert time.monotonic() - started < 5.0


# --- search over HTTP ------------------------------------------------------------------------------------


HTML = {"Content-Type": "text/html; charset=UTF-8"}

ROBOTS = (
    b"User-agent: *\nDisallow: /wp-admin/\n\nSitemap: https://www.boulangerie-dupont.fr/sitemap_index.xml\n"
)


def dupont_site(seen: Request) -> Reply:
    """boulangerie-dupont.fr: the bare domain and plain http both redirect to https://www."""
    canonical = f"https://www.boulangerie-dupont.fr{seen.path}"
    if seen.host == "boulangerie-dupont.fr" or seen.proto == "http":
        return Reply(301, b"", {"Location": canonical})
    files = {
        "/": (HTML | {"Last-Modified": "Tue, 14 May 2024 08:12:31 GMT"}, page("website_jsonld_graph.html")),
        "/robots.txt": ({"Content-Type": "text/plain"}, ROBOTS),
        "/sitemap_index.xml": ({"Content-Type": "application/xml"}, page("website_sitemap_index.xml")),
        "/sitemap.xml": ({"Content-Type": "application/xml"}, page("website_sitemap.xml")),
    }
    if seen.path in files:
        headers, body = files[seen.path]
        return Reply(200, body, headers)
    return Reply(404, b"<h1>Not found</h1>", HTML)


def fournil_site(seen: Request) -> Reply:
    """An http-only site with no robots.txt nor sitemap; its charset is only in a <meta>."""
    if seen.proto == "http" and seen.path == "/":
        return Reply(200, page("website_page_text.html"), {"Content-Type": "text/html"})
    return Reply(404, b"<h1>Not found</h1>", HTML)


def web(seen: Request) -> Reply:
    if seen.host.endswith("boulangerie-dupont.fr"):
        return dupont_site(seen)
    if seen.host == "www.fournil-de-lea.fr":
        return fournil_site(seen)
    if seen.host == "www.gone.fr":
        return Reply(404, b"<h1>Not found</h1>", HTML)
    if seen.host == "www.down.fr":
        return Reply(503, b"<h1>Service unavailable</h1>", HTML)
    # The project's sandbox marks hosts it does not emulate this way; the client makes it unknown_host.
    return Reply(502, b"", {"X-Sandbox": "unknown-host"})


@pytest.fixture
def loopback() -> Iterator[Loopback]:
    with Loopback(web) as server:
        yield server


async def run_search(
    loopback: Loopback, query: SearchQuery, settings: dict[str, Any] | None = None
) -> Candidate:
    async with sandboxed_client(loopback.url) as http:
        ctx = ProviderContext(http=http, settings=settings or {}, language="fr")
        candidates = await WebsiteProvider().search(ctx, query)
    assert len(candidates) == 1
    return candidates[0]


async def test_search_reads_the_site_and_its_upkeep(loopback: Loopback) -> None:
    query = SearchQuery(name="Boulangerie Dupont", website="boulangerie-dupont.fr", country_code="FR")
    candidate = await run_search(loopback, query)
    assert candidate.provider == "website"
    assert candidate.website == candidate.url == "https://www.boulangerie-dupont.fr/"
    assert candidate.listing_id is None
    assert candidate.name == "Boulangerie Dupont"
    assert candidate.phone == "+33 1 42 60 00 00"
    assert candidate.address is not None and candidate.address.postcode == "75002"
    assert candidate.hours is not None and candidate.hours[6] == ()
    assert candidate.extra["source"] == "json-ld"
    assert candidate.extra["social_links"][:2] == [
        "https://instagram.com/boulangerie.dupont",
        "https://x.com/boulangdupont",
    ]
    assert candidate.extra["same_as"][0] == "https://www.instagram.com/boulangerie.dupont/"
    assert candidate.extra["site"] == {
        "final_url": "https://www.boulangerie-dupont.fr/",
        "status": 200,
        "https": True,
        "http_redirects_to_https": True,
        "viewport": True,
        "has_json_ld": True,
        "title": "Boulangerie Dupont – Pain au levain à Paris 2e",
        "last_modified": "2024-05-14",
        "sitemap_url": "https://www.boulangerie-dupont.fr/sitemap_index.xml",  # declared in robots.txt
        "sitemap_lastmod": "2024-06-18",
        "copyright_year": 2024,
    }
    asked = {(seen.proto, seen.host, seen.path) for seen in loopback.requests}
    assert ("https", "boulangerie-dupont.fr", "/") in asked  # no scheme given: https first
    final_origin = {entry for entry in asked if entry[1] == "www.boulangerie-dupont.fr"}
    assert final_origin == {
        ("https", "www.boulangerie-dupont.fr", "/"),
        ("https", "www.boulangerie-dupont.fr", "/robots.txt"),
        ("https", "www.boulangerie-dupont.fr", "/sitemap.xml"),
        ("https", "www.boulangerie-dupont.fr", "/sitemap_index.xml"),
        ("http", "www.boulangerie-dupont.fr", "/"),  # the plain-http probe
    }
    # What was asked of the given origin while the home page was on its way (then dropped on the redirect).
    assert asked - final_origin <= {
        ("https", "boulangerie-dupont.fr", "/"),
        ("https", "boulangerie-dupont.fr", "/robots.txt"),
        ("https", "boulangerie-dupont.fr", "/sitemap.xml"),
        ("http", "boulangerie-dupont.fr", "/"),
    }
    assert WebsiteProvider().fix_url(query, candidate) is None  # the owner edits their own site


@pytest.mark.parametrize(
    ("max_pages", "documents"),
    [
        (1, ["/"]),
        (2, ["/", "/sitemap.xml"]),
        (3, ["/", "/robots.txt", "/sitemap.xml"]),
        (4, ["/", "/robots.txt", "/sitemap.xml", "/sitemap_index.xml"]),
    ],
)
async def test_max_pages_bounds_the_documents_fetched(
    loopback: Loopback, max_pages: int, documents: list[str]
) -> None:
    query = SearchQuery(name="Boulangerie Dupont", website="https://www.boulangerie-dupont.fr/")
    candidate = await run_search(loopback, query, {"max_pages": max_pages})
    fetched = [
        s.path for s in loopback.requests if s.proto == "https" and s.host == "www.boulangerie-dupont.fr"
    ]
    assert sorted(fetched) == sorted(documents)
    expected_lastmod = {1: None, 2: "2024-05-03", 3: "2024-05-03", 4: "2024-06-18"}[max_pages]
    assert candidate.extra["site"]["sitemap_lastmod"] == expected_lastmod


async def test_an_http_only_site(loopback: Loopback) -> None:
    query = SearchQuery(name="Le Fournil de Léa", website="http://www.fournil-de-lea.fr/")
    candidate = await run_search(loopback, query)
    site = candidate.extra["site"]
    assert site["https"] is False
    assert site["http_redirects_to_https"] is False
    assert site["sitemap_url"] is None and site["sitemap_lastmod"] is None  # robots.txt and sitemap 404
    assert site["viewport"] is False
    assert site["copyright_year"] == 2019
    assert all(seen.proto == "http" for seen in loopback.requests)  # nothing tried on https
    assert candidate.extra["source"] == "page-text"
    assert candidate.name == "Le Fournil de Léa"
    assert candidate.phone == "04 78 00 00 00"  # region from the .fr domain
    assert candidate.address is not None and candidate.address.city == "Lyon"
    assert candidate.extra["social_links"] == ["https://facebook.com/LeFournilDeLea"]


@pytest.mark.parametrize(
    ("website", "reason"),
    [
        ("https://www.gone.fr/", "bad_response"),
        ("https://www.down.fr/", "server_error"),
        ("https://www.not-emulated.fr/", "unknown_host"),
    ],
)
async def test_a_home_page_that_does_not_answer_is_a_provider_error(
    loopback: Loopback, website: str, reason: str
) -> None:
    with pytest.raises(ProviderError) as raised:
        await run_search(loopback, SearchQuery(name="X", website=website))
    assert raised.value.reason.split(":")[0] == reason


async def test_a_private_address_is_refused_before_any_request(loopback: Loopback) -> None:
    with pytest.raises(ProviderError) as raised:
        await run_search(loopback, SearchQuery(name="X", website="http://127.0.0.1:8080/admin"))
    assert raised.value.reason.startswith("refused_address")
    assert loopback.requests == []


async def test_no_website_is_skipped(loopback: Loopback) -> None:
    with pytest.raises(ProviderSkipped) as raised:
        await run_search(loopback, SearchQuery(name="Boulangerie Dupont"))
    assert raised.value.reason == "no website given"
    assert loopback.requests == []


def test_registered_through_the_entry_point_like_a_third_party_plugin(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SOLOMO_LOAD_PLUGINS", "website")
    providers = load_providers()
    assert list(providers) == ["website"]
    website = providers["website"]
    assert isinstance(website, WebsiteProvider)
    assert not website.needs_key
    # The engine runs it once a website is known and takes its answer as the business's own.
    assert website.needs == ("website",)
    assert website.identifies_business
