"""Wall time of one audit against the sandbox with injected latency: concurrency should make it about one
round trip per dependent step, not the sum of all requests.

    .venv/bin/python bench/audit_latency.py --latency-ms 100 --runs 5

Prints a Markdown table: mode, requests sent, sum of their latencies (what a sequential client would wait),
median wall time, and wall time in round trips. Runs with the shipped config (Nominatim's 1 request/s policy
applies to the sandbox too, since limits are keyed by the original host) and with that one limit lifted, to
separate the policy wait from the audit's own structure.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import tempfile
import time
import urllib.request
from pathlib import Path

from auditor.config import load_settings
from auditor.engine import run_audit
from auditor.models import Business
from auditor.sandbox.process import SandboxProcess

KEYS = {
    "SOLOMO_GOOGLE_PLACES_KEY": "sandbox-bench",
    "SOLOMO_YELP_KEY": "sandbox-bench",
    "SOLOMO_FOURSQUARE_KEY": "sandbox-bench",
    "SOLOMO_TRIPADVISOR_KEY": "sandbox-bench",
    "SOLOMO_HERE_KEY": "sandbox-bench",
    "SOLOMO_TOMTOM_KEY": "sandbox-bench",
    "SOLOMO_AZURE_MAPS_KEY": "sandbox-bench",
    "SOLOMO_FACEBOOK_KEY": "sandbox-bench",
    "SOLOMO_APPLE_MAPS_KEY": "sandbox-bench",
}
FULL = Business(
    name="Boulangerie Dupont",
    address="12 rue de la République, 69002 Lyon",
    phone="04 78 42 10 10",
    website="https://www.boulangerie-dupont.fr",
    hours="Mo-Fr 07:00-19:30; Sa 07:00-13:00",
)
DISCOVERY = Business(name="Boulangerie Dupont", city="Lyon")
LIFTED = '[hosts."nominatim.openstreetmap.org"]\nrate = 1000.0\nconcurrency = 8\n'


def _control(url: str, path: str, payload: object | None = None) -> object:
    data = json.dumps(payload).encode() if payload is not None else None
    request = urllib.request.Request(
        url + path,
        data=data,
        method="POST" if data is not None else "GET",
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read() or b"null")


def measure(url: str, business: Business, config: Path | None, runs: int) -> tuple[int, list[float]]:
    settings = load_settings(config, sandbox=url, no_cache=True)
    walls: list[float] = []
    requests = 0
    for _ in range(runs):
        _control(url, "/__sandbox/reset", {})
        started = time.perf_counter()
        asyncio.run(run_audit(business, settings))
        walls.append(time.perf_counter() - started)
        log = _control(url, "/__sandbox/log")
        requests = len(log) if isinstance(log, list) else 0
    return requests, walls


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--latency-ms", type=int, default=100)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    os.environ.update(KEYS)
    scratch = Path(tempfile.mkdtemp(prefix="solomo-bench-"))
    os.environ["SOLOMO_DATA_DIR"] = str(scratch)
    os.environ["SOLOMO_CONFIG_DIR"] = str(scratch)
    lifted = scratch / "lifted.toml"
    lifted.write_text(LIFTED, encoding="utf-8")
    latency = args.latency_ms / 1000
    print(f"latency {args.latency_ms} ms per request, {args.runs} runs each, median wall\n")
    print("| audit | config | requests | sum of latencies (sequential) | wall | wall in round trips |")
    print("|---|---|---|---|---|---|")
    with SandboxProcess(0, latency_ms=args.latency_ms) as sandbox:
        for label, business in (("full record", FULL), ("discovery (name + city)", DISCOVERY)):
            for config_label, config in (
                ("shipped (Nominatim 1 req/s)", None),
                ("Nominatim limit lifted", lifted),
            ):
                requests, walls = measure(sandbox.url, business, config, args.runs)
                wall = statistics.median(walls)
                print(
                    f"| {label} | {config_label} | {requests} | {requests * latency:.2f} s | {wall:.3f} s "
                    f"| {wall / latency:.1f} |"
                )


if __name__ == "__main__":
    main()
