"""The `audit` command. Its default subcommand is the audit itself, so `audit "Boulangerie Dupont"` works and
`audit check NAME` audits a business whose name is also a command ("batch", "providers").

Exit codes: 0 audit done (findings or not), 1 score under --fail-under, 2 bad input or config,
3 every provider failed.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from io import StringIO
from pathlib import Path
from typing import Any

import click
from click_default_group import DefaultGroup

from auditor import __version__
from auditor.cli_common import (
    EXIT_ALL_FAILED,
    EXIT_FAIL_UNDER,
    FORMATS,
    business_from,
    fail,
    merge_shared,
    run_async,
    settings_from,
    setup_logging,
    shared_options,
    write_atomically,
)
from auditor.models import AuditReport
from auditor.paths import config_dir
from auditor.plugins import PluginError, default_providers


def _provider_ids(value: str | None, known: Sequence[str], option: str) -> set[str] | None:
    if value is None:
        return None
    ids = {part.strip() for part in value.split(",") if part.strip()}
    unknown = sorted(ids - set(known))
    if unknown:
        fail(f"{option}: unknown provider {unknown[0]!r} (known: {', '.join(known)})")
    return ids


def render(
    report: AuditReport,
    fmt: str,
    *,
    language: str | None = None,
    bom: bool = False,
    utm: bool = False,
    template_dir: Path | None = None,
) -> str:
    """The report in one format; `language` for html and markdown (default: from the locale)."""
    if fmt == "json":
        from reports.json_report import render_json

        return render_json(report)
    if fmt == "csv":
        from reports.csv_report import render_csv

        return render_csv(report, bom=bom)
    if fmt in ("html", "markdown"):
        from reports.i18n import language_from_environment

        language = language or language_from_environment()
        if fmt == "markdown":
            from reports.markdown_report import render_markdown

            return render_markdown(report, language=language)
        from auditor.brand import platform_labels
        from reports.html_report import ReportError, render_html

        try:
            return render_html(
                report,
                language=language,
                utm=utm,
                template_dir=template_dir,
                platform_labels=platform_labels(),
            )
        except ReportError as exc:  # a user's template: bad input, nothing written
            fail(str(exc))
    from reports.terminal import render_terminal

    buffer = StringIO()
    render_terminal(report, buffer)
    return buffer.getvalue()


@click.group(
    cls=DefaultGroup,
    default="check",
    default_if_no_args=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)
@shared_options
@click.version_option(__version__, prog_name="solomo-auditor")
def cli(sandbox: str | None, config_file: Path | None, no_cache: bool | None, verbose: bool | None) -> None:
    """Audit how a local business appears on maps, directories and its own website.

    \b
    audit "Boulangerie Dupont" --address "12 rue de la République, 69002 Lyon" --phone "04 78 42 10 10"
    audit shops/dupont.toml --format json -o dupont.json
    audit "Boulangerie Dupont" --city Lyon          (discovery: the sources' consensus is the reference)
    audit providers
    """


@cli.command("check")
@click.argument("target")
@click.option("--address", help="Postal address as customers should see it.")
@click.option("--phone", help="Phone number (national or international form).")
@click.option("--website", help="The business's own website.")
@click.option("--hours", help="Opening hours in OSM syntax, e.g. 'Mo-Fr 08:00-19:00; Sa 08:00-12:30'.")
@click.option("--country", help="ISO country code (default: inferred from the address or phone).")
@click.option("--city", help="City, to find the business when no address is given.")
@click.option(
    "--alias", "aliases", multiple=True, help="A former name, address or phone that is still the business's."
)
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="terminal", show_default=True)
@click.option("-o", "--output", type=click.Path(path_type=Path), help="Write the report to this file.")
@click.option(
    "--lang",
    "language",
    type=click.Choice(["fr", "en"]),
    help="Language of the html and markdown reports (default: from the locale, else French).",
)
@click.option("--bom", is_flag=True, help="csv: start with a UTF-8 byte order mark (for Excel).")
@click.option("--utm", is_flag=True, help="html: tag QR code URLs with utm_source=qr&utm_medium=poster.")
@click.option("--only", help="Comma-separated provider ids to run (see `audit providers`).")
@click.option("--skip", help="Comma-separated provider ids not to run.")
@click.option(
    "--enable", help="Comma-separated providers to enable (those off by default: pagesjaunes, thefork)."
)
@click.option(
    "--geocoder", type=click.Choice(["nominatim", "ban"]), help="Geocoder (ban = Géoplateforme, France)."
)
@click.option("--fail-under", type=click.IntRange(0, 100), help="Exit 1 when the overall score is below N.")
@shared_options
@click.pass_context
def check(
    ctx: click.Context,
    /,
    target: str,
    address: str | None,
    phone: str | None,
    website: str | None,
    hours: str | None,
    country: str | None,
    city: str | None,
    aliases: tuple[str, ...],
    fmt: str,
    output: Path | None,
    language: str | None,
    bom: bool,
    utm: bool,
    only: str | None,
    skip: str | None,
    enable: str | None,
    geocoder: str | None,
    fail_under: int | None,
    **shared_given: Any,
) -> None:
    """Audit one business: TARGET is its name or a business TOML file."""
    shared = merge_shared(ctx, **shared_given)
    setup_logging(shared["verbose"])
    settings = settings_from(shared, geocoder)
    business = business_from(
        target,
        address=address,
        phone=phone,
        website=website,
        hours=hours,
        country=country,
        city=city,
        aliases=aliases,
        default_country=settings.default_country,
    )
    # Imported here: the engine brings geopy and every provider, which `audit handles` never needs.
    from auditor.engine import every_provider_failed, run_audit

    try:
        providers = default_providers()
    except PluginError as exc:
        fail(str(exc))
    known = list(providers)
    enabled = _provider_ids(enable, known, "--enable")
    if enabled:
        settings = settings.enabling(enabled)
    report = run_async(
        run_audit(
            business,
            settings,
            providers=providers,
            only=_provider_ids(only, known, "--only"),
            skip=_provider_ids(skip, known, "--skip") or set(),
        )
    )
    text = render(report, fmt, language=language, bom=bom, utm=utm, template_dir=config_dir() / "templates")
    if output is not None:
        write_atomically(output, text)
        click.echo(f"report written to {output}", err=True)
    else:
        click.echo(text, nl=False)
    if every_provider_failed(report.listings):
        sys.exit(EXIT_ALL_FAILED)
    if fail_under is not None and report.score.overall < fail_under:
        sys.exit(EXIT_FAIL_UNDER)


@cli.command("providers")
@click.option(
    "--format", "fmt", type=click.Choice(["terminal", "json"]), default="terminal", show_default=True
)
@shared_options
@click.pass_context
def providers_command(ctx: click.Context, /, fmt: str, **shared_given: Any) -> None:
    """List providers: which exist, which are enabled, which need a key (and whether it is set)."""
    shared = merge_shared(ctx, **shared_given)
    settings = settings_from(shared)
    try:
        providers = default_providers()
    except PluginError as exc:
        fail(str(exc))
    rows: list[dict[str, Any]] = []
    for provider in providers.values():
        enabled = settings.provider_enabled(provider.id, provider.enabled_by_default)
        key_set = bool(settings.provider_key(provider.id, provider.key_env)) if provider.key_env else None
        rows.append(
            {
                "id": provider.id,
                "label": provider.label,
                "kind": provider.kind,
                "enabled": enabled,
                "key_env": provider.key_env,
                "key_set": key_set,
                "ready": enabled and (key_set is not False),
                "quota": provider.quota,
                "docs_url": provider.docs_url,
            }
        )
    if fmt == "json":
        click.echo(json.dumps(rows, indent=2))
        return
    from rich.console import Console
    from rich.table import Table

    table = Table("id", "label", "kind", "enabled", "key", "ready")
    for row in rows:
        key = (
            "not needed"
            if row["key_env"] is None
            else f"{row['key_env']} ({'set' if row['key_set'] else 'not set'})"
        )
        table.add_row(
            str(row["id"]),
            str(row["label"]),
            str(row["kind"]),
            "yes" if row["enabled"] else "no",
            key,
            "yes" if row["ready"] else "no",
        )
    Console(width=None if sys.stdout.isatty() else 140).print(table)


@cli.command("sandbox")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (loopback).")
@click.option(
    "--port", default=8765, show_default=True, type=click.IntRange(0, 65535), help="0 picks a free port."
)
@click.option(
    "--latency-ms",
    default=0,
    show_default=True,
    type=click.IntRange(0, 60000),
    help="Delay added to every emulated answer.",
)
def sandbox_command(host: str, port: int, latency_ms: int) -> None:
    """Run the offline stand-in for the web: Nominatim, Google Places, Yelp, Foursquare and demo websites."""
    from auditor.sandbox.server import serve

    serve(host, port, latency_ms)


def main() -> None:
    cli(prog_name="audit")


def _register_subcommands() -> None:
    from auditor import cli_batch, cli_brand, cli_poster, cli_watch

    cli_brand.register(cli)
    cli_poster.register(cli)
    cli_batch.register(cli)
    cli_batch.register_worker(cli)
    cli_watch.register(cli)


_register_subcommands()
