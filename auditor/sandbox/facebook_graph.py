"""Facebook Graph API (graph.facebook.com): a Page by id or username, and Pages Search.

Emulated on purpose: a version prefix (`/v21.0/...`); `access_token` required — none is a 400 with code 104,
a token not starting with `sandbox-` a 400 `OAuthException` code 190 (Graph answers OAuth errors with 400,
not 401), an unknown node a 404 code 803; `fields` choosing what comes back (`id` always); `location`
{street, city, zip, country, latitude, longitude} and `hours` as `mon_1_open`/`mon_1_close` "HH:MM" keys.
"""

from __future__ import annotations

import re
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from auditor.sandbox.emulation import Emulation, JSONBody, is_sandbox_key
from auditor.sandbox.relevance import Query, Scored, Where, place_score, ranked
from auditor.sandbox.world import FacebookPage, World

HOST = "graph.facebook.com"
DAY_KEYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_VERSION = re.compile(r"^v\d+\.\d+$")


def _error(status: int, code: int, message: str, kind: str = "OAuthException") -> Response:
    body = {"error": {"message": message, "type": kind, "code": code, "fbtrace_id": "AsandboxTrace"}}
    return JSONBody(body, status_code=status)


class Graph:
    def __init__(self, world: World) -> None:
        self.pages = world.facebook_pages

    def _check(self, request: Request) -> Response | None:
        if not _VERSION.match(request.path_params["version"]):
            return _error(400, 2500, f"Unknown path components: /{request.path_params['version']}")
        token = request.query_params.get("access_token")
        if not token:
            return _error(400, 104, "An access token is required to request this resource.")
        if not is_sandbox_key(token):
            return _error(400, 190, "Invalid OAuth access token - Cannot parse access token")
        return None

    async def node(self, request: Request) -> Response:
        if (problem := self._check(request)) is not None:
            return problem
        node = request.path_params["node"]
        page = next((p for p in self.pages if node in (p.id, p.username)), None)
        if page is None:
            return _error(
                404, 803, f"(#803) Some of the aliases you requested do not exist: {node}", "OAuthException"
            )
        return JSONBody(_fields(page, request.query_params.get("fields", "")))

    async def search(self, request: Request) -> Response:
        if (problem := self._check(request)) is not None:
            return problem
        query = Query.of(request.query_params.get("q", ""))
        if not query:
            return _error(400, 100, "(#100) The parameter q is required", "OAuthException")
        hits = []
        for page in self.pages:
            score = place_score(query, page.name, Where(None, page.street, page.city, page.zip))
            if score is not None:
                hits.append(Scored(page, score, None, page.id))
        fields = request.query_params.get("fields", "")
        return JSONBody({"data": [_fields(hit.item, fields) for hit in ranked(hits)]})


def _fields(page: FacebookPage, fields: str) -> dict[str, Any]:
    wanted = {f.strip() for f in fields.split(",") if f.strip()} or {"name"}
    everything: dict[str, Any] = {
        "name": page.name,
        "username": page.username,
        "link": f"https://www.facebook.com/{page.username}",
        "location": {"street": page.street, "city": page.city, "zip": page.zip, "country": page.country,
                     "latitude": page.lat, "longitude": page.lon},
        "single_line_address": f"{page.street}, {page.zip} {page.city}",
    }  # fmt: skip
    if page.phone:
        everything["phone"] = page.phone
    if page.website:
        everything["website"] = page.website
    if page.hours is not None:
        hours: dict[str, str] = {}
        for day, spans in enumerate(page.hours.days()):
            for index, span in enumerate(spans, start=1):
                hours[f"{DAY_KEYS[day]}_{index}_open"] = f"{span.start // 60:02d}:{span.start % 60:02d}"
                end = span.end % 1440
                hours[f"{DAY_KEYS[day]}_{index}_close"] = f"{end // 60:02d}:{end % 60:02d}"
        everything["hours"] = hours
    return {"id": page.id, **{k: v for k, v in everything.items() if k in wanted}}


def emulation(world: World) -> Emulation:
    graph = Graph(world)
    app = Starlette(
        routes=[
            Route("/{version}/pages/search", graph.search, methods=["GET"]),
            Route("/{version}/{node}", graph.node, methods=["GET"]),
        ]
    )
    return Emulation(name="facebook_graph", hosts=(HOST,), app=app)
