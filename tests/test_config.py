"""Config precedence (defaults < file < env) and errors that name the key."""

from __future__ import annotations

from pathlib import Path

import pytest

from auditor.config import ConfigError, load_settings, shipped_config_dir
from auditor.redact import redact


def test_shipped_defaults_load() -> None:
    settings = load_settings()
    assert (shipped_config_dir() / "defaults.toml").is_file()
    limit = settings.http.hosts["nominatim.openstreetmap.org"]
    assert limit.rate == 1.0 and limit.concurrency == 1
    assert settings.http.user_agent.startswith("solomo-auditor/")
    assert settings.match.radius_m == 200
    assert settings.sandbox is None


def test_user_file_overrides_defaults(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text('[match]\nradius_m = 50\n[hosts."api.yelp.com"]\nrate = 2\n', encoding="utf-8")
    settings = load_settings(path)
    assert settings.match.radius_m == 50
    assert settings.http.hosts["api.yelp.com"].rate == 2
    assert settings.http.hosts["nominatim.openstreetmap.org"].rate == 1.0  # untouched defaults kept


def test_config_dir_file_is_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOLOMO_CONFIG_DIR", str(tmp_path))
    (tmp_path / "config.toml").write_text('[audit]\nlanguage = "en"\n', encoding="utf-8")
    assert load_settings().language == "en"


@pytest.mark.parametrize(
    ("content", "key"),
    [
        ('[match]\nradius_m = "far"', "match.radius_m"),
        ("[http]\nmax_retries = -1", "http.max_retries"),
        ('[hosts."x.com"]\nrate = 0', 'hosts."x.com".rate'),
        ('[geocoder]\nname = "bing"', "geocoder.name"),
        ("[cache]\nenabled = 1", "cache.enabled"),
        ("[score]\nfield_weights = { name = -1 }", "score.field_weights"),
        ("not toml at all", "invalid TOML"),
    ],
)
def test_bad_values_name_the_key(tmp_path: Path, content: str, key: str) -> None:
    path = tmp_path / "c.toml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ConfigError, match=key.replace(".", r"\.").replace('"', '"')):
        load_settings(path)


def test_missing_explicit_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read"):
        load_settings(tmp_path / "nope.toml")


def test_keys_from_env_beat_the_file_and_are_redacted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "c.toml"
    path.write_text('[providers.yelp]\nkey = "file-key-abcdef"\n', encoding="utf-8")
    settings = load_settings(path)
    assert settings.provider_key("yelp", "SOLOMO_YELP_KEY") == "file-key-abcdef"
    monkeypatch.setenv("SOLOMO_YELP_KEY", "env-key-123456")
    assert settings.provider_key("yelp", "SOLOMO_YELP_KEY") == "env-key-123456"
    assert redact("Bearer env-key-123456 and file-key-abcdef") == "Bearer *** and ***"


def test_sandbox_from_env_and_validation(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOLOMO_SANDBOX", "http://127.0.0.1:9/")
    assert load_settings().sandbox == "http://127.0.0.1:9"
    with pytest.raises(ConfigError, match="sandbox"):
        load_settings(sandbox="127.0.0.1:9")


def test_no_cache_disables_the_cache_dir() -> None:
    assert load_settings().cache_dir is not None
    assert load_settings(no_cache=True).cache_dir is None
