"""Reading untrusted API payloads, and turning API error answers into ProviderError reasons.

A listing API's answer is JSON we do not control: a field may be missing, null, of another type, or padded
with blanks, and an error may come back as an HTML page from a proxy. The readers here return None (or an
empty mapping) for anything that is not the expected shape, so a parser reads a whole listing without
raising on one odd field. The error half gives every provider the same stable first words
(`ProviderError` lists them) and keeps the API key out of whatever the API echoes back.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from auditor.http import FetchError, HttpResponse
from auditor.redact import MASK, redact
from providers.base import ProviderError

# An API's error message lands in the report: long enough to act on, short enough for one table cell.
MAX_DETAIL_CHARS = 300

ReasonWord = Literal["auth_failed", "quota_exceeded", "rate_limited", "server_error", "bad_response"]


def json_or_none(response: HttpResponse) -> Any:
    """The decoded body of an error answer, or None when it is not JSON."""
    try:
        return response.json()
    except FetchError:
        return None  # an HTML error page from a proxy: the status alone classifies it


def mapping_or_empty(value: Any) -> Mapping[str, Any]:
    """`value` when it is a JSON object, else an empty one, so that `.get` chains never fail."""
    return value if isinstance(value, Mapping) else {}


def text_or_none(value: Any) -> str | None:
    """A non-blank string without its outer blanks; APIs send "" where they mean "no value"."""
    return (value.strip() or None) if isinstance(value, str) else None


def number_or_none(value: Any) -> float | None:
    """A JSON number as a float; `true` is an int to Python but never a rating or a coordinate."""
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def object_list(payload: Any, key: str, *, source: str) -> list[Mapping[str, Any]]:
    """The JSON objects listed under `key` in an API answer; no `key` at all is how APIs say "none found".

    An answer that is not an object, or whose `key` is not a list, is a changed or broken API: that is
    `bad_response`, not an empty result that would read as "the business is not listed here".
    """
    if not isinstance(payload, Mapping):
        raise ProviderError(f"bad_response: {source} answer is not a JSON object")
    items = payload.get(key, [])
    if not isinstance(items, list):
        raise ProviderError(f"bad_response: `{key}` is not a list")
    return [item for item in items if isinstance(item, Mapping)]


def error_detail(text: str, key: str | None) -> str:
    """One line, bounded, and never the key (an error message may quote the request)."""
    if key:
        text = text.replace(key, MASK)
    text = " ".join(redact(text).split())
    return text if len(text) <= MAX_DETAIL_CHARS else text[: MAX_DETAIL_CHARS - 1] + "…"


def reason_word(
    status: int, *, auth_failed: bool = False, quota_exceeded: bool = False, rate_limited: bool = False
) -> ReasonWord:
    """The first word of the reason for an error answer with this HTTP status.

    The flags carry what the API's own error code says, which the caller knows and this module does not:
    APIs disagree on statuses (Google answers a bad key with 400, Yelp a spent daily quota with 429).
    The order is the order a user should act in: a refused key first, since nothing works until it is
    fixed; then a spent quota, which waiting a minute does not cure; then going too fast.
    """
    if auth_failed or status in (401, 403):
        return "auth_failed"
    if quota_exceeded:
        return "quota_exceeded"
    if rate_limited or status == 429:
        return "rate_limited"
    if status >= 500:
        return "server_error"
    return "bad_response"


def error_from_fetch(error: FetchError, fallback_detail: str) -> ProviderError:
    """A request that got no answer, as a ProviderError with the client's own reason word."""
    return ProviderError(f"{error.reason}: {error.detail or fallback_detail}")
