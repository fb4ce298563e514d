"""The plugin manager: every provider, built-in or not, arrives through the `solomo_auditor.providers` entry
point group and the `register_providers` hook, so the built-ins prove the interface third parties use.

`SOLOMO_LOAD_PLUGINS` (comma-separated entry-point names; empty for none) limits what loads, as
`LLM_LOAD_PLUGINS` does in simonw/llm: handy to debug a broken plugin or to run with a chosen set.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from functools import lru_cache
from importlib.metadata import entry_points
from types import ModuleType
from typing import TYPE_CHECKING, Any

import pluggy

from auditor import hookspecs

if TYPE_CHECKING:
    from providers.base import Provider

ENTRY_POINT_GROUP = "solomo_auditor.providers"


class PluginError(Exception):
    """A plugin that cannot be loaded or registers something invalid."""


def _plugin_manager(extra_plugins: tuple[ModuleType | object, ...] = ()) -> pluggy.PluginManager:
    pm = pluggy.PluginManager("solomo_auditor")
    pm.add_hookspecs(hookspecs)
    allowed = os.environ.get("SOLOMO_LOAD_PLUGINS")
    wanted = None if allowed is None else {name.strip() for name in allowed.split(",") if name.strip()}
    for entry in entry_points(group=ENTRY_POINT_GROUP):
        if wanted is not None and entry.name not in wanted:
            continue
        try:
            plugin = entry.load()
        except Exception as exc:  # a broken third-party plugin must not take the tool down silently
            raise PluginError(f"plugin {entry.name!r} ({entry.value}) failed to load: {exc}") from exc
        if pm.is_registered(plugin):
            continue
        pm.register(plugin, name=entry.name)
    for plugin in extra_plugins:
        pm.register(plugin)
    return pm


def load_providers(extra_plugins: tuple[ModuleType | object, ...] = ()) -> dict[str, Provider]:
    """Every registered provider by id. Duplicate ids are an error, not a silent pick."""
    found: dict[str, Provider] = {}

    def register(provider: Provider) -> None:
        provider_id = getattr(provider, "id", None)
        if not isinstance(provider_id, str) or not provider_id:
            raise PluginError(f"{provider!r} has no id")
        if provider_id in found:
            raise PluginError(f"two plugins register a provider with id {provider_id!r}")
        found[provider_id] = provider

    _plugin_manager(extra_plugins).hook.register_providers(register=register)
    return found


def load_platform_definitions(extra_plugins: tuple[ModuleType | object, ...] = ()) -> list[Mapping[str, Any]]:
    """Handle-platform definitions that plugins register (validated later, with the shipped ones)."""
    found: list[Mapping[str, Any]] = []
    _plugin_manager(extra_plugins).hook.register_platforms(register=found.append)
    return found


@lru_cache(maxsize=1)
def default_providers() -> dict[str, Provider]:
    return load_providers()
