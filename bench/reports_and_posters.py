"""How long reports and posters take once the audit is done.

    .venv/bin/python bench/reports_and_posters.py --posters 1000 --workers 1 2

- Posters: N one-page A4 posters of 6 codes each (6 distinct URLs per shop, as a portfolio of N shops would
  have), written to a scratch directory; wall and CPU for the whole run, with 1 process and with a pool of
  worker processes (codes are CPU-bound Python: qrcode's mask selection is most of the time).
- HTML: one audit of the demo shop against the bundled sandbox (started here), then the HTML report rendered
  from it: the first render in the process (template compiled, French catalog loaded) and the median of the
  next 50.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import statistics
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from reports.poster import render_poster
from reports.profiles import Profile


def shop_profiles(index: int) -> list[Profile]:
    place = f"ChIJsbx-Bench-{index:06d}"
    slug = f"boulangeriebench{index:06d}"
    links = [
        ("google_review", "google", "Google", f"https://search.google.com/local/writereview?placeid={place}"),
        ("google", "google", "Google", f"https://maps.google.com/?cid={4815162342000000 + index}"),
        ("website", "website", "Website", f"https://www.{slug}.fr"),
        ("instagram", "instagram", "Instagram", f"https://www.instagram.com/{slug}/"),
        ("facebook", "facebook", "Facebook", f"https://www.facebook.com/{slug}"),
        ("yelp_review", "yelp", "Yelp", f"https://www.yelp.com/writeareview/biz/sbx{index:018d}"),
    ]
    actions = ("review", "listing", "website", "follow", "follow", "review")
    return [Profile(*link, action) for link, action in zip(links, actions, strict=True)]  # type: ignore[arg-type]


def render_range(start: int, stop: int, out_dir: str) -> int:
    for index in range(start, stop):
        pdf = render_poster(f"Boulangerie Bench n°{index}", shop_profiles(index), size="a4", language="fr")
        Path(out_dir, f"poster-{index:06d}.pdf").write_bytes(pdf)
    return stop - start


def cpu_seconds() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def bench_posters(count: int, workers: int) -> tuple[float, float, int]:
    with tempfile.TemporaryDirectory(prefix="solomo-posters-") as out_dir:
        cpu, started = cpu_seconds(), time.perf_counter()
        if workers == 1:
            render_range(0, count, out_dir)
        else:
            chunk = max(1, count // (workers * 8))
            with ProcessPoolExecutor(workers) as pool:
                futures = [
                    pool.submit(render_range, start, min(count, start + chunk), out_dir)
                    for start in range(0, count, chunk)
                ]
                assert sum(f.result() for f in futures) == count
        wall = time.perf_counter() - started
        size = sum(p.stat().st_size for p in Path(out_dir).iterdir())
        return wall, cpu_seconds() - cpu, size


def bench_html(runs: int) -> tuple[float, float, int]:
    from audit_latency import FULL  # the same demo shop as the latency benchmark (bench/ is on sys.path)

    from auditor.config import load_settings
    from auditor.demo import DEMO_KEYS
    from auditor.engine import run_audit
    from auditor.sandbox.process import SandboxProcess
    from reports.html_report import render_html

    os.environ.update(DEMO_KEYS)
    with tempfile.TemporaryDirectory() as scratch, SandboxProcess(0) as sandbox:
        os.environ["SOLOMO_DATA_DIR"] = scratch
        settings = load_settings(None, sandbox=sandbox.url, no_cache=True)
        report = asyncio.run(run_audit(FULL, settings))
    started = time.perf_counter()
    html = render_html(report, language="fr")
    first = time.perf_counter() - started
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        render_html(report, language="fr")
        times.append(time.perf_counter() - started)
    return first, statistics.median(times), len(html)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--posters", type=int, default=1000)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, os.cpu_count() or 1])
    parser.add_argument("--html-runs", type=int, default=50)
    args = parser.parse_args()
    print("| what | workers | wall s | CPU s | per item | output |\n|---|---|---|---|---|---|")
    for workers in args.workers:
        wall, cpu, size = bench_posters(args.posters, workers)
        print(
            f"| {args.posters} A4 posters × 6 codes | {workers} | {wall:.1f} | {cpu:.1f} | "
            f"{1000 * wall / args.posters:.1f} ms wall | {size / args.posters / 1024:.0f} KB per PDF |"
        )
    first, median, length = bench_html(args.html_runs)
    print(f"| HTML report, first in the process | 1 | {first:.3f} | | | {length / 1024:.0f} KB |")
    print(f"| HTML report, median of {args.html_runs} next | 1 | {median:.3f} | | | |")


if __name__ == "__main__":
    main()
