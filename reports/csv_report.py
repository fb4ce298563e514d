"""The CSV export: one row per provider × field, for spreadsheets.

Column names and values are the JSON report's (stable, not translated), so a spreadsheet built on them keeps
working whatever the user's language. `bom=True` starts the file with a UTF-8 byte order mark, without which
Excel reads UTF-8 as the local code page ("RÃ©publique"). Cells that a spreadsheet would run as a formula
(starting with = + - @, or a tab or carriage return) are prefixed with a quote: a listing named
`=HYPERLINK(...)` stays text (OWASP "CSV injection").
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Any

from auditor.models import FIELDS, AuditReport
from reports.json_report import report_to_dict

COLUMNS = (
    "business",
    "provider",
    "status",
    "reason",
    "field",
    "verdict",
    "value",
    "reference",
    "note",
    "listing_url",
)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> str:
    """A cell a spreadsheet shows as text: None is empty, a formula-looking string gets a leading quote."""
    if value is None:
        return ""
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def rows(report: AuditReport) -> Iterable[list[str]]:
    data = report_to_dict(report)
    name = data["business"]["name"]
    for listing in data["listings"]:
        common = [name, listing["provider"], listing["status"], listing.get("reason")]
        if not listing["fields"]:
            yield [neutralise(v) for v in (*common, "", "", "", "", "", listing.get("url"))]
            continue
        for field in FIELDS:
            verdict = listing["fields"].get(field)
            if verdict is None:
                continue
            values = (
                *common,
                field,
                verdict["verdict"],
                verdict.get("value"),
                verdict.get("reference"),
                verdict.get("note"),
                listing.get("url"),
            )
            yield [neutralise(v) for v in values]


def render_csv(report: AuditReport, *, bom: bool = False) -> str:
    buffer = io.StringIO()
    if bom:
        buffer.write("\ufeff")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    writer.writerows(rows(report))
    return buffer.getvalue()
