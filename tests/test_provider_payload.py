"""The helpers every API provider reads its answers and errors with (providers.payload).

The providers' own tests check each API's error codes end to end; these check the rules they all share,
chiefly which reason wins when an answer says several things at once.
"""

from __future__ import annotations

from typing import Any

import pytest

from auditor.http import FetchError, HttpResponse
from providers.base import ProviderError
from providers.payload import (
    MAX_DETAIL_CHARS,
    error_detail,
    error_from_fetch,
    json_or_none,
    mapping_or_empty,
    number_or_none,
    object_list,
    reason_word,
    text_or_none,
)


@pytest.mark.parametrize(
    ("status", "flags", "word"),
    [
        (401, {}, "auth_failed"),
        (403, {"quota_exceeded": True}, "auth_failed"),  # a refused key comes first, whatever else is said
        (400, {"auth_failed": True}, "auth_failed"),
        (429, {"quota_exceeded": True, "rate_limited": True}, "quota_exceeded"),  # waiting will not cure it
        (429, {}, "rate_limited"),
        (400, {"rate_limited": True}, "rate_limited"),
        (503, {"rate_limited": True}, "rate_limited"),
        (503, {}, "server_error"),
        (404, {}, "bad_response"),
        (400, {}, "bad_response"),
    ],
)
def test_reason_word_precedence(status: int, flags: dict[str, bool], word: str) -> None:
    assert reason_word(status, **flags) == word


def test_error_detail_is_one_bounded_line_without_the_key() -> None:
    key = "sk-live-0123456789"
    detail = error_detail(f"Bad key {key}\n\n  in   request " + "x" * 1000, key)
    assert key not in detail
    assert detail.startswith("Bad key *** in request x")
    assert len(detail) == MAX_DETAIL_CHARS and detail.endswith("…")
    assert error_detail("Short message", None) == "Short message"


def test_readers_keep_only_the_expected_types() -> None:
    assert text_or_none("  Boulangerie  ") == "Boulangerie"
    assert text_or_none("   ") is None
    assert text_or_none(12) is None
    assert number_or_none(4) == 4.0
    assert number_or_none(True) is None
    assert number_or_none("4.5") is None
    assert mapping_or_empty({"a": 1}) == {"a": 1}
    assert mapping_or_empty(["a"]) == {}


def test_object_list_keeps_the_objects_and_reads_a_missing_list_as_none_found() -> None:
    assert object_list({"places": [{"id": "a"}, "junk", None, {"id": "b"}]}, "places", source="X") == [
        {"id": "a"},
        {"id": "b"},
    ]
    assert object_list({}, "places", source="X") == []


@pytest.mark.parametrize(
    ("payload", "reason"),
    [
        ([], "bad_response: Places answer is not a JSON object"),
        ({"places": {"id": "a"}}, "bad_response: `places` is not a list"),
    ],
)
def test_object_list_of_the_wrong_shape_is_bad_response(payload: Any, reason: str) -> None:
    with pytest.raises(ProviderError) as caught:
        object_list(payload, "places", source="Places")
    assert caught.value.reason == reason


def test_json_or_none_reads_json_and_ignores_an_html_error_page() -> None:
    def response(content: bytes) -> HttpResponse:
        return HttpResponse(status=502, url="https://api.example/", headers={}, content=content)

    assert json_or_none(response(b'{"error": {"code": 502}}')) == {"error": {"code": 502}}
    assert json_or_none(response(b"<html><body>Bad Gateway</body></html>")) is None


def test_error_from_fetch_keeps_the_clients_reason_word() -> None:
    assert error_from_fetch(FetchError("timeout"), "https://a.fr/").reason == "timeout: https://a.fr/"
    refused = error_from_fetch(FetchError("connect_error", "connection refused"), "https://a.fr/")
    assert refused.reason == "connect_error: connection refused"
