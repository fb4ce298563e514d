"""Directories without an API, as their public pages: www.pagesjaunes.fr and www.thefork.fr.

Each has a robots.txt (allowing the search page, disallowing an account area), and a search page built
from the demo world's `pages` records: PagesJaunes' `li.bi` result blocks, TheFork's schema.org `ItemList`
of `Restaurant` items in JSON-LD. Results match by the relevance rule on the name and the town given.
"""

from __future__ import annotations

import html
import json
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, Response
from starlette.routing import Route

from auditor.sandbox.emulation import Emulation
from auditor.sandbox.relevance import Query, Scored, Where, place_score, ranked
from auditor.sandbox.world import World

ROBOTS = "User-agent: *\nDisallow: /compte/\nDisallow: /api/\nAllow: /\n"


def _matches(world: World, family: str, name: str, where: str) -> list[dict[str, Any]]:
    query = Query.of(name, where)
    hits = []
    for shop in world.shops:
        record = shop.pages.get(family)
        if record is None:
            continue
        score = place_score(
            query, record["name"], Where(None, record["street"], record["city"], record["postcode"])
        )
        if score is not None:
            hits.append(Scored(record, score, None, record["id"]))
    return [hit.item for hit in ranked(hits)]


def _pagesjaunes_page(records: list[dict[str, Any]]) -> str:
    items = []
    for r in records:
        e = {k: html.escape(str(v)) for k, v in r.items() if v is not None}
        website = f'<span class="bi-website">{e["website"]}</span>' if "website" in e else ""
        items.append(
            f'<li class="bi" id="{e["id"]}"><a class="bi-denomination" href="/pros/{e["id"][3:]}">'
            f"<h3>{e['name']}</h3></a>"
            f'<div class="bi-address">{e["street"]}, {e["postcode"]} {e["city"]}</div>'
            f'<div class="bi-fantomas"><span class="number-contact">{e["phone"]}</span></div>{website}</li>'
        )
    return f'<!DOCTYPE html><html lang="fr"><body><ul class="bi-list">{"".join(items)}</ul></body></html>'


def _thefork_page(records: list[dict[str, Any]]) -> str:
    elements = [
        {
            "@type": "ListItem",
            "position": index,
            "item": {
                "@type": "Restaurant",
                "name": r["name"],
                "url": f"https://www.thefork.fr/restaurant/{r['id']}",
                "telephone": r["phone"],
                "address": {
                    "@type": "PostalAddress", "streetAddress": r["street"], "postalCode": r["postcode"],
                    "addressLocality": r["city"], "addressCountry": "FR",
                },
            },
        }
        for index, r in enumerate(records, start=1)
    ]  # fmt: skip
    data = json.dumps({"@context": "https://schema.org", "@type": "ItemList", "itemListElement": elements})
    safe = data.replace("</", "<\\/")
    head = f'<script type="application/ld+json">{safe}</script>'
    return f'<!DOCTYPE html><html lang="fr"><head>{head}</head><body></body></html>'


def emulation(world: World) -> Emulation:
    async def robots(request: Request) -> Response:
        return PlainTextResponse(ROBOTS)

    async def pagesjaunes(request: Request) -> Response:
        q = request.query_params
        return HTMLResponse(
            _pagesjaunes_page(_matches(world, "pagesjaunes", q.get("quoiqui", ""), q.get("ou", "")))
        )

    async def thefork(request: Request) -> Response:
        q = request.query_params
        return HTMLResponse(
            _thefork_page(_matches(world, "thefork", q.get("searchText", ""), q.get("cityName", "")))
        )

    async def dispatch(request: Request) -> Response:
        host = request.headers.get("host", "").split(":")[0]
        return await (pagesjaunes if host == "www.pagesjaunes.fr" else thefork)(request)

    app = Starlette(
        routes=[
            Route("/robots.txt", robots, methods=["GET"]),
            Route("/annuaire/chercherlespros", dispatch, methods=["GET"]),
            Route("/recherche", dispatch, methods=["GET"]),
        ]
    )
    return Emulation(name="directories", hosts=("www.pagesjaunes.fr", "www.thefork.fr"), app=app)
