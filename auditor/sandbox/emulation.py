"""What every emulated service shares: how it is plugged into the server, and small request helpers.

An emulation is a plain ASGI app (each is a small Starlette app) with the hosts it answers for. The server
routes on the Host header, so adding a service is one new module returning an `Emulation`.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
import struct
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Scope


def _nothing() -> None:
    return None


@dataclass(frozen=True)
class Emulation:
    name: str
    hosts: tuple[str, ...]
    app: ASGIApp
    reset: Callable[[], None] = field(default=_nothing)  # back to the start-up state (counters...)


class JSONBody(Response):
    """JSON as the real APIs send it: UTF-8 without ASCII escapes, and an exact media type per service."""

    def __init__(
        self,
        payload: Any,
        status_code: int = 200,
        headers: Mapping[str, str] | None = None,
        media_type: str = "application/json",
    ) -> None:
        body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        super().__init__(body, status_code=status_code, headers=headers, media_type=media_type)


def forwarded_proto(request: Request) -> str:
    """The scheme the client meant: the routing contract carries it in X-Forwarded-Proto."""
    return request.headers.get("x-forwarded-proto", request.url.scheme).strip().lower()


def request_host(request: Request) -> str:
    return host_without_port(request.headers.get("host", ""))


def host_without_port(host: str) -> str:
    host = host.strip().lower()
    if host.startswith("["):  # [::1]:8765
        return host[1 : host.find("]")] if "]" in host else host
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


def bearer_token(request: Request) -> str | None:
    """The token of an `Authorization: Bearer ...` header; None when absent or of another scheme."""
    value = request.headers.get("authorization", "").strip()
    scheme, _, token = value.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def is_sandbox_key(key: str | None) -> bool:
    """Keys starting with `sandbox-` are accepted by every emulated API; anything else is rejected."""
    return bool(key) and str(key).startswith("sandbox-")


def int_param(request: Request, name: str, default: int) -> int | None:
    """An integer query parameter; None when present but not an integer (the caller answers 400)."""
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        return None


def float_pair(text: str | None) -> tuple[float, float] | None:
    """'45.76,4.83' to (45.76, 4.83); None when absent or malformed."""
    if not text:
        return None
    try:
        first, second = (float(part) for part in text.split(","))
    except ValueError:
        return None
    return first, second


def flag(request: Request, name: str) -> bool:
    return request.query_params.get(name, "0").strip().lower() in ("1", "true", "yes")


# Open connections by client address, filled in by the server's HTTP protocol, so that an emulation or a
# fault can drop a connection the way a dead or refusing server would (ASGI itself cannot).
OPEN_TRANSPORTS: dict[tuple[str, int], asyncio.Transport] = {}


async def reset_connection(scope: Scope) -> None:
    """Abort the client's TCP connection with a RST; the response is never sent.

    Outside the sandbox server (an app driven in-process) there is no socket: raise instead, which the
    in-process client sees as a transport failure too.
    """
    client = scope.get("client")
    transport = OPEN_TRANSPORTS.get((client[0], client[1])) if client else None
    if transport is None:
        raise ConnectionResetError("sandbox: connection reset")
    sock = transport.get_extra_info("socket")
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    transport.abort()
    for _ in range(3):  # let connection_lost run so the server knows not to answer
        await asyncio.sleep(0)
