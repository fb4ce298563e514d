"""`audit handles`, `audit platforms …` and `audit rdap refresh`: the brand commands.

Registered on the main group by auditor.cli; kept in their own module because they share nothing with the
listing audit but the settings and the HTTP stack.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from io import StringIO
from pathlib import Path
from typing import Any, TextIO

import click

from auditor import __version__
from auditor.brand import (
    BrandError,
    BrandOutcome,
    BrandRequest,
    brand_findings,
    brand_score,
    load_platform_set,
    outcome_as_dict,
    run_brand_check,
)
from auditor.cli_common import (
    business_from,
    fail,
    merge_shared,
    run_async,
    settings_from,
    setup_logging,
    shared_options,
    write_atomically,
)
from auditor.config import Settings
from auditor.findings import sort_findings
from auditor.handles.detect import Observation
from auditor.handles.platforms import BlockSignatures, Platform
from auditor.handles.scan import scan
from auditor.http import HttpClient
from auditor.models import Business, Finding
from auditor.normalise.phone import normalise_phone
from auditor.normalise.website import registrable_domain


def handles_client(settings: Settings) -> HttpClient:
    """The one client for a scan: the handle scan's own in-flight bound, per-host limits as configured."""
    http = replace(
        settings.http, max_in_flight=max(settings.http.max_in_flight, settings.handles.max_in_flight)
    )
    return HttpClient(
        http,
        sandbox=settings.sandbox,
        cache_dir=settings.cache_dir,
        cache_ttl=settings.cache_ttl,
        no_cache=not settings.cache_enabled,
    )


async def website_social_links(http: HttpClient, settings: Settings, business: Business) -> list[str]:
    """The profiles the business's own website links to: proven the business's from the start."""
    if not business.website:
        return []
    from auditor.plugins import default_providers
    from providers.base import ProviderContext, SearchQuery

    provider = default_providers().get("website")
    if provider is None:
        return []
    ctx = ProviderContext(
        http=http, settings=settings.provider_settings("website"), language=settings.language
    )
    try:
        candidates = await provider.search(ctx, SearchQuery(name=business.name, website=business.website))
    except Exception:  # the site failing only means nothing is proven by it; the scan goes on
        return []
    if not candidates:
        return []
    extra = candidates[0].extra
    return [*extra.get("social_links", []), *extra.get("same_as", [])]


@dataclass
class HandlesRun:
    outcome: BrandOutcome
    findings: list[Finding]
    score: int | None
    started: str


async def run_handles(
    settings: Settings,
    business: Business,
    request: BrandRequest,
    platforms: Sequence[Platform],
    blocks: BlockSignatures,
    *,
    with_domains: bool,
    stream: TextIO | None,
    stream_format: str,
) -> HandlesRun:
    started = datetime.now(UTC).isoformat(timespec="seconds")
    async with handles_client(settings) as http:

        def print_observation(observation: Observation) -> None:
            if stream is None:
                return
            if stream_format == "jsonl":
                stream.write(json.dumps({"type": "observation", **_observation_dict(observation)}) + "\n")
            else:
                stream.write(_observation_line(observation) + "\n")
            stream.flush()

        outcome = await run_brand_check(
            http,
            request,
            platforms,
            blocks,
            settings.domains,
            website_domain=registrable_domain(business.website) if business.website else None,
            phone_e164=normalise_phone(business.phone, request.country_code) if business.phone else None,
            proven_urls=website_social_links(http, settings, business),
            name_candidates=None,
            with_domains=with_domains,
            timeout=settings.handles.timeout,
            on_observation=print_observation,
        )
    return HandlesRun(outcome, [], None, started)


def _observation_dict(observation: Observation) -> dict[str, Any]:
    return {
        "platform": observation.platform,
        "handle": observation.handle,
        "outcome": observation.outcome,
        "reason": observation.reason,
        "evidence": observation.evidence,
        "url": observation.url,
        "status_code": observation.status,
        "elapsed_ms": round(observation.elapsed * 1000, 1),
    }


def _observation_line(observation: Observation) -> str:
    mark = {"exists": "●", "absent": "○", "unknown": "?"}[observation.outcome]
    why = observation.reason if observation.outcome == "unknown" else observation.evidence
    return f"{mark} {observation.platform:<14} @{observation.handle:<24} {observation.outcome:<8} {why or ''}"


def handles_document(run: HandlesRun, business: Business, request: BrandRequest) -> dict[str, Any]:
    from dataclasses import asdict

    return {
        "schema_version": 1,
        "generated_at": run.started,
        "tool": {"name": "solomo-auditor", "version": __version__},
        "query": {
            "name": business.name,
            "city": request.city,
            "handles": list(request.handles),
            "declared": dict(request.declared),
            "website": business.website,
        },
        **outcome_as_dict(run.outcome),
        "findings": [asdict(f) for f in run.findings],
        "score": {"brand": run.score},
    }


def render_handles_terminal(run: HandlesRun, out: TextIO) -> None:
    from rich.console import Console
    from rich.text import Text

    from reports.terminal import SEVERITY_STYLE, render_brand

    console = Console(file=out, width=None if out.isatty() else 120, highlight=False)
    render_brand(run.outcome.handles, run.outcome.domains, console)
    if run.score is not None:
        console.print(Text(f"\nBrand score {run.score}/100", style="bold"))
    for finding in run.findings:
        line = Text(f"[{finding.severity}] ", style=SEVERITY_STYLE[finding.severity])
        line.append(finding.message)
        if finding.fix_url:
            line.append(f"\n    → {finding.fix_url}", style="dim")
        console.print(line)


def register(cli: click.Group) -> None:
    """Attach the brand commands to the main group."""

    @cli.command("handles")
    @click.argument("target", required=False)
    @click.option("--city", help="City, for the name+city handle form.")
    @click.option("--website", help="The business's website: profiles linking to it are the business's.")
    @click.option("--phone", help="The business's phone: profiles showing it are the business's.")
    @click.option("--country", help="ISO country code (default: inferred).")
    @click.option("--handle", "handles", multiple=True, help="Check exactly this handle (repeatable).")
    @click.option(
        "--platform", "platform_ids", help="Comma-separated platform ids (see `audit platforms list`)."
    )
    @click.option(
        "--platforms",
        "platforms_file",
        type=click.Path(path_type=Path),
        help="Use the platform definitions in this file instead of the shipped ones.",
    )
    @click.option("--no-domains", is_flag=True, help="Do not look up brand domains.")
    @click.option(
        "--format",
        "fmt",
        type=click.Choice(["terminal", "json", "jsonl"]),
        default="terminal",
        show_default=True,
    )
    @click.option("-o", "--output", type=click.Path(path_type=Path), help="Write the result to this file.")
    @shared_options
    @click.pass_context
    def handles_command(
        ctx: click.Context,
        /,
        target: str | None,
        city: str | None,
        website: str | None,
        phone: str | None,
        country: str | None,
        handles: tuple[str, ...],
        platform_ids: str | None,
        platforms_file: Path | None,
        no_domains: bool,
        fmt: str,
        output: Path | None,
        **shared_given: Any,
    ) -> None:
        """Who holds the business's name on 30+ platforms, and its brand domains.

        TARGET is the business's name or a business TOML file; or give --handle instead.
        """
        shared = merge_shared(ctx, **shared_given)
        setup_logging(shared["verbose"])
        settings = settings_from(shared)
        if not target and not handles:
            fail("give the business's name (or a business file), or --handle HANDLE")
        business = business_from(
            target or handles[0],
            website=website,
            phone=phone,
            country=country,
            city=city,
            hours=None,
            address=None,
            aliases=(),
            default_country=settings.default_country,
        )
        from auditor.business import infer_country

        only = [p.strip() for p in platform_ids.split(",") if p.strip()] if platform_ids else None
        try:
            platforms, blocks = load_platform_set(platforms_file, only)
        except BrandError as exc:
            fail(str(exc))
        request = BrandRequest(
            name=business.name,
            city=business.city,
            declared=business.handles,
            handles=tuple(h.strip().lstrip("@") for h in handles if h.strip()),
            country_code=infer_country(business, settings.default_country),
        )
        live = sys.stdout if output is None and fmt in ("terminal", "jsonl") else None
        run = run_async(
            run_handles(
                settings,
                business,
                request,
                platforms,
                blocks,
                with_domains=not no_domains,
                stream=live,
                stream_format=fmt,
            )
        )
        run.outcome.settle(website_domain=registrable_domain(business.website) if business.website else None)
        run.findings = sort_findings(brand_findings(run.outcome, request, settings.domains))
        run.score = brand_score(run.outcome)
        if fmt == "json":
            text = json.dumps(handles_document(run, business, request), ensure_ascii=False, indent=2) + "\n"
        elif fmt == "jsonl":
            lines = [
                json.dumps({"type": "handle", **h}, ensure_ascii=False)
                for h in outcome_as_dict(run.outcome)["handles"]
            ]
            lines += [
                json.dumps({"type": "domain", **d}, ensure_ascii=False)
                for d in outcome_as_dict(run.outcome)["domains"]
            ]
            text = "\n".join(lines) + ("\n" if lines else "")
        else:
            buffer = StringIO()
            render_handles_terminal(run, buffer)
            text = buffer.getvalue()
        if output is not None:
            write_atomically(output, text)
            click.echo(f"written to {output}", err=True)
        else:
            click.echo(text, nl=False)

    @cli.group("platforms")
    def platforms_group() -> None:
        """The handle platform definitions: list them, or self-test them against the web."""

    @platforms_group.command("list")
    @click.option("--platforms", "platforms_file", type=click.Path(path_type=Path))
    def platforms_list(platforms_file: Path | None) -> None:
        """Every platform: id, label, whether it is major, the protocol used."""
        try:
            platforms, _ = load_platform_set(platforms_file)
        except BrandError as exc:
            fail(str(exc))
        for platform in platforms:
            flag = "major" if platform.major else ""
            click.echo(f"{platform.id:<16} {platform.label:<24} {flag:<6} {platform.protocol or 'page'}")

    @platforms_group.command("check")
    @click.option("--platform", "platform_ids", help="Comma-separated platform ids.")
    @click.option("--platforms", "platforms_file", type=click.Path(path_type=Path))
    @click.option(
        "--strict", is_flag=True, help="Also fail when a platform cannot be told (blocked, throttled)."
    )
    @click.option(
        "--format", "fmt", type=click.Choice(["terminal", "json"]), default="terminal", show_default=True
    )
    @shared_options
    @click.pass_context
    def platforms_check(
        ctx: click.Context,
        /,
        platform_ids: str | None,
        platforms_file: Path | None,
        strict: bool,
        fmt: str,
        **shared_given: Any,
    ) -> None:
        """Self-test: each platform's known-existing handle must exist and its absent one must not.

        Exit 1 when a definition answers wrongly (or, with --strict, cannot answer).
        """
        shared = merge_shared(ctx, **shared_given)
        setup_logging(shared["verbose"])
        settings = settings_from(shared)
        only = [p.strip() for p in platform_ids.split(",") if p.strip()] if platform_ids else None
        try:
            platforms, blocks = load_platform_set(platforms_file, only)
        except BrandError as exc:
            fail(str(exc))
        rows = run_async(_self_test(settings, platforms, blocks))
        wrong = [r for r in rows if r["verdict"] == "wrong"]
        unknown = [r for r in rows if r["verdict"] == "unknown"]
        if fmt == "json":
            click.echo(json.dumps(rows, indent=2))
        else:
            for row in rows:
                click.echo(
                    f"{row['verdict']:<8} {row['platform']:<16} existing @{row['existing']}: "
                    f"{row['existing_outcome']}   absent @{row['absent']}: {row['absent_outcome']}"
                )
            click.echo(
                f"\n{len(rows) - len(wrong) - len(unknown)} ok, {len(wrong)} wrong, "
                f"{len(unknown)} could not tell"
            )
        if wrong or (strict and unknown):
            sys.exit(1)

    @cli.group("rdap")
    def rdap_group() -> None:
        """The RDAP bootstrap (which server answers for which TLD)."""

    @rdap_group.command("refresh")
    @shared_options
    @click.pass_context
    def rdap_refresh(ctx: click.Context, /, **shared_given: Any) -> None:
        """Download IANA's current RDAP bootstrap into the data dir (the bundled copy stays as fallback)."""
        from auditor.domains import refresh_bootstrap

        shared = merge_shared(ctx, **shared_given)
        settings = settings_from(shared)

        async def refresh() -> Path:
            async with handles_client(settings) as http:
                return await refresh_bootstrap(http, settings.data_dir)

        try:
            path = run_async(refresh())
        except Exception as exc:
            fail(f"could not refresh the RDAP bootstrap: {exc}", 1)
        click.echo(f"RDAP bootstrap written to {path}")


async def _self_test(
    settings: Settings, platforms: Sequence[Platform], blocks: BlockSignatures
) -> list[dict[str, Any]]:
    checks = [(p, p.self_test_existing) for p in platforms] + [(p, p.self_test_absent) for p in platforms]
    seen: dict[tuple[str, str], Observation] = {}
    async with handles_client(settings) as http:
        async for observation in scan(http, checks, blocks, timeout=settings.handles.timeout):
            seen[(observation.platform, observation.handle)] = observation
    rows = []
    for platform in platforms:
        existing = seen[(platform.id, platform.canonical_handle(platform.self_test_existing))]
        absent = seen[(platform.id, platform.canonical_handle(platform.self_test_absent))]
        if existing.outcome == "exists" and absent.outcome == "absent":
            verdict = "ok"
        elif "unknown" in (existing.outcome, absent.outcome) and not (
            existing.outcome == "absent" or absent.outcome == "exists"
        ):
            verdict = "unknown"
        else:
            verdict = "wrong"
        rows.append(
            {
                "platform": platform.id,
                "verdict": verdict,
                "existing": existing.handle,
                "existing_outcome": _outcome_text(existing),
                "absent": absent.handle,
                "absent_outcome": _outcome_text(absent),
            }
        )
    return rows


def _outcome_text(observation: Observation) -> str:
    return f"unknown ({observation.reason})" if observation.outcome == "unknown" else observation.outcome
