"""One config loader: shipped defaults, then the user's config file, then the environment.

Precedence is explicit so that a script can reason about it: `config/defaults.toml` (packaged), then
`$SOLOMO_CONFIG` or `--config FILE` or `<config dir>/config.toml`, then env variables (`SOLOMO_SANDBOX`,
`SOLOMO_<ID>_KEY`). Keys are read here and nowhere else, and registered with the redactor as soon as they are.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from auditor import __version__
from auditor.domains import DomainSettings, domain_settings
from auditor.http import HostLimit, HttpSettings
from auditor.paths import APP_NAME, config_dir, data_dir, shipped_config_dir
from auditor.redact import register_secret

__all__ = [
    "APP_NAME",
    "ConfigError",
    "Settings",
    "config_dir",
    "data_dir",
    "load_settings",
    "shipped_config_dir",
]


class ConfigError(Exception):
    """A config file or value that cannot be used; the message names the file and key."""


def key_env_name(provider_id: str) -> str:
    return f"SOLOMO_{provider_id.upper()}_KEY"


@dataclass(frozen=True)
class GeocoderSettings:
    name: str = "nominatim"  # "nominatim" or "ban"
    nominatim_domain: str = "nominatim.openstreetmap.org"
    ban_domain: str = "data.geopf.fr/geocodage"


@dataclass(frozen=True)
class MatchSettings:
    name_threshold: float = 80.0
    radius_m: float = 200.0
    min_signals: int = 2


@dataclass(frozen=True)
class ScoreSettings:
    w_presence: float = 0.4
    w_consistency: float = 0.4
    w_completeness: float = 0.2
    w_brand: float = 0.15
    field_weights: Mapping[str, float] = field(default_factory=dict)
    verdict_credit: Mapping[str, float] = field(default_factory=dict)
    provider_weights: Mapping[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class HandlesSettings:
    candidates_in_audit: int = 1  # name forms per platform in the full audit (declared handles always)
    max_in_flight: int = 256  # probes in flight during a handle scan
    timeout: float = 10.0  # seconds per probe


@dataclass(frozen=True)
class Settings:
    raw: Mapping[str, Any]
    http: HttpSettings
    geocoder: GeocoderSettings
    match: MatchSettings
    score: ScoreSettings
    cache_enabled: bool
    cache_ttl: float
    language: str
    default_country: str | None
    candidates_per_provider: int
    provider_timeout: float
    sandbox: str | None
    data_dir: Path
    source_files: tuple[Path, ...]
    handles: HandlesSettings = field(default_factory=HandlesSettings)
    domains: DomainSettings = field(default_factory=DomainSettings)

    def provider_settings(self, provider_id: str) -> Mapping[str, Any]:
        providers = self.raw.get("providers", {})
        table = providers.get(provider_id, {}) if isinstance(providers, Mapping) else {}
        return table if isinstance(table, Mapping) else {}

    def enabling(self, provider_ids: set[str]) -> Settings:
        """These settings with the given providers enabled (`--enable pagesjaunes`)."""
        raw = dict(self.raw)
        providers = dict(raw.get("providers", {}) or {})
        for provider_id in provider_ids:
            providers[provider_id] = {**dict(providers.get(provider_id, {}) or {}), "enabled": True}
        raw["providers"] = providers
        return replace(self, raw=raw)

    def provider_enabled(self, provider_id: str, default: bool) -> bool:
        value = self.provider_settings(provider_id).get("enabled", default)
        if not isinstance(value, bool):
            raise ConfigError(f"providers.{provider_id}.enabled must be true or false, not {value!r}")
        return value

    def provider_key(self, provider_id: str, env_name: str | None = None) -> str | None:
        """The key from env (SOLOMO_<ID>_KEY) or the config file; registered with the redactor."""
        env_name = env_name or key_env_name(provider_id)
        key = os.environ.get(env_name) or self.provider_settings(provider_id).get("key") or None
        if key is not None and not isinstance(key, str):
            raise ConfigError(f"providers.{provider_id}.key must be a string")
        if key:
            register_secret(key)
        return key or None

    @property
    def cache_dir(self) -> Path | None:
        return self.data_dir / "cache" if self.cache_enabled else None


def _merge(base: dict[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in override.items():
        if isinstance(value, Mapping) and isinstance(out.get(key), Mapping):
            out[key] = _merge(dict(out[key]), value)
        else:
            out[key] = value
    return out


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except OSError as exc:
        raise ConfigError(f"cannot read config file {path}: {exc.strerror or exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"invalid TOML in config file {path}: {exc}") from exc


class _Reader:
    """Typed access to the merged tables, with errors that name the key."""

    def __init__(self, raw: Mapping[str, Any]) -> None:
        self.raw = raw

    def table(self, name: str) -> Mapping[str, Any]:
        value = self.raw.get(name, {})
        if not isinstance(value, Mapping):
            raise ConfigError(f"[{name}] must be a table")
        return value

    def number(self, section: str, key: str, default: float, minimum: float = 0.0) -> float:
        value = self.table(section).get(key, default)
        if isinstance(value, bool) or not isinstance(value, int | float) or value < minimum:
            raise ConfigError(f"{section}.{key} must be a number ≥ {minimum:g}, not {value!r}")
        return float(value)

    def integer(self, section: str, key: str, default: int, minimum: int = 0) -> int:
        value = self.table(section).get(key, default)
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            raise ConfigError(f"{section}.{key} must be a whole number ≥ {minimum}, not {value!r}")
        return value

    def string(self, section: str, key: str, default: str) -> str:
        value = self.table(section).get(key, default)
        if not isinstance(value, str):
            raise ConfigError(f"{section}.{key} must be a string, not {value!r}")
        return value

    def weights(self, section: str, key: str) -> dict[str, float]:
        value = self.table(section).get(key, {})
        if not isinstance(value, Mapping) or not all(
            isinstance(v, int | float) and not isinstance(v, bool) and v >= 0 for v in value.values()
        ):
            raise ConfigError(f"{section}.{key} must be a table of numbers ≥ 0")
        return {str(k): float(v) for k, v in value.items()}


def _host_limits(reader: _Reader) -> dict[str, HostLimit]:
    limits: dict[str, HostLimit] = {}
    for host, table in reader.table("hosts").items():
        if not isinstance(table, Mapping):
            raise ConfigError(f'[hosts."{host}"] must be a table')
        rate = table.get("rate")
        concurrency = table.get("concurrency")
        if rate is not None and (isinstance(rate, bool) or not isinstance(rate, int | float) or rate <= 0):
            raise ConfigError(f'hosts."{host}".rate must be a number > 0 (requests per second)')
        if concurrency is not None and (
            isinstance(concurrency, bool) or not isinstance(concurrency, int) or concurrency < 1
        ):
            raise ConfigError(f'hosts."{host}".concurrency must be a whole number ≥ 1')
        limits[host.lower()] = HostLimit(
            rate=float(rate) if rate is not None else None,
            concurrency=concurrency,
        )
    return limits


def user_agent(contact: str) -> str:
    return f"solomo-auditor/{__version__} (+{contact})" if contact else f"solomo-auditor/{__version__}"


def load_settings(
    config_file: Path | None = None,
    *,
    sandbox: str | None = None,
    no_cache: bool = False,
    geocoder: str | None = None,
    extra: Mapping[str, Any] | None = None,
) -> Settings:
    """Merge defaults, the user's file and the environment into typed settings.

    `extra` is merged last (tests and `--set`-like callers); `sandbox` falls back to $SOLOMO_SANDBOX.
    """
    defaults_path = shipped_config_dir() / "defaults.toml"
    raw = _read_toml(defaults_path)
    sources = [defaults_path]
    explicit = config_file or (Path(os.environ["SOLOMO_CONFIG"]) if os.environ.get("SOLOMO_CONFIG") else None)
    user_file = explicit or config_dir() / "config.toml"
    if explicit is not None or user_file.exists():
        raw = _merge(raw, _read_toml(user_file))
        sources.append(user_file)
    if extra:
        raw = _merge(raw, extra)

    reader = _Reader(raw)
    http_table = reader.table("http")
    contact = reader.string("http", "contact", "")
    http = HttpSettings(
        user_agent=user_agent(contact),
        connect_timeout=reader.number("http", "connect_timeout", 5.0, 0.1),
        read_timeout=reader.number("http", "read_timeout", 10.0, 0.1),
        max_retries=reader.integer("http", "max_retries", 3),
        backoff_base=reader.number("http", "backoff_base", 0.5),
        backoff_max=reader.number("http", "backoff_max", 8.0),
        retry_after_cap=reader.number("http", "retry_after_cap", 30.0),
        max_in_flight=reader.integer("http", "max_in_flight", 64, 1),
        default_host_concurrency=reader.integer("http", "default_host_concurrency", 4, 1),
        max_body_bytes=reader.integer("http", "max_body_bytes", 5_000_000, 1024),
        max_redirects=reader.integer("http", "max_redirects", 5),
        ca_file=reader.string("http", "ca_file", "") or None,
        hosts=_host_limits(reader),
        shared_limits=os.environ.get("SOLOMO_SHARED_LIMITS")
        or reader.string("http", "shared_limits", "")
        or None,
    )
    del http_table
    geocoder_name = geocoder or reader.string("geocoder", "name", "nominatim")
    if geocoder_name not in ("nominatim", "ban"):
        raise ConfigError(f"geocoder.name must be 'nominatim' or 'ban', not {geocoder_name!r}")
    geo = GeocoderSettings(
        name=geocoder_name,
        nominatim_domain=reader.string("geocoder", "nominatim_domain", "nominatim.openstreetmap.org"),
        ban_domain=reader.string("geocoder", "ban_domain", "data.geopf.fr/geocodage"),
    )
    match = MatchSettings(
        name_threshold=reader.number("match", "name_threshold", 80.0),
        radius_m=reader.number("match", "radius_m", 200.0),
        min_signals=reader.integer("match", "min_signals", 2, 1),
    )
    score = ScoreSettings(
        w_presence=reader.number("score", "w_presence", 0.4),
        w_consistency=reader.number("score", "w_consistency", 0.4),
        w_completeness=reader.number("score", "w_completeness", 0.2),
        w_brand=reader.number("score", "w_brand", 0.15),
        field_weights=reader.weights("score", "field_weights"),
        verdict_credit=reader.weights("score", "verdict_credit"),
        provider_weights=reader.weights("score", "provider_weights"),
    )
    cache_table = reader.table("cache")
    cache_enabled = cache_table.get("enabled", True)
    if not isinstance(cache_enabled, bool):
        raise ConfigError("cache.enabled must be true or false")
    country = reader.string("audit", "country", "").strip().upper() or None
    sandbox_url = sandbox or os.environ.get("SOLOMO_SANDBOX") or None
    if sandbox_url is not None and not sandbox_url.startswith(("http://", "https://")):
        raise ConfigError(f"sandbox URL must start with http:// or https://, not {sandbox_url!r}")
    handles = HandlesSettings(
        candidates_in_audit=reader.integer("handles", "candidates_in_audit", 1),
        max_in_flight=reader.integer("handles", "max_in_flight", 256, 1),
        timeout=reader.number("handles", "timeout", 10.0, 0.1),
    )
    try:
        domains = domain_settings(reader.table("domains"))
    except ValueError as exc:
        raise ConfigError(str(exc)) from exc
    return Settings(
        raw=raw,
        http=http,
        geocoder=geo,
        match=match,
        score=score,
        cache_enabled=cache_enabled and not no_cache,
        cache_ttl=reader.number("cache", "ttl", 86400.0),
        language=reader.string("audit", "language", "fr"),
        default_country=country,
        candidates_per_provider=reader.integer("audit", "candidates_per_provider", 5, 1),
        provider_timeout=reader.number("audit", "provider_timeout", 30.0, 0.1),
        sandbox=sandbox_url.rstrip("/") if sandbox_url else None,
        data_dir=data_dir(),
        source_files=tuple(sources),
        handles=handles,
        domains=domains,
    )
