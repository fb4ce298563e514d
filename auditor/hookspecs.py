"""Plugin hooks. Built-in providers implement them exactly as a third-party package would."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

import pluggy

if TYPE_CHECKING:
    from providers.base import Provider

hookspec = pluggy.HookspecMarker("solomo_auditor")
hookimpl = pluggy.HookimplMarker("solomo_auditor")


@hookspec
def register_providers(register: Callable[[Provider], None]) -> None:
    """Call `register(provider)` for each provider this plugin brings."""


@hookspec
def register_platforms(register: Callable[[Mapping[str, Any]], None]) -> None:
    """Call `register(definition)` for each handle platform this plugin brings.

    A definition is one entry of the platforms data file (see config/platforms.schema.json); it is
    validated against the same schema as the shipped ones.
    """
