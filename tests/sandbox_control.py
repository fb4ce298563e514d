"""A small stdlib client for the sandbox, for tests: its control API, and raw requests to an emulated host.

Plain urllib on purpose: tests of the sandbox must not depend on the project's own HTTP client, and the
requests go out exactly as written (no default User-Agent, no redirect following).
"""

from __future__ import annotations

import json as jsonlib
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def _opener() -> urllib.request.OpenerDirector:
    opener = urllib.request.build_opener(_NoRedirect)
    opener.addheaders = []  # no implicit User-Agent: a test decides what is sent
    return opener


@dataclass(frozen=True)
class SandboxResponse:
    status: int
    headers: dict[str, str]  # lower-case names
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")

    def json(self) -> Any:
        return jsonlib.loads(self.body)


class SandboxControl:
    """`.url`, `.configure(latency_ms=0, faults=[...])`, `.reset()`, `.log()`, and `.request(...)`."""

    def __init__(self, url: str, timeout: float = 10.0) -> None:
        self.url = url.rstrip("/")
        self.timeout = timeout
        self._opener = _opener()

    def configure(self, latency_ms: int = 0, faults: list[dict[str, Any]] | None = None) -> dict[str, Any]:
        """Replace the latency and the faults (none when not given); returns the config now in force."""
        answer = self._control("POST", "config", {"latency_ms": latency_ms, "faults": faults or []})
        result: dict[str, Any] = answer.json()
        return result

    def reset(self) -> None:
        self._control("POST", "reset")

    def log(self) -> list[dict[str, Any]]:
        entries: list[dict[str, Any]] = self._control("GET", "log").json()
        return entries

    def health(self) -> dict[str, Any]:
        result: dict[str, Any] = self._control("GET", "health").json()
        return result

    def _control(self, method: str, name: str, payload: Any = None) -> SandboxResponse:
        answer = self.send(method, f"/__sandbox/{name}", json=payload)
        if answer.status != 200:
            raise RuntimeError(f"sandbox control {name} failed: {answer.status} {answer.text}")
        return answer

    def request(
        self,
        method: str,
        host: str,
        path: str,
        *,
        headers: Mapping[str, str] | None = None,
        body: bytes | None = None,
        json: Any = None,
        proto: str = "https",
        timeout: float | None = None,
    ) -> SandboxResponse:
        """A request as the project's client sends it in sandbox mode: Host and scheme kept in headers."""
        sent = {"Host": host, "X-Forwarded-Proto": proto, **(headers or {})}
        return self.send(method, path, headers=sent, body=body, json=json, timeout=timeout)

    def send(
        self,
        method: str,
        path: str,
        *,
        headers: Mapping[str, str] | None = None,
        body: bytes | None = None,
        json: Any = None,
        timeout: float | None = None,
    ) -> SandboxResponse:
        """Any request to the sandbox; HTTP errors are returned, network errors raised."""
        sent = dict(headers or {})
        if json is not None:
            body = jsonlib.dumps(json).encode("utf-8")
            sent.setdefault("Content-Type", "application/json")
        request = urllib.request.Request(self.url + path, data=body, headers=sent, method=method)
        try:
            with self._opener.open(request, timeout=timeout or self.timeout) as answer:
                return SandboxResponse(answer.status, _lower(answer.headers.items()), answer.read())
        except urllib.error.HTTPError as error:
            with error:
                return SandboxResponse(error.code, _lower(error.headers.items()), error.read())


def _lower(items: Any) -> dict[str, str]:
    return {str(name).lower(): str(value) for name, value in items}
