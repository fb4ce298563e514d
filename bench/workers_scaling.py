"""One Redis worker against two, on the same queued batch, when the per-host limits are not the bottleneck.

    .venv/bin/python bench/workers_scaling.py --shops 200

Every limited host's rate is lifted far above what the run can use, so the work (parsing, matching,
judging: CPU) is what bounds it. The batch is enqueued on Redis (db 15, flushed) with a SQLite store, then
drained by one `audit worker --burst`, and again (a fresh batch) by two at once; wall time of the draining.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from auditor.demo import DEMO_KEYS
from auditor.sandbox.process import SandboxProcess

LIFTED = "".join(
    f'[hosts."{host}"]\nrate = 10000.0\nconcurrency = 64\n'
    for host in (
        "nominatim.openstreetmap.org",
        "places.googleapis.com",
        "api.yelp.com",
        "places-api.foursquare.com",
    )
)


def _cpu_seconds(pid: int) -> float:
    """User + system CPU of a process so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--shops", type=int, default=200)
    parser.add_argument(
        "--redis", default=os.environ.get("SOLOMO_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    )
    args = parser.parse_args()
    import redis
    from batch_throughput import ROWS as SHOPS  # the same four demo shops (bench/ is on sys.path)

    with tempfile.TemporaryDirectory() as scratch, SandboxProcess(0) as sandbox:
        work = Path(scratch)
        config = work / "config.toml"
        config.write_text(LIFTED, encoding="utf-8")
        env = {
            **os.environ,
            **DEMO_KEYS,
            "SOLOMO_DATA_DIR": str(work / "data"),
            "SOLOMO_CONFIG_DIR": str(work),
        }
        base = [
            sys.executable,
            "-m",
            "auditor",
            "--sandbox",
            sandbox.url,
            "--no-cache",
            "--config",
            str(config),
        ]
        print("| workers | shops | wall s | shops/s | sandbox server CPU s |\n|---|---|---|---|---|")
        walls = {}
        for workers in (1, 2):
            redis.Redis.from_url(args.redis).flushdb()
            csv_file = work / f"shops-{workers}.csv"
            lines = ["Nom;Adresse;Code postal;Ville;Téléphone;Site web;Ref"]
            lines += [f"{SHOPS[i % len(SHOPS)]};W{workers}-{i:06d}" for i in range(args.shops)]
            csv_file.write_text("\n".join(lines) + "\n", encoding="utf-8")
            enqueue = [
                "batch",
                str(csv_file),
                "-o",
                str(work / f"out-{workers}"),
                "--enqueue",
                "--queue",
                args.redis,
            ]
            queued = subprocess.run([*base, *enqueue], env=env, capture_output=True, text=True)
            assert queued.returncode == 0, queued.stderr
            server_cpu = _cpu_seconds(sandbox.pid)
            started = time.perf_counter()
            worker = [*base, "worker", "--queue", args.redis, "--burst"]
            procs = [subprocess.Popen(worker, env=env, stderr=subprocess.DEVNULL) for _ in range(workers)]
            for proc in procs:
                proc.wait()
            walls[workers] = time.perf_counter() - started
            server_cpu = _cpu_seconds(sandbox.pid) - server_cpu
            rate = args.shops / walls[workers]
            print(f"| {workers} | {args.shops} | {walls[workers]:.1f} | {rate:.1f} | {server_cpu:.1f} |")
        print(f"\nspeed-up with two workers: {walls[1] / walls[2]:.2f}x")


if __name__ == "__main__":
    main()
