"""The shops' own websites: static pages from the world's `sites/` folder, served per Host.

Behaves like a small real site where audits look: a `Last-Modified` header (and 304 for a matching
If-Modified-Since), an http request to an https site answered by a 301 to https, other host names of the
site redirected to the canonical one, and an https request to an http-only site reset, as a connection to a
closed port 443 would fail.
"""

from __future__ import annotations

from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from auditor.sandbox.emulation import Emulation, forwarded_proto, request_host, reset_connection
from auditor.sandbox.world import Website, World

CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".xml": "application/xml",
    ".txt": "text/plain; charset=utf-8",
    ".json": "application/json",
}
NOT_FOUND_PAGE = (
    "<!DOCTYPE html><html><head><title>404 Not Found</title></head><body><h1>Not Found</h1></body></html>"
)


def _content_type(path: str) -> str:
    suffix = path[path.rfind(".") :] if "." in path.rsplit("/", 1)[-1] else ".html"
    return CONTENT_TYPES.get(suffix, "application/octet-stream")


def _not_modified_since(request: Request, last_modified: datetime) -> bool:
    raw = request.headers.get("if-modified-since")
    if not raw:
        return False
    try:
        since = parsedate_to_datetime(raw)
    except (TypeError, ValueError):
        return False
    if since.tzinfo is None:
        since = since.replace(tzinfo=UTC)
    return last_modified.replace(microsecond=0) <= since


class Websites:
    def __init__(self, world: World) -> None:
        self.by_host = {host: site for site in world.websites for host in site.hosts}

    async def page(self, request: Request) -> Response:
        host = request_host(request)
        site = self.by_host[host]
        proto = forwarded_proto(request)
        if proto == "https" and not site.https:
            await reset_connection(request.scope)
            return Response(status_code=502)  # only reached when the connection could not be dropped
        path_qs = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        wants_https = site.https and (proto == "https" or site.redirect_http)
        if host != site.canonical_host or (proto == "http" and wants_https):
            scheme = "https" if wants_https else "http"
            return RedirectResponse(f"{scheme}://{site.canonical_host}{path_qs}", status_code=301)
        return self._file(request, site)

    @staticmethod
    def _file(request: Request, site: Website) -> Response:
        path = "/" if request.url.path in ("/", "/index.html") else request.url.path
        content = site.files.get(path)
        headers = {"Strict-Transport-Security": "max-age=31536000"} if site.https else {}
        if content is None:
            return HTMLResponse(NOT_FOUND_PAGE, status_code=404, headers=headers)
        headers["Last-Modified"] = format_datetime(site.last_modified, usegmt=True)
        if _not_modified_since(request, site.last_modified):
            return Response(status_code=304, headers=headers)
        return Response(content, headers=headers, media_type=_content_type(path))


def emulation(world: World) -> Emulation:
    service = Websites(world)
    app = Starlette(routes=[Route("/{path:path}", service.page, methods=["GET", "HEAD"])])
    return Emulation(name="websites", hosts=tuple(service.by_host), app=app)
