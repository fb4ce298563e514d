"""Detection: one unfollowed response → exists / absent / unknown with the reason, in the contract's order;
loading definitions (schema errors that name the platform and the field); links and phones of a profile.

The definitions are synthetic, one per detection style of the real platform list (status codes, a message
page, a redirect, a JSON API, a platform that answers 403 for a missing account), validated by the real
schema through a definitions file.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from auditor.handles.detect import classify, extract_links, extract_phones, json_values
from auditor.handles.platforms import (
    BlockSignatures,
    Platform,
    PlatformError,
    load_definitions,
    load_platform_file,
    load_platforms,
    parse_platform,
)

MISSING_PAGE = "Sorry, this page isn't available"
CLOUDFLARE_PAGE = (
    b"<!DOCTYPE html><html><head><title>Just a moment...</title></head><body>"
    b'<script src="/cdn-cgi/challenge-platform/h/b/orchestrate/chl_page/v1"></script></body></html>'
)
BLOCK_SIGNATURES = [
    {"name": "Cloudflare", "header_contains": {"cf-mitigated": "challenge"}},
    {
        "name": "Cloudflare",
        "body_contains": ["/cdn-cgi/challenge-platform/", "<title>Just a moment...</title>"],
    },
    # Both must hold: DDoS-Guard fronts ordinary pages too, with the same Server header.
    {
        "name": "DDoS-Guard",
        "header_contains": {"server": "ddos-guard"},
        "body_contains": ["check.ddos-guard.net"],
    },
    {"name": "PerimeterX", "body_contains": ["px-captcha"]},
]


def definition(
    platform_id: str, exists: dict[str, Any], absent: dict[str, Any], **extra: Any
) -> dict[str, Any]:
    return {
        "id": platform_id,
        "label": platform_id.title(),
        "profile_url": f"https://www.{platform_id}.example/{{handle}}",
        "probe": {"url": f"https://www.{platform_id}.example/{{handle}}"},
        "exists": exists,
        "absent": absent,
        "handle_rules": {"pattern": "[a-z0-9_.]+", "min_length": 1, "max_length": 30},
        "self_test": {"existing": "dupont", "absent": "zz_nobody_zz"},
        **extra,
    }


DEFINITIONS = [
    definition("status", {"status": [200]}, {"status": [404]}),
    definition(
        "message",
        {"status": [200], "body_lacks": [MISSING_PAGE]},
        {"status": [200], "body_contains": [MISSING_PAGE]},
        login_wall={"status": [301, 302], "redirect_to": ["/accounts/login"]},
    ),
    definition("redirect", {"status": [200]}, {"status": [301, 302], "redirect_to": ["/search?q="]}),
    definition(
        "api",
        {"status": [200], "json_path_present": "login"},
        {"status": [404], "json_path_equals": {"message": "Not Found"}},
    ),
    definition(
        "forbidden", {"status": [200]}, {"status": [403], "body_contains": ["this account does not exist"]}
    ),
    definition("nested", {"status": [200], "json_path_equals": {"data.kind": "t2"}}, {"status": [404]}),
    definition("accented", {"status": [200]}, {"status": [200], "body_contains": ["Compte supprimÉ"]}),
]


def write_definitions(path: Path, platforms: list[dict[str, Any]], **document: Any) -> Path:
    path.write_text(
        json.dumps(
            {"schema_version": 1, "block_signatures": BLOCK_SIGNATURES, "platforms": platforms, **document}
        ),
        encoding="utf-8",
    )
    return path


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Platform], BlockSignatures]:
    path = write_definitions(tmp_path_factory.mktemp("platforms") / "platforms.json", DEFINITIONS)
    platforms, blocks = load_definitions(path)
    return {platform.id: platform for platform in platforms}, blocks


HTML = {"content-type": "text/html; charset=utf-8"}
JSON = {"content-type": "application/json"}

# platform, status, headers, body, location → outcome, reason, evidence
DETECTION_TABLE = [
    # throttled, whatever the body says (Sherlock reads a 429 on a message site as "claimed")
    ("message", 429, HTML, b"<html>Too many requests</html>", None, ("unknown", "rate_limited", "HTTP 429")),
    ("status", 999, HTML, b"", None, ("unknown", "rate_limited", "HTTP 999")),
    ("status", 429, HTML, CLOUDFLARE_PAGE, None, ("unknown", "rate_limited", "HTTP 429")),
    # challenge pages: blocked whatever the status (Sherlock reads a 403 challenge as "available")
    ("status", 403, HTML, CLOUDFLARE_PAGE, None, ("unknown", "blocked", "Cloudflare challenge (HTTP 403)")),
    ("status", 200, HTML, CLOUDFLARE_PAGE, None, ("unknown", "blocked", "Cloudflare challenge (HTTP 200)")),
    (
        "message",
        200,
        HTML,
        b"<div id='px-captcha'></div>",
        None,
        ("unknown", "blocked", "PerimeterX challenge (HTTP 200)"),
    ),
    (
        "status",
        503,
        {**HTML, "cf-mitigated": "challenge"},
        b"",
        None,
        ("unknown", "blocked", "Cloudflare challenge (HTTP 503)"),
    ),
    (
        "status",
        200,
        {**HTML, "server": "ddos-guard"},
        b"<script src='https://check.ddos-guard.net/check.js'></script>",
        None,
        ("unknown", "blocked", "DDoS-Guard challenge (HTTP 200)"),
    ),
    # the DDoS-Guard header alone is an ordinary page behind it, not a challenge
    ("status", 200, {**HTML, "server": "ddos-guard"}, b"<h1>Dupont</h1>", None, ("exists", None, "HTTP 200")),
    # a bare 403 is a block, unless the platform's absent signal says 403 and matches
    ("status", 403, HTML, b"Forbidden", None, ("unknown", "blocked", "HTTP 403")),
    (
        "forbidden",
        403,
        HTML,
        b"<p>This account does not exist.</p>",
        None,
        ("absent", None, 'HTTP 403, page says "this account does not exist"'),
    ),
    ("forbidden", 403, HTML, b"Access denied", None, ("unknown", "blocked", "HTTP 403")),
    ("status", 500, HTML, b"", None, ("unknown", "server_error", "HTTP 500")),
    ("message", 502, HTML, MISSING_PAGE.encode(), None, ("unknown", "server_error", "HTTP 502")),
    # login wall before absent/exists
    (
        "message",
        302,
        HTML,
        b"",
        "https://www.message.example/accounts/login/?next=/dupont/",
        (
            "unknown",
            "login_wall",
            "HTTP 302, redirect to https://www.message.example/accounts/login/?next=/dupont/",
        ),
    ),
    # soft 404: a 200 page saying the account is missing
    (
        "message",
        200,
        HTML,
        b"<h2>SORRY, THIS PAGE ISN'T AVAILABLE.</h2>",
        None,
        ("absent", None, f'HTTP 200, page says "{MISSING_PAGE}"'),
    ),
    (
        "message",
        200,
        HTML,
        b"<h1>Boulangerie Dupont</h1>",
        None,
        ("exists", None, f'HTTP 200, page lacks "{MISSING_PAGE}"'),
    ),
    # a redirect to the platform's search is how it says "no such shop"
    (
        "redirect",
        302,
        HTML,
        b"",
        "/search?q=dupont&ref=shop",
        ("absent", None, "HTTP 302, redirect to /search?q=dupont&ref=shop"),
    ),
    ("redirect", 302, HTML, b"", "/elsewhere", ("unknown", "unrecognised", "HTTP 302 to /elsewhere")),
    ("redirect", 200, HTML, b"<h1>Dupont</h1>", None, ("exists", None, "HTTP 200")),
    # JSON APIs
    ("api", 200, JSON, b'{"login": "dupont", "id": 1}', None, ("exists", None, "HTTP 200, JSON has login")),
    ("api", 200, JSON, b'{"login": null}', None, ("unknown", "unrecognised", "HTTP 200")),
    (
        "api",
        404,
        JSON,
        b'{"message": "Not Found", "documentation_url": "https://docs.github.com/rest"}',
        None,
        ("absent", None, 'HTTP 404, JSON message = "Not Found"'),
    ),
    ("api", 404, HTML, b"<html>Not Found</html>", None, ("unknown", "unrecognised", "HTTP 404")),
    (
        "nested",
        200,
        JSON,
        b'{"kind": "t2", "data": {"kind": "t2"}}',
        None,
        ("exists", None, 'HTTP 200, JSON data.kind = "t2"'),
    ),
    ("nested", 200, JSON, b'{"data": {"kind": "t5"}}', None, ("unknown", "unrecognised", "HTTP 200")),
    # case-insensitive for ASCII, and a non-ASCII capital in the signal still matches itself
    (
        "accented",
        200,
        HTML,
        "<p>Compte SUPPRIMÉ</p>".encode(),
        None,
        ("absent", None, 'HTTP 200, page says "Compte supprimÉ"'),
    ),
    # plain status codes
    ("status", 404, HTML, b"", None, ("absent", None, "HTTP 404")),
    ("status", 410, HTML, b"", None, ("unknown", "unrecognised", "HTTP 410")),
]


@pytest.mark.parametrize(
    ("platform_id", "status", "headers", "body", "location", "expected"),
    DETECTION_TABLE,
    ids=[f"{row[0]}-{row[1]}-{row[5][1] or row[5][0]}" for row in DETECTION_TABLE],
)
def test_detection_order(
    loaded: tuple[dict[str, Platform], BlockSignatures],
    platform_id: str,
    status: int,
    headers: dict[str, str],
    body: bytes,
    location: str | None,
    expected: tuple[str, str | None, str | None],
) -> None:
    platforms, blocks = loaded
    assert classify(platforms[platform_id], blocks, status, headers, body, location) == expected


def test_without_block_signatures_a_challenge_page_on_a_200_reads_as_the_platform_says(
    loaded: tuple[dict[str, Platform], BlockSignatures],
) -> None:
    # The signatures, not the status, are what recognise a challenge: this is why they are data.
    platforms, _ = loaded
    assert classify(platforms["status"], BlockSignatures(), 200, HTML, CLOUDFLARE_PAGE, None)[0] == "exists"


def test_json_values_fan_out_over_lists_and_index_them() -> None:
    document = {"links": [{"url": "https://a.example"}, {"title": "no url"}, {"url": "https://b.example"}]}
    assert json_values(document, ("links", "url")) == ["https://a.example", "https://b.example"]
    assert json_values(document, ("links", "2", "url")) == ["https://b.example"]
    assert json_values(document, ("links", "9", "url")) == []
    assert json_values("not an object", ("links",)) == []


# -- loading ------------------------------------------------------------------------------------------


def test_a_file_loads_into_typed_platforms(tmp_path: Path) -> None:
    platforms = load_platform_file(write_definitions(tmp_path / "p.json", DEFINITIONS))

    assert [platform.id for platform in platforms] == [d["id"] for d in DEFINITIONS]
    message = platforms[1]
    assert message.profile_url_for("dupont") == "https://www.message.example/dupont"
    assert message.home_host == "message.example"
    assert message.login_wall is not None and message.login_wall.redirect_to == ("/accounts/login",)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda d: d["probe"].update(url="http://www.status.example/{handle}"),
            r"platform 'status' \(#1\): probe\.url: 'http://www\.status\.example/\{handle\}' does not match",
        ),
        (lambda d: d.pop("exists"), r"platform 'status' \(#1\): 'exists' is a required property"),
        (
            lambda d: d["exists"].update(status=["200"]),
            r"platform 'status' \(#1\): exists\.status\[0\]: '200' is not",
        ),
        (
            lambda d: d["handle_rules"].update(pattern="[a-z"),
            r"platform 'status': handle_rules\.pattern: not a valid regular expression",
        ),
        (
            lambda d: d.update(absent={}),
            r"platform 'status': absent: an empty signal would match every response",
        ),
        (
            lambda d: d["handle_rules"].update(min_length=9, max_length=3),
            r"platform 'status': handle_rules: min_length 9 > max_length 3",
        ),
    ],
)
def test_schema_and_sanity_errors_name_the_platform_and_the_field(
    tmp_path: Path, change: Any, message: str
) -> None:
    broken = json.loads(json.dumps(DEFINITIONS))
    change(broken[0])
    path = write_definitions(tmp_path / "p.json", broken)
    with pytest.raises(PlatformError, match=message) as caught:
        load_platform_file(path)
    assert str(path) in str(caught.value)


def test_invalid_json_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "p.json"
    path.write_text("{", encoding="utf-8")
    with pytest.raises(PlatformError, match=r"invalid JSON in platform definitions .*p\.json"):
        load_platform_file(path)


def test_duplicate_ids_are_refused(tmp_path: Path) -> None:
    path = write_definitions(tmp_path / "p.json", [DEFINITIONS[0], DEFINITIONS[0]])
    with pytest.raises(PlatformError, match="platform 'status' is defined twice"):
        load_platform_file(path)


def shipped_file(tmp_path: Path, count: int) -> Path:
    many = [definition(f"site{n}", {"status": [200]}, {"status": [404]}) for n in range(count)]
    return write_definitions(tmp_path / "shipped.json", many)


def test_load_platforms_joins_shipped_extra_and_plugin_definitions(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        "auditor.handles.platforms.shipped_platforms_path", lambda: shipped_file(tmp_path, 30)
    )
    extra = write_definitions(
        tmp_path / "extra.json",
        [DEFINITIONS[1]],
        block_signatures=[{"name": "Extra", "body_contains": ["extra-wall"]}],
    )

    platforms, blocks = load_platforms([extra], [DEFINITIONS[3]])

    assert [p.id for p in platforms][-3:] == ["site29", "message", "api"]
    assert [signature.name for signature in blocks.signatures].count("Extra") == 1
    assert len(blocks.signatures) == len(BLOCK_SIGNATURES) + 1


def test_the_shipped_file_must_hold_thirty_platforms_but_an_extra_file_need_not(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        "auditor.handles.platforms.shipped_platforms_path", lambda: shipped_file(tmp_path, 29)
    )
    with pytest.raises(PlatformError, match=r"platforms: .* is too short"):
        load_platforms()
    assert len(load_platform_file(shipped_file(tmp_path, 2))) == 2


def test_the_shipped_file_must_carry_block_signatures_but_an_extra_file_need_not(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    many = [definition(f"site{n}", {"status": [200]}, {"status": [404]}) for n in range(30)]
    bare = tmp_path / "bare.json"
    bare.write_text(json.dumps({"schema_version": 1, "platforms": many}), encoding="utf-8")
    monkeypatch.setattr("auditor.handles.platforms.shipped_platforms_path", lambda: bare)

    with pytest.raises(PlatformError, match=r"bare\.json: 'block_signatures' is a required property"):
        load_platforms()
    assert len(load_platform_file(bare)) == 30


def test_a_plugin_cannot_redefine_a_shipped_platform(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        "auditor.handles.platforms.shipped_platforms_path", lambda: shipped_file(tmp_path, 30)
    )
    plugin = definition("site3", {"status": [200]}, {"status": [404]})
    with pytest.raises(
        PlatformError, match=r"'site3' is defined twice: in .*shipped.json and in plugin definition #1"
    ):
        load_platforms(plugin_definitions=[plugin])


def test_a_plugin_definition_error_names_the_plugin_and_the_field() -> None:
    with pytest.raises(
        PlatformError, match=r"plugin definition: platform 'api': self_test: 'absent' is a required"
    ):
        broken = definition("api", {"status": [200]}, {"status": [404]})
        broken["self_test"] = {"existing": "dupont"}
        parse_platform(broken, "plugin definition")


# -- links and phones ---------------------------------------------------------------------------------


def links_platform(
    links: dict[str, Any] | None, profile_url: str = "https://www.social.example/{handle}"
) -> Platform:
    extra = {"links": links} if links is not None else {}
    return parse_platform(
        {**definition("social", {"status": [200]}, {"status": [404]}), "profile_url": profile_url, **extra}
    )


def test_html_anchors_unwrapped_deduplicated_without_the_platforms_own_links() -> None:
    page = b"""<html><a href="/explore">Explore</a>
    <a class="bio" href="https://l.social.example/?u=https%3A%2F%2Fwww.boulangerie-dupont.fr%2F&amp;e=AT0">site</a>
    <a href='https://www.facebook.com/boulangeriedupont'>fb</a>
    <A HREF=https://www.facebook.com/boulangeriedupont>again</A>
    <a href="//help.social.example/privacy">privacy</a>
    <a href="https://shop.example/?a=1&amp;b=2">shop</a>
    <a href="mailto:contact@dupont.fr">mail</a></html>"""

    links = extract_links(links_platform({"from": "html"}), page, "text/html")

    assert links == (
        "https://www.boulangerie-dupont.fr/",
        "https://www.facebook.com/boulangeriedupont",
        "https://shop.example/?a=1&b=2",
    )


def test_a_handle_subdomain_platform_leaves_out_its_own_domain() -> None:
    platform = links_platform({"from": "html"}, profile_url="https://{handle}.blog.example")
    page = b'<a href="https://www.blog.example/login">x</a><a href="https://dupont.fr">y</a>'
    assert extract_links(platform, page, "text/html") == ("https://dupont.fr",)


def test_json_paths_read_bare_domains_html_fields_and_prose() -> None:
    platform = links_platform({"from": "json", "json_paths": ["blog", "fields.value", "bio"]})
    body = json.dumps(
        {
            "blog": "boulangerie-dupont.fr",
            "html_url": "https://www.social.example/dupont",
            "fields": [
                {
                    "name": "Site",
                    "value": '<a href="https://dupont.example/" rel="me nofollow">dupont.example</a>',
                },
                {"name": "Tel", "value": "04 78 42 10 10"},
            ],
            "bio": "Pain au levain. Commandes : https://order.example/dupont.",
        }
    ).encode()

    assert extract_links(platform, body, "application/json; charset=utf-8") == (
        "boulangerie-dupont.fr",
        "https://dupont.example/",
        "https://order.example/dupont",
    )


def test_addresses_without_a_scheme_are_found_in_prose_but_not_in_e_mails() -> None:
    platform = links_platform({"from": "json", "json_paths": ["bio"]})
    bio = "Pain au levain · www.boulangerie-dupont.fr/commande. Écrivez à contact@dupont-traiteur.fr, v1.2"
    assert extract_links(platform, json.dumps({"bio": bio}).encode(), "application/json") == (
        "www.boulangerie-dupont.fr/commande",
    )


def test_without_a_format_the_content_type_decides() -> None:
    platform = links_platform({})
    assert extract_links(platform, b'{"url": "https://dupont.fr"}', "application/json") == (
        "https://dupont.fr",
    )
    assert extract_links(platform, b'<a href="https://dupont.fr">x</a>', "text/html") == (
        "https://dupont.fr",
    )
    assert extract_links(platform, b"see https://dupont.fr, or call", "text/plain") == ("https://dupont.fr",)


def test_phones_are_the_digits_of_phone_looking_text() -> None:
    text = (
        "Tél : 04 78 42 10 10 · +33 (0)4 78-42-10-11 · <a href='tel:+33478421012'>appeler</a> "
        "id 12345678901234567890 · ouvert en 2024 · 8h-19h · (415) 555-0123"
    )
    assert extract_phones(text) == ("0478421010", "330478421011", "33478421012", "4155550123")
