"""The one HTTP stack: the only module that imports httpx (and hishel).

Every request the auditor makes goes through `HttpClient`, so that politeness and safety are decided in one
place rather than in each provider:

- per-host concurrency and rate (keyed by the host the caller asked for, also in sandbox mode, so that the
  limits behave the same against the sandbox as on the real web), under one global in-flight bound;
- retries on connect errors, read timeouts and 408/429/5xx, with jittered exponential backoff and
  `Retry-After` honoured up to `retry_after_cap` (a longer one is returned at once: the caller reports it);
- redirects followed here, not by httpx, so that each hop is SSRF-checked and credentials never follow a
  redirect to another host;
- a body cap on the decoded size (gzip bombs);
- a persistent response cache (hishel's SQLite storage) for 2xx answers;
- sandbox routing: with a sandbox URL, every request goes there with the original Host header.

Statuses are returned, never raised. A `FetchError` means there was no usable HTTP response; its `reason`
is one of FETCH_ERROR_REASONS. See docs/http.md.
"""

from __future__ import annotations

import asyncio
import email.utils
import hashlib
import ipaddress
import json as jsonlib
import logging
import socket
import sqlite3
import ssl
import time
import urllib.request
import zlib
from collections import OrderedDict
from collections.abc import AsyncIterable, AsyncIterator, Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

import httpcore
import httpx
from aiolimiter import AsyncLimiter
from tenacity import AsyncRetrying, RetryCallState, stop_after_attempt, wait_exponential_jitter

from auditor.redact import contains_secret, redact
from auditor.shared_limits import SharedSpacing, redis_client

if TYPE_CHECKING:
    import hishel

logger = logging.getLogger("auditor.http")

FETCH_ERROR_REASONS = frozenset(
    {
        "timeout",
        "connect_error",
        "unknown_host",
        "too_large",
        "too_many_redirects",
        "refused_address",
        "bad_url",
        "bad_response",
    }
)
RETRY_STATUSES = frozenset({408, 429, 500, 502, 503, 504})
PERMANENT_REDIRECTS = frozenset({301, 308})
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
# Dropped on a cross-host redirect whatever their value; any header holding a registered secret is too.
CREDENTIAL_HEADERS = frozenset(
    {"authorization", "x-goog-api-key", "x-api-key", "proxy-authorization", "cookie"}
)
CACHEABLE_METHODS = frozenset({"GET", "POST"})
CACHE_FILE_NAME = "http-cache-v2.db"
# Connection pools kept open at once (one per host); the least recently used is closed past this.
MAX_HOST_POOLS = 512
# Where a cached entry keeps what hishel's Request has no field for: the final URL and the redirect chain.
_CACHE_FINAL_URL = "x-solomo-final-url"
_CACHE_REDIRECTS = "x-solomo-redirects"
# Reserved for special use and never a public web server; checked by name as well as by address because in
# sandbox mode names are not resolved.
_LOCAL_NAMES = ("localhost", "localhost.localdomain")
# Shared address space (RFC 6598); `is_global` says False but `is_private` does too on older Pythons.
_CGNAT = ipaddress.ip_network("100.64.0.0/10")
# The cache is a convenience: when it fails, the request goes to the network and the failure is logged.
_CACHE_ERRORS = (OSError, RuntimeError, ValueError, sqlite3.Error)


@dataclass(frozen=True)
class HostLimit:
    rate: float | None = None  # requests per second, None = unlimited
    concurrency: int | None = None  # in-flight requests to this host, None = default_host_concurrency


@dataclass(frozen=True)
class HttpSettings:
    user_agent: str = "solomo-auditor/0.1.0 (+https://github.com/solomo-auditor/solomo-auditor)"
    connect_timeout: float = 5.0
    read_timeout: float = 10.0
    max_retries: int = 3
    backoff_base: float = 0.5
    backoff_max: float = 8.0
    retry_after_cap: float = 30.0
    max_in_flight: int = 64
    default_host_concurrency: int = 4
    max_body_bytes: int = 5_000_000
    max_redirects: int = 5
    ca_file: str | None = None  # PEM bundle to trust instead of the system's (a company proxy's CA)
    hosts: Mapping[str, HostLimit] = field(default_factory=dict)
    # redis://... : the hosts' rates hold across every process using it (auditor.shared_limits)
    shared_limits: str | None = None


class FetchError(Exception):
    """A request that produced no usable HTTP response. `reason` is one stable word (FETCH_ERROR_REASONS).

    The detail goes through `redact`, so a key that slipped into a URL never reaches a log or a report.
    """

    def __init__(self, reason: str, detail: str = "") -> None:
        detail = redact(detail)
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


class _TransientFetchError(FetchError):
    """A failure worth another attempt (connect error, read timeout, dropped connection)."""


@dataclass(frozen=True)
class HttpResponse:
    """A complete answer. `url` is the final URL on the real host (never the sandbox's); `redirects` are
    the URLs that answered with a redirect, in order, starting with the one asked for."""

    status: int
    url: str
    headers: Mapping[str, str]
    content: bytes
    from_cache: bool = False
    redirects: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    @property
    def text(self) -> str:
        return self.content.decode(_charset(self.headers.get("content-type", "")), errors="replace")

    def json(self) -> Any:
        try:
            return jsonlib.loads(self.content)
        except ValueError as error:  # JSONDecodeError and UnicodeDecodeError are both ValueErrors
            raise FetchError("bad_response", f"invalid JSON from {self.url}: {error}") from None


def _charset(content_type: str) -> str:
    for parameter in content_type.split(";")[1:]:
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "charset":
            candidate = value.strip().strip('"').lower()
            try:
                "".encode(candidate)
            except LookupError:
                break
            return candidate
    return "utf-8"


@dataclass
class _HostSlot:
    in_flight: asyncio.Semaphore
    limiter: AsyncLimiter | SharedSpacing | None


@dataclass(frozen=True)
class _Hop:
    """One request as sent on one hop of a redirect chain."""

    method: str
    url: httpx.URL
    headers: dict[str, str]
    body: bytes | None


class _AsyncioStream(httpcore.AsyncNetworkStream):
    """httpcore's view of one connection, on plain asyncio streams.

    httpcore's default backend goes through anyio, whose cancel scopes cost about a third of a millisecond
    of CPU per request; a handle scan sends thousands of small requests, so the event loop's own streams
    are used instead. Timeouts map to httpcore's exceptions exactly as the anyio backend does.
    """

    __slots__ = ("_reader", "_writer")

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._reader = reader
        self._writer = writer

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        try:
            async with asyncio.timeout(timeout):
                return await self._reader.read(max_bytes)
        except TimeoutError:
            raise httpcore.ReadTimeout("read timed out") from None
        except OSError as error:
            raise httpcore.ReadError(str(error) or type(error).__name__) from error

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        if not buffer:
            return
        try:
            self._writer.write(buffer)
            if not self._writer.transport.get_write_buffer_size():
                return  # all sent at once (a request usually is): no timer to arm
            async with asyncio.timeout(timeout):
                await self._writer.drain()
        except TimeoutError:
            raise httpcore.WriteTimeout("write timed out") from None
        except OSError as error:
            raise httpcore.WriteError(str(error) or type(error).__name__) from error

    async def aclose(self) -> None:
        self._writer.close()

    async def start_tls(
        self, ssl_context: ssl.SSLContext, server_hostname: str | None = None, timeout: float | None = None
    ) -> httpcore.AsyncNetworkStream:
        try:
            async with asyncio.timeout(timeout):
                await self._writer.start_tls(ssl_context, server_hostname=server_hostname)
        except TimeoutError:
            raise httpcore.ConnectTimeout("TLS handshake timed out") from None
        except (OSError, ssl.SSLError) as error:
            raise httpcore.ConnectError(str(error) or type(error).__name__) from error
        return self

    def get_extra_info(self, info: str) -> Any:
        if info == "is_readable":  # httpcore asks this of idle keep-alive connections: closed by the peer?
            return self._reader.at_eof()
        if info == "ssl_object":
            return self._writer.get_extra_info("ssl_object")
        if info == "client_addr":
            return self._writer.get_extra_info("sockname")
        if info == "server_addr":
            return self._writer.get_extra_info("peername")
        if info == "socket":
            return self._writer.get_extra_info("socket")
        return None


class _AsyncioBackend(httpcore.AsyncNetworkBackend):
    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        try:
            async with asyncio.timeout(timeout):
                reader, writer = await asyncio.open_connection(
                    host, port, local_addr=(local_address, 0) if local_address else None
                )
        except TimeoutError:
            raise httpcore.ConnectTimeout(f"connecting to {host}:{port} timed out") from None
        except OSError as error:
            raise httpcore.ConnectError(str(error) or type(error).__name__) from error
        return _AsyncioStream(reader, writer)

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)


class _Connections:
    """One small connection pool per origin, all sharing one SSL context and one network backend.

    Why not one big pool: httpcore walks every connection of a pool for every queued request, so a pool of
    hundreds of connections costs milliseconds of CPU per request under load. Per-host pools stay as small
    as the host's concurrency limit (which the client's host semaphore already enforces, so a request never
    waits inside a pool), and building the SSL context once saves ~25 ms per host. Pools are keyed by the
    ORIGINAL origin, also when sandboxed, so limits and connection reuse behave as on the real web. The least
    recently used pools are closed past MAX_HOST_POOLS, so a batch over thousands of sites does not keep
    thousands of idle sockets open. Proxies from the environment are honoured unless sandboxed.
    """

    def __init__(
        self, concurrency: Callable[[str], int], sandbox: httpx.URL | None, ca_file: str | None = None
    ) -> None:
        self._concurrency = concurrency
        self._sandbox = sandbox
        self._ssl_context = (
            ssl.create_default_context(cafile=ca_file)
            if ca_file
            else httpx.create_ssl_context(trust_env=sandbox is None)
        )
        self._backend = _AsyncioBackend()
        self._proxies = {} if sandbox is not None else urllib.request.getproxies()
        self._pools: OrderedDict[tuple[str, str, int | None], httpcore.AsyncConnectionPool] = OrderedDict()

    def _pool(self, url: httpx.URL) -> httpcore.AsyncConnectionPool:
        key = (url.scheme, url.host, url.port)
        pool = self._pools.get(key)
        if pool is not None:
            self._pools.move_to_end(key)
            return pool
        size = self._concurrency(url.host)
        common: dict[str, Any] = {
            "ssl_context": self._ssl_context,
            "max_connections": size,
            "max_keepalive_connections": size,
            "keepalive_expiry": 30.0,
            "network_backend": self._backend,
        }
        proxy = self._proxies.get(url.scheme)
        if proxy and not urllib.request.proxy_bypass(url.host):
            pool = httpcore.AsyncHTTPProxy(proxy_url=proxy, **common)
        else:
            pool = httpcore.AsyncConnectionPool(**common)
        self._pools[key] = pool
        if len(self._pools) > MAX_HOST_POOLS:
            _, oldest = self._pools.popitem(last=False)
            # In-flight requests keep their connection until they finish; closing only drops idle ones.
            asyncio.get_running_loop().create_task(oldest.aclose())
        return pool

    async def send(
        self,
        method: str,
        url: httpx.URL,
        headers: list[tuple[bytes, bytes]],
        body: bytes | None,
        timeouts: Mapping[str, float | None],
    ) -> httpcore.Response:
        """Send one request; the response is streaming (read it, then close it)."""
        headers = [(b"Host", _host_header(url).encode("ascii")), *headers]
        wire = url
        if self._sandbox is not None:
            # The routing contract: same method, path, query, headers and body; the original host[:port]
            # in Host, the original scheme in X-Forwarded-Proto; the sandbox's address on the wire.
            headers.append((b"X-Forwarded-Proto", url.scheme.encode("ascii")))
            wire = self._sandbox
        if body is not None:
            headers.append((b"Content-Length", str(len(body)).encode("ascii")))
        request = httpcore.Request(
            method.encode("ascii"),
            # Built from parts: the path is the original URL's, already normalised by httpx.
            httpcore.URL(scheme=wire.raw_scheme, host=wire.raw_host, port=wire.port, target=url.raw_path),
            headers=headers,
            content=body or b"",
            extensions={"timeout": dict(timeouts)},
        )
        return await self._pool(url).handle_async_request(request)

    async def aclose(self) -> None:
        pools, self._pools = list(self._pools.values()), OrderedDict()
        for pool in pools:
            await pool.aclose()


def _host_header(url: httpx.URL) -> str:
    host = f"[{url.host}]" if ":" in url.host else url.host
    # httpx drops a port equal to the scheme's default, which is what a Host header must do too.
    return host if url.port is None else f"{host}:{url.port}"


class HttpClient:
    """One per event loop: it owns one connection pool, the limits and the cache connection.

    Use it as an async context manager (`async with HttpClient(settings) as http:`), or call `aclose()`.
    """

    def __init__(
        self,
        settings: HttpSettings,
        *,
        sandbox: str | None = None,
        cache_dir: Path | None = None,
        cache_ttl: float = 86400,
        no_cache: bool = False,
        allow_private: bool = False,
    ) -> None:
        self.settings = settings
        self.sandbox = sandbox
        self._sandbox_url = _parse_sandbox_url(sandbox) if sandbox else None
        self._cache_path = None if cache_dir is None or no_cache else Path(cache_dir) / CACHE_FILE_NAME
        self._cache_ttl = cache_ttl
        self._allow_private = allow_private
        self._in_flight = asyncio.Semaphore(settings.max_in_flight)
        self._host_limits = {host.lower(): limit for host, limit in settings.hosts.items()}
        self._host_slots: dict[str, _HostSlot] = {}
        self._redis: Any = None  # the shared limiters' connection pool, made on first use
        self._connections: _Connections | None = None
        self._storage: hishel.AsyncSqliteStorage | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        # Brotli and zstd are not asked for: only what zlib decodes (with a cap) is accepted.
        self._default_headers = [
            (b"User-Agent", settings.user_agent.encode("latin-1")),
            (b"Accept", b"*/*"),
            (b"Accept-Encoding", b"gzip, deflate"),
        ]
        self._timeouts = {
            "connect": settings.connect_timeout,
            "read": settings.read_timeout,
            "write": settings.read_timeout,
            "pool": None,
        }
        self._backoff = wait_exponential_jitter(
            multiplier=settings.backoff_base, max=settings.backoff_max, jitter=settings.backoff_base
        )

    async def __aenter__(self) -> HttpClient:
        self._ensure_client()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        if self._connections is not None:
            await self._connections.aclose()
            self._connections = None
        if self._storage is not None:
            await self._storage.close()
            self._storage = None
        if self._redis is not None:
            await self._redis.aclose()
            self._redis = None

    async def get(self, url: str, **kw: Any) -> HttpResponse:
        return await self.request("GET", url, **kw)

    async def post(self, url: str, **kw: Any) -> HttpResponse:
        return await self.request("POST", url, **kw)

    async def request(
        self,
        method: str,
        url: str,
        *,
        params: Mapping[str, str | int | float] | None = None,
        headers: Mapping[str, str] | None = None,
        json: Any = None,
        cache: bool = True,
        cache_vary: tuple[str, ...] = (),
        untrusted: bool = False,
        follow_redirects: bool = True,
        max_bytes: int | None = None,
        retries: int | None = None,
        timeout: float | None = None,
    ) -> HttpResponse:
        """Send one request and return its final response (after redirects and retries).

        `cache_vary` names the request headers whose values enter the cache key (a language header, say);
        `untrusted` marks a URL that came from a business or a web page, which must not reach a private
        address; `max_bytes`, `retries` and `timeout` (connect and read, seconds) override the settings
        for this call (a handle probe reports a hung platform as `unknown` rather than retrying it).
        """
        method = method.upper()
        target = _parse_target(url, params)
        request_headers = dict(headers or {})
        body: bytes | None = None
        if json is not None:
            body = jsonlib.dumps(json, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode()
            if not any(name.lower() == "content-type" for name in request_headers):
                request_headers["Content-Type"] = "application/json"
        started = time.monotonic()
        cache_key = None
        if cache and method in CACHEABLE_METHODS and self._cache_path is not None:
            cache_key = self._cache_key(method, target, body, request_headers, cache_vary)
            cached = await self._cache_lookup(cache_key)
            if cached is not None:
                self._log(method, target, cached, started)
                return cached
        try:
            response = await self._follow(
                _Hop(method, target, request_headers, body),
                untrusted=untrusted,
                follow_redirects=follow_redirects,
                max_bytes=self.settings.max_body_bytes if max_bytes is None else max_bytes,
                retries=self.settings.max_retries if retries is None else max(0, retries),
                timeouts=self._timeouts
                if timeout is None
                else {"connect": timeout, "read": timeout, "write": timeout, "pool": None},
            )
        except FetchError as error:
            logger.debug(
                "%s %s failed in %.3fs: %s", method, redact(str(target)), time.monotonic() - started, error
            )
            raise
        self._log(method, target, response, started)
        # A permanent redirect is as cacheable as a 200 (RFC 9111 §4.2.2); it only reaches here unfollowed.
        if cache_key is not None and (response.ok or response.status in PERMANENT_REDIRECTS):
            await self._cache_store(cache_key, method, target, response)
        return response

    # -- redirects ------------------------------------------------------------------------------------

    async def _follow(
        self,
        hop: _Hop,
        *,
        untrusted: bool,
        follow_redirects: bool,
        max_bytes: int,
        retries: int,
        timeouts: Mapping[str, float | None],
    ) -> HttpResponse:
        redirected_from: list[str] = []
        while True:
            if untrusted and not self._allow_private:
                await self._refuse_private_target(hop.url)
            response = await self._send_with_retries(
                hop, max_bytes, skip_redirect_body=follow_redirects, retries=retries, timeouts=timeouts
            )
            location = response.headers.get("location")
            if not follow_redirects or response.status not in REDIRECT_STATUSES or not location:
                return replace(response, redirects=tuple(redirected_from))
            if len(redirected_from) >= self.settings.max_redirects:
                raise FetchError(
                    "too_many_redirects", f"more than {self.settings.max_redirects} redirects from {hop.url}"
                )
            redirected_from.append(str(hop.url))
            hop = _next_hop(hop, response.status, _join_location(hop.url, location))

    # -- one hop with retries -------------------------------------------------------------------------

    async def _send_with_retries(
        self,
        hop: _Hop,
        max_bytes: int,
        *,
        skip_redirect_body: bool,
        retries: int,
        timeouts: Mapping[str, float | None],
    ) -> HttpResponse:
        if retries == 0:
            return await self._attempt(hop, max_bytes, skip_redirect_body, timeouts)
        retrying = AsyncRetrying(
            stop=stop_after_attempt(retries + 1),
            wait=self._wait_before_retry,
            retry=self._should_retry,
            before_sleep=self._log_retry,
            retry_error_callback=_last_outcome,
        )
        response: HttpResponse = await retrying(self._attempt, hop, max_bytes, skip_redirect_body, timeouts)
        return response

    def _should_retry(self, state: RetryCallState) -> bool:
        outcome = state.outcome
        if outcome is None:
            return False
        if outcome.failed:
            return isinstance(outcome.exception(), _TransientFetchError)
        response: HttpResponse = outcome.result()
        if response.status not in RETRY_STATUSES:
            return False
        retry_after = retry_after_seconds(response.headers.get("retry-after"))
        # A longer wait than the cap is the server saying "not now": the caller reports it as rate limited.
        return retry_after is None or retry_after <= self.settings.retry_after_cap

    def _wait_before_retry(self, state: RetryCallState) -> float:
        outcome = state.outcome
        if outcome is not None and not outcome.failed:
            retry_after = retry_after_seconds(outcome.result().headers.get("retry-after"))
            if retry_after is not None:
                return retry_after
        return float(self._backoff(state))

    def _log_retry(self, state: RetryCallState) -> None:
        outcome = state.outcome
        if outcome is None:
            return
        why = str(outcome.exception()) if outcome.failed else f"status {outcome.result().status}"
        sleep = state.next_action.sleep if state.next_action is not None else 0.0
        logger.debug("retrying after %s in %.2fs (attempt %d)", why, sleep, state.attempt_number + 1)

    async def _attempt(
        self, hop: _Hop, max_bytes: int, skip_redirect_body: bool, timeouts: Mapping[str, float | None]
    ) -> HttpResponse:
        # Host slot first, then the rate limiter, then the global bound: a request waiting for its host's
        # turn must not hold a global slot that a request to another host could use.
        slot = self._host_slot(hop.url.host)
        async with slot.in_flight:
            if slot.limiter is not None:
                await slot.limiter.acquire()
            async with self._in_flight:
                return await self._exchange(hop, max_bytes, skip_redirect_body, timeouts)

    async def _exchange(
        self, hop: _Hop, max_bytes: int, skip_redirect_body: bool, timeouts: Mapping[str, float | None]
    ) -> HttpResponse:
        connections = self._ensure_client()
        given = {name.lower() for name in hop.headers}
        # A caller's header replaces the default of the same name (an API's own Accept, say).
        headers = [
            *(pair for pair in self._default_headers if pair[0].decode("ascii").lower() not in given),
            *((k.encode("latin-1"), v.encode("latin-1")) for k, v in hop.headers.items()),
        ]
        try:
            response = await connections.send(hop.method, hop.url, headers, hop.body, timeouts)
        except httpcore.TimeoutException as error:  # before its parent classes below
            raise _fetch_error_from(error, hop.url) from None
        except (
            httpcore.ConnectError,
            httpcore.NetworkError,
            httpcore.ProtocolError,
            httpcore.UnsupportedProtocol,
            httpcore.PoolTimeout,
        ) as error:
            raise _fetch_error_from(error, hop.url) from None
        try:
            headers_in = _response_headers(response.headers)
            if self._sandbox_url is not None and headers_in.get("x-sandbox", "").lower() == "unknown-host":
                raise FetchError("unknown_host", f"the sandbox does not emulate {hop.url.host}")
            is_redirect = response.status in REDIRECT_STATUSES and "location" in headers_in
            if (skip_redirect_body and is_redirect) or hop.method == "HEAD":
                content = b""
            else:
                content = await _read_capped(response, headers_in, max_bytes, hop.url.host)
        except (httpcore.TimeoutException, httpcore.NetworkError, httpcore.ProtocolError) as error:
            raise _fetch_error_from(error, hop.url) from None
        finally:
            await response.aclose()
        # The body is decoded here, so its encoding headers no longer describe it.
        headers_in.pop("content-encoding", None)
        return HttpResponse(status=response.status, url=str(hop.url), headers=headers_in, content=content)

    def _host_concurrency(self, host: str) -> int:
        limit = self._host_limits.get(host.lower(), HostLimit())
        return limit.concurrency or self.settings.default_host_concurrency

    def _host_slot(self, host: str) -> _HostSlot:
        host = host.lower()
        slot = self._host_slots.get(host)
        if slot is None:
            limit = self._host_limits.get(host, HostLimit())
            concurrency = self._host_concurrency(host)
            # Capacity 1 refilled every 1/rate seconds: requests are evenly spaced, never sent in a burst.
            limiter: AsyncLimiter | SharedSpacing | None = None
            if limit.rate and self.settings.shared_limits:
                if self._redis is None:
                    self._redis = redis_client(self.settings.shared_limits)
                limiter = SharedSpacing(self._redis, host, limit.rate)
            elif limit.rate:
                limiter = AsyncLimiter(1, 1 / limit.rate)
            slot = self._host_slots[host] = _HostSlot(asyncio.Semaphore(concurrency), limiter)
        return slot

    def _ensure_client(self) -> _Connections:
        loop = asyncio.get_running_loop()
        if self._loop is None:
            self._loop = loop
        elif self._loop is not loop:
            raise RuntimeError("HttpClient is bound to another event loop: make one HttpClient per loop")
        if self._connections is None:
            self._connections = _Connections(self._host_concurrency, self._sandbox_url, self.settings.ca_file)
        return self._connections

    # -- SSRF -----------------------------------------------------------------------------------------

    async def _refuse_private_target(self, url: httpx.URL) -> None:
        host = url.host
        literal = _ip_literal(host)
        if literal is not None:
            if is_refused_address(literal):
                raise FetchError("refused_address", f"{host} is not a public address")
            return
        if host.lower().rstrip(".") in _LOCAL_NAMES or host.lower().rstrip(".").endswith(".localhost"):
            raise FetchError("refused_address", f"{host} is a local name")
        if self._sandbox_url is not None:
            return  # sandbox names are fictitious: only literals and local names can be judged
        for address in await _resolve(host, url.port or (443 if url.scheme == "https" else 80)):
            if is_refused_address(address):
                raise FetchError("refused_address", f"{host} resolves to {address}, not a public address")

    # -- cache ----------------------------------------------------------------------------------------

    def _cache_key(
        self,
        method: str,
        url: httpx.URL,
        body: bytes | None,
        headers: Mapping[str, str],
        cache_vary: tuple[str, ...],
    ) -> str:
        lowered = {name.lower(): value for name, value in headers.items()}
        parts = [
            method,
            str(url),
            hashlib.sha256(body or b"").hexdigest(),
            sorted((name.lower(), lowered.get(name.lower(), "")) for name in cache_vary),
            # A sandbox answer must never be served for the real web, nor one sandbox's for another's.
            self.sandbox or "",
        ]
        return hashlib.sha256(jsonlib.dumps(parts).encode()).hexdigest()

    def _ensure_storage(self) -> hishel.AsyncSqliteStorage:
        if self._storage is None:
            assert self._cache_path is not None
            import hishel  # only a cached run pays for importing it (about 50 ms)

            self._storage = hishel.AsyncSqliteStorage(
                database_path=self._cache_path, default_ttl=self._cache_ttl
            )
        return self._storage

    async def _cache_lookup(self, key: str) -> HttpResponse | None:
        try:
            entries = await self._ensure_storage().get_entries(key)
            if not entries:
                return None
            entry = entries[-1]
            stream = entry.response.stream
            content = (
                b"".join([chunk async for chunk in stream]) if isinstance(stream, AsyncIterator) else b""
            )
        except _CACHE_ERRORS as error:
            logger.warning("HTTP cache unreadable, fetching instead: %s", redact(str(error)))
            return None
        return HttpResponse(
            status=entry.response.status_code,
            url=entry.request.headers.get(_CACHE_FINAL_URL) or entry.request.url,
            headers=dict(entry.response.headers.items()),
            content=content,
            from_cache=True,
            redirects=tuple(entry.request.headers.get_list(_CACHE_REDIRECTS) or ()),
        )

    async def _cache_store(self, key: str, method: str, url: httpx.URL, response: HttpResponse) -> None:
        request_meta: dict[str, str | list[str]] = {
            _CACHE_FINAL_URL: response.url,
            _CACHE_REDIRECTS: list(response.redirects),
        }
        try:
            storage = self._ensure_storage()
            import hishel

            entry = await storage.create_entry(
                hishel.Request(method=method, url=str(url), headers=hishel.Headers(request_meta)),
                hishel.Response(
                    status_code=response.status,
                    headers=hishel.Headers(dict(response.headers)),
                    stream=_single_chunk(response.content),
                ),
                key,
            )
            # The entry becomes visible once its stream has been read to the end.
            stream = entry.response.stream
            if isinstance(stream, AsyncIterator):
                async for _ in stream:
                    pass
        except _CACHE_ERRORS as error:
            logger.warning("HTTP cache not written: %s", redact(str(error)))

    def _log(self, method: str, url: httpx.URL, response: HttpResponse, started: float) -> None:
        if logger.isEnabledFor(logging.DEBUG):
            logger.debug(
                "%s %s -> %d in %.3fs from_cache=%s",
                method,
                redact(str(url)),
                response.status,
                time.monotonic() - started,
                response.from_cache,
            )


def _last_outcome(state: RetryCallState) -> HttpResponse:
    """After the last attempt: its response (statuses are returned, not raised) or its error."""
    assert state.outcome is not None
    response: HttpResponse = state.outcome.result()
    return response


async def _single_chunk(content: bytes) -> AsyncIterator[bytes]:
    yield content


def retry_after_seconds(value: str | None, *, now: float | None = None) -> float | None:
    """Seconds to wait for a Retry-After value (delay-seconds or HTTP-date); None if absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    current = time.time() if now is None else now
    return max(0.0, when.timestamp() - current)


def _parse_sandbox_url(sandbox: str) -> httpx.URL:
    url = httpx.URL(sandbox)
    if url.scheme not in ("http", "https") or not url.host:
        raise ValueError(f"sandbox must be an http(s) URL, not {sandbox!r}")
    return url


def _parse_target(url: str, params: Mapping[str, str | int | float] | None) -> httpx.URL:
    try:
        target = httpx.URL(url)
        if params:
            target = target.copy_merge_params(dict(params))
    except (httpx.InvalidURL, TypeError, ValueError) as error:
        raise FetchError("bad_url", f"{url}: {error}") from None
    if target.scheme not in ("http", "https") or not target.host:
        raise FetchError("bad_url", f"not an http(s) URL: {url}")
    return target


def _join_location(current: httpx.URL, location: str) -> httpx.URL:
    try:
        target = current.join(location.strip())
    except (httpx.InvalidURL, TypeError, ValueError) as error:
        raise FetchError("bad_url", f"redirect to {location}: {error}") from None
    if target.scheme not in ("http", "https") or not target.host:
        raise FetchError("bad_url", f"redirect to a non-http(s) URL: {location}")
    return target


def _next_hop(previous: _Hop, status: int, target: httpx.URL) -> _Hop:
    """The request for the next hop: browsers' method rules, and no credential sent to another host."""
    method, body, headers = previous.method, previous.body, dict(previous.headers)
    if (status == 303 and method != "HEAD") or (status in (301, 302) and method == "POST"):
        method, body = "GET", None
        headers = {k: v for k, v in headers.items() if k.lower() not in ("content-type", "content-length")}
    if not _keeps_credentials(previous.url, target):
        headers = {
            name: value
            for name, value in headers.items()
            if name.lower() not in CREDENTIAL_HEADERS and not contains_secret(value)
        }
    return _Hop(method, target, headers, body)


def _keeps_credentials(current: httpx.URL, target: httpx.URL) -> bool:
    same_host = current.host.lower() == target.host.lower()
    downgrade = current.scheme == "https" and target.scheme != "https"
    return same_host and not downgrade


def _response_headers(raw: list[tuple[bytes, bytes]]) -> dict[str, str]:
    headers: dict[str, str] = {}
    for key, value in raw:
        name, text = key.decode("latin-1").lower(), value.decode("latin-1")
        headers[name] = f"{headers[name]}, {text}" if name in headers else text
    return headers


def _decompressor(encoding: str, host: str) -> Any:
    """A zlib decompressor for the Content-Encoding, or None for identity."""
    encoding = encoding.strip().lower()
    if encoding in ("", "identity"):
        return None
    if encoding in ("gzip", "x-gzip"):
        return zlib.decompressobj(zlib.MAX_WBITS | 16)
    if encoding == "deflate":
        return _Deflate()
    raise FetchError("bad_response", f"{host} sent a body in {encoding!r}, which was not asked for")


class _Deflate:
    """ "deflate" is zlib-wrapped by the standard and raw in some servers' practice: accept both."""

    def __init__(self) -> None:
        self._inner: Any = zlib.decompressobj()
        self._started = False
        self.unconsumed_tail = b""

    def decompress(self, data: bytes, max_length: int) -> bytes:
        if not self._started:
            self._started = True
            try:
                out: bytes = self._inner.decompress(data, max_length)
            except zlib.error:
                self._inner = zlib.decompressobj(-zlib.MAX_WBITS)
                out = self._inner.decompress(data, max_length)
        else:
            out = self._inner.decompress(data, max_length)
        self.unconsumed_tail = self._inner.unconsumed_tail
        return out


async def _read_capped(
    response: httpcore.Response, headers: Mapping[str, str], max_bytes: int, host: str
) -> bytes:
    """The decoded body, refused as soon as it passes `max_bytes`.

    The decoded size is what a gzip bomb inflates, so that is what is counted, and decompression itself is
    bounded (`max_length`), so a small compressed chunk can never inflate past the cap in memory.
    """
    declared = headers.get("content-length", "")
    encodings = [part for part in headers.get("content-encoding", "").split(",") if part.strip()]
    if declared.isdigit() and not encodings and int(declared) > max_bytes:
        raise FetchError("too_large", f"{host} declares {declared} bytes, cap {max_bytes}")
    if len(encodings) > 1:
        raise FetchError("bad_response", f"{host} stacked content encodings {encodings}")
    decoder = _decompressor(encodings[0], host) if encodings else None
    body = bytearray()
    stream = response.stream
    assert isinstance(stream, AsyncIterable)
    try:
        async for chunk in stream:
            if decoder is None:
                body += chunk
            else:
                data = chunk
                while data:
                    body += decoder.decompress(data, max_bytes + 1 - len(body))
                    if len(body) > max_bytes:
                        break
                    data = decoder.unconsumed_tail
            if len(body) > max_bytes:
                raise FetchError("too_large", f"body from {host} passed {max_bytes} bytes")
    except zlib.error as error:
        raise FetchError("bad_response", f"{host} sent a corrupt compressed body: {error}") from None
    return bytes(body)


def _fetch_error_from(error: Exception, url: httpx.URL) -> FetchError:
    where = f"{url.host}: {type(error).__name__}: {error}".rstrip(": ")
    if isinstance(error, httpcore.ConnectTimeout | httpcore.ReadTimeout):
        return _TransientFetchError("timeout", where)
    if isinstance(error, httpcore.TimeoutException):
        return FetchError("timeout", where)
    if isinstance(error, httpcore.ConnectError):
        if _is_name_resolution_failure(error):
            return FetchError("unknown_host", where)
        return _TransientFetchError("connect_error", where)
    if isinstance(error, httpcore.ReadError | httpcore.WriteError | httpcore.RemoteProtocolError):
        # The peer dropped the connection, often a keep-alive one it had closed: worth another attempt.
        return _TransientFetchError("connect_error", where)
    if isinstance(error, httpcore.UnsupportedProtocol | httpcore.LocalProtocolError):
        return FetchError("bad_url", where)
    return FetchError("bad_response", where)


def _is_name_resolution_failure(error: BaseException) -> bool:
    cause: BaseException | None = error
    while cause is not None:
        if isinstance(cause, socket.gaierror):
            return True
        cause = cause.__cause__ or cause.__context__
    return False


def _ip_literal(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(host.strip("[]").split("%")[0])
    except ValueError:
        return None


def is_refused_address(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """Whether an untrusted URL may not reach `address`: anything that is not a public unicast address.

    Covers loopback, RFC 1918, link-local (cloud metadata at 169.254.169.254), CGNAT, multicast,
    unspecified and reserved ranges, their IPv6 equivalents, and IPv4 addresses hidden in IPv6 forms.
    """
    if isinstance(address, ipaddress.IPv6Address):
        embedded = address.ipv4_mapped or address.sixtofour
        if embedded is not None and is_refused_address(embedded):
            return True
    return (
        not address.is_global
        or address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_multicast
        or address.is_unspecified
        or address.is_reserved
        or (isinstance(address, ipaddress.IPv4Address) and address in _CGNAT)
    )


async def _resolve(host: str, port: int) -> list[ipaddress.IPv4Address | ipaddress.IPv6Address]:
    loop = asyncio.get_running_loop()
    try:
        infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise FetchError("unknown_host", f"{host}: {error}") from None
    addresses = []
    for _family, _type, _proto, _canonname, sockaddr in infos:
        literal = _ip_literal(str(sockaddr[0]))
        if literal is not None:
            addresses.append(literal)
    return addresses


__all__ = [
    "FETCH_ERROR_REASONS",
    "FetchError",
    "HostLimit",
    "HttpClient",
    "HttpResponse",
    "HttpSettings",
    "is_refused_address",
    "retry_after_seconds",
]
