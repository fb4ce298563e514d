"""PagesJaunes and TheFork: no API, off by default, public search pages read politely (robots.txt first)."""

from __future__ import annotations

import json
from typing import Any

from click.testing import CliRunner

from auditor.cli import cli
from tests.test_audit_cli import FAST_CONFIG, KEYS

CAFE = ["Le Café des Arts", "--address", "5 place du Tertre, 75018 Paris", "--phone", "01 46 06 10 10"]


def audit(sandbox: Any, tmp_path: Any, monkeypatch: Any, *args: str) -> dict[str, Any]:
    for name, value in KEYS.items():
        monkeypatch.setenv(name, value)
    config = tmp_path / "config.toml"
    config.write_text(FAST_CONFIG, encoding="utf-8")
    result = CliRunner().invoke(
        cli,
        ["--sandbox", sandbox.url, "--config", str(config), "--no-cache", *CAFE, "--format", "json", *args],
    )
    assert result.exit_code == 0, result.output
    report: dict[str, Any] = json.loads(result.stdout)
    return report


def listing(report: dict[str, Any], provider: str) -> dict[str, Any]:
    return next(item for item in report["listings"] if item["provider"] == provider)


def test_enabled_directories_are_read_after_their_robots_txt(
    sandbox: Any, tmp_path: Any, monkeypatch: Any
) -> None:
    report = audit(
        sandbox, tmp_path, monkeypatch, "--enable", "pagesjaunes,thefork", "--only", "pagesjaunes,thefork"
    )
    pagesjaunes, thefork = listing(report, "pagesjaunes"), listing(report, "thefork")
    assert pagesjaunes["status"] == "found" and pagesjaunes["fields"]["phone"]["verdict"] in (
        "match",
        "variant",
    )
    assert pagesjaunes["url"] == "https://www.pagesjaunes.fr/pros/07512346"
    assert thefork["status"] == "found" and thefork["fields"]["phone"]["verdict"] == "mismatch"  # ...10 11
    assert thefork["url"] == "https://www.thefork.fr/restaurant/le-cafe-des-arts-r612345"
    paths = [
        (e["host"], e["path"]) for e in sandbox.log() if e["host"] in ("www.pagesjaunes.fr", "www.thefork.fr")
    ]
    for host in ("www.pagesjaunes.fr", "www.thefork.fr"):
        mine = [path for h, path in paths if h == host]
        assert mine[0] == "/robots.txt" and len(mine) == 2


def test_robots_txt_forbidding_the_page_skips_the_directory(
    sandbox: Any, tmp_path: Any, monkeypatch: Any
) -> None:
    sandbox.configure(
        faults=[{"host": "www.pagesjaunes.fr", "path_prefix": "/robots.txt", "status": 200,
                 "headers": {"content-type": "text/plain"}, "body": "User-agent: *\nDisallow: /\n"}]
    )  # fmt: skip
    report = audit(sandbox, tmp_path, monkeypatch, "--enable", "pagesjaunes", "--only", "pagesjaunes")
    item = listing(report, "pagesjaunes")
    assert item["status"] == "skipped" and "robots.txt of www.pagesjaunes.fr disallows" in item["reason"]
    assert all(e["path"] == "/robots.txt" for e in sandbox.log() if e["host"] == "www.pagesjaunes.fr")


def test_an_unknown_provider_to_enable_is_bad_input(sandbox: Any, tmp_path: Any, monkeypatch: Any) -> None:
    config = tmp_path / "config.toml"
    config.write_text(FAST_CONFIG, encoding="utf-8")
    result = CliRunner().invoke(
        cli, ["--sandbox", sandbox.url, "--config", str(config), *CAFE, "--enable", "kelkoo"]
    )
    assert result.exit_code == 2 and "--enable: unknown provider 'kelkoo'" in result.output
