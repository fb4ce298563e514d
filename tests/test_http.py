"""auditor.http against real HTTP on loopback: a threaded stdlib server that records what it is sent and
answers what each test scripts. Sandbox routing is exercised with this server standing in for the sandbox,
so these tests do not depend on auditor.sandbox."""

from __future__ import annotations

import asyncio
import gzip
import ipaddress
import json
import logging
import socket
import threading
import time
import zlib
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from auditor.http import (
    FetchError,
    HostLimit,
    HttpClient,
    HttpResponse,
    HttpSettings,
    is_refused_address,
    retry_after_seconds,
)
from auditor.redact import forget_secrets, register_secret

# Fast backoff so that retry tests take milliseconds, short timeouts so that a failing test fails quickly.
FAST = HttpSettings(backoff_base=0.01, backoff_max=0.05, connect_timeout=1.0, read_timeout=2.0)


@dataclass(frozen=True)
class Reply:
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    delay: float = 0.0
    chunked: bool = False


@dataclass(frozen=True)
class Seen:
    method: str
    target: str  # path and query as sent on the request line
    headers: dict[str, str]  # lower-case names
    body: bytes
    at: float  # time.monotonic() when the request arrived
    client_port: int

    @property
    def host(self) -> str:
        return self.headers.get("host", "")

    @property
    def path(self) -> str:
        return self.target.split("?", 1)[0]


Responder = Callable[[Seen], Reply]


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Clients that hang up (timeout and body-cap tests) are expected; nothing to print."""


class LoopbackServer:
    """Records every request; answers from per-path scripts (a list of replies, the last one repeating, or
    a function of the request). Counts requests in flight per Host header and overall."""

    def __init__(self) -> None:
        self.seen: list[Seen] = []
        self._routes: dict[str, Responder | list[Reply]] = {}
        self._lock = threading.Lock()
        self._in_flight: Counter[str] = Counter()
        self.max_in_flight: Counter[str] = Counter()
        self._total_in_flight = 0
        self.max_total_in_flight = 0
        self._httpd = _QuietServer(("127.0.0.1", 0), self._handler_class())
        self._thread = threading.Thread(target=self._httpd.serve_forever, args=(0.02,), daemon=True)

    @property
    def port(self) -> int:
        return int(self._httpd.server_address[1])

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def route(self, path: str, *replies: Reply, responder: Responder | None = None) -> None:
        self._routes[path] = responder if responder is not None else list(replies)

    def seen_at(self, path: str) -> list[Seen]:
        return [request for request in self.seen if request.path == path]

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def _reply_for(self, request: Seen) -> Reply:
        with self._lock:
            self.seen.append(request)
            script = self._routes.get(request.path)
            if script is None:
                return Reply(404, body=b"no route")
            if callable(script):
                return script(request)
            return script.pop(0) if len(script) > 1 else script[0]

    def _enter(self, host: str) -> None:
        with self._lock:
            self._in_flight[host] += 1
            self.max_in_flight[host] = max(self.max_in_flight[host], self._in_flight[host])
            self._total_in_flight += 1
            self.max_total_in_flight = max(self.max_total_in_flight, self._total_in_flight)

    def _leave(self, host: str) -> None:
        with self._lock:
            self._in_flight[host] -= 1
            self._total_in_flight -= 1

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive, as the real web speaks it
            disable_nagle_algorithm = True  # headers and body go out in two writes: no 40 ms stalls

            def _any(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                request = Seen(
                    method=self.command,
                    target=self.path,
                    headers={name.lower(): value for name, value in self.headers.items()},
                    body=body,
                    at=time.monotonic(),
                    client_port=self.client_address[1],
                )
                server._enter(request.host)
                try:
                    reply = server._reply_for(request)
                    if reply.delay:
                        time.sleep(reply.delay)
                    self._write(reply)
                except OSError:  # the client gave up (timeout tests): nothing to answer
                    self.close_connection = True
                finally:
                    server._leave(request.host)

            def _write(self, reply: Reply) -> None:
                self.send_response(reply.status)
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                if reply.chunked:
                    self.send_header("Transfer-Encoding", "chunked")
                    self.end_headers()
                    for start in range(0, len(reply.body), 512):
                        piece = reply.body[start : start + 512]
                        self.wfile.write(f"{len(piece):x}\r\n".encode() + piece + b"\r\n")
                    self.wfile.write(b"0\r\n\r\n")
                else:
                    self.send_header("Content-Length", str(len(reply.body)))
                    self.end_headers()
                    if self.command != "HEAD":
                        self.wfile.write(reply.body)

            do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = _any

            def log_message(self, format: str, *args: Any) -> None:
                pass

        return Handler


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    running = LoopbackServer()
    running.start()
    yield running
    running.stop()


@pytest.fixture
def other_server() -> Iterator[LoopbackServer]:
    running = LoopbackServer()
    running.start()
    yield running
    running.stop()


@pytest.fixture(autouse=True)
def no_secrets_left() -> Iterator[None]:
    yield
    forget_secrets()


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def settings(**changes: Any) -> HttpSettings:
    values = {name: getattr(FAST, name) for name in FAST.__dataclass_fields__}
    values.update(changes)
    return HttpSettings(**values)


# -- sandbox routing ------------------------------------------------------------------------------------


async def test_sandbox_receives_the_request_unchanged_with_original_host_and_scheme(
    server: LoopbackServer,
) -> None:
    server.route("/v1/places:searchText", Reply(200, {"Content-Type": "application/json"}, b'{"places": []}'))
    async with HttpClient(FAST, sandbox=server.url) as http:
        response = await http.post(
            "https://places.example.test:8443/v1/places:searchText?fields=a%2Cb&n=2",
            params={"extra": "café"},
            headers={"X-Goog-FieldMask": "places.id", "X-Custom": "kept"},
            json={"textQuery": "Boulangerie Dupont, Lyon", "pageSize": 5},
        )
    assert response.status == 200 and response.json() == {"places": []}
    assert (
        response.url
        == "https://places.example.test:8443/v1/places:searchText?fields=a%2Cb&n=2&extra=caf%C3%A9"
    )
    [seen] = server.seen
    assert seen.method == "POST"
    assert seen.target == "/v1/places:searchText?fields=a%2Cb&n=2&extra=caf%C3%A9"
    assert seen.host == "places.example.test:8443"
    assert seen.headers["x-forwarded-proto"] == "https"
    assert seen.headers["x-goog-fieldmask"] == "places.id"
    assert seen.headers["x-custom"] == "kept"
    assert seen.headers["content-type"] == "application/json"
    assert json.loads(seen.body) == {"textQuery": "Boulangerie Dupont, Lyon", "pageSize": 5}


@pytest.mark.parametrize(
    ("url", "host", "scheme"),
    [
        ("https://nominatim.example.test/search?q=x", "nominatim.example.test", "https"),
        ("https://nominatim.example.test:443/search?q=x", "nominatim.example.test", "https"),
        ("http://shop.example.test:80/search?q=x", "shop.example.test", "http"),
        ("http://shop.example.test:8080/search?q=x", "shop.example.test:8080", "http"),
        ("http://[2001:db8::1]:8080/search?q=x", "[2001:db8::1]:8080", "http"),
    ],
)
async def test_sandbox_host_header_has_the_port_only_when_not_default(
    server: LoopbackServer, url: str, host: str, scheme: str
) -> None:
    server.route("/search", Reply(200, body=b"ok"))
    async with HttpClient(FAST, sandbox=server.url) as http:
        response = await http.get(url)
    assert response.text == "ok"
    [seen] = server.seen
    assert (seen.host, seen.headers["x-forwarded-proto"], seen.target) == (host, scheme, "/search?q=x")


async def test_sandbox_mode_contacts_nothing_but_the_sandbox(
    server: LoopbackServer, other_server: LoopbackServer
) -> None:
    """A URL naming a live server still goes to the sandbox: routing happens below everything else."""
    server.route("/page", Reply(200, body=b"from sandbox"))
    other_server.route("/page", Reply(200, body=b"from the real host"))
    async with HttpClient(FAST, sandbox=server.url) as http:
        response = await http.get(f"{other_server.url}/page", headers={"Accept": "text/html"})
    assert response.content == b"from sandbox"
    assert other_server.seen == []
    assert server.seen[0].host == f"127.0.0.1:{other_server.port}"
    assert server.seen[0].headers["accept"] == "text/html"


async def test_sandbox_unknown_host_is_a_fetch_error_and_not_retried(server: LoopbackServer) -> None:
    server.route("/", Reply(502, {"X-Sandbox": "unknown-host"}, b"unknown host"))
    async with HttpClient(FAST, sandbox=server.url) as http:
        with pytest.raises(FetchError) as caught:
            await http.get("https://nowhere.example.test/")
    assert caught.value.reason == "unknown_host"
    assert len(server.seen) == 1


async def test_x_sandbox_header_means_nothing_outside_sandbox_mode(server: LoopbackServer) -> None:
    server.route("/", Reply(200, {"X-Sandbox": "unknown-host"}, b"a real site may send anything"))
    async with HttpClient(FAST) as http:
        response = await http.get(f"{server.url}/")
    assert response.status == 200


async def test_user_agent_from_settings_and_caller_headers_added(server: LoopbackServer) -> None:
    server.route("/", Reply(200))
    agent = "solomo-auditor/9.9 (+https://example.test/contact)"
    async with HttpClient(settings(user_agent=agent)) as http:
        await http.get(f"{server.url}/", headers={"Accept-Language": "fr"})
    assert server.seen[0].headers["user-agent"] == agent
    assert server.seen[0].headers["accept-language"] == "fr"


async def test_connections_are_kept_alive(server: LoopbackServer) -> None:
    server.route("/", Reply(200, body=b"x"))
    async with HttpClient(FAST) as http:
        for _ in range(3):
            await http.get(f"{server.url}/")
    assert len({seen.client_port for seen in server.seen}) == 1


# -- retries --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("status", [408, 429, 500, 502, 503, 504])
async def test_retryable_status_is_retried_until_success(server: LoopbackServer, status: int) -> None:
    server.route("/flaky", Reply(status), Reply(status), Reply(200, body=b"finally"))
    async with HttpClient(settings(max_retries=3)) as http:
        response = await http.get(f"{server.url}/flaky")
    assert (response.status, response.content) == (200, b"finally")
    assert len(server.seen) == 3


async def test_retries_stop_at_max_retries_and_return_the_last_response(server: LoopbackServer) -> None:
    server.route("/down", Reply(503, body=b"maintenance"))
    async with HttpClient(settings(max_retries=2)) as http:
        response = await http.get(f"{server.url}/down")
    assert (response.status, response.content, response.ok) == (503, b"maintenance", False)
    assert len(server.seen) == 3


@pytest.mark.parametrize("status", [400, 401, 403, 404, 410])
async def test_other_statuses_are_returned_at_once(server: LoopbackServer, status: int) -> None:
    server.route("/", Reply(status))
    async with HttpClient(FAST) as http:
        response = await http.get(f"{server.url}/")
    assert response.status == status
    assert len(server.seen) == 1


async def test_retry_after_seconds_is_waited_for(server: LoopbackServer) -> None:
    server.route("/", Reply(429, {"Retry-After": "1"}), Reply(200))
    async with HttpClient(FAST) as http:
        response = await http.get(f"{server.url}/")
    assert response.status == 200
    first, second = server.seen
    assert 0.95 <= second.at - first.at < 1.6


async def test_retry_after_http_date_is_waited_for(server: LoopbackServer) -> None:
    def busy_then_ok(seen: Seen) -> Reply:
        if len(server.seen_at("/")) > 1:
            return Reply(200)
        when = datetime.now(UTC) + timedelta(seconds=2)
        return Reply(503, {"Retry-After": format_datetime(when, usegmt=True)})

    server.route("/", responder=busy_then_ok)
    async with HttpClient(FAST) as http:
        response = await http.get(f"{server.url}/")
    assert response.status == 200
    first, second = server.seen
    # The date has whole seconds: "now + 2 s" truncated is between 1 and 2 seconds away.
    assert 0.95 <= second.at - first.at < 2.6


@pytest.mark.parametrize("retry_after", ["60", "Wed, 21 Oct 2065 07:28:00 GMT"])
async def test_retry_after_above_cap_is_returned_immediately(
    server: LoopbackServer, retry_after: str
) -> None:
    server.route("/", Reply(429, {"Retry-After": retry_after}, b"slow down"), Reply(200))
    started = time.monotonic()
    async with HttpClient(settings(retry_after_cap=5.0)) as http:
        response = await http.get(f"{server.url}/")
    assert response.status == 429
    assert response.headers["retry-after"] == retry_after
    assert len(server.seen) == 1
    assert time.monotonic() - started < 1.0


def test_retry_after_parsing() -> None:
    now = datetime(2025, 1, 1, 12, 0, 0, tzinfo=UTC).timestamp()
    assert retry_after_seconds("120", now=now) == 120
    assert retry_after_seconds("Wed, 01 Jan 2025 12:00:30 GMT", now=now) == 30
    assert retry_after_seconds("Wed, 01 Jan 2025 11:00:00 GMT", now=now) == 0
    assert retry_after_seconds("soon", now=now) is None
    assert retry_after_seconds(None) is None


async def test_read_timeout_is_retried_then_reported(server: LoopbackServer) -> None:
    server.route("/slow", Reply(200, body=b"late", delay=1.0))
    async with HttpClient(settings(read_timeout=0.2, max_retries=1)) as http:
        with pytest.raises(FetchError) as caught:
            await http.get(f"{server.url}/slow")
    assert caught.value.reason == "timeout"
    assert len(server.seen) == 2


async def test_connect_error_is_reported() -> None:
    async with HttpClient(settings(max_retries=1)) as http:
        with pytest.raises(FetchError) as caught:
            await http.get(f"http://127.0.0.1:{closed_port()}/")
    assert caught.value.reason == "connect_error"


@pytest.mark.parametrize("untrusted", [False, True])
async def test_a_name_that_does_not_resolve_is_an_unknown_host(untrusted: bool) -> None:
    """`.invalid` never resolves (RFC 6761), with or without a network."""
    async with HttpClient(settings(max_retries=2)) as http:
        with pytest.raises(FetchError) as caught:
            await http.get("http://no-such-shop.invalid/", untrusted=untrusted)
    assert caught.value.reason == "unknown_host"


async def test_each_retry_waits_for_the_host_rate_limiter(server: LoopbackServer) -> None:
    server.route("/", Reply(503), Reply(200))
    limits = {"polite.example.test": HostLimit(rate=2.0)}
    async with HttpClient(settings(hosts=limits), sandbox=server.url) as http:
        response = await http.get("https://polite.example.test/")
    assert response.status == 200
    first, second = server.seen
    assert second.at - first.at >= 0.45  # backoff alone is 0.05 s at most


# -- per-host and global limits ---------------------------------------------------------------------------


async def test_host_rate_limit_spaces_requests_and_spares_other_hosts(server: LoopbackServer) -> None:
    server.route("/", Reply(200))
    limits = {"nominatim.example.test": HostLimit(rate=2.0)}
    async with HttpClient(settings(hosts=limits), sandbox=server.url) as http:
        started = time.monotonic()

        async def fast_host() -> float:
            await asyncio.gather(*(http.get("https://other.example.test/") for _ in range(3)))
            return time.monotonic() - started

        slow = asyncio.gather(*(http.get("https://nominatim.example.test/") for _ in range(3)))
        fast_elapsed = await fast_host()
        await slow
    limited = [seen.at for seen in server.seen if seen.host == "nominatim.example.test"]
    assert max(limited) - min(limited) >= 0.95  # three requests at 2/s: 0, 0.5, 1.0
    assert fast_elapsed < 0.4


async def test_host_concurrency_is_bounded_and_spares_other_hosts(server: LoopbackServer) -> None:
    server.route("/", Reply(200, delay=0.2))
    limits = {"busy.example.test": HostLimit(concurrency=2)}
    async with HttpClient(settings(hosts=limits, default_host_concurrency=8), sandbox=server.url) as http:
        started = time.monotonic()
        busy = asyncio.gather(*(http.get("https://busy.example.test/") for _ in range(6)))
        await asyncio.gather(*(http.get("https://free.example.test/") for _ in range(4)))
        free_elapsed = time.monotonic() - started
        await busy
        busy_elapsed = time.monotonic() - started
    assert server.max_in_flight["busy.example.test"] == 2
    assert server.max_in_flight["free.example.test"] == 4
    assert busy_elapsed >= 0.55  # 6 requests, 2 at a time, 0.2 s each
    assert free_elapsed < 0.45


async def test_global_in_flight_bound_across_hosts(server: LoopbackServer) -> None:
    server.route("/", Reply(200, delay=0.15))
    async with HttpClient(settings(max_in_flight=3, default_host_concurrency=10), sandbox=server.url) as http:
        responses = await asyncio.gather(*(http.get(f"https://host{n}.example.test/") for n in range(9)))
    assert all(response.status == 200 for response in responses)
    assert server.max_total_in_flight == 3


# -- body cap -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
async def test_body_over_the_cap_is_refused(server: LoopbackServer, chunked: bool) -> None:
    server.route("/big", Reply(200, body=b"x" * 2000, chunked=chunked))
    async with HttpClient(FAST) as http:
        with pytest.raises(FetchError) as caught:
            await http.get(f"{server.url}/big", max_bytes=1000)
        exact = await http.get(f"{server.url}/big", max_bytes=2000)
    assert caught.value.reason == "too_large"
    assert len(exact.content) == 2000


async def test_settings_body_cap_applies_by_default(server: LoopbackServer) -> None:
    server.route("/big", Reply(200, body=b"x" * 2000, chunked=True))
    async with HttpClient(settings(max_body_bytes=1500)) as http:
        with pytest.raises(FetchError) as caught:
            await http.get(f"{server.url}/big")
    assert caught.value.reason == "too_large"


async def test_gzip_bomb_is_refused_on_its_decoded_size(server: LoopbackServer) -> None:
    bomb = gzip.compress(b"\0" * 20_000_000)
    assert len(bomb) < 100_000
    server.route("/bomb", Reply(200, {"Content-Encoding": "gzip"}, bomb))
    async with HttpClient(FAST) as http:
        with pytest.raises(FetchError) as caught:
            await http.get(f"{server.url}/bomb", max_bytes=1_000_000)
    assert caught.value.reason == "too_large"


async def test_gzip_body_within_the_cap_is_decoded(server: LoopbackServer) -> None:
    page = "<html>Boulangerie Dupont — ouvert</html>".encode()
    server.route(
        "/", Reply(200, {"Content-Encoding": "gzip", "Content-Type": "text/html"}, gzip.compress(page))
    )
    async with HttpClient(FAST) as http:
        response = await http.get(f"{server.url}/")
    assert response.content == page


@pytest.mark.parametrize(
    ("encoding", "compress"),
    [
        ("deflate", zlib.compress),  # zlib-wrapped, as RFC 9110 says
        ("deflate", lambda data: zlib.compress(data)[2:-4]),  # raw deflate, as some servers send it
        ("x-gzip", gzip.compress),
    ],
)
async def test_deflate_forms_are_decoded(
    server: LoopbackServer, encoding: str, compress: Callable[[bytes], bytes]
) -> None:
    page = "Boulangerie Dupont — ouvert du lundi au samedi".encode() * 50
    server.route("/", Reply(200, {"Content-Encoding": encoding}, compress(page)))
    async with HttpClient(FAST) as http:
        response = await http.get(f"{server.url}/")
    assert response.content == page
    assert "content-encoding" not in response.headers  # the body is no longer encoded


async def test_an_encoding_we_did_not_ask_for_is_a_bad_response(server: LoopbackServer) -> None:
    server.route("/", Reply(200, {"Content-Encoding": "br"}, b"\x1b\x00\x00"))
    async with HttpClient(FAST) as http:
        with pytest.raises(FetchError) as caught:
            await http.get(f"{server.url}/")
    assert caught.value.reason == "bad_response"
    assert server.seen[-1].headers.get("accept-encoding") == "gzip, deflate"


async def test_a_callers_header_replaces_the_default(server: LoopbackServer) -> None:
    server.route("/", Reply(200, {}, b"{}"))
    async with HttpClient(FAST) as http:
        await http.get(f"{server.url}/", headers={"accept": "application/rdap+json"})
        await http.get(f"{server.url}/")
    assert server.seen[0].headers["accept"] == "application/rdap+json"
    assert server.seen[1].headers["accept"] == "*/*"


async def test_per_call_retries_and_timeout_override_the_settings(server: LoopbackServer) -> None:
    server.route("/flaky", Reply(503), Reply(200, body=b"ok"))
    server.route("/slow", Reply(200, delay=1.0))
    async with HttpClient(settings(max_retries=3, read_timeout=10.0)) as http:
        response = await http.get(f"{server.url}/flaky", retries=0)
        started = time.monotonic()
        with pytest.raises(FetchError) as caught:
            await http.get(f"{server.url}/slow", timeout=0.2, retries=0)
    assert response.status == 503 and len(server.seen_at("/flaky")) == 1
    assert caught.value.reason == "timeout" and time.monotonic() - started < 0.8


# -- redirects ------------------------------------------------------------------------------------------


async def test_redirect_chain_is_followed_and_listed(server: LoopbackServer) -> None:
    server.route("/old", Reply(301, {"Location": "/middle"}))
    server.route("/middle", Reply(302, {"Location": f"{server.url}/new?x=1"}))
    server.route("/new", Reply(200, body=b"here"))
    async with HttpClient(FAST) as http:
        response = await http.get(f"{server.url}/old")
    assert (response.status, response.content) == (200, b"here")
    assert response.url == f"{server.url}/new?x=1"
    assert response.redirects == (f"{server.url}/old", f"{server.url}/middle")


async def test_redirect_not_followed_when_asked(server: LoopbackServer) -> None:
    server.route("/old", Reply(301, {"Location": "/new"}, b"moved"))
    async with HttpClient(FAST) as http:
        response = await http.get(f"{server.url}/old", follow_redirects=False)
    assert (response.status, response.headers["location"], response.content) == (301, "/new", b"moved")
    assert len(server.seen) == 1


async def test_too_many_redirects(server: LoopbackServer) -> None:
    server.route("/loop", Reply(302, {"Location": "/loop"}))
    async with HttpClient(settings(max_redirects=3)) as http:
        with pytest.raises(FetchError) as caught:
            await http.get(f"{server.url}/loop")
    assert caught.value.reason == "too_many_redirects"
    assert len(server.seen) == 4  # the request and three redirects followed


async def test_see_other_turns_a_post_into_a_get_without_body(server: LoopbackServer) -> None:
    server.route("/form", Reply(303, {"Location": "/done"}))
    server.route("/done", Reply(200))
    async with HttpClient(FAST) as http:
        await http.post(f"{server.url}/form", json={"a": 1})
    posted, followed = server.seen
    assert (posted.method, followed.method, followed.body) == ("POST", "GET", b"")
    assert "content-type" not in followed.headers


async def test_credentials_never_follow_a_redirect_to_another_host(server: LoopbackServer) -> None:
    register_secret("sk-live-0123456789")
    server.route("/start", Reply(302, {"Location": "https://elsewhere.example.test/land"}))
    server.route("/same", Reply(302, {"Location": "/land"}))
    server.route("/land", Reply(200))
    credentials = {
        "Authorization": "Bearer abcdefgh",
        "X-Goog-Api-Key": "AIzaSyExample",
        "X-Api-Key": "fsq-key-example",
        "X-Carrier": "token=sk-live-0123456789",
        "X-Plain": "harmless",
    }
    async with HttpClient(FAST, sandbox=server.url) as http:
        await http.get("https://api.example.test/start", headers=credentials)
        await http.get("https://api.example.test/same", headers=credentials)
    landed_elsewhere, landed_same = server.seen_at("/land")
    assert landed_elsewhere.host == "elsewhere.example.test"
    for name in ("authorization", "x-goog-api-key", "x-api-key", "x-carrier"):
        assert name not in landed_elsewhere.headers
        assert name in landed_same.headers
    assert landed_elsewhere.headers["x-plain"] == "harmless"


async def test_https_to_http_downgrade_on_the_same_host_drops_credentials(server: LoopbackServer) -> None:
    server.route("/start", Reply(301, {"Location": "http://api.example.test/land"}))
    server.route("/land", Reply(200))
    async with HttpClient(FAST, sandbox=server.url) as http:
        await http.get("https://api.example.test/start", headers={"Authorization": "Bearer abcdefgh"})
    [landed] = server.seen_at("/land")
    assert "authorization" not in landed.headers


# -- SSRF -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "host",
    [
        "127.0.0.1",
        "10.0.0.1",
        "172.16.0.1",
        "192.168.1.1",
        "169.254.169.254",
        "100.64.0.1",
        "0.0.0.0",
        "224.0.0.1",
        "240.0.0.1",
        "[::1]",
        "[fe80::1]",
        "[fc00::1]",
        "[::ffff:127.0.0.1]",
        "[::]",
        "localhost",
    ],
)
async def test_untrusted_request_to_a_private_address_is_refused(host: str) -> None:
    async with HttpClient(settings(connect_timeout=0.5, max_retries=0)) as http:
        with pytest.raises(FetchError) as caught:
            await http.get(f"http://{host}/latest/meta-data/", untrusted=True)
    assert caught.value.reason == "refused_address"


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])
async def test_refused_request_never_reaches_the_server(server: LoopbackServer, host: str) -> None:
    server.route("/", Reply(200))
    async with HttpClient(FAST) as http:
        with pytest.raises(FetchError):
            await http.get(f"http://{host}:{server.port}/", untrusted=True)
        trusted = await http.get(f"http://{host}:{server.port}/")
    assert trusted.status == 200
    assert len(server.seen) == 1  # only the trusted one


async def test_allow_private_lets_untrusted_requests_through(server: LoopbackServer) -> None:
    server.route("/", Reply(200))
    async with HttpClient(FAST, allow_private=True) as http:
        response = await http.get(f"{server.url}/", untrusted=True)
    assert response.status == 200


async def test_every_redirect_hop_is_checked(server: LoopbackServer) -> None:
    server.route("/", Reply(302, {"Location": "http://169.254.169.254/latest/meta-data/"}))
    async with HttpClient(FAST, sandbox=server.url) as http:
        with pytest.raises(FetchError) as caught:
            await http.get("http://shop.example.test/", untrusted=True)
    assert caught.value.reason == "refused_address"
    assert [seen.host for seen in server.seen] == ["shop.example.test"]


@pytest.mark.parametrize("url", ["http://10.1.2.3/", "http://localhost:8080/", "http://[::1]/"])
async def test_sandbox_mode_still_refuses_private_literals_and_local_names(
    server: LoopbackServer, url: str
) -> None:
    async with HttpClient(FAST, sandbox=server.url) as http:
        with pytest.raises(FetchError) as caught:
            await http.get(url, untrusted=True)
    assert caught.value.reason == "refused_address"
    assert server.seen == []


@pytest.mark.parametrize("address", ["93.184.216.34", "8.8.8.8", "2606:4700:4700::1111", "2a00:1450:4007::1"])
def test_public_addresses_are_allowed(address: str) -> None:
    assert not is_refused_address(ipaddress.ip_address(address))


@pytest.mark.parametrize(
    "url", ["ftp://example.test/file", "mailto:someone@example.test", "http:///nohost", "::"]
)
async def test_bad_urls(url: str) -> None:
    async with HttpClient(FAST) as http:
        with pytest.raises(FetchError) as caught:
            await http.get(url)
    assert caught.value.reason == "bad_url"


# -- cache ----------------------------------------------------------------------------------------------


async def test_second_get_is_served_from_cache_also_by_a_new_client(
    server: LoopbackServer, tmp_path: Path
) -> None:
    server.route("/data", Reply(200, {"Content-Type": "application/json", "X-Thing": "1"}, b'{"n": 1}'))
    async with HttpClient(FAST, cache_dir=tmp_path) as http:
        first = await http.get(f"{server.url}/data")
        second = await http.get(f"{server.url}/data")
    async with HttpClient(FAST, cache_dir=tmp_path) as http:
        third = await http.get(f"{server.url}/data")
    assert (first.from_cache, second.from_cache, third.from_cache) == (False, True, True)
    assert second.json() == first.json() == {"n": 1}
    assert (second.status, second.headers["x-thing"], second.url) == (200, "1", first.url)
    assert len(server.seen) == 1


async def test_post_is_cached_by_body(server: LoopbackServer, tmp_path: Path) -> None:
    server.route("/search", responder=lambda seen: Reply(200, body=seen.body))
    async with HttpClient(FAST, cache_dir=tmp_path) as http:
        first = await http.post(f"{server.url}/search", json={"textQuery": "Dupont"})
        same = await http.post(f"{server.url}/search", json={"textQuery": "Dupont"})
        other = await http.post(f"{server.url}/search", json={"textQuery": "Durand"})
    assert (first.from_cache, same.from_cache, other.from_cache) == (False, True, False)
    assert json.loads(other.content) == {"textQuery": "Durand"}
    assert len(server.seen) == 2


async def test_cache_vary_headers_enter_the_key(server: LoopbackServer, tmp_path: Path) -> None:
    server.route(
        "/", responder=lambda seen: Reply(200, body=seen.headers.get("accept-language", "").encode())
    )
    url = f"{server.url}/"
    vary = ("Accept-Language",)
    async with HttpClient(FAST, cache_dir=tmp_path) as http:
        french = await http.get(url, headers={"Accept-Language": "fr"}, cache_vary=vary)
        english = await http.get(url, headers={"Accept-Language": "en"}, cache_vary=vary)
        french_again = await http.get(url, headers={"accept-language": "fr"}, cache_vary=vary)
    assert (french.content, english.content, french_again.content) == (b"fr", b"en", b"fr")
    assert (english.from_cache, french_again.from_cache) == (False, True)
    assert len(server.seen) == 2


async def test_headers_not_named_in_cache_vary_do_not_split_the_cache(
    server: LoopbackServer, tmp_path: Path
) -> None:
    server.route("/", Reply(200, body=b"same"))
    async with HttpClient(FAST, cache_dir=tmp_path) as http:
        await http.get(f"{server.url}/", headers={"X-Request-Id": "1"})
        second = await http.get(f"{server.url}/", headers={"X-Request-Id": "2"})
    assert second.from_cache


async def test_cache_entry_expires_after_ttl(server: LoopbackServer, tmp_path: Path) -> None:
    server.route("/", Reply(200))
    async with HttpClient(FAST, cache_dir=tmp_path, cache_ttl=0.3) as http:
        await http.get(f"{server.url}/")
        fresh = await http.get(f"{server.url}/")
        await asyncio.sleep(0.4)
        stale = await http.get(f"{server.url}/")
    assert (fresh.from_cache, stale.from_cache) == (True, False)
    assert len(server.seen) == 2


async def test_no_cache_and_per_call_opt_out(server: LoopbackServer, tmp_path: Path) -> None:
    server.route("/", Reply(200))
    async with HttpClient(FAST, cache_dir=tmp_path, no_cache=True) as http:
        await http.get(f"{server.url}/")
        disabled = await http.get(f"{server.url}/")
    async with HttpClient(FAST, cache_dir=tmp_path) as http:
        await http.get(f"{server.url}/", cache=False)
        opted_out = await http.get(f"{server.url}/", cache=False)
    assert not disabled.from_cache and not opted_out.from_cache
    assert len(server.seen) == 4


async def test_only_2xx_is_cached(server: LoopbackServer, tmp_path: Path) -> None:
    server.route("/missing", Reply(404))
    async with HttpClient(FAST, cache_dir=tmp_path) as http:
        await http.get(f"{server.url}/missing")
        again = await http.get(f"{server.url}/missing")
    assert not again.from_cache
    assert len(server.seen) == 2


async def test_sandboxed_and_real_answers_are_cached_apart(server: LoopbackServer, tmp_path: Path) -> None:
    server.route(
        "/thing", responder=lambda seen: Reply(200, body=seen.headers.get("x-forwarded-proto", "-").encode())
    )
    url = f"{server.url}/thing"
    async with HttpClient(FAST, cache_dir=tmp_path) as http:
        real = await http.get(url)
    async with HttpClient(FAST, cache_dir=tmp_path, sandbox=server.url) as http:
        sandboxed = await http.get(url)
    assert (real.content, sandboxed.content) == (b"-", b"http")
    assert not sandboxed.from_cache
    assert len(server.seen) == 2


async def test_cache_hit_keeps_final_url_and_redirects(server: LoopbackServer, tmp_path: Path) -> None:
    server.route("/old", Reply(301, {"Location": "/new"}))
    server.route("/new", Reply(200, body=b"new"))
    async with HttpClient(FAST, cache_dir=tmp_path) as http:
        live = await http.get(f"{server.url}/old")
        cached = await http.get(f"{server.url}/old")
    assert cached.from_cache
    assert (cached.url, cached.redirects, cached.content) == (live.url, live.redirects, b"new")
    assert cached.redirects == (f"{server.url}/old",)


# -- response and redaction ---------------------------------------------------------------------------


def test_response_text_json_and_ok() -> None:
    latin = HttpResponse(
        200, "http://x.test/", {"content-type": "text/html; charset=ISO-8859-1"}, "café".encode("latin-1")
    )
    assert latin.text == "café" and latin.ok
    unknown_charset = HttpResponse(200, "http://x.test/", {"content-type": "text/html; charset=nope"}, b"ok")
    assert unknown_charset.text == "ok"
    broken = HttpResponse(404, "http://x.test/", {}, b"<html>not json")
    assert not broken.ok
    with pytest.raises(FetchError) as caught:
        broken.json()
    assert caught.value.reason == "bad_response"


async def test_secrets_are_redacted_in_logs_and_errors(
    server: LoopbackServer, caplog: pytest.LogCaptureFixture
) -> None:
    secret = "AIzaSyTestSecret123"
    register_secret(secret)
    server.route("/maps", Reply(200))
    caplog.set_level(logging.DEBUG, logger="auditor.http")
    async with HttpClient(FAST) as http:
        await http.get(f"{server.url}/maps", params={"key": secret})
        with pytest.raises(FetchError) as caught:
            await http.get(f"ftp://maps.example.test/?key={secret}")
    assert server.seen[0].target == f"/maps?key={secret}"  # the real request still carries it
    assert "***" in caplog.text and "/maps?key=***" in caplog.text
    assert secret not in caplog.text
    assert secret not in str(caught.value) and secret not in caught.value.detail
