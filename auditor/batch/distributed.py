"""The batch's two halves when a queue is used: shops out to workers, and their results back to files.

`shop_payload` is what goes on the queue for one shop (the validated business and its row's key); a worker
runs `audit_chunk` on a list of them — one event loop and one HTTP client per chunk, so per-host limits
and connection reuse hold inside it — and records each finished shop with its whole JSON report in the
store (a worker on another machine cannot write into the collector's output directory). `collect` writes
the same outputs as an in-process batch, from the store.
"""

from __future__ import annotations

import asyncio
from dataclasses import replace
from pathlib import Path
from typing import Any

from auditor.batch.csv_input import Shop
from auditor.batch.outputs import write_outputs
from auditor.batch.run import file_name, summary_row
from auditor.batch.state import BatchState
from auditor.business import business_from_mapping
from auditor.files import write_whole


def shop_payload(shop: Shop) -> dict[str, Any]:
    return {
        "key": shop.key,
        "line": shop.line,
        "ident": shop.ident,
        "file": file_name(shop),
        "business": shop.business.as_dict(),
    }


def audit_chunk(job: dict[str, Any], shops: list[dict[str, Any]], *, worker: str) -> int:
    """Audit the shops of one task; returns how many this call audited (a retried chunk skips done ones)."""
    from auditor.config import load_settings
    from auditor.loop import run

    settings = load_settings(
        Path(job["config_file"]) if job.get("config_file") else None,
        sandbox=job.get("sandbox"),
        no_cache=bool(job.get("no_cache")),
    )
    if job.get("shared_limits") and not settings.http.shared_limits:
        # Workers of a Redis queue share its per-host rates: ten workers, still one request a second.
        settings = replace(settings, http=replace(settings.http, shared_limits=job["shared_limits"]))
    state = BatchState.open(job["store"], job["batch"])
    try:
        return run(_audit_all(settings, state, shops, worker, brand=bool(job.get("brand"))))
    finally:
        state.close()


async def _audit_all(
    settings: Any, state: BatchState, shops: list[dict[str, Any]], worker: str, *, brand: bool
) -> int:
    from auditor.engine import make_client, run_audit
    from reports.json_report import render_json

    audited = 0
    skip = () if brand else ("handles",)
    async with make_client(settings) as http:

        async def one(shop: dict[str, Any]) -> None:
            nonlocal audited
            if state.is_done(shop["key"]):
                return
            business = business_from_mapping(shop["business"])
            report = await run_audit(business, settings, http=http, skip=skip)
            state.done(
                shop["key"], shop["line"], shop["ident"], business.name, summary_row(report), shop["file"],
                report_json=render_json(report), worker=worker,
            )  # fmt: skip
            audited += 1

        await asyncio.gather(*(one(shop) for shop in shops))
    return audited


def collect(state: BatchState, out_dir: Path, *, html: bool = False) -> list[Path]:
    """Write each stored report to out/reports/, then the summary, errors and portfolio."""
    reports = out_dir / "reports"
    reports.mkdir(parents=True, exist_ok=True)
    for row in state.summaries(with_reports=True):
        if row.get("report_json"):
            write_whole(reports / f"{row['report']}.json", row["report_json"])
    return write_outputs(state, out_dir, html=html)
