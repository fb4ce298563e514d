"""The sandbox's social platforms, over real sockets, through the project's HttpClient in sandbox mode.

Answers are judged with the engine's own contract (auditor.handles.detect.classify and the link and phone
extraction ownership uses), so these tests fail when the sandbox and the definitions drift apart: every
platform's self-test handles, the handle world's profiles with their links and phones, and every fault
handle on every platform.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator
from urllib.parse import urlsplit

import pytest

from auditor.handles.detect import (
    Classification,
    classify,
    decode,
    extract_links,
    extract_phones,
    json_values,
)
from auditor.handles.platforms import Platform, Signal, load_platforms
from auditor.http import FetchError, HttpClient, HttpResponse, HttpSettings
from auditor.sandbox.platforms import FaultSpec, Profile, load_handles_world
from tests.sandbox_control import SandboxControl

PLATFORMS, BLOCKS = load_platforms()
BY_ID = {platform.id: platform for platform in PLATFORMS}
WORLD = load_handles_world()
FAULTS = {fault.handle: fault for fault in WORLD.faults}
SETTINGS = HttpSettings(
    max_retries=0, connect_timeout=5.0, read_timeout=5.0, max_in_flight=256, default_host_concurrency=64
)
HANG_TIMEOUT_S = 0.5


@pytest.fixture
async def http(sandbox: SandboxControl) -> AsyncIterator[HttpClient]:
    async with HttpClient(SETTINGS, sandbox=sandbox.url, cache_dir=None) as client:
        yield client


async def probe(http: HttpClient, platform: Platform, handle: str) -> tuple[HttpResponse, Classification]:
    """The request the engine sends (unfollowed, uncached), and what the contract makes of the answer."""
    response = await http.request(
        platform.method,
        platform.probe_url_for(platform.canonical_handle(handle)),
        headers=platform.headers,
        cache=False,
        follow_redirects=False,
    )
    verdict = classify(
        platform,
        BLOCKS,
        response.status,
        response.headers,
        response.content,
        response.headers.get("location"),
    )
    return response, verdict


async def profile_documents(http: HttpClient, platform: Platform, handle: str) -> list[HttpResponse]:
    """The probe answer, then the `links.url` document when the platform reads links elsewhere."""
    response, _ = await probe(http, platform, handle)
    documents = [response]
    links_url = platform.links_url_for(platform.canonical_handle(handle))
    if links_url is not None:
        documents.append(await http.get(links_url, headers=platform.headers, cache=False))
    return documents


def host_of(template: str) -> str:
    return (urlsplit(template.replace("{handle}", "x")).hostname or "").lower()


def test_every_platform_host_is_served(sandbox: SandboxControl) -> None:
    hosts = set(sandbox.health()["hosts"])
    wanted = {host_of(p.probe_url) for p in PLATFORMS} | {
        host_of(p.links.url) for p in PLATFORMS if p.links is not None and p.links.url
    }
    assert wanted - hosts == set()


def test_fault_and_world_handles_are_valid_where_they_are_used() -> None:
    """A handle a platform's rules refuse never reaches the network, so it would test nothing."""
    for fault in WORLD.faults:
        refused = [p.id for p in PLATFORMS if p.rules.problem(p.canonical_handle(fault.handle)) is not None]
        assert refused == [], fault.handle
    for profile in WORLD.profiles:
        platform = BY_ID[profile.platform]
        assert platform.rules.problem(platform.canonical_handle(profile.handle)) is None, profile


@pytest.mark.parametrize("platform", PLATFORMS, ids=[p.id for p in PLATFORMS])
async def test_self_test_handles_answer_as_their_definition_says(
    http: HttpClient, platform: Platform
) -> None:
    response, verdict = await probe(http, platform, platform.self_test_existing)
    assert verdict[0] == "exists", (response.status, response.text[:300], verdict)
    response, verdict = await probe(http, platform, platform.self_test_absent)
    assert verdict[0] == "absent", (response.status, response.text[:300], verdict)


def holds(signal: Signal, response: HttpResponse) -> bool:
    """A plain reading of a signal, independent of the engine's ordering."""
    body = response.content.lower()
    location = response.headers.get("location", "").lower()
    checks = [not signal.statuses or response.status in signal.statuses]
    if signal.body_contains:
        checks.append(any(needle.needle in body for needle in signal.body_contains))
    checks += [needle.needle not in body for needle in signal.body_lacks]
    if signal.redirect_to:
        checks.append(any(part in location for part in signal.redirect_to))
    if signal.needs_json:
        try:
            document = json.loads(response.content)
        except ValueError:
            return False
        if signal.json_path_present is not None:
            checks.append(bool(json_values(document, signal.json_path_present)))
        checks += [value in json_values(document, path) for path, value in signal.json_path_equals]
    return all(checks)


@pytest.mark.parametrize("platform", PLATFORMS, ids=[p.id for p in PLATFORMS])
async def test_an_absent_handle_does_not_look_existing_either(http: HttpClient, platform: Platform) -> None:
    """A soft 404 must not also carry the existence marker, nor an existing page the absence marker."""
    absent, _ = await probe(http, platform, "zqxunknown42")
    assert holds(platform.absent, absent) and not holds(platform.exists, absent)
    existing, _ = await probe(http, platform, platform.self_test_existing)
    assert holds(platform.exists, existing) and not holds(platform.absent, existing)


@pytest.mark.parametrize("profile", WORLD.profiles, ids=[f"{p.platform}:{p.handle}" for p in WORLD.profiles])
async def test_world_profiles_exist_with_their_links_and_phone(http: HttpClient, profile: Profile) -> None:
    platform = BY_ID[profile.platform]
    response, verdict = await probe(http, platform, profile.handle)
    assert verdict[0] == "exists", (response.status, verdict)
    documents = await profile_documents(http, platform, profile.handle)
    if profile.links:
        assert platform.links is not None, "a profile with links on a platform that shows none"
        source = documents[-1]
        found = extract_links(platform, source.content, source.headers.get("content-type", ""))
        assert [link for link in profile.links if link not in found] == [], found
    if profile.phone:
        digits = "".join(char for char in profile.phone if char.isdigit())
        phones = {p for d in documents for p in extract_phones(decode(d.content, d.headers["content-type"]))}
        assert any(found.startswith(digits) for found in phones), phones


async def test_the_same_handle_can_be_owned_on_one_platform_and_taken_on_another(http: HttpClient) -> None:
    documents = await profile_documents(http, BY_ID["instagram"], "boulangeriedupont")
    instagram_links = extract_links(BY_ID["instagram"], documents[0].content, "application/json")
    documents = await profile_documents(http, BY_ID["tiktok"], "boulangeriedupont")
    tiktok_links = extract_links(BY_ID["tiktok"], documents[-1].content, "text/html")
    assert "https://www.boulangerie-dupont.fr/" in instagram_links
    assert tiktok_links and not any("boulangerie-dupont.fr" in link for link in tiktok_links)


async def test_handles_are_case_insensitive_where_the_platform_is(http: HttpClient) -> None:
    _, verdict = await probe(http, BY_ID["instagram"], "BoulangerieDupont")
    assert verdict[0] == "exists"
    _, verdict = await probe(http, BY_ID["mastodon"], "gargron")
    assert verdict[0] == "exists"


# -- faults --------------------------------------------------------------------------------------------

STATUS_FAULTS = [fault for fault in WORLD.faults if fault.kind != "hang"]


def expected_verdict(fault: FaultSpec, platform: Platform) -> tuple[str, str]:
    if fault.kind == "login_wall" and platform.login_wall is None:
        return "unknown", "unrecognised"  # a platform with no defined wall: never available, never taken
    return "unknown", fault.outcome


@pytest.mark.parametrize("fault", STATUS_FAULTS, ids=[fault.handle for fault in STATUS_FAULTS])
async def test_fault_handles_misbehave_on_every_platform(http: HttpClient, fault: FaultSpec) -> None:
    results = await asyncio.gather(*(probe(http, platform, fault.handle) for platform in PLATFORMS))
    wrong = [
        (platform.id, response.status, verdict)
        for platform, (response, verdict) in zip(PLATFORMS, results, strict=True)
        if verdict[:2] != expected_verdict(fault, platform)
    ]
    assert wrong == []
    for platform, (response, _) in zip(PLATFORMS, results, strict=True):
        if fault.kind == "status":
            assert response.status == fault.status, platform.id
            for name, value in fault.headers.items():
                assert response.headers.get(name.lower()) == value, (platform.id, name)


async def test_login_walls_are_the_platforms_own(http: HttpClient) -> None:
    response, _ = await probe(http, BY_ID["instagram"], "faultlogin")
    assert response.status == 302 and "/accounts/login" in response.headers["location"]
    response, _ = await probe(http, BY_ID["threads"], "faultlogin")
    assert response.status == 200 and "<title>Threads • Log in</title>" in response.text
    response, _ = await probe(http, BY_ID["github"], "faultlogin")  # no wall defined: a bare redirect
    assert response.status == 302 and response.headers["location"].startswith("https://api.github.com/login")


async def test_a_hanging_platform_ends_in_the_clients_timeout(sandbox: SandboxControl) -> None:
    settings = HttpSettings(
        max_retries=0, read_timeout=HANG_TIMEOUT_S, max_in_flight=256, default_host_concurrency=8
    )
    async with HttpClient(settings, sandbox=sandbox.url, cache_dir=None) as client:
        started = time.monotonic()
        outcomes = await asyncio.gather(
            *(probe(client, platform, "faulthang") for platform in PLATFORMS), return_exceptions=True
        )
        elapsed = time.monotonic() - started
    assert all(isinstance(o, FetchError) and o.reason == "timeout" for o in outcomes), outcomes[:3]
    assert elapsed < 10 * HANG_TIMEOUT_S  # concurrent, and ended by the timeout rather than the sandbox


# -- the wire ------------------------------------------------------------------------------------------


def test_linkedins_999_reaches_the_client_intact(sandbox: SandboxControl) -> None:
    answer = sandbox.request("GET", "www.linkedin.com", "/company/fault999/")
    assert answer.status == 999 and "linkedin.com" in answer.text
    assert sandbox.request("GET", "www.linkedin.com", "/company/linkedin/").status == 200  # still serving


def test_429_storm_carries_retry_after(sandbox: SandboxControl) -> None:
    for _ in range(3):
        answer = sandbox.request("GET", "www.reddit.com", "/user/fault429/about.json")
        assert (
            answer.status == 429
            and answer.headers["retry-after"] == FAULTS["fault429"].headers["retry-after"]
        )


def test_protocol_documents_have_their_real_shape(sandbox: SandboxControl) -> None:
    webfinger = sandbox.request(
        "GET", "mastodon.social", "/.well-known/webfinger?resource=acct:boulangeriedupont@mastodon.social"
    )
    assert webfinger.headers["content-type"].startswith("application/jrd+json")
    jrd = webfinger.json()
    assert jrd["subject"] == "acct:boulangeriedupont@mastodon.social"
    assert {"rel": "self", "type": "application/activity+json", "href": jrd["aliases"][1]} in jrd["links"]
    resolved = sandbox.request(
        "GET", "bsky.social", "/xrpc/com.atproto.identity.resolveHandle?handle=mcuban.bsky.social"
    )
    assert list(resolved.json()) == ["did"] and resolved.json()["did"].startswith("did:plc:")
    unresolved = sandbox.request(
        "GET", "bsky.social", "/xrpc/com.atproto.identity.resolveHandle?handle=zq.bsky.social"
    )
    assert (unresolved.status, unresolved.json()) == (
        400,
        {"error": "InvalidRequest", "message": "Unable to resolve handle"},
    )
    github = sandbox.request("GET", "api.github.com", "/users/boulangeriedupont").json()
    assert github["blog"] == "https://boulangerie-dupont.fr" and github["html_url"].endswith(
        "/boulangeriedupont"
    )
    reddit = sandbox.request("GET", "www.reddit.com", "/user/boulangerie_dupont/about.json").json()
    assert reddit["kind"] == "t2" and reddit["data"]["name"] == "boulangerie_dupont"


def test_a_percent_encoded_probe_is_understood(sandbox: SandboxControl) -> None:
    answer = sandbox.request(
        "GET", "mastodon.social", "/.well-known/webfinger?resource=acct%3AGargron%40mastodon.social"
    )
    assert answer.status == 200


def test_unknown_paths_methods_and_head(sandbox: SandboxControl) -> None:
    assert sandbox.request("GET", "www.instagram.com", "/explore/").status == 404
    assert sandbox.request("POST", "www.facebook.com", "/facebook", body=b"x").status == 405
    head = sandbox.request("HEAD", "www.facebook.com", "/facebook")
    assert head.status == 200 and head.body == b""


async def test_a_thousand_concurrent_probes_are_served(sandbox: SandboxControl) -> None:
    sandbox.configure(latency_ms=300)
    port = int(sandbox.url.rsplit(":", 1)[1])
    targets = []
    for platform in PLATFORMS:
        for handle in (platform.self_test_existing, platform.self_test_absent):
            parts = urlsplit(platform.probe_url_for(handle))
            targets.append((parts.hostname or "", parts.path + (f"?{parts.query}" if parts.query else "")))
    started = time.monotonic()
    statuses = await asyncio.gather(*(_raw_status(port, *targets[i % len(targets)]) for i in range(1000)))
    elapsed = time.monotonic() - started
    assert set(statuses) <= {b"200", b"204", b"302", b"400", b"404"}, set(statuses)
    assert elapsed < 10  # one after another would take 300 s


async def _raw_status(port: int, host: str, target: str) -> bytes:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    request = (
        f"GET {target} HTTP/1.1\r\nHost: {host}\r\nX-Forwarded-Proto: https\r\nConnection: close\r\n\r\n"
    )
    writer.write(request.encode())
    await writer.drain()
    data = await reader.read()
    writer.close()
    return data.split(b" ", 2)[1]
