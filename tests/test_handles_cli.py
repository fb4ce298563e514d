"""`audit handles` and `audit platforms check`, end to end over real HTTP against the sandbox."""

from __future__ import annotations

import json
from typing import Any

from click.testing import CliRunner

from auditor.cli import cli


def _run(sandbox: Any, *args: str) -> Any:
    return CliRunner().invoke(cli, ["--sandbox", sandbox.url, "--no-cache", *args], catch_exceptions=False)


def test_handles_statuses_ownership_and_domains(sandbox: Any) -> None:
    result = _run(
        sandbox,
        "handles",
        "Boulangerie Dupont",
        "--city",
        "Lyon",
        "--website",
        "https://www.boulangerie-dupont.fr",
        "--phone",
        "+33 4 78 42 10 10",
        "--format",
        "json",
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    status = {(h["platform"], h["handle"]): h for h in data["handles"]}
    assert status[("instagram", "boulangeriedupont")]["status"] == "owned"  # linked from the website
    assert "phone" in status[("facebook", "boulangerie.dupont")]["evidence"]  # owned by phone
    assert status[("facebook", "boulangerie.dupont")]["status"] == "owned"
    assert status[("threads", "boulangeriedupont")]["status"] == "owned"  # links to the owned instagram
    assert status[("tiktok", "boulangeriedupont")]["status"] == "taken"
    assert status[("youtube", "boulangeriedupont")]["status"] == "available"
    x = status[("x", "boulangeriedupont")]
    assert x["status"] == "unknown" and x["reason"] == "invalid_handle"  # 17 characters, X allows 15
    domains = {d["domain"]: d for d in data["domains"]}
    assert domains["boulangerie-dupont.fr"]["business_site"] is True
    assert domains["boulangeriedupont.com"]["status"] == "registered"
    codes = {f["code"] for f in data["findings"]}
    assert {"handle_available", "domain_expiring"} <= codes
    assert isinstance(data["score"]["brand"], int)


def test_every_fault_is_unknown_never_a_guess(sandbox: Any) -> None:
    # A login redirect is login_wall where the definition knows the platform's login page, else unrecognised:
    # either way unknown, never available or taken.
    faults = {
        "faultchallenge": {"blocked"},
        "fault429": {"rate_limited"},
        "fault503": {"server_error"},
        "faultlogin": {"login_wall", "unrecognised"},
    }
    args = [a for handle in faults for a in ("--handle", handle)]
    result = _run(
        sandbox, "handles", *args, "--platform", "github,instagram", "--no-domains", "--format", "json"
    )
    assert result.exit_code == 0, result.output
    for row in json.loads(result.stdout)["handles"]:
        assert row["status"] == "unknown", row
        assert row["reason"] in faults[row["handle"]], row


def test_platforms_self_test_passes_against_the_sandbox(sandbox: Any) -> None:
    result = _run(sandbox, "platforms", "check", "--format", "json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert len(rows) >= 30 and {row["verdict"] for row in rows} == {"ok"}


def test_unknown_platform_is_bad_input(sandbox: Any) -> None:
    result = _run(sandbox, "handles", "--handle", "x", "--platform", "myspace")
    assert result.exit_code == 2 and "myspace" in result.stderr
