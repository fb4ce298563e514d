"""Azure Maps Search v1 (atlas.microsoft.com): Fuzzy Search.

Emulated on purpose: `api-version` required (400 otherwise); the key as `subscription-key` (query parameter
or header; missing or not `sandbox-`: 401 `{"error": {"code": "401 Unauthorized", "message": ...}}`);
`query` required; answers in TomTom's Search shape from the same TomTom points of interest, which is what
Azure Maps' Search v1 serves.
"""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from auditor.sandbox.emulation import Emulation, JSONBody, is_sandbox_key
from auditor.sandbox.tomtom import Tomtom
from auditor.sandbox.world import World

HOST = "atlas.microsoft.com"


def _error(status: int, code: str, message: str) -> Response:
    return JSONBody({"error": {"code": code, "message": message}}, status_code=status)


def emulation(world: World) -> Emulation:
    tomtom = Tomtom(world)

    async def fuzzy(request: Request) -> Response:
        key = request.query_params.get("subscription-key") or request.headers.get("subscription-key")
        if not is_sandbox_key(key):
            return _error(
                401,
                "401 Unauthorized",
                "Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a "
                "valid key for an active subscription and use a correct regional API endpoint.",
            )
        if request.query_params.get("api-version") != "1.0":
            return _error(
                400, "400 BadRequest", "The api-version query parameter is missing or not supported."
            )
        text = request.query_params.get("query", "").strip()
        if not text:
            return _error(400, "400 BadRequest", "The query parameter is required.")
        return tomtom.answer(request, text) or _error(400, "400 BadRequest", "Invalid limit or radius.")

    app = Starlette(routes=[Route("/search/fuzzy/json", fuzzy, methods=["GET"])])
    return Emulation(name="azure_maps", hosts=(HOST,), app=app)
