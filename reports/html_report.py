"""The HTML report: one self-contained file a shop owner opens, prints or forwards.

Self-contained means no request of any kind when it is opened: CSS inline, QR codes as inline SVG, no font,
script or image from the web, and a Content-Security-Policy that forbids loading anything should a custom
template try. Jinja2 renders it with autoescape on, so every string that came from the web (listing names,
page titles, handles) is text, never markup; links from the web are kept only when they are http(s).

Templates can be overridden one by one from `<config dir>/templates/` (datasette's pattern: a ChoiceLoader
tries the user's directory first, then the shipped templates). They render the report's JSON shape
(report.schema.json), so what a template may use is documented by the schema.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jinja2
from markupsafe import Markup

from auditor.messages import N_, render
from auditor.models import FIELDS, AuditReport
from auditor.paths import data_dir
from reports import qr
from reports.i18n import Formatter, translations
from reports.json_report import report_to_dict
from reports.profiles import PROVIDER_FAMILIES, Profile, profiles_from_report, short_url
from reports.summary import summary_sentences

TEMPLATE = "report.html"


class ReportError(Exception):
    """A report that cannot be rendered (a user's template with an error in it)."""


VERDICTS = {
    "match": N_("match"),
    "variant": N_("variant"),
    "mismatch": N_("mismatch"),
    "missing": N_("missing"),
    "unknown": N_("unknown"),
}
STATUSES = {
    "found": N_("found"),
    "not_found": N_("not found"),
    "error": N_("error"),
    "skipped": N_("skipped"),
    "owned": N_("yours"),
    "taken": N_("taken"),
    "available": N_("available"),
    "unknown": N_("unknown"),
    "registered": N_("registered"),
}
SEVERITIES = {"high": N_("high"), "medium": N_("medium"), "low": N_("low"), "info": N_("info")}
FIELD_NAMES = {
    "name": N_("Name"),
    "address": N_("Address"),
    "phone": N_("Phone"),
    "website": N_("Website"),
    "hours": N_("Hours"),
}


def render_html(
    report: AuditReport,
    *,
    language: str,
    utm: bool = False,
    template_dir: Path | None = None,
    platform_labels: Mapping[str, str] | None = None,
) -> str:
    data = report_to_dict(report)
    fmt = Formatter(language)
    profiles = profiles_from_report(data, platform_labels or {})
    try:
        template = _environment(language, str(template_dir) if template_dir else None).get_template(TEMPLATE)
        return _render(template, data, fmt, language, profiles, utm)
    except jinja2.TemplateError as exc:
        where = getattr(exc, "filename", None) or TEMPLATE
        raise ReportError(f"report template {where}: {exc}") from exc


def _render(
    template: jinja2.Template,
    data: dict[str, Any],
    fmt: Formatter,
    language: str,
    profiles: Sequence[Profile],
    utm: bool,
) -> str:
    return template.render(
        report=data,
        fmt=fmt,
        lang=language,
        fields=FIELDS,
        providers={
            listing["provider"]: PROVIDER_FAMILIES.get(listing["provider"], ("", listing["provider"]))[1]
            for listing in data["listings"]
        }
        | {"website": fmt.gettext(FIELD_NAMES["website"])},
        field_names={name: fmt.gettext(text) for name, text in FIELD_NAMES.items()},
        verdicts={name: fmt.gettext(text) for name, text in VERDICTS.items()},
        statuses={name: fmt.gettext(text) for name, text in STATUSES.items()},
        severities={name: fmt.gettext(text) for name, text in SEVERITIES.items()},
        summary=summary_sentences(data, fmt),
        findings=[_finding(item, fmt) for item in data["findings"]],
        codes=_codes(profiles, fmt, utm),
    )


def finding_message(item: Mapping[str, Any], fmt: Formatter) -> str:
    """The finding in the report's language (its English message when it carries no template)."""
    template = item.get("template")
    if not template:
        return str(item["message"])
    params = dict(item.get("params") or {})
    # Dates and numbers the way the language writes them ("12 déc. 2026", "1 250").
    for key in ("expires",):
        if isinstance(params.get(key), str):
            params[key] = fmt.date(params[key])
    for key in ("distance", "days"):
        if isinstance(params.get(key), int | float):
            params[key] = fmt.number(params[key])
    return render(template, params, fmt.gettext)


def _finding(item: Mapping[str, Any], fmt: Formatter) -> dict[str, Any]:
    return {**item, "text": finding_message(item, fmt), "fix_url": web_url(item.get("fix_url"))}


def _codes(profiles: Sequence[Profile], fmt: Formatter, utm: bool) -> list[dict[str, Any]]:
    out = []
    for profile in profiles:
        target = qr.with_utm(profile.url) if utm else profile.url
        caption = profile.call_to_action(fmt.gettext)
        out.append(
            {
                "profile": profile,
                "caption": caption,
                "url": profile.url,
                "short": short_url(profile.url),
                "svg": Markup(qr.svg(target, title=caption)),  # built by qr.svg: the title is escaped there
            }
        )
    return out


def web_url(value: Any) -> str | None:
    """A link from the web, if it is safe to put in an href: http(s) only (never javascript: or data:)."""
    if not isinstance(value, str):
        return None
    parts = urlsplit(value.strip())
    return value.strip() if parts.scheme.lower() in ("http", "https") and parts.hostname else None


@cache
def _environment(language: str, user_dir: str | None) -> jinja2.Environment:
    loaders: list[jinja2.BaseLoader] = []
    if user_dir and Path(user_dir).is_dir():
        loaders.append(jinja2.FileSystemLoader(user_dir))
    loaders.append(jinja2.PackageLoader("reports", "templates"))
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        bytecode_cache=_bytecode_cache(),
        autoescape=True,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_translations(translations(language), newstyle=True)  # type: ignore[attr-defined]
    env.filters["web_url"] = web_url
    env.filters["short_url"] = short_url
    return env


def _bytecode_cache() -> jinja2.BytecodeCache | None:
    """Compiled templates kept in the data dir: compiling report.html costs ~60 ms, loading it ~1 ms.
    Jinja2 checks each template's source against its cache entry, so an edited template is recompiled."""
    directory = data_dir() / "template-cache"
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return jinja2.FileSystemBytecodeCache(str(directory))
