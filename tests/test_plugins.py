"""Providers arrive through the entry point group and the hook, built-ins included."""

from __future__ import annotations

from importlib.metadata import entry_points
from typing import Any

import pytest

from auditor.hookspecs import hookimpl
from auditor.models import Candidate
from auditor.plugins import ENTRY_POINT_GROUP, PluginError, load_providers
from providers.base import Provider, ProviderContext, SearchQuery

BUILT_INS = {"osm", "google_places", "yelp", "foursquare", "website"}


def test_built_ins_are_entry_points_like_any_plugin() -> None:
    names = {entry.name for entry in entry_points(group=ENTRY_POINT_GROUP)}
    assert names >= BUILT_INS
    providers = load_providers()
    assert set(providers) >= BUILT_INS
    for provider in providers.values():
        assert isinstance(provider, Provider)
        assert provider.label and provider.kind == "listing"
        assert provider.key_env is None or provider.key_env == f"SOLOMO_{provider.id.upper()}_KEY"


def test_keyed_providers_declare_their_hosts() -> None:
    for provider in load_providers().values():
        if provider.key_env:
            assert provider.hosts, f"{provider.id} must say where its key may go"


class ThirdParty(Provider):
    id = "third_party"
    label = "Third Party Maps"

    async def search(self, ctx: ProviderContext, query: SearchQuery) -> list[Candidate]:
        return []


class ThirdPartyPlugin:
    @hookimpl
    def register_providers(self, register: Any) -> None:
        register(ThirdParty())


def test_a_third_party_plugin_registers_through_the_same_hook() -> None:
    providers = load_providers(extra_plugins=(ThirdPartyPlugin(),))
    assert "third_party" in providers and set(providers) >= BUILT_INS


def test_duplicate_ids_are_refused() -> None:
    class Clash:
        @hookimpl
        def register_providers(self, register: Any) -> None:
            register(ThirdParty())
            register(ThirdParty())

    with pytest.raises(PluginError, match="third_party"):
        load_providers(extra_plugins=(Clash(),))


def test_load_plugins_env_limits_what_loads(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOLOMO_LOAD_PLUGINS", "osm,website")
    assert set(load_providers()) == {"osm", "website"}
    monkeypatch.setenv("SOLOMO_LOAD_PLUGINS", "")
    assert load_providers() == {}
