"""The brand check: who holds the business's name on the platforms and as a domain.

One flow for `audit handles` and for the brand part of the full audit: candidates → per-platform rules →
probes (concurrent, streamed) → ownership (needs every observation, and the website's own links) → domains
over RDAP → findings and the `brand` score part. Ownership and the business-site flag of domains are settled
at the end because they depend on what the rest of the audit learnt (the website and its social links).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

from auditor import messages as M
from auditor.domains import (
    DomainSettings,
    brand_domains,
    check_domains,
    country_tlds,
    domain_findings,
    load_bootstrap,
)
from auditor.handles.candidates import HandleCandidate, candidates_for, handle_candidates
from auditor.handles.detect import Observation
from auditor.handles.ownership import resolve
from auditor.handles.platforms import (
    BlockSignatures,
    Platform,
    PlatformError,
    load_definitions,
    load_platforms,
)
from auditor.handles.scan import scan
from auditor.http import HttpClient
from auditor.messages import finding
from auditor.models import DomainResult, Finding, HandleResult
from auditor.plugins import load_platform_definitions


class BrandError(Exception):
    """Bad brand-check input (unknown platform id, unreadable platforms file)."""


@dataclass(frozen=True)
class BrandRequest:
    name: str
    city: str | None = None
    declared: Mapping[str, str] = field(default_factory=dict)
    handles: tuple[str, ...] = ()  # --handle: check exactly these on every platform
    country_code: str | None = None


@dataclass
class BrandOutcome:
    handles: list[HandleResult]
    domains: list[DomainResult]
    platforms: dict[str, Platform]
    primary: dict[str, str]  # platform id -> the handle that stands for the brand there

    def settle(self, *, website_domain: str | None) -> None:
        """Mark the domains the business's website is on (the website may be known only at the end)."""
        self.domains = [
            replace(d, business_site=bool(website_domain) and d.domain == website_domain)
            for d in self.domains
        ]


def load_platform_set(
    platforms_file: Path | None = None, only: Sequence[str] | None = None
) -> tuple[list[Platform], BlockSignatures]:
    """The shipped platforms plus plugins', or exactly those of `platforms_file` (with the shipped block
    signatures added to the file's own: a challenge page is one whatever the platform); filtered by `only`.
    """
    try:
        if platforms_file is not None:
            platforms, own_blocks = load_definitions(platforms_file)
            _, shipped_blocks = load_platforms()
            blocks = BlockSignatures((*own_blocks.signatures, *shipped_blocks.signatures))
        else:
            platforms, blocks = load_platforms(plugin_definitions=load_platform_definitions())
    except (PlatformError, OSError, ValueError) as exc:
        raise BrandError(str(exc)) from exc
    if only:
        known = {p.id for p in platforms}
        unknown = sorted(set(only) - known)
        if unknown:
            raise BrandError(f"unknown platform {unknown[0]!r} (known: {', '.join(sorted(known))})")
        platforms = [p for p in platforms if p.id in set(only)]
    return platforms, blocks


def platform_labels() -> dict[str, str]:
    """Platform id -> label, for captions; empty when the definitions cannot be read (ids stand in)."""
    try:
        platforms, _ = load_platform_set()
    except BrandError:
        return {}
    return {platform.id: platform.label for platform in platforms}


def plan_checks(
    request: BrandRequest, platforms: Sequence[Platform], *, name_candidates: int | None
) -> tuple[list[tuple[Platform, str]], list[HandleResult], dict[str, str]]:
    """Which (platform, handle) pairs to probe, the invalid ones (reported, never probed), and the primary
    handle per platform (the declared one, else the first valid name form)."""
    if request.handles:
        candidates = [HandleCandidate(handle=h, declared=False, origin="given") for h in request.handles]
    else:
        candidates = handle_candidates(request.name, request.city, request.declared)
    checks: list[tuple[Platform, str]] = []
    invalid: list[HandleResult] = []
    primary: dict[str, str] = {}
    for platform in platforms:
        taken_names = 0
        for candidate, reason in candidates_for(platform, candidates):
            if not candidate.declared and name_candidates is not None and taken_names >= name_candidates:
                continue
            if reason is not None:
                if candidate.declared or not name_candidates:
                    invalid.append(
                        HandleResult(
                            platform.id,
                            candidate.handle,
                            "unknown",
                            "invalid_handle",
                            None,
                            reason,
                            declared=candidate.declared,
                        )
                    )
                continue
            if not candidate.declared:
                taken_names += 1
            primary.setdefault(platform.id, candidate.handle)
            checks.append((platform, candidate.handle))
    return checks, invalid, primary


async def run_brand_check(
    http: HttpClient,
    request: BrandRequest,
    platforms: Sequence[Platform],
    blocks: BlockSignatures,
    domain_settings: DomainSettings,
    *,
    website_domain: str | None,
    phone_e164: str | None,
    proven_urls: Awaitable[Iterable[str]] | None,
    name_candidates: int | None,
    with_domains: bool = True,
    timeout: float | None = None,
    on_observation: Callable[[Observation], None] | None = None,
) -> BrandOutcome:
    """Probe every planned handle and the brand domains concurrently; settle ownership at the end.

    `proven_urls` (the profiles the business's website links to) is awaited only after the probes, so it
    can be fetched meanwhile.
    """
    checks, invalid, primary = plan_checks(request, platforms, name_candidates=name_candidates)
    domains_task = (
        asyncio.create_task(_check_domains(http, request, domain_settings, website_domain))
        if with_domains
        else None
    )
    observations: list[Observation] = []
    async for observation in scan(http, checks, blocks, timeout=timeout):
        observations.append(observation)
        if on_observation is not None:
            on_observation(observation)
    domains = await domains_task if domains_task is not None else []
    handles = resolve(
        observations,
        website_domain=website_domain,
        phone_e164=phone_e164,
        proven_urls=list(await proven_urls) if proven_urls is not None else [],
        declared=request.declared,
    )
    order = {p.id: i for i, p in enumerate(platforms)}
    handles = sorted(
        [*handles, *invalid], key=lambda h: (order.get(h.platform, 1 << 30), not h.declared, h.handle)
    )
    return BrandOutcome(handles, domains, {p.id: p for p in platforms}, primary)


def brand_labels(request: BrandRequest) -> list[str]:
    if request.handles:
        return list(request.handles)
    return [c.handle for c in handle_candidates(request.name, request.city, {}) if c.origin == "name"]


async def _check_domains(
    http: HttpClient, request: BrandRequest, settings: DomainSettings, website_domain: str | None
) -> list[DomainResult]:
    names = brand_domains(
        brand_labels(request)[:2],
        request.country_code,
        settings,
        website=f"https://{website_domain}" if website_domain else None,
    )
    return await check_domains(http, names, load_bootstrap(), settings, website_domain)


# -- findings and score --------------------------------------------------------------------------------


def brand_findings(
    outcome: BrandOutcome, request: BrandRequest, settings: DomainSettings, today: date | None = None
) -> list[Finding]:
    """Findings for the primary handle of each platform, and for the brand domains."""
    out: list[Finding] = []
    for result in outcome.handles:
        platform = outcome.platforms.get(result.platform)
        if platform is None or outcome.primary.get(result.platform) != result.handle:
            continue
        label = platform.label
        if result.declared and result.status == "available":
            out.append(
                finding(
                    "high",
                    "declared_handle_missing",
                    M.DECLARED_HANDLE_MISSING,
                    "handles",
                    platform.signup_url,
                    label=label,
                    handle=result.handle,
                )
            )
        elif result.declared and result.status == "taken":
            out.append(
                finding(
                    "low",
                    "handle_not_linked",
                    M.HANDLE_NOT_LINKED,
                    "handles",
                    result.url,
                    label=label,
                    handle=result.handle,
                )
            )
        elif not result.declared and result.status == "available" and platform.major:
            out.append(
                finding(
                    "medium",
                    "handle_available",
                    M.HANDLE_AVAILABLE,
                    "handles",
                    platform.signup_url,
                    label=label,
                    handle=result.handle,
                )
            )
        elif not result.declared and result.status == "taken" and platform.major:
            out.append(
                finding(
                    "info",
                    "handle_taken",
                    M.HANDLE_TAKEN,
                    "handles",
                    result.url,
                    label=label,
                    handle=result.handle,
                    evidence=result.evidence,
                )
            )
    out.extend(
        domain_findings(
            outcome.domains,
            brand_labels=brand_labels(request)[:2],
            today=today or date.today(),
            expiry_warning_days=settings.expiry_warning_days,
            brand_tlds=tuple(dict.fromkeys((*settings.tlds, *country_tlds(request.country_code)))),
        )
    )
    return out


HANDLE_CREDIT = {"owned": 1.0, "available": 0.5, "taken": 0.0}
DOMAIN_CREDIT = {"available": 0.5}


def brand_score(outcome: BrandOutcome) -> int | None:
    """Mean credit over the primary handle of each major platform and the brand domains (unknowns left
    out): owned 1, free 0.5 (unclaimed, a risk), someone else's 0; a declared handle that exists but is
    not linked back 0.75; a domain the business's site is on 1, free 0.5, someone else's 0."""
    credits: list[float] = []
    for result in outcome.handles:
        platform = outcome.platforms.get(result.platform)
        if platform is None or not (platform.major or result.declared):
            continue
        if outcome.primary.get(result.platform) != result.handle or result.status == "unknown":
            continue
        credit = 0.75 if result.declared and result.status == "taken" else HANDLE_CREDIT[result.status]
        credits.append(0.0 if result.declared and result.status == "available" else credit)
    for domain in outcome.domains:
        if domain.status == "unknown":
            continue
        credits.append(1.0 if domain.business_site else DOMAIN_CREDIT.get(domain.status, 0.0))
    return round(100 * sum(credits) / len(credits)) if credits else None


def outcome_as_dict(outcome: BrandOutcome) -> dict[str, Any]:
    from dataclasses import asdict

    return {
        "handles": [handle_as_dict(h) for h in outcome.handles],
        "domains": [asdict(d) for d in outcome.domains],
    }


def handle_as_dict(result: HandleResult) -> dict[str, Any]:
    """One `handles[]` row of the reports (the JSON schema pins these names)."""
    return {
        "platform": result.platform,
        "handle": result.handle,
        "status": result.status,
        "reason": result.reason,
        "url": result.url,
        "evidence": result.evidence,
        "declared": result.declared,
    }
