"""The Markdown report: for pasting into an email, a ticket or a chat, in the report's language.

Every string from the web is escaped for Markdown *and* for the HTML a Markdown renderer lets through
(`<`, `>` and `&` become entities), and table cells lose their pipes and line breaks, so a listing named
`<script>…` or `| x |` stays text and cannot break the table. Links are kept only when they are http(s).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from auditor.models import FIELDS, AuditReport
from reports.html_report import FIELD_NAMES, SEVERITIES, STATUSES, VERDICTS, finding_message, web_url
from reports.i18n import Formatter
from reports.json_report import report_to_dict
from reports.summary import summary_sentences

_SPECIAL = re.compile(r"([\\`*_\[\]|~])")


def md(text: Any) -> str:
    """Text as Markdown shows it literally (one line)."""
    value = " ".join(str(text).split())
    value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _SPECIAL.sub(r"\\\1", value)


def link(text: Any, url: Any) -> str:
    target = web_url(url)
    if target is None:
        return md(text)
    return f"[{md(text)}](<{target.replace('>', '%3E').replace(' ', '%20')}>)"


def render_markdown(report: AuditReport, *, language: str) -> str:
    data = report_to_dict(report)
    fmt = Formatter(language)
    t = fmt.gettext
    lines: list[str] = []
    score = data["score"]
    lines.append(f"# {md(data['business']['name'])}")
    lines.append("")
    parts = [
        f"{t('Presence')} {fmt.number(score['presence'])}",
        f"{t('Consistency')} {fmt.number(score['consistency'])}",
        f"{t('Completeness')} {fmt.number(score['completeness'])}",
    ]
    if score.get("brand") is not None:
        parts.append(f"{t('Brand')} {fmt.number(score['brand'])}")
    lines.append(f"**{t('Score')} {fmt.number(score['overall'])}/100** ({' · '.join(parts)})")
    lines.append("")
    lines.append(t("Generated on %(date)s") % {"date": fmt.datetime(data["generated_at"])})
    lines.append("")
    lines.append(f"## {t('In short')}")
    lines.append("")
    summary = summary_sentences(data, fmt)
    lines += [f"- {md(sentence)}" for sentence in summary] or [md(t("No listing could be checked."))]
    lines.append("")
    lines.append(f"## {t('Listings, field by field')}")
    lines.append("")
    header = [t("Source"), t("Status"), *(t(FIELD_NAMES[f]) for f in FIELDS)]
    lines.append("| " + " | ".join(md(h) for h in header) + " |")
    lines.append("|" + "---|" * len(header))
    for listing in data["listings"]:
        cells = [link(listing["provider"], listing.get("url")), md(t(STATUSES[listing["status"]]))]
        for field in FIELDS:
            verdict = listing["fields"].get(field)
            cells.append(_verdict_cell(verdict, fmt) if verdict else "—")
        lines.append("| " + " | ".join(cells) + " |")
    lines.append("")
    lines.append(f"## {t('What to fix')}")
    lines.append("")
    if not data["findings"]:
        lines.append(md(t("Nothing to fix.")))
    for number, item in enumerate(data["findings"], 1):
        text = f"{number}. **{md(t(SEVERITIES[item['severity']]))}** {md(finding_message(item, fmt))}"
        if web_url(item.get("fix_url")):
            text += f" — {link(t('Fix it'), item['fix_url'])}"
        lines.append(text)
    if data["handles"]:
        lines += ["", f"## {t('Your name on social platforms')}", ""]
        lines.append(f"| {md(t('Platform'))} | {md(t('Handle'))} | {md(t('Status'))} | {md(t('Why'))} |")
        lines.append("|---|---|---|---|")
        for h in data["handles"]:
            why = h.get("evidence") if h["status"] != "unknown" else h.get("reason")
            lines.append(
                f"| {md(h['platform'])} | {link('@' + h['handle'], h.get('url'))} | "
                f"{md(t(STATUSES[h['status']]))} | {md(why or '')} |"
            )
    if data["domains"]:
        lines += ["", f"## {t('Domain names')}", ""]
        lines.append(f"| {md(t('Domain'))} | {md(t('Status'))} | {md(t('Registrar'))} | {md(t('Expires'))} |")
        lines.append("|---|---|---|---|")
        for d in data["domains"]:
            lines.append(
                f"| {md(d['domain'])} | {md(t(STATUSES[d['status']]))} | {md(d.get('registrar') or '')} | "
                f"{md(fmt.date(d['expires']) if d.get('expires') else '')} |"
            )
    lines.append("")
    return "\n".join(lines)


def _verdict_cell(verdict: Mapping[str, Any], fmt: Formatter) -> str:
    text = md(fmt.gettext(VERDICTS[verdict["verdict"]]))
    if verdict.get("value"):
        text += f": {md(verdict['value'])}"
    return text
