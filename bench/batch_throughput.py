"""Batch throughput against the ceiling the per-host limits allow, and the memory of the whole run.

    .venv/bin/python bench/batch_throughput.py --shops 60 --latency-ms 50          # the shipped limits
    .venv/bin/python bench/batch_throughput.py --shops 400 --latency-ms 50 --nominatim-rate 20

Starts the bundled sandbox with injected latency, writes a CSV of N shops (the demo world's shops, each row
with its own reference, so every row is a distinct job), and runs `audit batch` on it (HTTP cache off) under
`/usr/bin/time -v`. The ceiling is computed from what the run actually sent: for each rate-limited host,
(its rate) / (its requests per shop); the slowest host sets the pace. Throughput is shops per second from the
first to the last, start-up excluded (the batch's own timer).
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import re
import subprocess
import sys
import tempfile
import tomllib
import urllib.request
from pathlib import Path

from auditor.demo import DEMO_KEYS
from auditor.sandbox.process import SandboxProcess

ROOT = Path(__file__).resolve().parent.parent
ROWS = [
    "Boulangerie Dupont;12 rue de la République;69002;Lyon;04 78 42 10 10;www.boulangerie-dupont.fr",
    "Le Café des Arts;5 place du Tertre;75018;Paris;01 46 06 10 10;",
    "Chez Hôte;9 place du Tertre;75018;Paris;01 46 06 20 20;",
    "Boulangerie Durand;20 rue de la République;69002;Lyon;;",
]


def limits(config_text: str) -> dict[str, float]:
    shipped = tomllib.loads((ROOT / "config" / "defaults.toml").read_text(encoding="utf-8"))
    extra = tomllib.loads(config_text)
    hosts = {**shipped.get("hosts", {})}
    for host, values in extra.get("hosts", {}).items():
        hosts[host] = {**hosts.get(host, {}), **values}
    return {host: float(v["rate"]) for host, v in hosts.items() if v.get("rate")}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--shops", type=int, default=60)
    parser.add_argument("--latency-ms", type=int, default=50)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--nominatim-rate", type=float, help="lift Nominatim's 1 request/s (shipped policy)")
    args = parser.parse_args()
    config = ""
    if args.nominatim_rate:
        config = f'[hosts."nominatim.openstreetmap.org"]\nrate = {args.nominatim_rate}\nconcurrency = 4\n'
    with (
        tempfile.TemporaryDirectory(prefix="solomo-batch-bench-") as scratch,
        SandboxProcess(0, latency_ms=args.latency_ms) as sandbox,
    ):
        work = Path(scratch)
        csv_file = work / "shops.csv"
        lines = ["Nom;Adresse;Code postal;Ville;Téléphone;Site web;Ref"]
        lines += [f"{ROWS[i % len(ROWS)]};B{i:06d}" for i in range(args.shops)]
        csv_file.write_text("\n".join(lines) + "\n", encoding="utf-8")
        (work / "config.toml").write_text(config, encoding="utf-8")
        env = {
            **os.environ,
            **DEMO_KEYS,
            "SOLOMO_DATA_DIR": str(work / "data"),
            "SOLOMO_CONFIG_DIR": str(work),
        }
        argv = [
            "/usr/bin/time", "-v", sys.executable, "-m", "auditor", "--sandbox", sandbox.url, "--no-cache",
            "--config", str(work / "config.toml"), "batch", str(csv_file), "-o", str(work / "out"),
            "--concurrency", str(args.concurrency),
        ]  # fmt: skip
        done = subprocess.run(argv, env=env, capture_output=True, text=True)
        with urllib.request.urlopen(sandbox.url + "/__sandbox/log", timeout=30) as answer:
            log = json.loads(answer.read())
    elapsed = float(re.search(r"in ([\d.]+) s; outputs", done.stderr).group(1))  # type: ignore[union-attr]
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", done.stderr).group(1)) / 1024  # type: ignore[union-attr]
    per_host = collections.Counter(entry["host"] for entry in log)
    ceilings = {
        host: rate / (per_host[host] / args.shops)
        for host, rate in limits(config).items()
        if per_host.get(host)
    }
    slowest = min(ceilings, key=lambda h: ceilings[h])
    throughput = args.shops / elapsed
    print(f"exit {done.returncode}; {args.shops} shops in {elapsed:.1f} s; max RSS {rss:.0f} MB")
    print("requests per shop: " + ", ".join(f"{h} {n / args.shops:.2f}" for h, n in per_host.most_common()))
    print(f"ceiling {ceilings[slowest]:.2f} shops/s ({slowest}); throughput {throughput:.2f} shops/s "
          f"= {100 * throughput / ceilings[slowest]:.0f} % of the ceiling")  # fmt: skip


if __name__ == "__main__":
    main()
