"""The event loop every command runs on: uvloop where it is installed (Linux, macOS), else asyncio's own.

Why: a handle scan is a thousand small requests whose cost is mostly event-loop and HTTP bookkeeping;
uvloop takes about 0.1 ms off the ~0.7 ms of CPU each one costs (docs/performance.md). Nothing
else changes: the HTTP stack uses only the asyncio API. `SOLOMO_EVENT_LOOP=asyncio` forces the standard
loop, to rule uvloop out when chasing a bug. The commands run their coroutine with
`auditor.cli_common.run_async` (which turns a bad choice into exit code 2); workers use `run`.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

T = TypeVar("T")

ENV_VAR = "SOLOMO_EVENT_LOOP"


def loop_factory() -> Callable[[], asyncio.AbstractEventLoop] | None:
    """uvloop's loop, or None for asyncio's default; an unknown value of the variable is an error."""
    choice = os.environ.get(ENV_VAR, "auto").strip().lower() or "auto"
    if choice not in ("auto", "uvloop", "asyncio"):
        raise ValueError(f"{ENV_VAR} must be auto, uvloop or asyncio, not {choice!r}")
    if choice == "asyncio":
        return None
    try:
        import uvloop
    except ImportError:
        if choice == "uvloop":
            raise ValueError(f"{ENV_VAR}=uvloop but uvloop is not installed") from None
        return None
    factory: Callable[[], asyncio.AbstractEventLoop] = uvloop.new_event_loop
    return factory


def run(coro: Coroutine[Any, Any, T]) -> T:
    """`asyncio.run` on the chosen loop."""
    with asyncio.Runner(loop_factory=loop_factory()) as runner:
        return runner.run(coro)
