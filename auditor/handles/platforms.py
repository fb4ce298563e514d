"""Platform definitions as typed, precompiled values.

The definitions are data (config/platforms.json, a user's extra files, plugins), validated once against
config/platforms.schema.json when loaded. Everything a check needs on its hot path is prepared here: regexes
compiled, signal strings lower-cased and encoded, JSON paths split, so that one check costs string searches
and no parsing of the definition.

Matching semantics (the schema's "signal" description, applied to block signatures too): every property
given must hold (AND); within a list, any item (OR); within an object (`json_path_equals`,
`header_contains`), every entry (AND). Body strings match ASCII-case-insensitively on the raw bytes.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, cast
from urllib.parse import quote, urlsplit

import fastjsonschema

from auditor.paths import shipped_config_dir

if TYPE_CHECKING:
    import jsonschema

HandleCase = Literal["insensitive", "lower", "sensitive"]
LinkFormat = Literal["html", "json", "text"]
JsonPath = tuple[str, ...]

PLATFORMS_FILE_NAME = "platforms.json"
SCHEMA_FILE_NAME = "platforms.schema.json"
# Characters left as they are when a handle goes into a URL: all that platform rules allow in practice.
_URL_SAFE = "@.-_~"


class PlatformError(Exception):
    """A definition that cannot be used; the message names the file, the platform and the field."""


@dataclass(frozen=True)
class BodyNeedle:
    """A string to look for in a body: `needle` is what is searched, `text` what evidence quotes."""

    needle: bytes
    text: str


@dataclass(frozen=True)
class Signal:
    """What a response looks like (exists / absent / login wall), ready to match."""

    statuses: frozenset[int] = frozenset()
    body_contains: tuple[BodyNeedle, ...] = ()
    body_lacks: tuple[BodyNeedle, ...] = ()
    redirect_to: tuple[str, ...] = ()  # lower-cased substrings of Location
    json_path_present: JsonPath | None = None
    # Values may be lists or objects (unhashable): left out of eq/hash.
    json_path_equals: tuple[tuple[JsonPath, Any], ...] = field(default=(), compare=False)

    @property
    def is_empty(self) -> bool:
        return not (
            self.statuses
            or self.body_contains
            or self.body_lacks
            or self.redirect_to
            or self.json_path_present
            or self.json_path_equals
        )

    @property
    def needs_json(self) -> bool:
        return self.json_path_present is not None or bool(self.json_path_equals)


@dataclass(frozen=True)
class HandleRules:
    pattern: re.Pattern[str]  # compiled case-insensitively for an `insensitive` platform
    min_length: int
    max_length: int
    case: HandleCase = "insensitive"
    description: str | None = None

    def problem(self, handle: str) -> str | None:
        """Why `handle` cannot exist under these rules, in words; None when it can."""
        hint = f" ({self.description})" if self.description else ""
        length = len(handle)
        if length < self.min_length:
            return f"too short: {length} characters, at least {self.min_length}{hint}"
        if length > self.max_length:
            return f"too long: {length} characters, at most {self.max_length}{hint}"
        if self.pattern.fullmatch(handle):
            return None
        if self.case == "sensitive" and self.pattern.fullmatch(handle.lower()):
            return f"must be lower case{hint}"
        # Only on the invalid path: which punctuation, once replaced by a letter, would make it valid.
        culprits = [
            char
            for char in dict.fromkeys(handle)
            if not (char.isascii() and char.isalnum()) and self.pattern.fullmatch(handle.replace(char, "a"))
        ]
        if culprits:
            shown = ", ".join(repr(char) for char in culprits)
            return f"{shown} not allowed{' here' if _allowed_elsewhere(self.pattern, culprits) else ''}{hint}"
        return self.description or f"does not match {self.pattern.pattern}"


def _allowed_elsewhere(pattern: re.Pattern[str], culprits: Sequence[str]) -> bool:
    """Whether the characters are valid somewhere (inside a handle), only not where they stand."""
    return all(pattern.fullmatch(f"a{char}a") is not None for char in culprits)


@dataclass(frozen=True)
class LinkSource:
    """Where an existing profile shows its outbound links."""

    url: str | None = None  # another document to read; None: the probe's own response
    format: LinkFormat | None = None  # None: from the response's content type
    json_paths: tuple[JsonPath, ...] = ()


@dataclass(frozen=True)
class Platform:
    """One platform definition, typed and precompiled. Build it with `load_platforms`."""

    id: str
    label: str
    profile_url: str
    probe_url: str
    exists: Signal
    absent: Signal
    rules: HandleRules
    self_test_existing: str
    self_test_absent: str
    method: Literal["GET", "HEAD"] = "GET"
    headers: Mapping[str, str] = field(default_factory=dict, compare=False)
    login_wall: Signal | None = None
    links: LinkSource | None = None
    major: bool = False
    signup_url: str | None = None
    protocol: str | None = None
    notes: str | None = None
    # The platform's own domain ("instagram.com", "tumblr.com" for {handle}.tumblr.com): links to it are
    # navigation, not a profile's outbound links.
    home_host: str = ""
    source: str = field(default="", compare=False)  # the file or plugin it came from, for error messages

    def canonical_handle(self, handle: str) -> str:
        """The handle as the platform itself stores it: a `lower` platform folds what people type."""
        return handle.lower() if self.rules.case == "lower" else handle

    def profile_url_for(self, handle: str) -> str:
        return _fill(self.profile_url, handle)

    def probe_url_for(self, handle: str) -> str:
        return _fill(self.probe_url, handle)

    def links_url_for(self, handle: str) -> str | None:
        if self.links is None or self.links.url is None:
            return None
        return _fill(self.links.url, handle)


@dataclass(frozen=True)
class BlockSignature:
    name: str
    body_contains: tuple[bytes, ...] = ()  # lower-cased
    header_present: tuple[str, ...] = ()  # lower-case header names
    header_contains: tuple[tuple[str, str], ...] = ()  # (lower-case name, lower-cased substring)


@dataclass(frozen=True)
class BlockSignatures:
    """Bot walls and challenge pages, recognised whatever the platform and the status."""

    signatures: tuple[BlockSignature, ...] = ()


def _fill(template: str, handle: str) -> str:
    return template.replace("{handle}", quote(handle, safe=_URL_SAFE))


# -- loading ------------------------------------------------------------------------------------------


def shipped_platforms_path() -> Path:
    return shipped_config_dir() / PLATFORMS_FILE_NAME


def load_platform_file(path: Path) -> list[Platform]:
    """The platforms of one definitions file (a partial file: the shipped file's 30-platform minimum does
    not apply to a user's or a test's own file)."""
    return load_definitions(path)[0]


def load_definitions(path: Path) -> tuple[list[Platform], BlockSignatures]:
    """The platforms and block signatures of one (partial) definitions file."""
    platforms, signatures = _read_definitions_file(path, complete=False)
    return platforms, BlockSignatures(tuple(signatures))


def parse_platform(definition: Mapping[str, Any], source: str = "platform definition") -> Platform:
    """One definition (a plugin's, say), validated against the schema's platform entry."""
    _validate("platform", definition, source, platform_index=None)
    return _platform(definition, source)


def load_platforms(
    extra_files: Sequence[Path] = (), plugin_definitions: Sequence[Mapping[str, Any]] = ()
) -> tuple[list[Platform], BlockSignatures]:
    """The shipped platforms, then those of `extra_files`, then plugins'; one id may be defined once.

    Block signatures are the shipped ones plus any an extra file brings.
    """
    platforms, signatures = _read_definitions_file(shipped_platforms_path(), complete=True)
    for path in extra_files:
        more, more_signatures = _read_definitions_file(path, complete=False)
        platforms += more
        signatures += more_signatures
    for index, definition in enumerate(plugin_definitions):
        platforms.append(parse_platform(definition, f"plugin definition #{index + 1}"))
    _refuse_duplicates(platforms)
    return platforms, BlockSignatures(tuple(signatures))


def _read_definitions_file(path: Path, *, complete: bool) -> tuple[list[Platform], list[BlockSignature]]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise PlatformError(f"cannot read platform definitions {path}: {error.strerror or error}") from None
    except ValueError as error:
        raise PlatformError(f"invalid JSON in platform definitions {path}: {error}") from None
    _validate("document" if complete else "partial", data, str(path), platform_index=0)
    platforms = [_platform(definition, str(path)) for definition in data["platforms"]]
    signatures = [_block_signature(item) for item in data.get("block_signatures", ())]
    _refuse_duplicates(platforms)
    return platforms, signatures


def _refuse_duplicates(platforms: Sequence[Platform]) -> None:
    seen: dict[str, Platform] = {}
    for platform in platforms:
        first = seen.setdefault(platform.id, platform)
        if first is not platform:
            raise PlatformError(
                f"platform {platform.id!r} is defined twice: in {first.source} and in {platform.source}"
            )


@cache
def _schema() -> dict[str, Any]:
    schema: dict[str, Any] = json.loads((shipped_config_dir() / SCHEMA_FILE_NAME).read_text(encoding="utf-8"))
    return schema


SchemaPart = Literal["document", "partial", "platform"]


@cache
def _schema_part(part: SchemaPart) -> dict[str, Any]:
    """The whole shipped document; a partial file (no 30-platform minimum, block signatures optional);
    or one platform entry (a plugin's)."""
    schema = json.loads(json.dumps(_schema()))  # a deep copy: the cached schema stays as shipped
    if part == "partial":
        schema["required"] = [name for name in schema["required"] if name != "block_signatures"]
        schema["properties"]["platforms"]["minItems"] = 1
    elif part == "platform":
        schema = {"$ref": "#/$defs/platform", "$defs": schema["$defs"]}
    return cast(dict[str, Any], schema)


@cache
def _fast_validator(part: SchemaPart) -> Callable[[Any], Any]:
    """The schema compiled to Python by fastjsonschema: about 20 times faster than jsonschema on a large
    file, which matters since every run loads the definitions. Defaults are not filled in (the loader
    applies them), so validating never changes the data. The schema uses only keywords whose meaning is
    the same in draft 7 (what fastjsonschema implements) and 2020-12."""
    return cast(Callable[[Any], Any], fastjsonschema.compile(_schema_part(part), use_default=False))


@cache
def _precise_validator(part: SchemaPart) -> jsonschema.protocols.Validator:
    import jsonschema

    return jsonschema.Draft202012Validator(_schema_part(part))


def _validate(part: SchemaPart, data: Any, source: str, *, platform_index: int | None) -> None:
    """Valid data pays only the fast check; invalid data gets jsonschema's full error list, from which
    the first in document order is reported.

    Compiling a schema costs ~20 ms, so a whole document is checked with the partial-file schema plus the
    two rules only the shipped document has (block signatures present, the platform minimum) in Python.
    """
    try:
        _fast_validator("platform" if part == "platform" else "partial")(data)
        valid = part != "document" or (
            "block_signatures" in data
            and len(data["platforms"]) >= _schema()["properties"]["platforms"]["minItems"]
        )
    except fastjsonschema.JsonSchemaException:
        valid = False
    if not valid:
        _raise_first_error(_precise_validator(part), data, source, platform_index=platform_index)
        raise PlatformError(f"{source}: does not match {SCHEMA_FILE_NAME}")


def _raise_first_error(
    validator: jsonschema.protocols.Validator, data: Any, source: str, *, platform_index: int | None
) -> None:
    """Raise for the first schema error (in document order), naming the platform and the field.

    `platform_index` is where the platform index sits in an error's path: 0 for a whole file
    (platforms[i]...), None for a lone definition.
    """
    errors = sorted(validator.iter_errors(data), key=lambda error: [_order(part) for part in error.path])
    if not errors:
        return
    error = errors[0]
    path = list(error.path)
    where = source
    if platform_index is None:
        where += f": platform {_platform_name(data)}"
    elif len(path) >= 2 and path[0] == "platforms" and isinstance(path[1], int):
        where += f": platform {_platform_name(data['platforms'][path[1]], path[1])}"
        path = path[2:]
    field_name = _dotted(path)
    raise PlatformError(
        f"{where}: {field_name}: {error.message}" if field_name else f"{where}: {error.message}"
    )


def _order(part: Any) -> tuple[int, int, str]:
    """Sort key of one error path part: list positions by number (platform #10 after #2), then names."""
    return (0, part, "") if isinstance(part, int) else (1, 0, str(part))


def _platform_name(definition: Any, index: int | None = None) -> str:
    number = f" (#{index + 1})" if index is not None else ""
    if isinstance(definition, Mapping) and isinstance(definition.get("id"), str):
        return f"{definition['id']!r}{number}"
    return f"without an id{number}"


def _dotted(path: Sequence[Any]) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


# -- conversion (after validation: the shapes are known) ---------------------------------------------

_Fail = Callable[[str, str], PlatformError]


def _platform(definition: Mapping[str, Any], source: str) -> Platform:
    platform_id = definition["id"]

    def fail(field_name: str, message: str) -> PlatformError:
        return PlatformError(f"{source}: platform {platform_id!r}: {field_name}: {message}")

    rules = _handle_rules(definition["handle_rules"], fail)
    probe = definition["probe"]
    exists = _signal(definition["exists"])
    absent = _signal(definition["absent"])
    for name, signal in (("exists", exists), ("absent", absent)):
        if signal.is_empty:
            raise fail(name, "an empty signal would match every response; give at least one property")
    login_wall = _signal(definition["login_wall"]) if "login_wall" in definition else None
    platform = Platform(
        id=platform_id,
        label=definition["label"],
        profile_url=definition["profile_url"],
        probe_url=probe["url"],
        method=probe.get("method", "GET"),
        headers=dict(probe.get("headers", {})),
        exists=exists,
        absent=absent,
        login_wall=login_wall if login_wall is not None and not login_wall.is_empty else None,
        rules=rules,
        links=_link_source(definition["links"]) if "links" in definition else None,
        self_test_existing=definition["self_test"]["existing"],
        self_test_absent=definition["self_test"]["absent"],
        major=definition.get("major", False),
        signup_url=definition.get("signup_url"),
        protocol=definition.get("protocol"),
        notes=definition.get("notes"),
        home_host=_home_host(definition["profile_url"]),
        source=source,
    )
    _check_self_test_handles(platform, fail)
    return platform


def _handle_rules(rules: Mapping[str, Any], fail: _Fail) -> HandleRules:
    case: HandleCase = rules.get("case", "insensitive")
    try:
        # An insensitive platform takes "BoulangerieDupont" as readily as "boulangeriedupont", whatever
        # case the pattern was written in.
        pattern = re.compile(rules["pattern"], re.IGNORECASE if case == "insensitive" else 0)
    except re.error as error:
        raise fail("handle_rules.pattern", f"not a valid regular expression: {error}") from None
    if rules["min_length"] > rules["max_length"]:
        raise fail("handle_rules", f"min_length {rules['min_length']} > max_length {rules['max_length']}")
    return HandleRules(
        pattern=pattern,
        min_length=rules["min_length"],
        max_length=rules["max_length"],
        case=case,
        description=rules.get("description"),
    )


def _check_self_test_handles(platform: Platform, fail: _Fail) -> None:
    for key, handle in (("existing", platform.self_test_existing), ("absent", platform.self_test_absent)):
        problem = platform.rules.problem(platform.canonical_handle(handle))
        if problem is not None:
            raise fail(f"self_test.{key}", f"{handle!r} breaks the platform's own handle rules: {problem}")


def _signal(definition: Mapping[str, Any]) -> Signal:
    present = definition.get("json_path_present")
    return Signal(
        statuses=frozenset(definition.get("status", ())),
        body_contains=tuple(_needle(text) for text in definition.get("body_contains", ())),
        body_lacks=tuple(_needle(text) for text in definition.get("body_lacks", ())),
        redirect_to=tuple(text.lower() for text in definition.get("redirect_to", ())),
        json_path_present=json_path(present) if present is not None else None,
        json_path_equals=tuple(
            (json_path(path), value) for path, value in definition.get("json_path_equals", {}).items()
        ),
    )


def _needle(text: str) -> BodyNeedle:
    return BodyNeedle(needle=_ascii_lower_bytes(text), text=text)


def _ascii_lower_bytes(text: str) -> bytes:
    """Lower-cased the way the body is (bytes.lower: ASCII only). str.lower would turn a signal's "É" into
    "é", which an ASCII-lowered body never contains."""
    return text.encode("utf-8").lower()


def json_path(dotted: str) -> JsonPath:
    return tuple(part for part in dotted.split(".") if part)


def _link_source(definition: Mapping[str, Any]) -> LinkSource:
    return LinkSource(
        url=definition.get("url"),
        format=definition.get("from"),
        json_paths=tuple(json_path(path) for path in definition.get("json_paths", ())),
    )


def _block_signature(definition: Mapping[str, Any]) -> BlockSignature:
    return BlockSignature(
        name=definition["name"],
        body_contains=tuple(_ascii_lower_bytes(text) for text in definition.get("body_contains", ())),
        header_present=tuple(name.lower() for name in definition.get("header_present", ())),
        header_contains=tuple(
            (name.lower(), value.lower()) for name, value in definition.get("header_contains", {}).items()
        ),
    )


def _home_host(profile_url: str) -> str:
    """The platform's domain from its profile URL template, without 'www.' and without a handle label."""
    template_host = urlsplit(profile_url).netloc.lower().rpartition("@")[2].partition(":")[0]
    labels = [label for label in template_host.split(".") if "{handle}" not in label]
    if labels and labels[0] == "www":
        labels = labels[1:]
    return ".".join(labels)
