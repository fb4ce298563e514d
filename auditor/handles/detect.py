"""From one unfollowed response to an outcome: exists, absent, or unknown with the reason.

The order is the contract between this engine and the platform data (see the issue brief):

    429/999 → rate_limited; a block signature → blocked; 403 → blocked (unless the `absent` signal names
    403 and matches); 5xx → server_error; `login_wall` → login_wall; `absent` → absent; `exists` → exists;
    anything else → unrecognised.

A throttled, blocked or failing platform is never reported absent or existing: only a definition's own
signal, seen on a real answer, says either. Transport failures (timeout, unreachable) never reach here.

Link and phone extraction run only for existing profiles, on behalf of ownership.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import parse_qsl, urlsplit

from auditor.handles.platforms import BlockSignatures, JsonPath, Platform, Signal

Outcome = Literal["exists", "absent", "unknown"]
Classification = tuple[Outcome, str | None, str | None]  # outcome, reason (for unknown), evidence

RATE_LIMIT_STATUSES = frozenset({429, 999})  # 999: LinkedIn's "request denied"
# Challenge pages are small, and their markers sit near the top; scanning a whole 2 MB profile page for
# every signature would cost more than the rest of a check.
BLOCK_SCAN_BYTES = 64 * 1024
MAX_LINKS = 100
MAX_PHONES = 50
# Query parameters under which platforms wrap outbound links in their own redirector
# (l.instagram.com/?u=, l.facebook.com/l.php?u=, youtube.com/redirect?q=, t.co is opaque).
_REDIRECTOR_PARAMS = ("u", "q", "url", "target", "to", "dest", "destination")

_ANCHOR_HREF = re.compile(r"""<a\b[^>]*?\bhref\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>"']+))""", re.IGNORECASE)
_URL_IN_TEXT = re.compile(r"""https?://[^\s"'<>\\]+""", re.IGNORECASE)
# "www.boulangerie-dupont.fr" in a bio, without a scheme; not the domain of an e-mail address. Whether it is
# a real domain is for ownership to judge (against the public suffix list).
_BARE_DOMAIN = re.compile(
    r"""(?<![\w@./-])(?:[a-z0-9][a-z0-9-]*\.)+[a-z]{2,24}(?![\w@-])(?:/[^\s"'<>]*)?""", re.IGNORECASE
)
# A phone as people write one: an optional +, then digits with spaces, dots, dashes, slashes or brackets
# between them. Starting with a character class (no lookbehind) lets the regex engine skip ahead fast:
# this runs over whole profile pages.
_PHONE = re.compile(r"[+\d][\d .\-/()\u00a0]{6,23}\d")
_MIN_PHONE_DIGITS = 8
_MAX_E164_DIGITS = 15
_NOT_JSON = object()  # a body that is not JSON: no path exists in it
_UNSET = object()


@dataclass(frozen=True)
class Observation:
    """What one probe saw, before ownership is decided."""

    platform: str
    handle: str
    outcome: Outcome
    reason: str | None  # why, when unknown
    evidence: str | None  # the signal seen, in words
    url: str  # the profile URL (what a person would open), not the probe's
    links: tuple[str, ...] = ()  # outbound links of an existing profile
    phones: tuple[str, ...] = ()  # digits of phone-looking text on an existing profile
    status: int | None = None
    elapsed: float = 0.0


class _Body:
    """One body with its lower-cased and JSON forms made on first use: most checks need neither."""

    __slots__ = ("_json", "_lower", "raw")

    def __init__(self, raw: bytes) -> None:
        self.raw = raw
        self._lower: bytes | None = None
        self._json: Any = _UNSET

    @property
    def lower(self) -> bytes:
        if self._lower is None:
            self._lower = self.raw.lower()
        return self._lower

    @property
    def json(self) -> Any:
        if self._json is _UNSET:
            try:
                self._json = json.loads(self.raw) if self.raw else _NOT_JSON
            except ValueError:  # JSONDecodeError and UnicodeDecodeError
                self._json = _NOT_JSON
        return self._json


def classify(
    platform: Platform,
    blocks: BlockSignatures,
    status: int,
    headers: Mapping[str, str],
    body: bytes,
    location: str | None,
) -> Classification:
    """The outcome of one probe response, in the contract's order. `headers` have lower-case names."""
    if status in RATE_LIMIT_STATUSES:
        return "unknown", "rate_limited", f"HTTP {status}"
    block = blocked_by(blocks, headers, body)
    if block is not None:
        return "unknown", "blocked", f"{block} challenge (HTTP {status})"
    view = _Body(body)
    if status == 403:
        # Only a platform that says "absent is a 403 with this page" gets a 403 read as absent.
        evidence = (
            _match_signal(platform.absent, status, location, view)
            if 403 in platform.absent.statuses
            else None
        )
        if evidence is not None:
            return "absent", None, evidence
        return "unknown", "blocked", "HTTP 403"
    if 500 <= status <= 599:
        return "unknown", "server_error", f"HTTP {status}"
    if platform.login_wall is not None:
        evidence = _match_signal(platform.login_wall, status, location, view)
        if evidence is not None:
            return "unknown", "login_wall", evidence
    evidence = _match_signal(platform.absent, status, location, view)
    if evidence is not None:
        return "absent", None, evidence
    evidence = _match_signal(platform.exists, status, location, view)
    if evidence is not None:
        return "exists", None, evidence
    return "unknown", "unrecognised", f"HTTP {status}" + (f" to {location}" if location else "")


def blocked_by(blocks: BlockSignatures, headers: Mapping[str, str], body: bytes) -> str | None:
    """The name of the first block signature the response carries, if any."""
    head: bytes | None = None
    for signature in blocks.signatures:
        if signature.header_present and not any(name in headers for name in signature.header_present):
            continue
        if signature.header_contains and not all(
            value in headers.get(name, "").lower() for name, value in signature.header_contains
        ):
            continue
        if signature.body_contains:
            if head is None:
                head = body[:BLOCK_SCAN_BYTES].lower()
            if not any(needle in head for needle in signature.body_contains):
                continue
        elif not (signature.header_present or signature.header_contains):
            continue  # a signature with nothing to look for matches nothing
        return signature.name
    return None


def _match_signal(signal: Signal, status: int, location: str | None, body: _Body) -> str | None:
    """The evidence in words when every property of `signal` holds, else None. Cheapest tests first."""
    if signal.statuses and status not in signal.statuses:
        return None
    redirect = None
    if signal.redirect_to:
        lowered_location = (location or "").lower()
        if not any(part in lowered_location for part in signal.redirect_to):
            return None
        redirect = location
    said = None
    if signal.body_contains:
        lowered = body.lower
        said = next((item.text for item in signal.body_contains if item.needle in lowered), None)
        if said is None:
            return None
    if signal.body_lacks and any(item.needle in body.lower for item in signal.body_lacks):
        return None
    if signal.json_path_present is not None and not any(
        value is not None for value in json_values(body.json, signal.json_path_present)
    ):
        return None
    for path, expected in signal.json_path_equals:
        if not any(value == expected for value in json_values(body.json, path)):
            return None
    return _describe(signal, status, redirect, said)


def _describe(signal: Signal, status: int, redirect: str | None, said: str | None) -> str:
    parts = [f"HTTP {status}"]
    if redirect is not None:
        parts.append(f"redirect to {redirect}")
    if said is not None:
        parts.append(f'page says "{said}"')
    if signal.body_lacks:
        parts.append(f'page lacks "{signal.body_lacks[0].text}"')
    if signal.json_path_present is not None:
        parts.append(f"JSON has {'.'.join(signal.json_path_present)}")
    for path, expected in signal.json_path_equals:
        parts.append(f"JSON {'.'.join(path)} = {json.dumps(expected)}")
    return ", ".join(parts)


def json_values(document: Any, path: JsonPath) -> list[Any]:
    """The values at a dotted path; a list on the way fans out ("links.url" reads every link's url), and
    a numeric part indexes it."""
    nodes = [document]
    for part in path:
        following: list[Any] = []
        for node in nodes:
            if isinstance(node, dict):
                if part in node:
                    following.append(node[part])
            elif isinstance(node, list):
                if part.isdigit():
                    if int(part) < len(node):
                        following.append(node[int(part)])
                else:
                    following.extend(item[part] for item in node if isinstance(item, dict) and part in item)
        if not following:
            return []
        nodes = following
    return nodes


# -- links and phones (existing profiles only) -------------------------------------------------------


def extract_links(platform: Platform, body: bytes, content_type: str) -> tuple[str, ...]:
    """The profile's outbound links, from its HTML anchors, its JSON fields or URLs in its text.

    Links to the platform itself are navigation and left out; platform redirectors are unwrapped to the
    address they lead to. Values read from JSON are kept even without a scheme ("dupont.fr" in a bio field).
    """
    source = platform.links
    kind = (source.format if source is not None else None) or _format_of(content_type)
    if kind == "json":
        paths = source.json_paths if source is not None else ()
        found = _links_in_json(_Body(body).json, paths)
    else:
        text = decode(body, content_type)
        found = _anchor_links(text) if kind == "html" else _text_links(text)
    return _clean_links(found, platform.home_host)


def _format_of(content_type: str) -> str:
    lowered = content_type.lower()
    if "json" in lowered:
        return "json"
    if "html" in lowered or "xml" in lowered:
        return "html"
    return "text"


def _links_in_json(document: Any, paths: tuple[JsonPath, ...]) -> Iterator[str]:
    values: Iterable[Any] = (
        (value for path in paths for value in json_values(document, path)) if paths else [document]
    )
    for value in values:
        for text in _strings_in(value):
            yield from _links_in_field(text)


def _strings_in(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        for item in value:
            yield from _strings_in(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings_in(item)


def _links_in_field(text: str) -> Iterator[str]:
    """Links in one JSON string: anchors in an HTML field (Mastodon's profile fields), else addresses in
    prose or the value itself ("boulangerie-dupont.fr" in GitHub's blog field)."""
    if "href" in text:
        yield from _anchor_links(text)
    else:
        yield from _text_links(text)


def _anchor_links(text: str) -> Iterator[str]:
    for match in _ANCHOR_HREF.finditer(text):
        href = match.group(1) or match.group(2) or match.group(3) or ""
        if "&" in href:
            href = html.unescape(href)
        href = href.strip()
        if href.startswith("//"):
            href = "https:" + href
        if href[:7].lower() == "http://" or href[:8].lower() == "https://":
            yield href


def _text_links(text: str) -> Iterator[str]:
    """URLs in prose, then addresses written without a scheme."""
    for match in _URL_IN_TEXT.finditer(text):
        yield match.group(0).rstrip(".,;:!?)]}")
    if "." in text:
        for match in _BARE_DOMAIN.finditer(_URL_IN_TEXT.sub(" ", text)):
            yield match.group(0).rstrip(".,;:!?)]}")


def _clean_links(found: Iterable[str], home_host: str) -> tuple[str, ...]:
    kept: dict[str, None] = {}
    for raw in found:
        link = _unwrap_redirector(raw)
        host = _host_of(link)
        if not host or (home_host and (host == home_host or host.endswith("." + home_host))):
            continue
        kept[link] = None
        if len(kept) >= MAX_LINKS:
            break
    return tuple(kept)


def _unwrap_redirector(link: str) -> str:
    _, _, query = link.partition("?")
    if "http" not in query:
        return link
    for name, value in parse_qsl(query):
        if name in _REDIRECTOR_PARAMS and value.startswith(("http://", "https://")):
            return value
    return link


def _host_of(link: str) -> str:
    try:
        host = urlsplit(link if "://" in link else "http://" + link).hostname or ""
    except ValueError:
        return ""
    return host.removeprefix("www.")


def extract_phones(text: str) -> tuple[str, ...]:
    """The digits of each phone-looking sequence, first seen first.

    A number written next to another ("04 78 42 10 10 9h-19h") comes out with the neighbour's digits
    appended: ownership compares the start of each sequence, not its whole.
    """
    found: dict[str, None] = {}
    for match in _PHONE.finditer(text):
        written = match.group(0)
        digits = "".join(char for char in written if char.isdigit())
        # An unbroken run longer than E.164 allows is an id or a timestamp, never a phone.
        if len(digits) >= _MIN_PHONE_DIGITS and not (len(digits) > _MAX_E164_DIGITS and digits == written):
            found[digits] = None
            if len(found) >= MAX_PHONES:
                break
    return tuple(found)


def decode(body: bytes, content_type: str) -> str:
    """The body as text in its declared charset (UTF-8 when none or unknown), never failing."""
    charset = "utf-8"
    for parameter in content_type.split(";")[1:]:
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "charset":
            charset = value.strip().strip('"').lower() or "utf-8"
    try:
        return body.decode(charset, errors="replace")
    except LookupError:
        return body.decode("utf-8", errors="replace")
