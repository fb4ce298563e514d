"""`audit batch`: every shop of a CSV audited through one client, as the rows stream by.

One HttpClient for the whole batch, so the per-host limits are the batch's (Nominatim's 1 request/second is
for all shops together, not each), and the HTTP cache makes a second run of the same file cheap. At most
`concurrency` shops are in flight; rows are read only as slots free up, so memory does not grow with the
file. Each finished shop's report is written atomically, then recorded in the state database; a SIGINT
stops reading, lets the shops in flight finish, and writes the outputs.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import signal
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from auditor.batch.csv_input import BadRow, Shop
from auditor.batch.outputs import write_outputs
from auditor.batch.state import BatchState
from auditor.config import Settings
from auditor.engine import every_provider_failed, make_client, run_audit
from auditor.files import write_whole
from auditor.models import FIELDS, SEVERITIES, AuditReport
from reports.json_report import render_json


@dataclass
class BatchOptions:
    out_dir: Path
    concurrency: int = 8
    html: bool = False
    brand: bool = False
    language: str = "fr"


@dataclass
class BatchResult:
    audited: int = 0  # this run
    skipped: int = 0  # already done by an earlier run
    refused: int = 0
    failed: int = 0  # audited, but every provider failed
    interrupted: bool = False
    elapsed: float = 0.0
    outputs: list[Path] = field(default_factory=list)


Progress = Callable[[BatchResult], None]


async def run_batch(
    rows: Iterator[Shop | BadRow],
    settings: Settings,
    state: BatchState,
    options: BatchOptions,
    progress: Progress | None = None,
) -> BatchResult:
    result = BatchResult()
    started = time.monotonic()
    reports_dir = options.out_dir / "reports"
    reports_dir.mkdir(parents=True, exist_ok=True)
    state.start_run()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    with contextlib.suppress(NotImplementedError, RuntimeError):  # not the main thread (tests), Windows
        loop.add_signal_handler(signal.SIGINT, stop.set)
        loop.add_signal_handler(signal.SIGTERM, stop.set)
    slots = asyncio.Semaphore(max(1, options.concurrency))
    in_flight: set[asyncio.Task[None]] = set()
    skip = () if options.brand else ("handles",)
    async with make_client(settings) as http:

        async def audit_one(shop: Shop) -> None:
            try:
                report = await run_audit(shop.business, settings, http=http, skip=skip)
                name = file_name(shop)
                write_whole(reports_dir / f"{name}.json", render_json(report))
                if options.html:
                    from reports.html_report import render_html

                    write_whole(reports_dir / f"{name}.html", render_html(report, language=options.language))
                state.done(shop.key, shop.line, shop.ident, shop.business.name, summary_row(report), name)
                result.audited += 1
                if every_provider_failed(report.listings):
                    result.failed += 1
            finally:
                slots.release()
                if progress is not None:
                    progress(result)

        for row in rows:
            if stop.is_set():
                result.interrupted = True
                break
            state.seen(row.key, row.line)
            if isinstance(row, BadRow) or state.is_done(row.key):
                if isinstance(row, BadRow):
                    state.refused(row.key, row.line, row.reason, row.cells)
                    result.refused += 1
                else:
                    result.skipped += 1
                if progress is not None:
                    progress(result)
                continue
            await slots.acquire()
            if stop.is_set():
                slots.release()
                result.interrupted = True
                break
            task = asyncio.create_task(audit_one(row))
            in_flight.add(task)
            task.add_done_callback(in_flight.discard)
        if in_flight:
            await asyncio.gather(*in_flight)
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.remove_signal_handler(sig)
    result.outputs = write_outputs(state, options.out_dir, html=options.html)
    result.elapsed = time.monotonic() - started
    return result


def summary_row(report: AuditReport) -> dict[str, Any]:
    """What summary.csv says of one shop: the score and its parts, counts per field, the top finding."""
    found = [item for item in report.listings if item.status == "found" and item.provider != "website"]
    row: dict[str, Any] = {
        "name": report.business.name,
        "score": report.score.overall,
        "presence": report.score.presence,
        "consistency": report.score.consistency,
        "completeness": report.score.completeness,
        "brand": report.score.brand,
        "listings_found": len(found),
        "listings_checked": sum(1 for item in report.listings if item.status in ("found", "not_found")),
    }
    for name in FIELDS:
        row[f"mismatch_{name}"] = sum(1 for item in found if _verdict(item.fields, name) == "mismatch")
        row[f"missing_{name}"] = sum(1 for item in found if _verdict(item.fields, name) == "missing")
    ranked = sorted(report.findings, key=lambda f: SEVERITIES.index(f.severity))
    row["high_findings"] = sum(1 for f in report.findings if f.severity == "high")
    row["top_finding"] = ranked[0].message if ranked else ""
    return row


def _verdict(fields: dict[str, Any], name: str) -> str | None:
    verdict = fields.get(name)
    return verdict.verdict if verdict is not None else None


def file_name(shop: Shop) -> str:
    """Stable and unique: the row's id (or line) made safe for a file name, and a bit of its content key."""
    ident = re.sub(r"[^A-Za-z0-9._-]+", "-", shop.ident).strip("-.")[:60] or "shop"
    return f"{ident}-{shop.key[:8]}"


def progress_printer(total: int, stream: Any = None) -> Progress:
    """Plain progress lines on stderr at most every 5 s (cron mails, CI logs); the CLI uses a live bar on
    a terminal instead."""
    out = stream or sys.stderr
    started = time.monotonic()
    last = [0.0]

    def show(result: BatchResult) -> None:
        now = time.monotonic()
        done = result.audited + result.skipped + result.refused
        if now - last[0] < 5 and done < total:
            return
        last[0] = now
        rate = result.audited / max(now - started, 1e-6)
        left = max(total - done, 0)
        eta = f", about {left / rate:.0f} s left" if rate > 0 and left else ""
        out.write(f"batch: {done}/{total} rows ({result.audited} audited, {rate:.1f}/s{eta})\n")
        out.flush()

    return show


def to_json(result: BatchResult) -> str:
    return json.dumps(
        {
            "audited": result.audited,
            "skipped": result.skipped,
            "refused": result.refused,
            "failed": result.failed,
            "interrupted": result.interrupted,
            "elapsed_s": round(result.elapsed, 3),
        }
    )
