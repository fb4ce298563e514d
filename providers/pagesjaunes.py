"""PagesJaunes (France's yellow pages) from its public search page: there is no public API.

Off unless enabled (`--enable pagesjaunes`); then one search page per audit, asked politely (robots.txt
first, 1 request/second, through the HTTP cache) and read with BeautifulSoup: each result is an
`li.bi` block with its name (`.bi-denomination`), address (`.bi-address`), phone (`.number-contact`) and the
listing's link. The markup is the site's, not a contract: when it changes, results come back empty and the
listing reads `not_found` with the page's own words in the reason. Disabled, the provider still gives the
search link, so the shop can look by hand.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import urlencode, urljoin

from bs4 import BeautifulSoup, Tag

from auditor.hookspecs import hookimpl
from auditor.models import Address, Candidate
from auditor.normalise.address import split_street_line
from providers.base import Provider, SearchQuery
from providers.scraping import PublicSearchPage

SEARCH_URL = "https://www.pagesjaunes.fr/annuaire/chercherlespros"
_POSTCODE_CITY = re.compile(r"(\d{5})\s+(.+)$")


class PagesJaunesProvider(PublicSearchPage):
    id = "pagesjaunes"
    label = "PagesJaunes"
    hosts = ("www.pagesjaunes.fr",)
    docs_url = "https://www.pagesjaunes.fr/"
    quota = (
        "no API: off by default; when enabled, one public search page per audit, robots.txt honoured, 1 req/s"
    )

    def search_url(self, query: SearchQuery) -> str:
        where = query.postcode or query.city or query.address or ""
        return f"{SEARCH_URL}?{urlencode({'quoiqui': query.name, 'ou': where})}"

    def parse(self, html: str, url: str) -> list[Candidate]:
        return parse_results(html, url)


@hookimpl
def register_providers(register: Callable[[Provider], None]) -> None:
    register(PagesJaunesProvider())


def parse_results(html: str, base_url: str) -> list[Candidate]:
    soup = BeautifulSoup(html, "html.parser")
    return [candidate for item in soup.select("li.bi") if (candidate := _parse_item(item, base_url))]


def _text(item: Tag, selector: str) -> str | None:
    found = item.select_one(selector)
    text = " ".join(found.get_text(" ").split()) if found is not None else ""
    return text or None


def _parse_item(item: Tag, base_url: str) -> Candidate | None:
    name = _text(item, ".bi-denomination h3") or _text(item, ".bi-denomination")
    if not name:
        return None
    link = item.select_one("a.bi-denomination")
    href = link.get("href") if link is not None else None
    address_text = _text(item, ".bi-address")
    street_line, postcode, city = None, None, None
    if address_text:
        street_line, _, rest = address_text.partition(",")
        match = _POSTCODE_CITY.search(rest.strip())
        if match:
            postcode, city = match.group(1), match.group(2).strip()
    house_number, street = split_street_line(street_line.strip()) if street_line else (None, None)
    return Candidate(
        provider=PagesJaunesProvider.id,
        name=name,
        address=Address(
            formatted=address_text,
            house_number=house_number,
            street=street,
            postcode=postcode,
            city=city,
            country_code="FR",
        ),
        phone=_text(item, ".number-contact"),
        website=_text(item, ".bi-website"),
        listing_id=str(item.get("id") or "") or None,
        url=urljoin(base_url, str(href)) if href else None,
    )
