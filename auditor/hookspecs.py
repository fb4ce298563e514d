"""Plugin hooks. Built-in providers implement them exactly as a third-party package would."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:
    from providers.base import Provider

hookspec = pluggy.HookspecMarker("solomo_auditor")
hookimpl = pluggy.HookimplMarker("solomo_auditor")


@hookspec
def register_providers(register: Callable[[Provider], None]) -> None:
    """Call `register(provider)` for each provider this plugin brings."""
