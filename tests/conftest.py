"""Fixtures shared by the whole suite: an isolated environment, and the sandbox as a real server process."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.sandbox_control import SandboxControl

LISTENING_PREFIX = "SoLoMo sandbox listening on "
STARTUP_TIMEOUT_S = 20.0
SHUTDOWN_TIMEOUT_S = 10.0


@pytest.fixture(autouse=True)
def _isolated_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No test reads or writes the user's data or config, sends a real key, or follows a user's sandbox."""
    monkeypatch.setenv("SOLOMO_DATA_DIR", str(tmp_path / "solomo-data"))
    monkeypatch.setenv("SOLOMO_CONFIG_DIR", str(tmp_path / "solomo-config"))
    monkeypatch.delenv("SOLOMO_SANDBOX", raising=False)
    for name in list(os.environ):
        if name.startswith("SOLOMO_") and name.endswith("_KEY"):
            monkeypatch.delenv(name)


def _wait_for_listening_line(process: subprocess.Popen[str], timeout: float) -> str | None:
    found: list[str] = []

    def read() -> None:
        assert process.stdout is not None
        line = process.stdout.readline()
        if line.startswith(LISTENING_PREFIX):
            found.append(line[len(LISTENING_PREFIX) :].strip())

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    reader.join(timeout)
    return found[0] if found else None


def _stop(process: subprocess.Popen[str]) -> None:
    process.terminate()
    try:
        process.wait(timeout=SHUTDOWN_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    if process.stdout is not None:
        process.stdout.close()


@pytest.fixture(scope="session")
def sandbox_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`python -m auditor.sandbox --port 0` in its own process, for the whole session; yields its base URL."""
    stderr_path = tmp_path_factory.mktemp("sandbox") / "stderr.log"
    with stderr_path.open("w", encoding="utf-8") as stderr:
        process = subprocess.Popen(
            [sys.executable, "-m", "auditor.sandbox", "--port", "0"],
            stdout=subprocess.PIPE,
            stderr=stderr,
            text=True,
        )
    url = _wait_for_listening_line(process, STARTUP_TIMEOUT_S)
    if url is None:
        _stop(process)
        pytest.fail(f"the sandbox did not start: {stderr_path.read_text(encoding='utf-8')[-2000:]}")
    try:
        yield url
    finally:
        _stop(process)


@pytest.fixture
def sandbox(sandbox_server: str) -> Iterator[SandboxControl]:
    """The session's sandbox, clean at the start of the test and reset after it."""
    control = SandboxControl(sandbox_server)
    control.reset()
    try:
        yield control
    finally:
        control.reset()
