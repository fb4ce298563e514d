"""The terminal report: one table of providers × fields with coloured verdicts, then findings with fixes.

Colour only helps on a terminal; piped output gets plain text (rich decides from the stream, and honours
NO_COLOR), so the same command works in a cron mail.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TextIO

from rich.console import Console
from rich.table import Table
from rich.text import Text

from auditor.models import FIELDS, AuditReport, DomainResult, HandleResult, Listing

VERDICT_STYLE = {
    "match": "green",
    "variant": "yellow",
    "mismatch": "bold red",
    "missing": "magenta",
    "unknown": "dim",
}
STATUS_STYLE = {"found": "green", "not_found": "bold red", "error": "red", "skipped": "dim"}
SEVERITY_STYLE = {"high": "bold red", "medium": "yellow", "low": "cyan", "info": "dim"}
HANDLE_STYLE = {"owned": "green", "taken": "yellow", "available": "cyan", "unknown": "dim"}
DOMAIN_STYLE = {"registered": "yellow", "available": "cyan", "unknown": "dim"}


def _score_style(value: int) -> str:
    return "green" if value >= 80 else "yellow" if value >= 50 else "bold red"


def _listing_row(listing: Listing) -> list[Text]:
    row = [Text(listing.provider), Text(listing.status.replace("_", " "), style=STATUS_STYLE[listing.status])]
    for field in FIELDS:
        verdict = listing.fields.get(field)
        row.append(
            Text(verdict.verdict, style=VERDICT_STYLE[verdict.verdict]) if verdict else Text("—", "dim")
        )
    row.append(Text(f"{listing.distance_m:.0f} m" if listing.distance_m is not None else "—"))
    return row


def render_brand(handles: Sequence[HandleResult], domains: Sequence[DomainResult], console: Console) -> None:
    """Handles (platform, handle, status, why) and domains, when the audit checked them."""
    if handles:
        table = Table("platform", "handle", "status", "why", show_header=True, header_style="bold")
        for h in handles:
            why = h.evidence if h.status in ("owned", "taken", "available") else h.reason
            handle = f"@{h.handle}" + (" (yours)" if h.declared else "")
            table.add_row(h.platform, handle, Text(h.status, style=HANDLE_STYLE[h.status]), why or "")
        console.print(Text("\nHandles", style="bold"))
        console.print(table)
    if domains:
        table = Table(
            "domain", "status", "registrar", "expires", "your site", show_header=True, header_style="bold"
        )
        for d in domains:
            status = Text(
                d.status if d.status != "unknown" else f"unknown ({d.reason})", style=DOMAIN_STYLE[d.status]
            )
            table.add_row(
                d.domain, status, d.registrar or "", d.expires or "", "yes" if d.business_site else ""
            )
        console.print(Text("\nDomains", style="bold"))
        console.print(table)


def render_terminal(report: AuditReport, stream: TextIO) -> None:
    tty = stream.isatty()
    console = Console(file=stream, width=None if tty else 120, highlight=False, soft_wrap=False)
    score = report.score
    title = Text(report.business.name, style="bold")
    title.append("  score ")
    title.append(f"{score.overall}/100", style=_score_style(score.overall))
    brand = f" · brand {score.brand}" if score.brand is not None else ""
    title.append(
        f"  (presence {score.presence} · consistency {score.consistency} · completeness {score.completeness}"
        f"{brand})"
    )
    console.print(title)
    refs = ", ".join(
        f"{name}: {ref.value} [{ref.source}]"
        for name, ref in report.references.items()
        if ref.value is not None
    )
    if refs:
        console.print(Text("Reference — " + refs, style="dim"))

    table = Table(show_header=True, header_style="bold", expand=False)
    for column in ("provider", "status", *FIELDS, "pin"):
        table.add_column(column)
    for listing in report.listings:
        table.add_row(*_listing_row(listing))
    console.print(table)

    for listing in report.listings:
        if listing.status != "found":
            continue
        details = [
            f"  {field}: {verdict.value!s} ≠ {verdict.reference!s}"
            + (f" ({verdict.note})" if verdict.note else "")
            for field, verdict in listing.fields.items()
            if verdict.verdict in ("mismatch", "variant")
        ]
        if details:
            console.print(Text(listing.provider, style="bold"))
            for detail in details:
                console.print(Text(detail))

    render_brand(report.handles, report.domains, console)

    if report.findings:
        console.print(Text("\nFindings", style="bold"))
    for finding in report.findings:
        line = Text(f"[{finding.severity}] ", style=SEVERITY_STYLE[finding.severity])
        line.append(finding.message)
        if finding.fix_url:
            line.append(f"\n    → {finding.fix_url}", style="dim")
        console.print(line)
    for error in report.errors:
        console.print(Text(f"error: {error.provider or 'audit'}: {error.message}", style="red"))
