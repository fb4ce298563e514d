"""Placeholder: being written (issue 3)."""

from __future__ import annotations

from starlette.responses import PlainTextResponse

from auditor.sandbox.emulation import Emulation
from auditor.sandbox.world import World


def emulation(world: World) -> Emulation:
    return Emulation(name="platforms", hosts=(), app=PlainTextResponse("not yet", status_code=501))
