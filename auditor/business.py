"""The business record: read from a TOML file or CLI options, checked before anything touches the network.

Bad input must stop the run with one line naming the field (exit code 2) rather than produce an audit of the
wrong thing, so every field is validated here, once, with the same normalisers the verdicts use.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from auditor.models import Business
from auditor.normalise.address import country_code, parse_address
from auditor.normalise.hours import parse_opening_hours
from auditor.normalise.phone import parse_phone, phone_country

KNOWN_FIELDS = (
    "name",
    "address",
    "phone",
    "website",
    "hours",
    "country",
    "city",
    "handles",
    "aliases",
    "links",
)
_LINK_ID = re.compile(r"^[a-z][a-z0-9_]*$")


class InputError(Exception):
    """Bad business input; the message is one line naming the file (if any) and the field."""


def _where(source: str | None, field: str) -> str:
    return f"{source}: {field}" if source else field


def _optional_text(data: Mapping[str, Any], key: str, source: str | None) -> str | None:
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise InputError(f"{_where(source, key)} must be text, not {type(value).__name__}")
    return value.strip() or None


def infer_country(business: Business, default: str | None = None) -> str | None:
    """The explicit country, else what the address or an international phone number says, else `default`."""
    if business.country:
        return business.country
    if business.address:
        found = parse_address(business.address).country_code
        if found:
            return found
    if business.phone and business.phone.strip().startswith(("+", "00")):
        try:
            return phone_country(parse_phone(business.phone, None))
        except ValueError:
            return default
    return default


def validate_business(
    business: Business, source: str | None = None, default_country: str | None = None
) -> None:
    """Raise InputError on the first field that cannot be audited."""
    if not business.name.strip():
        raise InputError(f"{_where(source, 'name')} is empty: give the business's name")
    if business.country is not None and country_code(business.country) is None:
        raise InputError(
            f"{_where(source, 'country')}: unknown country {business.country!r} (use an ISO code like FR)"
        )
    region = infer_country(business, default_country)
    if business.phone is not None:
        try:
            parse_phone(business.phone, region)
        except ValueError as exc:
            raise InputError(f"{_where(source, 'phone')}: {exc}") from exc
    if business.website is not None:
        parts = urlsplit(business.website if "://" in business.website else f"https://{business.website}")
        if parts.scheme not in ("http", "https") or not parts.hostname or "." not in parts.hostname:
            raise InputError(f"{_where(source, 'website')}: not a web address: {business.website!r}")
    if business.hours is not None:
        try:
            parse_opening_hours(business.hours)
        except ValueError as exc:
            raise InputError(f"{_where(source, 'hours')}: {exc}") from exc


def business_from_mapping(data: Mapping[str, Any], source: str | None = None) -> Business:
    unknown = sorted(set(data) - set(KNOWN_FIELDS))
    if unknown:
        raise InputError(
            f"{_where(source, unknown[0])}: unknown field (known fields: {', '.join(KNOWN_FIELDS)})"
        )
    name = data.get("name")
    if not isinstance(name, str) or not name.strip():
        raise InputError(f"{_where(source, 'name')} is missing or empty: give the business's name")
    handles = data.get("handles", {})
    if not isinstance(handles, Mapping) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in handles.items()
    ):
        raise InputError(f'{_where(source, "handles")} must be a table of platform = "handle"')
    aliases = data.get("aliases", [])
    if isinstance(aliases, str):
        aliases = [aliases]
    if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
        raise InputError(f"{_where(source, 'aliases')} must be a list of text values")
    links = _links(data.get("links", {}), source)
    country = _optional_text(data, "country", source)
    website = _optional_text(data, "website", source)
    if website and "://" not in website:
        website = f"https://{website}"
    return Business(
        name=name.strip(),
        address=_optional_text(data, "address", source),
        phone=_optional_text(data, "phone", source),
        website=website,
        hours=_optional_text(data, "hours", source),
        country=country_code(country) or country if country else None,
        city=_optional_text(data, "city", source),
        handles={k.strip().lower(): v.strip().lstrip("@") for k, v in handles.items()},
        aliases=tuple(a.strip() for a in aliases if a.strip()),
        links=links,
    )


def _links(value: Any, source: str | None) -> dict[str, str]:
    """`[links]`: id = "https://..." (google_review, tripadvisor, ...); only http(s) URLs."""
    if not isinstance(value, Mapping):
        raise InputError(f'{_where(source, "links")} must be a table of name = "https://..."')
    links: dict[str, str] = {}
    for key, url in value.items():
        name = str(key).strip().lower()
        if not _LINK_ID.match(name):
            raise InputError(f"{_where(source, 'links')}: {key!r} is not a link name (a-z, 0-9, _)")
        parts = urlsplit(url.strip()) if isinstance(url, str) else None
        if parts is None or parts.scheme not in ("http", "https") or not parts.hostname:
            raise InputError(f"{_where(source, 'links.' + name)}: not an http(s) URL: {url!r}")
        links[name] = url.strip()
    return links


def load_business_file(path: Path) -> Business:
    source = str(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read business file {source}: {exc.strerror or exc}") from exc
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise InputError(f"{source}: not UTF-8 text (byte {exc.start}); save it as UTF-8") from exc
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{source}: invalid TOML: {exc}") from exc
    # A file may hold the record at the top level or under [business].
    if isinstance(data.get("business"), Mapping) and "name" not in data:
        data = dict(data["business"])
    return business_from_mapping(data, source)


def looks_like_business_file(argument: str) -> bool:
    return argument.endswith(".toml") or Path(argument).is_file()
