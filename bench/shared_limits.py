"""Ten processes, one host's shipped rate, on one Redis: what the host actually receives.

    .venv/bin/python bench/shared_limits.py --processes 10 --each 3        # Redis at 127.0.0.1:6379/15

Each process sends `each` requests to nominatim.openstreetmap.org (shipped limit: 1 request/second) through
the bundled sandbox, with `[http] shared_limits` on Redis; the send times of all processes are merged. The
rate the host sees is (requests - 1) / (last send - first send). The same without the shared limit shows
what ten workers would do on their own.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from auditor.sandbox.process import SandboxProcess

PROBE = (Path(__file__).resolve().parent.parent / "tests" / "test_shared_limits.py").read_text(
    encoding="utf-8"
)
PROBE = PROBE[PROBE.index('PROBE = """') + len('PROBE = """') : PROBE.index('"""\nRATE')]


def run(sandbox: str, config: Path, processes: int, each: int) -> list[float]:
    probes = [
        subprocess.Popen(
            [sys.executable, "-c", PROBE, str(config), sandbox, str(each)], stdout=subprocess.PIPE, text=True
        )
        for _ in range(processes)
    ]
    times: list[float] = []
    for probe in probes:
        out, _ = probe.communicate(timeout=3600)
        times += json.loads(out)
    return sorted(times)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--processes", type=int, default=10)
    parser.add_argument("--each", type=int, default=3)
    parser.add_argument(
        "--redis", default=os.environ.get("SOLOMO_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    )
    args = parser.parse_args()
    import redis

    redis.Redis.from_url(args.redis).flushdb()
    with tempfile.TemporaryDirectory() as scratch, SandboxProcess(0) as sandbox:
        shared = Path(scratch) / "shared.toml"
        shared.write_text(f'[http]\nshared_limits = "{args.redis}"\n', encoding="utf-8")
        alone = Path(scratch) / "alone.toml"
        alone.write_text("", encoding="utf-8")
        print("| limit | processes | requests | span s | rate the host sees |\n|---|---|---|---|---|")
        for label, config in (("shared on Redis", shared), ("per process", alone)):
            times = run(sandbox.url, config, args.processes, args.each)
            span = times[-1] - times[0]
            rate = (len(times) - 1) / span
            print(f"| {label} | {args.processes} | {len(times)} | {span:.2f} | {rate:.2f} req/s |")


if __name__ == "__main__":
    main()
