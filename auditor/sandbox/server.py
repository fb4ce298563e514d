"""The sandbox server: one ASGI app that plays every emulated host, plus a control API for tests.

Every request is routed on its Host header (port stripped) to the emulation of that host; the original
scheme arrives in X-Forwarded-Proto (see the routing contract in auditor/http.py's brief). Before the
emulation runs, the request is logged, the configured latency is waited out (asyncio.sleep, so a thousand
slow requests cost nothing) and the configured faults are checked. Paths under /__sandbox/ on any host are
the control API and are never delayed nor faulted.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import resource
import socket
import sys
from collections import deque
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

import uvicorn
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from uvicorn.protocols.http.h11_impl import H11Protocol

from auditor.sandbox import (
    apple_maps,
    azure_maps,
    ban,
    directories,
    facebook_graph,
    foursquare,
    google_places,
    here,
    nominatim,
    platforms,
    rdap,
    tomtom,
    tripadvisor,
    websites,
    yelp,
)
from auditor.sandbox.emulation import (
    OPEN_TRANSPORTS,
    Emulation,
    JSONBody,
    host_without_port,
    reset_connection,
)
from auditor.sandbox.world import World, load_world

CONTROL_PREFIX = "/__sandbox/"
LOG_BODY_LIMIT = 2048  # characters of request body kept in the log
LOG_MAX_ENTRIES = 20000  # oldest entries dropped beyond this, so a long benchmark cannot exhaust memory
HANG_SECONDS = 3600.0
BACKLOG = 2048
GRACEFUL_SHUTDOWN_S = 3
WANTED_OPEN_FILES = 8192
FaultKind = Literal["status", "hang", "reset"]
FAULT_KINDS: tuple[FaultKind, ...] = ("status", "hang", "reset")


class ConfigError(ValueError):
    """A control request the sandbox cannot apply; answered with 400 and this message."""


@dataclass
class Fault:
    """An injected failure for requests to `host` (None: any host) whose path starts with `path_prefix`."""

    host: str | None = None
    path_prefix: str = "/"
    kind: FaultKind = "status"
    status: int = 500
    headers: dict[str, str] = field(default_factory=dict)
    body: str = ""
    times: int | None = None  # how many more requests it hits; None = until the next config or reset

    @classmethod
    def parse(cls, raw: Any) -> Fault:
        if not isinstance(raw, dict):
            raise ConfigError("each fault must be an object")
        unknown = set(raw) - {"host", "path_prefix", "kind", "status", "headers", "body", "times"}
        if unknown:
            raise ConfigError(f"unknown fault keys: {sorted(unknown)}")
        fault = cls(
            host=host_without_port(raw["host"]) if raw.get("host") else None,
            path_prefix=raw.get("path_prefix") or "/",
            kind=raw.get("kind", "status"),
            status=raw.get("status", 500),
            headers=raw.get("headers") or {},
            body=raw.get("body", ""),
            times=raw.get("times"),
        )
        fault._check()
        return fault

    def _check(self) -> None:
        if self.kind not in FAULT_KINDS:
            raise ConfigError(f"fault kind must be one of {FAULT_KINDS}")
        if not isinstance(self.status, int) or not 100 <= self.status <= 599:
            raise ConfigError("fault status must be an HTTP status code")
        if not isinstance(self.headers, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in self.headers.items()
        ):
            raise ConfigError("fault headers must map strings to strings")
        if not isinstance(self.body, str) or not isinstance(self.path_prefix, str):
            raise ConfigError("fault body and path_prefix must be strings")
        if self.times is not None and (not isinstance(self.times, int) or self.times < 1):
            raise ConfigError("fault times must be a positive integer or null")

    def matches(self, host: str, path: str) -> bool:
        return (self.host is None or self.host == host) and path.startswith(self.path_prefix)

    def response(self) -> Response:
        media_type = "application/json" if self.body.lstrip().startswith(("{", "[")) else "text/plain"
        return Response(self.body, status_code=self.status, headers=self.headers, media_type=media_type)


@dataclass
class SandboxState:
    """What the control API changes; one per app."""

    latency_ms: int
    startup_latency_ms: int
    faults: list[Fault] = field(default_factory=list)
    log: deque[dict[str, Any]] = field(default_factory=lambda: deque(maxlen=LOG_MAX_ENTRIES))

    def take_fault(self, host: str, path: str) -> Fault | None:
        """The first fault matching this request, its remaining count used up by one."""
        for fault in self.faults:
            if fault.matches(host, path):
                if fault.times is not None:
                    fault.times -= 1
                    if fault.times == 0:
                        self.faults.remove(fault)
                return fault
        return None

    def config(self) -> dict[str, Any]:
        return {"latency_ms": self.latency_ms, "faults": [asdict(fault) for fault in self.faults]}


async def _read_body(receive: Receive) -> bytes:
    chunks = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def _replay(body: bytes, receive: Receive) -> Receive:
    """A receive that hands the already-read body to the emulation, then waits for the disconnect."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


async def _wait_for_disconnect(receive: Receive) -> None:
    while (await receive())["type"] != "http.disconnect":
        pass


def _headers_dict(raw: Iterable[tuple[bytes, bytes]]) -> dict[str, str]:
    headers: dict[str, str] = {}
    for key, value in raw:
        name, text = key.decode("latin-1").lower(), value.decode("latin-1")
        headers[name] = f"{headers[name]}, {text}" if name in headers else text
    return headers


class SandboxApp:
    """Routes each request to the emulation of its Host, after latency and faults; serves /__sandbox/."""

    def __init__(self, world: World, latency_ms: int = 0) -> None:
        self.state = SandboxState(latency_ms=latency_ms, startup_latency_ms=latency_ms)
        self.emulations: list[Emulation] = [
            nominatim.emulation(world),
            ban.emulation(world),
            google_places.emulation(world),
            yelp.emulation(world),
            foursquare.emulation(world),
            tripadvisor.emulation(world),
            here.emulation(world),
            tomtom.emulation(world),
            azure_maps.emulation(world),
            facebook_graph.emulation(world),
            apple_maps.emulation(world),
            directories.emulation(world),
            websites.emulation(world),
            platforms.emulation(world),
            rdap.emulation(world),
        ]
        self.by_host = {host: emu for emu in self.emulations for host in emu.hosts}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        if scope["path"].startswith(CONTROL_PREFIX):
            await self._control(scope, receive, send)
            return
        body = await _read_body(receive)
        headers = _headers_dict(scope["headers"])
        host = host_without_port(headers.get("host", ""))
        self._log(scope, headers, host, body)
        if self.state.latency_ms > 0:
            await asyncio.sleep(self.state.latency_ms / 1000)
        fault = self.state.take_fault(host, scope["path"])
        if fault is not None:
            await self._fault(fault, scope, receive, send)
            return
        emulation = self.by_host.get(host)
        if emulation is None:
            response: Response = PlainTextResponse(
                f"SoLoMo sandbox: no emulation for host {host!r}\n",
                status_code=502,
                headers={"X-Sandbox": "unknown-host"},
            )
            await response(scope, receive, send)
            return
        await emulation.app(scope, _replay(body, receive), send)

    def _log(self, scope: Scope, headers: dict[str, str], host: str, body: bytes) -> None:
        self.state.log.append(
            {
                "host": host,
                "method": scope["method"],
                "path": scope["path"],
                "query": scope["query_string"].decode("latin-1"),
                "headers": headers,
                "body": body.decode("utf-8", errors="replace")[:LOG_BODY_LIMIT],
                "forwarded_proto": headers.get("x-forwarded-proto"),
            }
        )

    @staticmethod
    async def _fault(fault: Fault, scope: Scope, receive: Receive, send: Send) -> None:
        if fault.kind == "status":
            await fault.response()(scope, receive, send)
        elif fault.kind == "reset":
            await reset_connection(scope)
        else:  # hang until the client gives up (its timeout), at most an hour
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(_wait_for_disconnect(receive), HANG_SECONDS)

    async def _control(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope, receive)
        action = (request.method, scope["path"][len(CONTROL_PREFIX) :].rstrip("/"))
        try:
            response = await self._control_response(action, request)
        except ConfigError as exc:
            response = JSONBody({"error": str(exc)}, status_code=400)
        await response(scope, receive, send)

    async def _control_response(self, action: tuple[str, str], request: Request) -> Response:
        if action == ("GET", "health"):
            return JSONBody(
                {"status": "ok", "hosts": sorted(self.by_host), "latency_ms": self.state.latency_ms}
            )
        if action == ("GET", "log"):
            return JSONBody(list(self.state.log))
        if action == ("GET", "config"):
            return JSONBody(self.state.config())
        if action == ("POST", "config"):
            self._configure(await request.body())
            return JSONBody(self.state.config())
        if action == ("POST", "reset"):
            self.reset()
            return JSONBody(self.state.config())
        return JSONBody(
            {"error": f"no control endpoint {action[0]} {CONTROL_PREFIX}{action[1]}"}, status_code=404
        )

    def _configure(self, raw: bytes) -> None:
        try:
            config = json.loads(raw or b"{}")
        except ValueError as exc:
            raise ConfigError(f"config is not JSON: {exc}") from exc
        if not isinstance(config, dict):
            raise ConfigError("config must be a JSON object")
        unknown = set(config) - {"latency_ms", "faults"}
        if unknown:
            raise ConfigError(f"unknown config keys: {sorted(unknown)}")
        latency = config.get("latency_ms", self.state.latency_ms)
        if not isinstance(latency, int) or latency < 0:
            raise ConfigError("latency_ms must be a non-negative integer")
        faults = config.get("faults", None)
        if faults is not None and not isinstance(faults, list):
            raise ConfigError("faults must be a list")
        parsed = [Fault.parse(item) for item in faults] if faults is not None else self.state.faults
        self.state.latency_ms = latency
        self.state.faults = parsed

    def reset(self) -> None:
        """Back to the start-up state: no faults, start-up latency, empty log, fresh quotas."""
        self.state.faults = []
        self.state.latency_ms = self.state.startup_latency_ms
        self.state.log.clear()
        for emulation in self.emulations:
            emulation.reset()


def build_app(latency_ms: int = 0, world: World | None = None) -> ASGIApp:
    """The sandbox as an ASGI app, for in-process use (httpx.ASGITransport) or any ASGI server."""
    return SandboxApp(world or load_world(), latency_ms)


class ConnectionTrackingH11Protocol(H11Protocol):
    """uvicorn's h11 protocol, registering each connection's transport so a fault can reset it."""

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        if self.client:
            OPEN_TRANSPORTS[(self.client[0], self.client[1])] = transport

    def connection_lost(self, exc: Exception | None) -> None:
        if self.client:
            OPEN_TRANSPORTS.pop((self.client[0], self.client[1]), None)
        super().connection_lost(exc)


def _raise_open_files_limit() -> None:
    """A thousand concurrent connections need more descriptors than some defaults (1024) allow."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = WANTED_OPEN_FILES if hard == resource.RLIM_INFINITY else min(WANTED_OPEN_FILES, hard)
    if soft != resource.RLIM_INFINITY and soft < target:
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))


def _bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # IPPROTO_TCP explicitly: asyncio only sets TCP_NODELAY on accepted sockets whose proto says TCP, and
    # accepted sockets inherit the listener's. With proto 0 every keep-alive answer waited ~40 ms for a
    # delayed ACK (Nagle), which made every emulated round trip 40 ms slower than the latency asked for.
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.set_inheritable(True)
    return sock


async def _run(server: uvicorn.Server, sock: socket.socket, url: str) -> None:
    serving = asyncio.create_task(server.serve(sockets=[sock]))
    while not server.started:
        if serving.done():
            await serving
            raise SystemExit(f"SoLoMo sandbox could not start on {url}")
        await asyncio.sleep(0.01)
    print(f"SoLoMo sandbox listening on {url}", flush=True)
    await serving


def serve(host: str, port: int, latency_ms: int = 0) -> None:
    """Run the sandbox until interrupted; port 0 picks a free port. Prints one line once listening."""
    _raise_open_files_limit()
    sock = _bind(host, port)
    bound_port = sock.getsockname()[1]
    shown_host = f"[{host}]" if ":" in host else host
    config = uvicorn.Config(
        build_app(latency_ms),
        log_level="warning",
        access_log=False,
        limit_concurrency=None,
        backlog=BACKLOG,
        http=ConnectionTrackingH11Protocol,
        ws="none",
        lifespan="off",
        timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_S,
    )
    try:
        asyncio.run(_run(uvicorn.Server(config), sock, f"http://{shown_host}:{bound_port}"))
    except KeyboardInterrupt:
        sys.exit(130)
    finally:
        sock.close()
