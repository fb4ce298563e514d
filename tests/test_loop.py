"""The event loop the commands run on (auditor/loop.py): uvloop where installed, asyncio's on request."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys

import pytest

from auditor.cli_common import run_async
from auditor.loop import ENV_VAR, loop_factory


async def _loop_module() -> str:
    return type(asyncio.get_running_loop()).__module__


def test_the_commands_run_on_uvloop_when_it_is_installed(monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("uvloop", reason="uvloop does not build on this platform (Windows, PyPy)")
    monkeypatch.delenv(ENV_VAR, raising=False)
    assert run_async(_loop_module()).startswith("uvloop")


def test_the_variable_forces_the_standard_loop(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV_VAR, "asyncio")
    assert loop_factory() is None
    assert run_async(_loop_module()).startswith("asyncio")


def test_a_bad_loop_choice_is_bad_input_with_exit_code_2() -> None:
    done = subprocess.run(
        # A closed port for the sandbox: should the check regress, nothing reaches the real web.
        [sys.executable, "-m", "auditor", "--sandbox", "http://127.0.0.1:9", "handles", "--handle", "dupont"],
        capture_output=True,
        text=True,
        env={**os.environ, ENV_VAR: "tokio"},
        timeout=60,
    )
    assert done.returncode == 2, done.stderr
    assert "SOLOMO_EVENT_LOOP must be auto, uvloop or asyncio, not 'tokio'" in done.stderr
    assert "Traceback" not in done.stderr
