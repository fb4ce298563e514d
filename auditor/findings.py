"""Findings: what the owner should do, most urgent first, each with the page where they do it.

Severity follows what a wrong value costs the shop: a wrong phone or address sends customers away (high); a
wrong name, website or hours misleads (medium); a variant is harmless to a person but splits the signal
search engines use to trust a listing (low).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from auditor import messages as M
from auditor.messages import finding
from auditor.models import SEVERITIES, Finding, Listing, Severity

MISMATCH_SEVERITY: dict[str, Severity] = {
    "phone": "high",
    "address": "high",
    "name": "medium",
    "website": "medium",
    "hours": "medium",
}
MISSING_SEVERITY: dict[str, Severity] = {
    "phone": "medium",
    "address": "medium",
    "website": "medium",
    "hours": "low",
    "name": "medium",
}
STRUCTURED_DATA_GUIDE = "https://developers.google.com/search/docs/appearance/structured-data/local-business"
MOBILE_GUIDE = "https://developer.mozilla.org/en-US/docs/Web/HTML/Viewport_meta_tag"
HTTPS_GUIDE = "https://letsencrypt.org/getting-started/"


def listing_findings(listing: Listing, label: str, fix_url: str | None, radius_m: float) -> list[Finding]:
    """Findings for one provider's outcome (found or not)."""
    provider = listing.provider
    if listing.status == "skipped":
        # Skipped still points somewhere useful: a disabled directory's search page, to look by hand.
        return [
            finding(
                "info",
                "provider_skipped",
                M.PROVIDER_SKIPPED,
                provider,
                fix_url,
                label=label,
                reason=listing.reason,
            )
        ]
    if listing.status == "error":
        return [
            finding("info", "provider_error", M.PROVIDER_ERROR, provider, label=label, reason=listing.reason)
        ]
    if listing.status == "not_found":
        severity: Severity = "high" if provider == "google_places" else "medium"
        if provider == "website":
            return [finding("medium", "no_website", M.NO_WEBSITE, provider, reason=listing.reason)]
        return [finding(severity, "listing_not_found", M.LISTING_NOT_FOUND, provider, fix_url, label=label)]
    out: list[Finding] = []
    closed = M.LISTING_CLOSED.get(listing.business_status)
    if closed is not None:
        out.append(finding("high", "listing_closed", closed, provider, fix_url, label=label))
    for field, verdict in listing.fields.items():
        if verdict.verdict == "mismatch" and field in M.MISMATCH:
            out.append(
                finding(
                    MISMATCH_SEVERITY.get(field, "medium"),
                    f"{field}_mismatch",
                    M.MISMATCH[field],
                    provider,
                    fix_url,
                    label=label,
                    value=verdict.value,
                    reference=verdict.reference,
                    note=verdict.note,
                )
            )
        elif verdict.verdict == "missing" and field in M.MISSING:
            out.append(
                finding(
                    MISSING_SEVERITY.get(field, "low"),
                    f"{field}_missing",
                    M.MISSING[field],
                    provider,
                    fix_url,
                    label=label,
                    reference=verdict.reference,
                )
            )
    variants = [
        {"template": M.VARIANT_ITEM[field], "params": {"value": verdict.value, "note": verdict.note}}
        for field, verdict in listing.fields.items()
        if verdict.verdict == "variant" and field in M.VARIANT_ITEM
    ]
    if variants:
        # One finding per listing: each variant is harmless to a reader, together they are one chore.
        out.append(
            finding(
                "low",
                "variants",
                M.VARIANTS,
                provider,
                fix_url,
                label=label,
                count=len(variants),
                items=variants,
            )
        )
    if listing.duplicates:
        urls = [
            c.url or c.listing_id or "?" for c in (listing.candidate, *listing.duplicates) if c is not None
        ]
        out.append(
            finding(
                "medium", "duplicate_listing", M.DUPLICATE_LISTING, provider, fix_url,
                label=label, count=len(urls), urls=", ".join(urls),
            )
        )  # fmt: skip
    if listing.distance_m is not None and listing.distance_m > radius_m:
        out.append(
            finding(
                "medium",
                "pin_far",
                M.PIN_FAR,
                provider,
                fix_url,
                label=label,
                distance=round(listing.distance_m),
            )
        )
    return out


def site_findings(site: Mapping[str, Any], today: date | None = None) -> list[Finding]:
    """Findings from the website's own signals (HTTPS, mobile viewport, structured data, freshness)."""
    today = today or date.today()
    out: list[Finding] = []
    if site.get("https") is False:
        out.append(finding("medium", "no_https", M.NO_HTTPS, "website", HTTPS_GUIDE))
    elif site.get("http_redirects_to_https") is False:
        out.append(finding("low", "no_https_redirect", M.NO_HTTPS_REDIRECT, "website", HTTPS_GUIDE))
    if site.get("viewport") is False:
        out.append(finding("medium", "not_mobile_friendly", M.NOT_MOBILE_FRIENDLY, "website", MOBILE_GUIDE))
    if site.get("has_json_ld") is False:
        out.append(
            finding("low", "no_structured_data", M.NO_STRUCTURED_DATA, "website", STRUCTURED_DATA_GUIDE)
        )
    year = site.get("copyright_year")
    if isinstance(year, int) and year < today.year - 1:
        out.append(finding("low", "stale_site", M.STALE_SITE, "website", year=year))
    return out


def sort_findings(findings: list[Finding]) -> list[Finding]:
    return sorted(findings, key=lambda f: (SEVERITIES.index(f.severity), f.provider or "", f.code))
