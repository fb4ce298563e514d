"""Open a local HTML file in headless Chromium and report what happened, over the DevTools protocol.

What a report test needs to know and a screenshot alone cannot tell: console errors and uncaught exceptions,
every network request the page made (a self-contained report makes none besides its own file), JavaScript
dialogs (an `alert()` that an unescaped listing name would open), and the text the page shows.
Chromium is Debian's `chromium`, started with the flags the reports issue names; `.ci/run` installs it.
"""

from __future__ import annotations

import base64
import json
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from websockets.sync.client import ClientConnection, connect

CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking")
STARTUP_TIMEOUT_S = 30.0
LOAD_TIMEOUT_S = 30.0


def chromium_path() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


@dataclass
class PageRun:
    console_errors: list[str] = field(default_factory=list)
    exceptions: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)  # every URL requested, the page's own included
    dialogs: list[str] = field(default_factory=list)
    text: str = ""
    screenshot: bytes = b""
    values: dict[str, Any] = field(default_factory=dict)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _page_websocket(port: int) -> str:
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=2) as answer:
                targets = json.loads(answer.read())
            pages = [t for t in targets if t.get("type") == "page"]
            if pages:
                return str(pages[0]["webSocketDebuggerUrl"])
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError("Chromium did not open its DevTools port")
        time.sleep(0.1)


class _Session:
    def __init__(self, ws: ClientConnection) -> None:
        self._ws = ws
        self._next = 0
        self.events: list[dict[str, Any]] = []

    def call(self, method: str, **params: Any) -> dict[str, Any]:
        self._next += 1
        ident = self._next
        self._ws.send(json.dumps({"id": ident, "method": method, "params": params}))
        deadline = time.monotonic() + LOAD_TIMEOUT_S
        while time.monotonic() < deadline:
            message = json.loads(self._ws.recv(timeout=LOAD_TIMEOUT_S))
            if message.get("id") == ident:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                result: dict[str, Any] = message.get("result", {})
                return result
            self.events.append(message)
        raise TimeoutError(method)

    def _receive(self, timeout: float) -> dict[str, Any]:
        message: dict[str, Any] = json.loads(self._ws.recv(timeout=timeout))
        self.events.append(message)
        if message.get("method") == "Page.javascriptDialogOpening":
            # An open alert() blocks the page: record it (the caller asserts there is none) and dismiss it.
            self._next += 1
            self._ws.send(
                json.dumps(
                    {"id": self._next, "method": "Page.handleJavaScriptDialog", "params": {"accept": True}}
                )
            )
        return message

    def wait_for(self, event: str, timeout: float = LOAD_TIMEOUT_S) -> None:
        if any(e.get("method") == event for e in self.events):
            return
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._receive(max(0.1, deadline - time.monotonic())).get("method") == event:
                return
        raise TimeoutError(event)

    def drain(self, seconds: float) -> None:
        """Collect what arrives for a moment longer (late requests, timers)."""
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            try:
                self._receive(left)
            except TimeoutError:
                return


def open_page(
    path: Path, *, width: int = 1280, height: int = 900, evaluate: dict[str, str] | None = None
) -> PageRun:
    """Load `path`, then evaluate each JavaScript expression of `evaluate` (name -> expression) into
    `PageRun.values`."""
    chromium = chromium_path()
    if chromium is None:
        raise RuntimeError("chromium is not installed")
    port = _free_port()
    # Chromium's helper processes may still be writing to the profile as it is removed: not our concern.
    with tempfile.TemporaryDirectory(prefix="solomo-chromium-", ignore_cleanup_errors=True) as profile:
        process = subprocess.Popen(
            [
                chromium,
                *CHROMIUM_FLAGS,
                f"--remote-debugging-port={port}",
                f"--user-data-dir={profile}",
                f"--window-size={width},{height}",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            with connect(_page_websocket(port), max_size=None, open_timeout=STARTUP_TIMEOUT_S) as ws:
                return _run(_Session(ws), path, evaluate or {})
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _run(session: _Session, path: Path, evaluate: dict[str, str]) -> PageRun:
    for domain in ("Page", "Runtime", "Log", "Network"):
        session.call(f"{domain}.enable")
    session.events.clear()
    session.call("Page.navigate", url=path.resolve().as_uri())
    session.wait_for("Page.loadEventFired")
    session.drain(0.5)
    run = PageRun()
    for event in session.events:
        method, params = event.get("method"), event.get("params", {})
        if method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
            run.console_errors.append(
                " ".join(str(a.get("value", a.get("description"))) for a in params["args"])
            )
        elif method == "Runtime.exceptionThrown":
            run.exceptions.append(str(params.get("exceptionDetails", {}).get("text")))
        elif method == "Log.entryAdded" and params.get("entry", {}).get("level") == "error":
            run.console_errors.append(str(params["entry"].get("text")))
        elif method == "Network.requestWillBeSent":
            run.requests.append(str(params["request"]["url"]))
        elif method == "Page.javascriptDialogOpening":
            run.dialogs.append(str(params.get("message")))
    evaluated = session.call("Runtime.evaluate", expression="document.body.innerText", returnByValue=True)
    run.text = str(evaluated.get("result", {}).get("value", ""))
    for name, expression in evaluate.items():
        result = session.call("Runtime.evaluate", expression=expression, returnByValue=True)
        run.values[name] = result.get("result", {}).get("value")
    metrics = session.call("Page.getLayoutMetrics")
    content = metrics.get("cssContentSize") or metrics.get("contentSize") or {}
    shot = session.call(
        "Page.captureScreenshot",
        format="png",
        captureBeyondViewport=True,
        clip={
            "x": 0,
            "y": 0,
            "width": content.get("width", 1280),
            "height": content.get("height", 900),
            "scale": 1,
        },
    )
    run.screenshot = base64.b64decode(shot["data"])
    return run
