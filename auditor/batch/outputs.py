"""A batch's files, rebuilt from its state at the end of every run (also an interrupted one).

- `summary.csv`: one row per shop in the file's order — score and parts, mismatches and missing values per
  field, the most urgent finding, the report's file; cells that look like formulas are neutralised;
- `errors.csv`: each refused row with its line number, the reason, and its cells as they were;
- `index.html`: the portfolio, worst score first, sortable by clicking a column (an inline script allowed
  by its hash in the page's Content-Security-Policy, and nothing else), linking each shop's report.
"""

from __future__ import annotations

import base64
import csv
import hashlib
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import jinja2

from auditor.batch.state import BatchState
from auditor.files import replacing
from auditor.models import FIELDS
from reports.csv_report import neutralise

SUMMARY_COLUMNS = (
    "id",
    "line",
    "name",
    "score",
    "presence",
    "consistency",
    "completeness",
    "brand",
    "listings_found",
    "listings_checked",
    *(f"mismatch_{name}" for name in FIELDS),
    *(f"missing_{name}" for name in FIELDS),
    "high_findings",
    "top_finding",
    "report",
)
SORT_SCRIPT = """
document.querySelectorAll("th[data-sort]").forEach(function (th, column) {
  th.addEventListener("click", function () {
    var body = th.closest("table").tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    var numeric = th.dataset.sort === "number";
    var down = th.dataset.dir !== "asc";
    th.dataset.dir = down ? "asc" : "desc";
    rows.sort(function (a, b) {
      var x = a.cells[column].dataset.value, y = b.cells[column].dataset.value;
      var c = numeric ? (parseFloat(x) || 0) - (parseFloat(y) || 0) : x.localeCompare(y);
      return down ? c : -c;
    });
    rows.forEach(function (row) { body.appendChild(row); });
  });
});
"""
PAGE = jinja2.Environment(loader=jinja2.PackageLoader("reports", "templates"), autoescape=True)


def write_outputs(state: BatchState, out_dir: Path, *, html: bool) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    written = [_summary(state, out_dir / "summary.csv"), _errors(state, out_dir / "errors.csv")]
    written.append(_index(state, out_dir / "index.html", html=html))
    return written


def _csv(path: Path, header: Iterable[str], rows: Iterable[Iterable[Any]]) -> Path:
    with replacing(path, "w", encoding="utf-8-sig", newline="") as handle:  # BOM: Excel reads UTF-8
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow(header)
        for row in rows:
            writer.writerow([neutralise(value) for value in row])
    return path


def _summary(state: BatchState, path: Path) -> Path:
    rows = (
        [
            row.get(column) if column != "report" else f"reports/{row['report']}.json"
            for column in SUMMARY_COLUMNS
        ]
        for row in state.summaries()
    )
    return _csv(path, SUMMARY_COLUMNS, rows)


def _errors(state: BatchState, path: Path) -> Path:
    return _csv(
        path,
        ("line", "reason", "cells"),
        ((line, reason, " | ".join(cells)) for line, reason, cells in state.refusals()),
    )


def _index(state: BatchState, path: Path, *, html: bool) -> Path:
    """Worst first, streamed from the state database into the file (one short row per shop)."""

    def rows() -> Iterator[dict[str, Any]]:
        for row in state.summaries(worst_first=True):
            score = row.get("score") or 0
            row["band"] = "good" if score >= 80 else "fair" if score >= 50 else "poor"
            row["link"] = f"reports/{row['report']}.{'html' if html else 'json'}"
            yield row

    digest = base64.b64encode(hashlib.sha256(SORT_SCRIPT.encode()).digest()).decode()
    count, _ = state.counts()
    with replacing(path, "w", encoding="utf-8") as handle:
        for chunk in PAGE.get_template("portfolio.html").generate(
            rows=rows(), count=count, script=SORT_SCRIPT, script_hash=f"sha256-{digest}"
        ):
            handle.write(chunk)
    return path
