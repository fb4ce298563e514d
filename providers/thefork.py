"""TheFork (LaFourchette: restaurant booking in France and Europe) from its public search page: no public API.

Off unless enabled (`--enable thefork`); then one search page per audit, politely (robots.txt first,
1 request/second, through the HTTP cache). The page is read for its schema.org data (JSON-LD): an
`ItemList` of `Restaurant` items with name, address, telephone and URL, which search engines read too and
which is steadier than the page's markup. Disabled, the provider still gives the search link.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping
from typing import Any
from urllib.parse import urlencode

from bs4 import BeautifulSoup

from auditor.hookspecs import hookimpl
from auditor.models import Address, Candidate
from auditor.normalise.address import country_code, split_street_line
from providers.base import Provider, SearchQuery
from providers.payload import mapping_or_empty, text_or_none
from providers.scraping import PublicSearchPage

SEARCH_URL = "https://www.thefork.fr/recherche"


class TheForkProvider(PublicSearchPage):
    id = "thefork"
    label = "TheFork"
    hosts = ("www.thefork.fr",)
    docs_url = "https://www.thefork.fr/"
    quota = (
        "no API: off by default; when enabled, one public search page per audit, robots.txt honoured, 1 req/s"
    )

    def search_url(self, query: SearchQuery) -> str:
        where = query.city or query.postcode or ""
        return f"{SEARCH_URL}?{urlencode({'searchText': query.name, 'cityName': where})}"

    def parse(self, html: str, url: str) -> list[Candidate]:
        return parse_results(html)


@hookimpl
def register_providers(register: Callable[[Provider], None]) -> None:
    register(TheForkProvider())


def parse_results(html: str) -> list[Candidate]:
    return [_candidate(item) for item in _restaurants(html)]


def _restaurants(html: str) -> Iterator[Mapping[str, Any]]:
    soup = BeautifulSoup(html, "html.parser")
    for script in soup.select('script[type="application/ld+json"]'):
        try:
            data = json.loads(script.get_text())
        except ValueError:
            continue
        for block in data if isinstance(data, list) else [data]:
            block = mapping_or_empty(block)
            if block.get("@type") != "ItemList":
                continue
            for element in block.get("itemListElement", []) or []:
                item = mapping_or_empty(mapping_or_empty(element).get("item"))
                if item.get("@type") in ("Restaurant", "FoodEstablishment", "LocalBusiness"):
                    yield item


def _candidate(item: Mapping[str, Any]) -> Candidate:
    address = mapping_or_empty(item.get("address"))
    street_line = text_or_none(address.get("streetAddress"))
    house_number, street = split_street_line(street_line) if street_line else (None, None)
    country = text_or_none(address.get("addressCountry"))
    url = text_or_none(item.get("url"))
    return Candidate(
        provider=TheForkProvider.id,
        name=text_or_none(item.get("name")),
        address=Address(
            house_number=house_number,
            street=street,
            postcode=text_or_none(address.get("postalCode")),
            city=text_or_none(address.get("addressLocality")),
            country_code=country_code(country) if country else None,
        ),
        phone=text_or_none(item.get("telephone")),
        listing_id=url.rstrip("/").rsplit("/", 1)[-1] if url else None,
        url=url,
    )
