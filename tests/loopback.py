"""A threaded stdlib HTTP server on 127.0.0.1 that plays the web for the provider tests.

The project's HttpClient in sandbox mode sends every request here with the original Host header and the
original scheme in X-Forwarded-Proto, so a test sees exactly what the real API or site would receive, and
one loopback port can play several hosts, on http and https.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any, Self
from urllib.parse import parse_qs, urlsplit

from auditor.http import HttpClient, HttpSettings

JSON_HEADERS: Mapping[str, str] = {"Content-Type": "application/json"}
# No retries, so an error answer reaches the provider at once; short timeouts, so a broken test fails fast.
LOOPBACK_SETTINGS = HttpSettings(max_retries=0, connect_timeout=2.0, read_timeout=5.0)


@dataclass(frozen=True)
class Request:
    """One request as the loopback server received it."""

    method: str
    target: str  # the path and query of the request line, as sent
    headers: Mapping[str, str]  # lower-case names
    body: bytes

    @property
    def path(self) -> str:
        return urlsplit(self.target).path

    @property
    def params(self) -> dict[str, str]:
        """The query string, first value of each name."""
        return {name: values[0] for name, values in parse_qs(urlsplit(self.target).query).items()}

    @property
    def host(self) -> str:
        return self.headers.get("host", "")

    @property
    def proto(self) -> str:
        return self.headers.get("x-forwarded-proto", "")

    @property
    def user_agent(self) -> str:
        return self.headers.get("user-agent", "")


class _Server(ThreadingHTTPServer):
    # The default backlog of 5 drops connections when a test opens many at once (the client then retries
    # after a second), which would make a concurrent client look serial.
    request_queue_size = 128

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that hung up (a timeout test, a cancelled request) is expected; anything else is printed.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


@dataclass(frozen=True)
class Reply:
    status: int
    body: bytes = b""
    headers: Mapping[str, str] = field(default_factory=lambda: dict(JSON_HEADERS))


Answer = Callable[[Request], Reply]


class Loopback:
    """The server: `answer` decides each reply, and every request is kept in `requests`, in arrival order."""

    def __init__(self, answer: Answer) -> None:
        self.requests: list[Request] = []
        self.server = _Server(("127.0.0.1", 0), self._handler_class(answer))
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        # A short poll interval: shutdown() waits for the loop to notice, half a second by default, which
        # adds up over a test file.
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.02,), daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def _handler_class(self, answer: Answer) -> type[BaseHTTPRequestHandler]:
        requests = self.requests

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                self._answer()

            def do_POST(self) -> None:
                self._answer()

            def do_HEAD(self) -> None:
                self._answer()

            def _answer(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                headers = {name.lower(): value for name, value in self.headers.items()}
                request = Request(self.command, self.path, headers, self.rfile.read(length))
                requests.append(request)
                reply = answer(request)
                self.send_response(reply.status)
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(reply.body)))
                self.end_headers()
                if self.command != "HEAD":  # a HEAD answer has the headers of the GET, not its body
                    self.wfile.write(reply.body)

            def log_message(self, format: str, *args: Any) -> None:
                pass  # keep pytest output clean

        return Handler


class FakeApi(Loopback):
    """A loopback server standing in for one API: a fixed reply per path (query ignored), `missing` else."""

    def __init__(self, missing: Reply, files: Path) -> None:
        self.replies: dict[str, Reply] = {}
        self.files = files  # where `reply_with_file` finds recorded answers
        super().__init__(lambda request: self.replies.get(request.path, missing))

    def reply_with_file(
        self, path: str, name: str, status: int = 200, headers: Mapping[str, str] | None = None
    ) -> None:
        self.replies[path] = Reply(
            status, (self.files / name).read_bytes(), {**JSON_HEADERS, **(headers or {})}
        )


def sandboxed_client(url: str) -> HttpClient:
    """The project's own HTTP client, each request routed to `url` (a Loopback's) as the sandbox does."""
    return HttpClient(LOOPBACK_SETTINGS, sandbox=url, cache_dir=None)
