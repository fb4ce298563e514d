"""Run the sandbox as a separate process (as the demo, benchmarks and tests do) and learn its URL.

A real process rather than a thread, like scrapy's mock servers: the audit under test then talks to it over
real sockets, with nothing shared in memory.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
import threading
from types import TracebackType
from typing import IO

LISTENING = re.compile(r"listening on (http://\S+)")


class SandboxError(RuntimeError):
    pass


class SandboxProcess:
    """`with SandboxProcess(port) as sandbox: sandbox.url`; a free port when `port` is taken."""

    def __init__(self, port: int = 0, latency_ms: int = 0, startup_timeout: float = 20.0) -> None:
        self.port = port
        self.latency_ms = latency_ms
        self.startup_timeout = startup_timeout
        self.url = ""
        self.startup_error = ""
        self._process: subprocess.Popen[str] | None = None
        self._stderr: IO[str] | None = None

    @property
    def pid(self) -> int:
        """The server process's id (benchmarks read its CPU time)."""
        if self._process is None:
            raise RuntimeError("the sandbox is not running")
        return self._process.pid

    def _start(self, port: int) -> str | None:
        # stderr goes to a file, not a pipe: an unread pipe that fills up would block the server.
        stderr = tempfile.TemporaryFile("w+")  # noqa: SIM115 - outlives this call, closed in __exit__
        command = [sys.executable, "-m", "auditor.sandbox", "--port", str(port)]
        process = subprocess.Popen(
            [*command, "--latency-ms", str(self.latency_ms)], stdout=subprocess.PIPE, stderr=stderr, text=True
        )
        found: list[str] = []

        def read() -> None:
            assert process.stdout is not None
            for line in process.stdout:
                match = LISTENING.search(line)
                if match:
                    found.append(match.group(1))
                    return

        reader = threading.Thread(target=read, daemon=True)
        reader.start()
        reader.join(self.startup_timeout)
        if found:
            self._process, self._stderr = process, stderr
            return found[0]
        process.kill()
        process.wait()
        stderr.seek(0)
        self.startup_error = stderr.read()[-2000:]
        stderr.close()
        return None

    def __enter__(self) -> SandboxProcess:
        url = self._start(self.port)
        if url is None and self.port != 0:
            url = self._start(0)
        if url is None:
            raise SandboxError(f"the sandbox did not start: {self.startup_error or 'no output'}")
        self.url = url
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._process is not None:
            self._process.terminate()
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        if self._stderr is not None:
            self._stderr.close()
