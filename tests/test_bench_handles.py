"""bench/handles_vs_peers.py keeps working: our side of it runs here (the peers need a scratch venv and
minutes, so they are left to the benchmark itself), and must be right on every generated site."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def test_our_scan_is_right_on_every_benchmark_site_including_blocked_throttled_and_hanging(
    tmp_path: Path,
) -> None:
    options = ["--tools", "ours", "--sizes", "30", "--delays", "0", "--reps", "1", "--mixed", "--hang"]
    done = subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "handles_vs_peers.py"),
            *options,
            *("--port", str(_free_port()), "--work", str(tmp_path)),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    records = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    assert {r["sites"] for r in records} == {"30", "140mixed", "30hang"}
    for record in records:
        assert record["rc"] == 0
        assert record["correct"] == record["of"], record["wrong_examples"]
        assert record["requests"] == record["of"]  # one probe per site, no retry of a 429 or a 403
        assert record["peak_inflight"] <= 256  # [handles] max_in_flight
    # The hanging sites are cut at the set's 2 s timeout, not the server's 20 s hang.
    hang = next(r for r in records if r["sites"] == "30hang")
    assert hang["wall_s"] < 10
    assert "| 140mixed | 0 ms | ours |" in done.stdout
