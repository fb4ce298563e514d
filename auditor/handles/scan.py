"""Probing platforms for handles over the project's one HTTP stack.

Concurrency and politeness are the HttpClient's (a global in-flight bound and per-host slots): `scan`
starts every check at once and lets the client queue them, so that a slow host never holds up a fast one,
and yields each observation as soon as it is known.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncGenerator, Iterable, Mapping

from auditor.handles.detect import Observation, classify, decode, extract_links, extract_phones
from auditor.handles.platforms import BlockSignatures, Platform
from auditor.http import FetchError, HttpClient, HttpResponse

# Enough for the heaviest profile pages (a YouTube channel page is about 1 MB of HTML); the cap is what a
# hostile or broken answer can cost us, not what a normal one does.
PROBE_MAX_BYTES = 2 * 1024 * 1024
_ACCEPT = {"html": "text/html,application/xhtml+xml", "json": "application/json", "text": "text/plain, */*"}
# FetchError reasons in the words of the report.
_FETCH_FAILURES = {
    "timeout": "timeout",
    "connect_error": "unreachable",
    "unknown_host": "unreachable",
    "refused_address": "unreachable",
    "bad_url": "unreachable",
    "too_many_redirects": "unrecognised",
    "too_large": "unrecognised",
    "bad_response": "unrecognised",
}


async def check(
    http: HttpClient,
    platform: Platform,
    blocks: BlockSignatures,
    handle: str,
    *,
    timeout: float | None = None,
) -> Observation:
    """One probe of one handle on one platform; never raises for what the web does.

    No retries: a throttled or failing platform is reported `unknown` with its reason at once, rather than
    holding the whole scan (and hammering a site that asked us to slow down); `timeout` bounds each probe.
    """
    started = time.perf_counter()
    handle = platform.canonical_handle(handle)
    profile_url = platform.profile_url_for(handle)
    problem = platform.rules.problem(handle)
    if problem is not None:  # the caller filters these; a handle that cannot exist never reaches the network
        return Observation(platform.id, handle, "unknown", "invalid_handle", problem, profile_url)
    try:
        response = await http.request(
            platform.method,
            platform.probe_url_for(handle),
            headers=platform.headers,
            cache=False,  # a handle taken or freed since yesterday is the point of the check
            follow_redirects=False,  # the Location itself is a signal (login wall, redirect to search)
            max_bytes=PROBE_MAX_BYTES,
            retries=0,
            timeout=timeout,
        )
    except FetchError as error:
        return Observation(
            platform.id,
            handle,
            "unknown",
            _FETCH_FAILURES.get(error.reason, "unreachable"),
            str(error),
            profile_url,
            elapsed=time.perf_counter() - started,
        )
    headers = response.headers
    outcome, reason, evidence = classify(
        platform, blocks, response.status, headers, response.content, headers.get("location")
    )
    links: tuple[str, ...] = ()
    phones: tuple[str, ...] = ()
    if outcome == "exists":
        links, phones = await _profile_details(http, platform, handle, response, timeout)
    return Observation(
        platform=platform.id,
        handle=handle,
        outcome=outcome,
        reason=reason,
        evidence=evidence,
        url=profile_url,
        links=links,
        phones=phones,
        status=response.status,
        elapsed=time.perf_counter() - started,
    )


async def _profile_details(
    http: HttpClient, platform: Platform, handle: str, probe: HttpResponse, timeout: float | None
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """An existing profile's outbound links and phone-like numbers, for ownership.

    Links come from the definition's `links` document (the probe's own answer by default); a platform
    without `links` does not show them. Phones are read from every document fetched.
    """
    documents = [probe]
    if platform.links is not None:
        links_url = platform.links_url_for(handle)
        if links_url is None and platform.method == "HEAD":
            links_url = platform.probe_url_for(handle)  # a HEAD answer has no body to read links from
        if links_url is not None:
            document = await _fetch_document(http, links_url, platform, timeout)
            if document is not None:
                documents.append(document)
    links: tuple[str, ...] = ()
    if platform.links is not None:
        source = documents[-1]
        links = extract_links(platform, source.content, source.headers.get("content-type", ""))
    phones: dict[str, None] = {}
    for document in documents:
        text = decode(document.content, document.headers.get("content-type", ""))
        phones.update(dict.fromkeys(extract_phones(text)))
    return links, tuple(phones)


def _document_headers(platform: Platform) -> Mapping[str, str]:
    """The probe's headers, asking for the format the links are read as: a JSON probe's
    `Accept: application/json` would be wrong for a profile page (TikTok's links are in its HTML)."""
    link_format = platform.links.format if platform.links is not None else None
    if link_format is None:
        return platform.headers
    headers = {name: value for name, value in platform.headers.items() if name.lower() != "accept"}
    headers["Accept"] = _ACCEPT[link_format]
    return headers


async def _fetch_document(
    http: HttpClient, url: str, platform: Platform, timeout: float | None
) -> HttpResponse | None:
    """A profile document for links; without it ownership simply has less to go on."""
    try:
        response = await http.get(
            url,
            headers=_document_headers(platform),
            cache=False,
            max_bytes=PROBE_MAX_BYTES,
            retries=0,
            timeout=timeout,
        )
    except FetchError:
        return None
    return response if response.ok else None


async def scan(
    http: HttpClient,
    checks: Iterable[tuple[Platform, str]],
    blocks: BlockSignatures,
    *,
    timeout: float | None = None,
) -> AsyncGenerator[Observation, None]:
    """Every check at once, each observation yielded as it completes (fastest first).

    Closing the generator early (`aclose()`, `contextlib.aclosing`) cancels the checks still running.
    """
    tasks = [
        asyncio.create_task(check(http, platform, blocks, handle, timeout=timeout))
        for platform, handle in checks
    ]
    try:
        for completed in asyncio.as_completed(tasks):
            yield await completed
    finally:
        pending = [task for task in tasks if not task.done()]
        for task in pending:
            task.cancel()
        if pending:
            await asyncio.gather(*pending, return_exceptions=True)
