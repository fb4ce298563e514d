"""Watches: scheduled re-audits against the sandbox, drift between them, and the webhook, received by a real
loopback HTTP server (which fails its first delivery, to see the retry)."""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from auditor.cli import cli
from auditor.drift import drift
from auditor.queue import make_queue
from auditor.watch import WatchError, parse_every
from tests.test_audit_cli import FAST_CONFIG, KEYS

SHOP = """
name = "Boulangerie Dupont"
address = "12 rue de la République, 69002 Lyon"
phone = "04 78 42 10 10"
website = "https://www.boulangerie-dupont.fr"
"""
YELP_EMPTY = {
    "host": "api.yelp.com",
    "path_prefix": "/v3/businesses/search",
    "kind": "status",
    "status": 200,
    "headers": {"content-type": "application/json"},
    "body": json.dumps({"businesses": [], "total": 0}),
}


class Receiver:
    """A webhook endpoint: records every POST; answers 503 to the first `fail_first` of them."""

    def __init__(self, fail_first: int = 1) -> None:
        self.posts: list[dict[str, Any]] = []
        self.fail_first = fail_first
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                receiver.posts.append(json.loads(body))
                status = 503 if len(receiver.posts) <= receiver.fail_first else 200
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks/solomo"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    server = Receiver(fail_first=1)
    try:
        yield server
    finally:
        server.close()


@pytest.fixture
def run(sandbox: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    for name, value in KEYS.items():
        monkeypatch.setenv(name, value)
    config = tmp_path / "config.toml"
    config.write_text(FAST_CONFIG, encoding="utf-8")

    def invoke(*args: str) -> Result:
        return CliRunner().invoke(cli, ["--sandbox", sandbox.url, "--config", str(config), *args])

    return invoke


def test_a_watch_sees_a_listing_disappear_and_tells_the_webhook(
    run: Any, sandbox: Any, tmp_path: Path, receiver: Receiver
) -> None:
    shop = tmp_path / "dupont.toml"
    shop.write_text(SHOP, encoding="utf-8")
    added = run("watch", "add", str(shop), "--every", "7d", "--webhook", receiver.url)
    assert added.exit_code == 0, added.output
    assert "dupont" in run("watch", "list").output

    first = run("watch", "run")  # due at once
    assert first.exit_code == 0 and "dupont: score" in first.output and "no change" in first.output
    assert run("watch", "run").output.strip() == "no watch due"  # next one in 7 days

    sandbox.configure(faults=[YELP_EMPTY])  # the Yelp listing is gone
    second = run("watch", "run", "--all")
    assert second.exit_code == 0, second.output
    assert "listing_lost" in second.output and "(webhook: 200)" in second.output
    assert len(receiver.posts) == 2  # the 503 was retried
    payload = receiver.posts[-1]
    assert payload["event"] == "drift" and payload["watch"] == "dupont"
    assert {"kind": "listing_lost", "provider": "yelp", "url": payload["changes"][0]["url"]} in payload[
        "changes"
    ]

    history = run("history", "dupont", "--format", "json")
    assert history.exit_code == 0
    entries = json.loads(history.output)["history"]
    assert [len(e["drift"]) > 0 for e in entries] == [False, True]
    assert entries[1]["webhook"] == "200"
    assert "yelp: the listing is gone" in run("history", "dupont").output

    assert run("watch", "remove", "dupont").exit_code == 0
    assert run("watch", "remove", "dupont").exit_code == 2
    assert run("history", "dupont").exit_code == 0  # the history stays


@pytest.mark.parametrize(
    ("text", "seconds"), [("7d", 604800), ("12h", 43200), ("30m", 1800), ("2w", 1209600)]
)
def test_intervals(text: str, seconds: int) -> None:
    assert parse_every(text) == seconds


@pytest.mark.parametrize("text", ["7", "soon", "10s", "-1d"])
def test_bad_intervals_are_refused(text: str) -> None:
    with pytest.raises(WatchError):
        parse_every(text)


def test_drift_between_two_reports() -> None:
    before = {
        "listings": [
            {"provider": "google_places", "status": "found", "business_status": "operational",
             "fields": {"phone": {"value": "04 78 42 10 10", "verdict": "match"}}},
            {"provider": "yelp", "status": "found", "url": "https://www.yelp.com/biz/x", "fields": {}},
            {"provider": "osm", "status": "found", "fields": {"name": {"value": "Dupont"}}},
        ],
        "handles": [{"platform": "instagram", "handle": "dupont", "status": "owned"}],
        "score": {"overall": 90},
    }  # fmt: skip
    after = {
        "listings": [
            {"provider": "google_places", "status": "found", "business_status": "closed_permanently",
             "fields": {"phone": {"value": "04 78 42 10 11", "verdict": "mismatch"}}},
            {"provider": "yelp", "status": "not_found", "fields": {}},
            {"provider": "osm", "status": "error", "fields": {}},  # an outage is not drift
        ],
        "handles": [{"platform": "instagram", "handle": "dupont", "status": "available"}],
        "score": {"overall": 70},
    }  # fmt: skip
    kinds = [change["kind"] for change in drift(before, after)]
    assert kinds == ["listing_closed", "field_changed", "listing_lost", "handle_lost", "score_dropped"]
    assert drift(before, before) == []


def test_the_worker_runs_due_watches_every_minute(tmp_path: Path) -> None:
    huey = make_queue(None, tmp_path).huey
    for minute in (0, 17, 59):  # what the consumer's scheduler would start at that minute
        due = huey.read_periodic(dt.datetime(2026, 11, 22, 6, minute))
        assert [task.name for task in due] == ["run_due_watches"]
