"""Scanning over the project's HttpClient, routed (as the sandbox is) to a threaded loopback server that
plays each platform by Host header: probes as sent, transport failures, the links document, streaming
order and concurrency."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import threading
import time
from collections.abc import Callable
from typing import Any

from auditor.handles.detect import Observation
from auditor.handles.platforms import BlockSignatures, Platform, parse_platform
from auditor.handles.scan import check, scan
from auditor.http import HttpClient, HttpSettings
from tests.loopback import JSON_HEADERS, Loopback, Reply, Request, sandboxed_client

HTML_HEADERS = {"Content-Type": "text/html; charset=utf-8"}
NO_BLOCKS = BlockSignatures()


def platform(host: str, **changes: Any) -> Platform:
    definition: dict[str, Any] = {
        "id": host.split(".")[0].replace("-", "_"),
        "label": host,
        "profile_url": f"https://{host}/{{handle}}",
        "probe": {"url": f"https://{host}/{{handle}}"},
        "exists": {"status": [200]},
        "absent": {"status": [404]},
        "login_wall": {"status": [302], "redirect_to": ["/accounts/login"]},
        "handle_rules": {"pattern": "[a-z0-9_]+", "min_length": 2, "max_length": 20},
        "self_test": {"existing": "dupont", "absent": "zz_nobody_zz"},
    }
    definition.update(changes)
    return parse_platform(definition)


def not_found(request: Request) -> Reply:
    return Reply(404, b"", HTML_HEADERS)


def by_host(answers: dict[str, Callable[[Request], Reply]]) -> Callable[[Request], Reply]:
    def answer(request: Request) -> Reply:
        return answers.get(request.host, not_found)(request)

    return answer


async def run_check(server: Loopback, target: Platform, handle: str = "dupont") -> Observation:
    async with sandboxed_client(server.url) as http:
        return await check(http, target, NO_BLOCKS, handle)


# -- one check ----------------------------------------------------------------------------------------


async def test_the_probe_is_sent_as_defined_and_never_follows_a_redirect() -> None:
    target = platform(
        "www.social.example",
        probe={
            "url": "https://api.social.example/v1/users/{handle}",
            "headers": {"Accept": "application/json"},
        },
    )
    login = Reply(302, b"", {"Location": "https://www.social.example/accounts/login/?next=/dupont"})
    with Loopback(lambda request: login) as server:
        observation = await run_check(server, target)

    assert (observation.outcome, observation.reason) == ("unknown", "login_wall")
    assert observation.url == "https://www.social.example/dupont"  # the profile, not the probe
    assert [(r.method, r.host, r.target, r.proto) for r in server.requests] == [
        ("GET", "api.social.example", "/v1/users/dupont", "https")
    ]
    assert server.requests[0].headers["accept"] == "application/json"


async def test_a_head_probe_sends_head() -> None:
    target = platform(
        "www.social.example", probe={"url": "https://www.social.example/{handle}", "method": "HEAD"}
    )
    with Loopback(lambda request: Reply(404, b"<html>gone</html>", HTML_HEADERS)) as server:
        observation = await run_check(server, target)

    assert (observation.outcome, observation.evidence, observation.status) == ("absent", "HTTP 404", 404)
    assert [r.method for r in server.requests] == ["HEAD"]


async def test_an_invalid_handle_never_reaches_the_network() -> None:
    with Loopback(lambda request: Reply(200)) as server:
        observation = await run_check(server, platform("www.social.example"), "boulangerie.dupont")

    assert (observation.outcome, observation.reason) == ("unknown", "invalid_handle")
    assert observation.evidence == "'.' not allowed"
    assert server.requests == []


async def test_an_existing_profile_gets_links_and_phones_from_its_links_document() -> None:
    target = platform(
        "www.social.example",
        probe={
            "url": "https://api.social.example/users/{handle}",
            "headers": {"Accept": "application/json", "X-App-Id": "42"},
        },
        exists={"status": [200], "json_path_present": "id"},
        links={"url": "https://www.social.example/{handle}/about", "from": "html"},
    )
    about = (
        b'<a href="https://www.social.example/explore">explore</a>'
        b'<a href="https://www.boulangerie-dupont.fr/">site</a><p>T\xc3\xa9l. 04 78 42 10 10</p>'
    )
    pages = {
        "/users/dupont": Reply(200, b'{"id": 7, "bio": "+33 4 78 42 10 11"}', JSON_HEADERS),
        "/dupont/about": Reply(200, about, HTML_HEADERS),
    }
    with Loopback(lambda request: pages[request.path]) as server:
        observation = await run_check(server, target)

    assert observation.outcome == "exists"
    assert observation.links == ("https://www.boulangerie-dupont.fr/",)
    assert observation.phones == ("33478421011", "0478421010")
    assert [r.path for r in server.requests] == ["/users/dupont", "/dupont/about"]
    # The profile page is asked for as HTML, with the platform's other headers kept.
    about_headers = server.requests[1].headers
    assert (about_headers["accept"], about_headers["x-app-id"]) == ("text/html,application/xhtml+xml", "42")


async def test_links_are_not_fetched_for_a_profile_that_does_not_exist() -> None:
    target = platform("www.social.example", links={"url": "https://www.social.example/{handle}/about"})
    with Loopback(lambda request: Reply(404, b"", HTML_HEADERS)) as server:
        observation = await run_check(server, target)

    assert (observation.outcome, observation.links) == ("absent", ())
    assert len(server.requests) == 1


async def test_a_slow_platform_is_a_timeout_not_an_answer() -> None:
    release = threading.Event()

    def hang(request: Request) -> Reply:
        release.wait(5)
        return Reply(404, b"", HTML_HEADERS)

    settings = HttpSettings(max_retries=0, connect_timeout=1.0, read_timeout=0.2)
    with Loopback(hang) as server:
        try:
            async with HttpClient(settings, sandbox=server.url, cache_dir=None) as http:
                observation = await check(http, platform("www.social.example"), NO_BLOCKS, "dupont")
        finally:
            release.set()

    assert (observation.outcome, observation.reason) == ("unknown", "timeout")


async def test_a_platform_that_cannot_be_reached_is_unreachable() -> None:
    with socket.socket() as probe_socket:  # a port nobody listens on
        probe_socket.bind(("127.0.0.1", 0))
        closed_port = probe_socket.getsockname()[1]
    async with sandboxed_client(f"http://127.0.0.1:{closed_port}") as http:
        observation = await check(http, platform("www.social.example"), NO_BLOCKS, "dupont")

    assert (observation.outcome, observation.reason) == ("unknown", "unreachable")
    assert observation.evidence is not None and observation.evidence.startswith("connect_error")


async def test_a_host_the_sandbox_does_not_emulate_is_unreachable() -> None:
    unknown_host = Reply(404, b"", {"X-Sandbox": "unknown-host"})
    with Loopback(lambda request: unknown_host) as server:
        observation = await run_check(server, platform("www.social.example"))

    assert (observation.outcome, observation.reason) == ("unknown", "unreachable")


# -- streaming and concurrency ------------------------------------------------------------------------


async def test_observations_arrive_as_checks_complete_not_in_input_order() -> None:
    release_slow = threading.Event()

    def slow(request: Request) -> Reply:
        release_slow.wait(5)
        return Reply(200, b"<h1>dupont</h1>", HTML_HEADERS)

    fast = [f"fast{n}.example" for n in range(5)]
    answers: dict[str, Callable[[Request], Reply]] = {"slow.example": slow}
    answers.update(dict.fromkeys(fast, not_found))
    checks = [(platform("slow.example"), "dupont")] + [(platform(host), "dupont") for host in fast]

    arrived: list[str] = []
    with Loopback(by_host(answers)) as server:
        try:
            async with sandboxed_client(server.url) as http:
                async for observation in scan(http, checks, NO_BLOCKS):
                    arrived.append(observation.platform)
                    if len(arrived) == len(fast):
                        # Every fast answer is already here while the slow one is still held by the server.
                        assert not release_slow.is_set()
                        release_slow.set()
        finally:
            release_slow.set()

    assert sorted(arrived[:-1]) == sorted(platform(host).id for host in fast)
    assert arrived[-1] == "slow"


async def test_all_checks_run_at_once_across_hosts() -> None:
    lock = threading.Lock()
    in_flight = 0
    peak = 0

    def held(request: Request) -> Reply:
        nonlocal in_flight, peak
        with lock:
            in_flight += 1
            peak = max(peak, in_flight)
        time.sleep(0.3)
        with lock:
            in_flight -= 1
        return Reply(404, b"", HTML_HEADERS)

    hosts = [f"site{n}.example" for n in range(10)]
    started = time.monotonic()
    with Loopback(held) as server:
        async with sandboxed_client(server.url) as http:
            observations = [o async for o in scan(http, [(platform(h), "dupont") for h in hosts], NO_BLOCKS)]
    elapsed = time.monotonic() - started

    assert len(observations) == len(hosts) and {o.outcome for o in observations} == {"absent"}
    assert peak == len(hosts)  # one per host, none waiting on another host's turn
    assert elapsed < 0.3 * 3  # one round of 0.3 s, not ten


async def test_leaving_the_scan_early_cancels_the_checks_still_running() -> None:
    release = threading.Event()

    def answer(request: Request) -> Reply:
        if request.host != "fast.example":
            release.wait(5)
        return Reply(404, b"", HTML_HEADERS)

    checks = [(platform("fast.example"), "dupont")] + [
        (platform(f"held{n}.example"), "dupont") for n in range(3)
    ]
    with Loopback(answer) as server:
        try:
            async with sandboxed_client(server.url) as http:
                async with contextlib.aclosing(scan(http, checks, NO_BLOCKS)) as observations:
                    async for observation in observations:
                        assert observation.platform == "fast"
                        break
                others = [task for task in asyncio.all_tasks() if task is not asyncio.current_task()]
                assert others == []
        finally:
            release.set()
