"""config/platforms.json as data: it keeps the schema's contract, its own self-test handles obey its own
rules, and its block signatures catch challenge pages without firing on ordinary pages.

Read with plain json/jsonschema/re on purpose: these tests judge the data, not the engine that loads it.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest

CONFIG = Path(__file__).resolve().parent.parent / "config"
DATA: dict[str, Any] = json.loads((CONFIG / "platforms.json").read_text(encoding="utf-8"))
SCHEMA: dict[str, Any] = json.loads((CONFIG / "platforms.schema.json").read_text(encoding="utf-8"))
PLATFORMS: list[dict[str, Any]] = DATA["platforms"]
BY_ID = {platform["id"]: platform for platform in PLATFORMS}

# The issue's list: each must be defined.
REQUIRED = (
    *("instagram", "facebook", "tiktok", "x", "youtube", "linkedin", "pinterest", "threads", "snapchat"),
    *("bluesky", "mastodon", "github", "twitch", "reddit", "tumblr", "vimeo", "medium", "etsy"),
    *("soundcloud", "telegram", "behance", "dribbble", "flickr", "linktree", "substack", "untappd"),
    *("yelp", "tripadvisor", "kick", "patreon"),
)
MAJOR = ("instagram", "facebook", "tiktok", "x", "youtube", "linkedin", "pinterest")
# Where a real protocol exists, the definition must use it rather than scrape a page.
PROTOCOL_PROBES = {
    "bluesky": "https://bsky.social/xrpc/com.atproto.identity.resolveHandle?handle={handle}.bsky.social",
    "mastodon": "https://mastodon.social/.well-known/webfinger?resource=acct:{handle}@mastodon.social",
    "github": "https://api.github.com/users/{handle}",
    "reddit": "https://www.reddit.com/user/{handle}/about.json",
}


def ids(platforms: list[dict[str, Any]]) -> list[str]:
    return [platform["id"] for platform in platforms]


def rule_problem(handle: str, rules: dict[str, Any]) -> str | None:
    case = rules.get("case", "insensitive")
    if case == "lower":
        handle = handle.lower()
    flags = re.IGNORECASE if case == "insensitive" else 0
    if not rules["min_length"] <= len(handle) <= rules["max_length"]:
        return f"length {len(handle)} outside {rules['min_length']}-{rules['max_length']}"
    if re.fullmatch(rules["pattern"], handle, flags) is None:
        return f"does not match {rules['pattern']}"
    return None


def signature_fires(signature: dict[str, Any], headers: dict[str, str], body: str) -> bool:
    """Every property given holds (AND); within a list any item (OR); case-insensitive, like the engine."""
    lowered = body.lower()
    checks = []
    if "body_contains" in signature:
        checks.append(any(text.lower() in lowered for text in signature["body_contains"]))
    if "header_present" in signature:
        checks.append(any(name.lower() in headers for name in signature["header_present"]))
    if "header_contains" in signature:
        checks.append(
            all(
                value.lower() in headers.get(name.lower(), "").lower()
                for name, value in signature["header_contains"].items()
            )
        )
    return bool(checks) and all(checks)


def blocked(headers: dict[str, str], body: str) -> list[str]:
    return [s["name"] for s in DATA["block_signatures"] if signature_fires(s, headers, body)]


def test_the_file_validates_against_the_schema() -> None:
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    errors = sorted(jsonschema.Draft202012Validator(SCHEMA).iter_errors(DATA), key=lambda e: list(e.path))
    assert not errors, [f"{list(error.path)}: {error.message}" for error in errors[:5]]


def test_at_least_thirty_platforms_with_unique_ids_including_the_issue_list() -> None:
    assert len(PLATFORMS) >= 30
    assert len(set(ids(PLATFORMS))) == len(PLATFORMS)
    assert [name for name in REQUIRED if name not in BY_ID] == []


@pytest.mark.parametrize("platform", PLATFORMS, ids=ids(PLATFORMS))
def test_every_template_has_the_handle_placeholder(platform: dict[str, Any]) -> None:
    templates = [platform["profile_url"], platform["probe"]["url"]]
    if "url" in platform.get("links", {}):
        templates.append(platform["links"]["url"])
    for template in templates:
        assert "{handle}" in template, template
        assert template.startswith("https://"), template
        # The sandbox routes on the Host header: a handle in the host name could not be served.
        assert "{handle}" not in template.split("://", 1)[1].split("/", 1)[0], template


@pytest.mark.parametrize("platform", PLATFORMS, ids=ids(PLATFORMS))
def test_self_test_handles_obey_the_platforms_own_rules(platform: dict[str, Any]) -> None:
    rules = platform["handle_rules"]
    re.compile(rules["pattern"])
    assert rules["min_length"] <= rules["max_length"]
    assert rules.get("description"), "the rule in words is the invalid_handle reason"
    for key in ("existing", "absent"):
        handle = platform["self_test"][key]
        assert rule_problem(handle, rules) is None, (key, handle, rule_problem(handle, rules))
    assert platform["self_test"]["existing"].lower() != platform["self_test"]["absent"].lower()


@pytest.mark.parametrize("platform", PLATFORMS, ids=ids(PLATFORMS))
def test_signals_are_usable(platform: dict[str, Any]) -> None:
    for name in ("exists", "absent", "login_wall"):
        signal = platform.get(name)
        if signal is None:
            continue
        assert signal, f"an empty {name} signal would match every response"
        for path in [signal.get("json_path_present"), *signal.get("json_path_equals", {})]:
            assert path is None or all(path.split(".")), f"{name}: bad JSON path {path!r}"
    exists, absent = platform["exists"], platform["absent"]
    # A status alone can only tell the two apart when the statuses differ.
    if set(exists) == {"status"} and set(absent) == {"status"}:
        assert not set(exists["status"]) & set(absent["status"])
    for path in platform.get("links", {}).get("json_paths", []):
        assert all(path.split(".")), path


def test_major_platforms_are_marked_and_have_a_signup_url() -> None:
    assert [name for name in MAJOR if not BY_ID[name].get("major")] == []
    for platform in PLATFORMS:
        if platform.get("major"):
            assert platform.get("signup_url", "").startswith("https://"), platform["id"]


def test_real_protocols_are_used_where_they_exist() -> None:
    for name, probe in PROTOCOL_PROBES.items():
        assert BY_ID[name]["probe"]["url"] == probe
    assert BY_ID["github"]["probe"]["headers"]["Accept"] == "application/vnd.github+json"
    assert BY_ID["bluesky"]["absent"]["status"] == [400]
    assert BY_ID["mastodon"]["absent"]["status"] == [404]


# -- block signatures ---------------------------------------------------------------------------------

CHALLENGE_PAGES = {
    "cloudflare managed challenge": (
        {"cf-mitigated": "challenge", "server": "cloudflare"},
        "<!DOCTYPE html><html><head><title>Just a moment...</title></head><body>"
        "<script>(function(){window._cf_chl_opt={cvId: '3',cType: 'managed'};}());</script></body></html>",
    ),
    "cloudflare challenge without the header": (
        {"server": "cloudflare"},
        "<html><head><title>Just a moment...</title></head><body>Enable JavaScript and cookies</body></html>",
    ),
    "cloudflare block": (
        {"server": "cloudflare"},
        "<title>Attention Required! | Cloudflare</title><h1>Sorry, you have been blocked</h1>",
    ),
    "ddos-guard": (
        {"server": "ddos-guard"},
        "<html><head><title>DDoS-Guard</title></head><body></body></html>",
    ),
    "perimeterx": ({}, '<div id="px-captcha"></div><p>Press &amp; Hold to confirm you are a human</p>'),
    "incapsula": (
        {},
        '<iframe id="main-iframe" src="/_Incapsula_Resource?CWUDNSAI=9&xinfo=1"></iframe>'
        "Request unsuccessful. Incapsula incident ID: 1234-5678",
    ),
    "datadome": (
        {"x-datadome": "protected"},
        "<script>var dd={'rt':'c','cid':'x','host':'geo.captcha-delivery.com'}</script>"
        '<script src="https://ct.captcha-delivery.com/c.js"></script>',
    ),
    "google sorry": ({}, "Our systems have detected unusual traffic from your computer network."),
}

ORDINARY_PAGES = {
    "login form with reCAPTCHA": (
        {},
        '<form action="/login"><div class="g-recaptcha" data-sitekey="6Lc"></div></form>'
        '<script src="https://www.google.com/recaptcha/api.js" async defer></script>',
    ),
    "login form with hCaptcha": (
        {},
        '<form><div class="h-captcha" data-sitekey="10000000-ffff"></div></form>'
        '<script src="https://js.hcaptcha.com/1/api.js" async defer></script>',
    ),
    "cloudflare bot script on a normal page": (
        {"server": "cloudflare", "cf-ray": "8f0c-CDG"},
        "<html><head><title>Boulangerie Dupont • Instagram</title></head><body><h1>Boulangerie Dupont</h1>"
        '<script>(function(){var a=document.createElement("script");'
        'a.src="/cdn-cgi/challenge-platform/scripts/jsd/main.js";})();</script></body></html>',
    ),
    "turnstile widget on a contact form": (
        {"server": "cloudflare"},
        '<div class="cf-turnstile" data-sitekey="0x4AAA"></div>'
        '<script src="https://challenges.cloudflare.com/turnstile/v0/api.js" async></script>',
    ),
    "perimeterx sensor on a normal page": (
        {"set-cookie": "_pxhd=abc; path=/"},
        "<h1>Profile</h1><script>window._pxAppId = 'PXabc123';</script>"
        "<script src='/abc123/init.js'></script>",
    ),
    "datadome tag on a normal page": (
        {"set-cookie": "datadome=abc"},
        '<h1>Shop</h1><script src="https://js.datadome.co/tags.js" async></script>',
    ),
    "incapsula script on a normal page": (
        {"x-iinfo": "1-2-3"},
        "<h1>Profile</h1>"
        '<script src="/_Incapsula_Resource?SWJIYLWA=719d34d31c8e3a6e6fffd425f7e032f3"></script>',
    ),
}


@pytest.mark.parametrize("page", CHALLENGE_PAGES, ids=list(CHALLENGE_PAGES))
def test_block_signatures_catch_challenge_pages(page: str) -> None:
    headers, body = CHALLENGE_PAGES[page]
    assert blocked(headers, body), page


@pytest.mark.parametrize("page", ORDINARY_PAGES, ids=list(ORDINARY_PAGES))
def test_block_signatures_ignore_ordinary_pages_that_merely_load_a_captcha_or_a_bot_script(page: str) -> None:
    headers, body = ORDINARY_PAGES[page]
    assert blocked(headers, body) == []


def test_no_signal_of_a_platform_fires_as_a_block_signature() -> None:
    """A platform's own existence markers must never look like a challenge (it would hide every profile)."""
    for platform in PLATFORMS:
        for name in ("exists", "absent"):
            for marker in platform[name].get("body_contains", []):
                assert blocked({}, marker) == [], (platform["id"], name, marker)
