"""Social platforms, played from their own definitions (config/platforms.json).

Every platform's probe host (and the host of its `links.url` document, when it has one) is served by one
generic app. A request is matched against the definition's URL template to find the handle, then answered
so that the definition's own signals hold: an existing handle gets a response satisfying `exists` (a real
shaped document for the platforms that speak JSON: Instagram's web API, TikTok oEmbed, X's availability
check, AT Protocol, WebFinger and the Mastodon API, GitHub, Reddit, Kick, Substack, Twitch's passport, and an
RSS feed for Medium), carrying the profile's outbound links where `links` says they are; any other handle
gets a response satisfying `absent` (a status, a soft-404 text, a redirect). So the sandbox follows the data:
change a signal in platforms.json and the sandbox answers the new way, which keeps the engine's tests honest.

Who holds which handle is data too (`handles_world.json` beside this module), plus fault handles that make
any platform misbehave the way real sites do: a Cloudflare 403 challenge, a 200 challenge page, a 429 storm,
LinkedIn's 999, a 503, a hang, a login wall. Each platform's `self_test.existing` handle exists as well, so
`audit platforms check --sandbox URL` passes. The answers are deterministic: no state, no randomness.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import html
import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal
from urllib.parse import quote, unquote, urlsplit

from starlette.types import Receive, Scope, Send

from auditor.paths import shipped_config_dir
from auditor.sandbox.emulation import Emulation, host_without_port
from auditor.sandbox.world import World

HANDLES_WORLD_PATH = Path(__file__).with_name("handles_world.json")
PLATFORMS_FILE_NAME = "platforms.json"
HANG_SECONDS = 3600.0  # the longest a hanging answer waits for the client to give up
DEFAULT_LOGIN_PATH = "/login"
HTML = "text/html; charset=utf-8"
JSON_TYPE = "application/json; charset=utf-8"
Role = Literal["probe", "links"]
FaultKind = Literal["status", "hang", "login_wall"]
# What LinkedIn says with its 999; uvicorn only knows reason phrases for 100-599 (see _allow_status_999).
STATUS_999_PHRASE = b"Request denied"


class HandlesWorldError(ValueError):
    """The handle world or a platform definition cannot be served; raised at start-up, not per request."""


# -- the data ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SignalSpec:
    """The parts of a definition's signal an answer must satisfy (see config/platforms.schema.json)."""

    statuses: tuple[int, ...] = ()
    body_contains: tuple[str, ...] = ()
    body_lacks: tuple[str, ...] = ()
    redirect_to: tuple[str, ...] = ()
    json_path_present: str | None = None
    json_path_equals: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def parse(cls, raw: Mapping[str, Any]) -> SignalSpec:
        return cls(
            statuses=tuple(raw.get("status", ())),
            body_contains=tuple(raw.get("body_contains", ())),
            body_lacks=tuple(raw.get("body_lacks", ())),
            redirect_to=tuple(raw.get("redirect_to", ())),
            json_path_present=raw.get("json_path_present"),
            json_path_equals=dict(raw.get("json_path_equals", {})),
        )

    @property
    def wants_json(self) -> bool:
        return self.json_path_present is not None or bool(self.json_path_equals)


@dataclass(frozen=True)
class PlatformSpec:
    """One platform definition, reduced to what answering for it needs."""

    id: str
    label: str
    profile_url: str
    probe_url: str
    exists: SignalSpec
    absent: SignalSpec
    self_test_existing: str
    case_sensitive: bool = False
    login_wall: SignalSpec | None = None
    links_url: str | None = None
    links_from: str | None = None
    links_json_paths: tuple[str, ...] = ()

    @classmethod
    def parse(cls, raw: Mapping[str, Any]) -> PlatformSpec:
        links = raw.get("links", {})
        return cls(
            id=raw["id"],
            label=raw["label"],
            profile_url=raw["profile_url"],
            probe_url=raw["probe"]["url"],
            exists=SignalSpec.parse(raw["exists"]),
            absent=SignalSpec.parse(raw["absent"]),
            self_test_existing=raw["self_test"]["existing"],
            case_sensitive=raw["handle_rules"].get("case") == "sensitive",
            login_wall=SignalSpec.parse(raw["login_wall"]) if raw.get("login_wall") else None,
            links_url=links.get("url"),
            links_from=links.get("from"),
            links_json_paths=tuple(links.get("json_paths", ())),
        )

    def key(self, handle: str) -> str:
        """How the platform compares handles: most ignore case."""
        return handle if self.case_sensitive else handle.lower()

    def profile_url_for(self, handle: str) -> str:
        return self.profile_url.replace("{handle}", handle)


@dataclass(frozen=True)
class Profile:
    """A handle that exists on a platform, with what its profile shows."""

    platform: str
    handle: str
    name: str
    bio: str = ""
    links: tuple[str, ...] = ()
    phone: str | None = None


@dataclass(frozen=True)
class FaultSpec:
    """A handle every platform answers with a failure, `outcome` being what the engine should report."""

    handle: str
    kind: FaultKind
    outcome: str
    status: int = 200
    headers: Mapping[str, str] = field(default_factory=dict)
    body: str = ""


@dataclass(frozen=True)
class HandlesWorld:
    profiles: tuple[Profile, ...]
    faults: tuple[FaultSpec, ...]


def load_platform_specs(path: Path | None = None) -> tuple[PlatformSpec, ...]:
    """The platforms of a definitions file (default: the shipped config/platforms.json)."""
    path = path or shipped_config_dir() / PLATFORMS_FILE_NAME
    raw = json.loads(path.read_text(encoding="utf-8"))
    try:
        return tuple(PlatformSpec.parse(item) for item in raw["platforms"])
    except (KeyError, TypeError) as exc:
        raise HandlesWorldError(f"{path}: cannot serve a platform definition: {exc!r}") from exc


def load_handles_world(path: Path | None = None) -> HandlesWorld:
    path = path or HANDLES_WORLD_PATH
    raw = json.loads(path.read_text(encoding="utf-8"))
    try:
        profiles = tuple(
            Profile(
                platform=item["platform"],
                handle=item["handle"],
                name=item["name"],
                bio=item.get("bio", ""),
                links=tuple(item.get("links", ())),
                phone=item.get("phone"),
            )
            for item in raw["profiles"]
        )
        faults = tuple(
            FaultSpec(
                handle=item["handle"],
                kind=item["kind"],
                outcome=item["outcome"],
                status=item.get("status", 200),
                headers=dict(item.get("headers", {})),
                body=item.get("body", ""),
            )
            for item in raw["faults"]
        )
    except (KeyError, TypeError) as exc:
        raise HandlesWorldError(f"{path}: {exc!r}") from exc
    for fault in faults:
        if fault.kind not in ("status", "hang", "login_wall"):
            raise HandlesWorldError(f"{path}: fault {fault.handle!r} has an unknown kind {fault.kind!r}")
    return HandlesWorld(profiles, faults)


# -- answers ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes

    @classmethod
    def of(
        cls, status: int, body: str | bytes = b"", content_type: str | None = HTML, **headers: str
    ) -> Answer:
        data = body.encode("utf-8") if isinstance(body, str) else body
        pairs = [(name.replace("_", "-").lower(), value) for name, value in headers.items()]
        if content_type and (data or status not in (204, 304)):
            pairs.insert(0, ("content-type", content_type))
        return cls(status, tuple(pairs), data)

    @classmethod
    def json(cls, status: int, payload: Any, content_type: str = JSON_TYPE) -> Answer:
        return cls.of(status, json.dumps(payload, ensure_ascii=False, separators=(",", ":")), content_type)


@dataclass(frozen=True)
class Request:
    """What an answer may depend on besides the handle: the host and path asked for."""

    host: str
    path: str


def _number(seed: str, digits: int) -> int:
    """A stable fake id for a handle, so the same profile always has the same ids."""
    value = int.from_bytes(hashlib.sha256(seed.encode("utf-8")).digest()[:8], "big")
    low: int = 10 ** (digits - 1)
    return low + value % (9 * low)


def _did(handle: str) -> str:
    alphabet = "abcdefghijklmnopqrstuvwxyz234567"
    digest = hashlib.sha256(handle.encode("utf-8")).digest()
    return "did:plc:" + "".join(alphabet[byte % 32] for byte in digest[:24])


def _location(target: str, request: Request) -> str:
    """A Location header holding `target` (a `redirect_to` substring): absolute, on the platform's host."""
    if target.startswith(("http://", "https://")):
        return target
    if target.startswith("/"):
        return f"https://{request.host}{target}"
    first = target.split("/", 1)[0]
    if "." in first and "?" not in first:  # a host name: "consent.youtube.com", "ko-fi.com/art"
        return f"https://{target}" if "/" in target else f"https://{target}/"
    return f"https://{request.host}/{target}"


def _with_next(location: str, request: Request) -> str:
    return f"{location}{'&' if '?' in location else '?'}next={quote(request.path, safe='')}"


def _set_path(document: dict[str, Any], dotted: str, value: Any) -> None:
    parts = [part for part in dotted.split(".") if part]
    node = document
    for part in parts[:-1]:
        child = node.get(part)
        if not isinstance(child, dict):
            child = node[part] = {}
        node = child
    if parts:
        node[parts[-1]] = value


def _links_text(profile: Profile) -> str:
    """The bio with the links written out, as a free-text field shows them."""
    return " ".join(part for part in (profile.bio, *profile.links) if part)


def _page(title: str, body: str, head_extra: str = "") -> str:
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"{title}\n{head_extra}</head>\n<body>\n{body}\n</body>\n</html>\n"
    )


def _marker_block(markers: Iterable[str]) -> str:
    """Signal strings, verbatim: the definitions match raw bytes, so they must not be escaped."""
    return "".join(f'<div class="signal" hidden>{marker}</div>\n' for marker in markers)


def profile_page(platform: PlatformSpec, profile: Profile, markers: Iterable[str] = ()) -> str:
    """A plain profile page: name, bio, phone and outbound links as anchors."""
    name, handle = html.escape(profile.name), html.escape(profile.handle)
    title = f"<title>{name} (@{handle}) • {html.escape(platform.label)}</title>"
    canonical = html.escape(platform.profile_url_for(profile.handle), quote=True)
    head = (
        f'<meta property="og:title" content="{name}">\n'
        f'<meta property="og:url" content="{canonical}">\n'
        f'<link rel="canonical" href="{canonical}">\n'
    )
    links = "".join(
        f'<li><a href="{html.escape(link, quote=True)}" rel="me nofollow noopener" target="_blank">'
        f"{html.escape(link)}</a></li>\n"
        for link in profile.links
    )
    phone = f'<p class="phone">{html.escape(profile.phone)}</p>\n' if profile.phone else ""
    body = (
        f'<main class="profile">\n<h1>{name}</h1>\n<p class="handle">@{handle}</p>\n'
        f'<p class="bio">{html.escape(profile.bio)}</p>\n{phone}<ul class="links">\n{links}</ul>\n</main>\n'
        + _marker_block(markers)
    )
    return _page(title, body, head)


def _missing_page(platform: PlatformSpec, markers: tuple[str, ...]) -> str:
    title_markers = [marker for marker in markers if marker.lstrip().lower().startswith("<title")]
    title = (
        title_markers[0]
        if title_markers
        else f"<title>Page not found • {html.escape(platform.label)}</title>"
    )
    rest = [marker for marker in markers if marker not in title_markers]
    return _page(title, "<main><h1>Page not found</h1></main>\n" + _marker_block(rest))


# -- generic answers, from the signals --------------------------------------------------------------------


def _redirect_answer(signal: SignalSpec, request: Request, *, login: bool = False) -> Answer:
    """A redirect whose Location holds the signal's first `redirect_to`; a login wall says where to return."""
    status = next((code for code in signal.statuses if 300 <= code < 400), 302)
    location = _location(signal.redirect_to[0], request)
    if login:
        location = _with_next(location, request)
    moved = f'Object moved to <a href="{html.escape(location, quote=True)}">here</a>.'
    return Answer.of(status, moved, HTML, location=location)


def _json_document(signal: SignalSpec, handle: str, base: dict[str, Any] | None = None) -> dict[str, Any]:
    document = dict(base or {})
    if signal.json_path_present:
        _set_path(document, signal.json_path_present, handle)
    for path, value in signal.json_path_equals.items():
        _set_path(document, path, value)
    if signal.body_contains:  # as a string value: a marker with quotes would come out escaped
        document.setdefault("message", signal.body_contains[0])
    return document


def generic_exists(platform: PlatformSpec, profile: Profile, role: Role, request: Request) -> Answer:
    signal = platform.exists if role == "probe" else SignalSpec(statuses=(200,))
    status = signal.statuses[0] if signal.statuses else 200
    if signal.redirect_to:
        return _redirect_answer(signal, request)
    as_json = signal.wants_json or (
        platform.links_from == "json" and (role == "links" or platform.links_url is None)
    )
    if not as_json:
        return Answer.of(status, profile_page(platform, profile, signal.body_contains[:1]))
    document: dict[str, Any] = {"username": profile.handle, "name": profile.name, "bio": profile.bio}
    if platform.links_json_paths:
        _set_path(document, platform.links_json_paths[0], _links_text(profile))
    return Answer.json(status, _json_document(signal, profile.handle, document))


def generic_absent(platform: PlatformSpec, handle: str, role: Role, request: Request) -> Answer:
    if role == "links":
        if platform.links_from == "json":
            return Answer.json(404, {"error": "Not Found"})
        return Answer.of(404, _missing_page(platform, ()))
    signal = platform.absent
    if signal.redirect_to:
        return _redirect_answer(signal, request)
    status = signal.statuses[0] if signal.statuses else 404
    if signal.wants_json:
        return Answer.json(status, _json_document(signal, handle, {"error": "not found"}))
    return Answer.of(status, _missing_page(platform, signal.body_contains[:1]))


def login_wall_answer(platform: PlatformSpec, request: Request) -> Answer:
    """The platform's own login wall; a plain redirect to /login for a platform that defines none."""
    signal = platform.login_wall
    if signal is None:
        location = _with_next(f"https://{request.host}{DEFAULT_LOGIN_PATH}", request)
        return Answer.of(302, "", HTML, location=location)
    if signal.redirect_to:
        return _redirect_answer(signal, request, login=True)
    status = signal.statuses[0] if signal.statuses else 200
    markers = signal.body_contains[:1]
    return Answer.of(status, _page(markers[0] if markers else "<title>Log in</title>", "<form>Log in</form>"))


# -- shaped answers: the real documents of the platforms that speak JSON (or RSS) --------------------------

Shape = Callable[[Profile], Answer]
AbsentShape = Callable[[str], Answer]


def _instagram(profile: Profile) -> Answer:
    user_id = str(_number("instagram:" + profile.handle, 11))
    bio_links = [
        {
            "title": "",
            "lynx_url": f"https://l.instagram.com/?u={quote(link, safe='')}",
            "url": link,
            "link_type": "external",
        }
        for link in profile.links
    ]
    user = {
        "biography": profile.bio,
        "bio_links": bio_links,
        "external_url": profile.links[0] if profile.links else None,
        "full_name": profile.name,
        "id": user_id,
        "is_business_account": profile.phone is not None,
        "business_phone_number": profile.phone or "",
        "business_category_name": "Local business" if profile.phone else None,
        "is_private": False,
        "is_verified": False,
        "profile_pic_url": f"https://scontent.cdninstagram.com/v/t51.2885-19/{user_id}_n.jpg",
        "username": profile.handle,
        "edge_followed_by": {"count": _number("followers:" + profile.handle, 3)},
        "edge_follow": {"count": _number("follows:" + profile.handle, 2)},
    }
    return Answer.json(200, {"data": {"user": user}, "status": "ok"})


def _tiktok(profile: Profile) -> Answer:
    url = f"https://www.tiktok.com/@{profile.handle}"
    embed = (
        f'<blockquote class="tiktok-embed" cite="{url}" data-unique-id="{profile.handle}" '
        'data-embed-type="creator" style="max-width: 780px; min-width: 288px;" > <section> '
        f'<a target="_blank" href="{url}?refer=creator_embed">@{profile.handle}</a> </section> </blockquote> '
        '<script async src="https://www.tiktok.com/embed.js"></script>'
    )
    payload = {
        "version": "1.0",
        "type": "rich",
        "title": profile.name,
        "author_url": url,
        "author_name": profile.name,
        "width": "100%",
        "height": "100%",
        "html": embed,
        "provider_url": "https://www.tiktok.com",
        "provider_name": "TikTok",
    }
    return Answer.json(200, payload)


def _x_taken(profile: Profile) -> Answer:
    return Answer.json(
        200,
        {
            "valid": False,
            "reason": "taken",
            "msg": "Username has already been taken",
            "desc": "That username has been taken. Please choose another.",
        },
    )


def _bluesky(profile: Profile) -> Answer:
    return Answer.json(200, {"did": _did(profile.handle.lower())})


def _bluesky_profile(profile: Profile) -> Answer:
    handle = f"{profile.handle.lower()}.bsky.social"
    payload = {
        "did": _did(profile.handle.lower()),
        "handle": handle,
        "displayName": profile.name,
        "description": "\n".join(part for part in (profile.bio, *profile.links) if part),
        "avatar": f"https://cdn.bsky.app/img/avatar/plain/{_did(profile.handle.lower())}/sandbox@jpeg",
        "associated": {"lists": 0, "feedgens": 0, "starterPacks": 0, "labeler": False},
        "labels": [],
        "createdAt": "2024-02-06T09:00:00.000Z",
        "indexedAt": "2024-02-06T09:00:00.000Z",
        "followersCount": _number("followers:" + handle, 3),
        "followsCount": _number("follows:" + handle, 2),
        "postsCount": _number("posts:" + handle, 2),
    }
    return Answer.json(200, payload)


def _webfinger(profile: Profile) -> Answer:
    page = f"https://mastodon.social/@{profile.handle}"
    actor = f"https://mastodon.social/users/{profile.handle}"
    payload = {
        "subject": f"acct:{profile.handle}@mastodon.social",
        "aliases": [page, actor],
        "links": [
            {"rel": "http://webfinger.net/rel/profile-page", "type": "text/html", "href": page},
            {"rel": "self", "type": "application/activity+json", "href": actor},
            {
                "rel": "http://ostatus.org/schema/1.0/subscribe",
                "template": "https://mastodon.social/authorize_interaction?uri={uri}",
            },
        ],
    }
    return Answer.json(200, payload, "application/jrd+json; charset=utf-8")


def _mastodon_field(link: str) -> dict[str, Any]:
    scheme, _, rest = link.partition("://")
    shown = (
        f'<a href="{html.escape(link, quote=True)}" target="_blank" '
        'rel="nofollow noopener noreferrer me" translate="no">'
        f'<span class="invisible">{html.escape(scheme)}://</span><span class="">{html.escape(rest)}</span>'
        '<span class="invisible"></span></a>'
    )
    return {"name": "Site", "value": shown, "verified_at": "2026-01-10T08:00:00.000+00:00"}


def _mastodon_account(profile: Profile) -> Answer:
    account_id = str(_number("mastodon:" + profile.handle, 18))
    payload = {
        "id": account_id,
        "username": profile.handle,
        "acct": profile.handle,
        "display_name": profile.name,
        "locked": False,
        "bot": False,
        "discoverable": True,
        "group": False,
        "created_at": "2024-02-01T00:00:00.000Z",
        "note": f"<p>{html.escape(profile.bio)}</p>" if profile.bio else "",
        "url": f"https://mastodon.social/@{profile.handle}",
        "uri": f"https://mastodon.social/users/{profile.handle}",
        "avatar": "https://files.mastodon.social/accounts/avatars/sandbox.png",
        "header": "https://files.mastodon.social/accounts/headers/sandbox.png",
        "followers_count": _number("followers:" + profile.handle, 3),
        "following_count": _number("following:" + profile.handle, 2),
        "statuses_count": _number("statuses:" + profile.handle, 3),
        "last_status_at": "2026-03-01",
        "emojis": [],
        "fields": [_mastodon_field(link) for link in profile.links],
    }
    return Answer.json(200, payload)


def _github(profile: Profile) -> Answer:
    login = profile.handle
    user_id = _number("github:" + login.lower(), 9)
    api = f"https://api.github.com/users/{login}"
    payload = {
        "login": login,
        "id": user_id,
        "node_id": f"U_kgDO{user_id}",
        "avatar_url": f"https://avatars.githubusercontent.com/u/{user_id}?v=4",
        "gravatar_id": "",
        "url": api,
        "html_url": f"https://github.com/{login}",
        "followers_url": f"{api}/followers",
        "repos_url": f"{api}/repos",
        "type": "User",
        "user_view_type": "public",
        "site_admin": False,
        "name": profile.name,
        "company": None,
        "blog": profile.links[0] if profile.links else "",
        "location": None,
        "email": None,
        "hireable": None,
        "bio": profile.bio or None,
        "twitter_username": None,
        "public_repos": _number("repos:" + login, 1),
        "public_gists": 0,
        "followers": _number("followers:" + login, 2),
        "following": 0,
        "created_at": "2019-04-02T08:00:00Z",
        "updated_at": "2026-01-15T10:00:00Z",
    }
    return Answer.json(200, payload)


def _reddit(profile: Profile) -> Answer:
    name = profile.handle
    subreddit = {
        "display_name": f"u_{name}",
        "display_name_prefixed": f"u/{name}",
        "title": profile.name,
        "public_description": _links_text(profile),
        "subreddit_type": "user",
        "url": f"/user/{name}/",
        "over_18": False,
    }
    data = {
        "is_employee": False,
        "has_verified_email": True,
        "hide_from_robots": False,
        "id": f"{_number('reddit:' + name.lower(), 9):x}",
        "name": name,
        "created": 1577836800.0,
        "created_utc": 1577836800.0,
        "link_karma": _number("link:" + name, 2),
        "comment_karma": _number("comment:" + name, 3),
        "total_karma": _number("total:" + name, 3),
        "icon_img": "https://www.redditstatic.com/avatars/defaults/v2/avatar_default_1.png",
        "is_gold": False,
        "is_mod": False,
        "verified": True,
        "subreddit": subreddit,
    }
    return Answer.json(200, {"kind": "t2", "data": data})


def _kick(profile: Profile) -> Answer:
    channel_id = _number("kick:" + profile.handle, 7)
    user = {
        "id": channel_id + 1,
        "username": profile.name,
        "agreed_to_terms": True,
        "bio": _links_text(profile),
        "country": None,
        "city": None,
        "instagram": "",
        "twitter": "",
        "youtube": "",
        "discord": "",
        "tiktok": "",
        "facebook": "",
        "profile_pic": None,
    }
    payload = {
        "id": channel_id,
        "user_id": channel_id + 1,
        "slug": profile.handle.lower().replace("_", "-"),
        "is_banned": False,
        "playback_url": None,
        "vod_enabled": True,
        "subscription_enabled": False,
        "followers_count": _number("followers:" + profile.handle, 3),
        "livestream": None,
        "verified": False,
        "user": user,
    }
    return Answer.json(200, payload)


def _substack(profile: Profile) -> Answer:
    payload = {
        "id": _number("substack:" + profile.handle, 8),
        "name": profile.name,
        "handle": profile.handle,
        "previous_name": None,
        "photo_url": "https://substackcdn.com/image/fetch/sandbox.png",
        "bio": _links_text(profile),
        "profile_set_up_at": "2024-05-01T10:00:00.000Z",
        "primaryPublication": None,
        "publicationUsers": [],
    }
    return Answer.json(200, payload)


def _twitch_taken(profile: Profile) -> Answer:
    return Answer.of(200, b"", None)


def _medium_feed(profile: Profile) -> Answer:
    link = f"https://medium.com/@{profile.handle}?source=rss-{profile.handle}------2"
    feed = (
        '<?xml version="1.0" encoding="UTF-8"?><rss xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:atom="http://www.w3.org/2005/Atom" '
        'version="2.0"><channel>'
        f"<title><![CDATA[Stories by {profile.name} on Medium]]></title>"
        f"<description><![CDATA[Stories by {profile.name} on Medium]]></description>"
        f"<link>{html.escape(link)}</link><generator>Medium</generator>"
        "<lastBuildDate>Sun, 01 Mar 2026 09:00:00 GMT</lastBuildDate>"
        f'<atom:link href="https://medium.com/@{profile.handle}/feed" rel="self" type="application/rss+xml"/>'
        "</channel></rss>"
    )
    return Answer.of(200, feed, "text/xml; charset=UTF-8")


EXISTS_SHAPES: dict[tuple[str, Role], Shape] = {
    ("instagram", "probe"): _instagram,
    ("tiktok", "probe"): _tiktok,
    ("x", "probe"): _x_taken,
    ("bluesky", "probe"): _bluesky,
    ("bluesky", "links"): _bluesky_profile,
    ("mastodon", "probe"): _webfinger,
    ("mastodon", "links"): _mastodon_account,
    ("github", "probe"): _github,
    ("reddit", "probe"): _reddit,
    ("kick", "probe"): _kick,
    ("substack", "probe"): _substack,
    ("twitch", "probe"): _twitch_taken,
    ("medium", "probe"): _medium_feed,
}

ABSENT_SHAPES: dict[tuple[str, Role], AbsentShape] = {
    ("instagram", "probe"): lambda handle: Answer.json(404, {"message": "", "status": "fail"}),
    ("tiktok", "probe"): lambda handle: Answer.json(
        400, {"code": 400, "message": "Something went wrong", "status_msg": "Something went wrong"}
    ),
    ("x", "probe"): lambda handle: Answer.json(
        200, {"valid": True, "reason": "available", "msg": "Available!", "desc": "Available!"}
    ),
    ("bluesky", "probe"): lambda handle: Answer.json(
        400, {"error": "InvalidRequest", "message": "Unable to resolve handle"}
    ),
    ("bluesky", "links"): lambda handle: Answer.json(
        400, {"error": "InvalidRequest", "message": "Profile not found"}
    ),
    ("mastodon", "probe"): lambda handle: Answer.of(404, b"", None),
    ("mastodon", "links"): lambda handle: Answer.json(404, {"error": "Record not found"}),
    ("github", "probe"): lambda handle: Answer.json(
        404,
        {
            "message": "Not Found",
            "documentation_url": "https://docs.github.com/rest/users/users#get-a-user",
            "status": "404",
        },
    ),
    ("reddit", "probe"): lambda handle: Answer.json(404, {"message": "Not Found", "error": 404}),
    ("kick", "probe"): lambda handle: Answer.json(404, {"message": "Not Found."}),
    ("substack", "probe"): lambda handle: Answer.json(404, {"error": "User not found"}),
    ("twitch", "probe"): lambda handle: Answer.of(204, b"", None),
}


# -- routing ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    pattern: re.Pattern[str]
    platform: PlatformSpec
    role: Role


def _split_template(template: str) -> tuple[str, str]:
    """('www.instagram.com', '/api/v1/users/web_profile_info/?username={handle}') from a URL template."""
    parts = urlsplit(template.replace("{handle}", "HANDLE"))
    host = (parts.hostname or "").lower()
    if "HANDLE".lower() in host:
        raise HandlesWorldError(f"{template}: a handle in the host name cannot be routed by the sandbox")
    rest = template.split("://", 1)[1]
    return host, rest[rest.index("/") :] if "/" in rest else "/"


def _target_pattern(target: str) -> re.Pattern[str]:
    """The request target (path and decoded query) as a regex capturing the handle."""
    pieces = target.split("{handle}")
    regex = re.escape(pieces[0])
    for index, piece in enumerate(pieces[1:]):
        regex += r"(?P<handle>[^/?&#]+)" if index == 0 else r"(?P=handle)"
        regex += re.escape(piece)
    return re.compile(regex)


def build_routes(platforms: Iterable[PlatformSpec]) -> dict[str, tuple[Route, ...]]:
    routes: dict[str, list[Route]] = {}
    for platform in platforms:
        documents: list[tuple[str, Role]] = [(platform.probe_url, "probe")]
        if platform.links_url:
            documents.append((platform.links_url, "links"))
        for template, role in documents:
            host, target = _split_template(template)
            routes.setdefault(host, []).append(Route(_target_pattern(target), platform, role))
    return {host: tuple(items) for host, items in routes.items()}


class PlatformsApp:
    """A raw ASGI app (no framework on the hot path: a thousand probes at once cost dict lookups)."""

    def __init__(self, platforms: Iterable[PlatformSpec], world: HandlesWorld) -> None:
        self.platforms = tuple(platforms)
        self.routes = build_routes(self.platforms)
        self.faults = {fault.handle.lower(): fault for fault in world.faults}
        self.profiles: dict[tuple[str, str], Profile] = {}
        for platform in self.platforms:
            existing = platform.self_test_existing
            self.profiles[(platform.id, platform.key(existing))] = Profile(platform.id, existing, existing)
        known = {platform.id: platform for platform in self.platforms}
        for profile in world.profiles:
            owner = known.get(profile.platform)
            if owner is None:
                raise HandlesWorldError(
                    f"profile {profile.handle!r} is on an unknown platform {profile.platform!r}"
                )
            self.profiles[(owner.id, owner.key(profile.handle))] = profile
        self._exists_cache: dict[tuple[str, Role, str, str], Answer] = {}

    @property
    def hosts(self) -> tuple[str, ...]:
        return tuple(sorted(self.routes))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        host = host_without_port(_header(scope, b"host"))
        query = scope["query_string"].decode("latin-1")
        target = scope["path"] + ("?" + unquote(query) if query else "")
        request = Request(host, scope["path"])
        answer = self.answer(request, target, scope["method"])
        if answer is None:  # a hang: the client's timeout ends it
            await _hang(receive)
            return
        await _send(send, answer, head=scope["method"] == "HEAD")

    def answer(self, request: Request, target: str, method: str) -> Answer | None:
        """The answer to a request, or None for a fault that hangs."""
        if method not in ("GET", "HEAD"):
            return Answer.of(405, "Method Not Allowed", "text/plain; charset=utf-8", allow="GET, HEAD")
        for route in self.routes.get(request.host, ()):
            match = route.pattern.fullmatch(target)
            if match:
                return self._answer_for(route, match["handle"], request)
        return Answer.of(404, _page("<title>404 Not Found</title>", "<h1>Not Found</h1>"))

    def _answer_for(self, route: Route, handle: str, request: Request) -> Answer | None:
        platform = route.platform
        fault = self.faults.get(handle.lower())
        if fault is not None:
            return _fault_answer(fault, platform, request)
        profile = self.profiles.get((platform.id, platform.key(handle)))
        if profile is None:
            shape = ABSENT_SHAPES.get((platform.id, route.role))
            return shape(handle) if shape else generic_absent(platform, handle, route.role, request)
        key = (platform.id, route.role, profile.handle, request.host)
        cached = self._exists_cache.get(key)
        if cached is None:
            shaped = EXISTS_SHAPES.get((platform.id, route.role))
            cached = shaped(profile) if shaped else generic_exists(platform, profile, route.role, request)
            self._exists_cache[key] = cached
        return cached


def _fault_answer(fault: FaultSpec, platform: PlatformSpec, request: Request) -> Answer | None:
    if fault.kind == "hang":
        return None
    if fault.kind == "login_wall":
        return login_wall_answer(platform, request)
    body = fault.body.replace("{host}", request.host).replace("{path}", request.path)
    headers = tuple((name.lower(), value) for name, value in fault.headers.items())
    return Answer(fault.status, headers, body.encode("utf-8"))


def _header(scope: Scope, name: bytes) -> str:
    for key, value in scope["headers"]:
        if key.lower() == name:
            return str(value.decode("latin-1"))
    return ""


async def _send(send: Send, answer: Answer, *, head: bool) -> None:
    headers = [(name.encode("latin-1"), value.encode("latin-1")) for name, value in answer.headers]
    if answer.status not in (204, 304):
        headers.append((b"content-length", str(len(answer.body)).encode("ascii")))
    await send({"type": "http.response.start", "status": answer.status, "headers": headers})
    body = b"" if head or answer.status in (204, 304) else answer.body
    await send({"type": "http.response.body", "body": body})


async def _hang(receive: Receive) -> None:
    async def disconnected() -> None:
        while (await receive())["type"] != "http.disconnect":
            pass

    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(disconnected(), HANG_SECONDS)


def _allow_status_999() -> None:
    """Let uvicorn send LinkedIn's 999: it looks reason phrases up in a table that stops at 599 (a KeyError,
    then a 500, otherwise). h11 itself accepts any status below 1000."""
    with contextlib.suppress(ImportError):
        from uvicorn.protocols.http import h11_impl

        h11_impl.STATUS_PHRASES.setdefault(999, STATUS_999_PHRASE)


def build_app(platforms_path: Path | None = None, handles_world_path: Path | None = None) -> PlatformsApp:
    return PlatformsApp(load_platform_specs(platforms_path), load_handles_world(handles_world_path))


def emulation(world: World) -> Emulation:
    """All platform hosts; `world` (shops, listings) is not needed: the handle world has its own file."""
    _allow_status_999()
    app = build_app()
    return Emulation(name="platforms", hosts=app.hosts, app=app)
