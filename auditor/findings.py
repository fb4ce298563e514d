"""Findings: what the owner should do, most urgent first, each with the page where they do it.

Severity follows what a wrong value costs the shop: a wrong phone or address sends customers away (high); a
wrong name, website or hours misleads (medium); a variant is harmless to a person but splits the signal
search engines use to trust a listing (low).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

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
FIELD_LABEL = {
    "name": "name",
    "address": "address",
    "phone": "phone number",
    "website": "website",
    "hours": "hours",
}
STRUCTURED_DATA_GUIDE = "https://developers.google.com/search/docs/appearance/structured-data/local-business"
MOBILE_GUIDE = "https://developer.mozilla.org/en-US/docs/Web/HTML/Viewport_meta_tag"
HTTPS_GUIDE = "https://letsencrypt.org/getting-started/"


def listing_findings(listing: Listing, label: str, fix_url: str | None, radius_m: float) -> list[Finding]:
    """Findings for one provider's outcome (found or not)."""
    provider = listing.provider
    if listing.status == "skipped":
        return [Finding("info", "provider_skipped", f"{label} was not checked: {listing.reason}.", provider)]
    if listing.status == "error":
        return [
            Finding("info", "provider_error", f"{label} could not be checked: {listing.reason}.", provider)
        ]
    if listing.status == "not_found":
        severity: Severity = "high" if provider == "google_places" else "medium"
        if provider == "website":
            return [
                Finding(
                    "medium", "no_website", f"No website found for the business ({listing.reason}).", provider
                )
            ]
        return [
            Finding(
                severity,
                "listing_not_found",
                f"No {label} listing found for the business: customers searching {label} will not see it.",
                provider,
                fix_url,
            )
        ]
    out: list[Finding] = []
    if listing.business_status in ("closed_permanently", "closed_temporarily"):
        state = (
            "permanently closed" if listing.business_status == "closed_permanently" else "temporarily closed"
        )
        out.append(
            Finding(
                "high",
                "listing_closed",
                f"{label} shows the business as {state}: customers will think it no longer trades.",
                provider,
                fix_url,
            )
        )
    for field, verdict in listing.fields.items():
        what = FIELD_LABEL.get(field, field)
        note = f" ({verdict.note})" if verdict.note else ""
        if verdict.verdict == "mismatch":
            out.append(
                Finding(
                    MISMATCH_SEVERITY.get(field, "medium"),
                    f"{field}_mismatch",
                    f"{label} shows {what} “{verdict.value}”, the reference is “{verdict.reference}”{note}.",
                    provider,
                    fix_url,
                )
            )
        elif verdict.verdict == "missing":
            out.append(
                Finding(
                    MISSING_SEVERITY.get(field, "low"),
                    f"{field}_missing",
                    f"{label} has no {what}; add “{verdict.reference}”.",
                    provider,
                    fix_url,
                )
            )
    variants = [
        f"{FIELD_LABEL.get(field, field)} “{verdict.value}”" + (f" ({verdict.note})" if verdict.note else "")
        for field, verdict in listing.fields.items()
        if verdict.verdict == "variant"
    ]
    if variants:
        # One finding per listing: each variant is harmless to a reader, together they are one chore.
        out.append(
            Finding(
                "low",
                "variants",
                f"{label} writes {len(variants)} field(s) differently from the reference: "
                + "; ".join(variants)
                + ". Same values, but identical spelling everywhere helps search engines trust the listing.",
                provider,
                fix_url,
            )
        )
    if listing.distance_m is not None and listing.distance_m > radius_m:
        out.append(
            Finding(
                "medium",
                "pin_far",
                f"{label} puts the pin {listing.distance_m:.0f} m from the address.",
                provider,
                fix_url,
            )
        )
    return out


def site_findings(site: Mapping[str, Any], today: date | None = None) -> list[Finding]:
    """Findings from the website's own signals (HTTPS, mobile viewport, structured data, freshness)."""
    today = today or date.today()
    out: list[Finding] = []
    if site.get("https") is False:
        out.append(
            Finding(
                "medium",
                "no_https",
                "The website is not served over HTTPS: browsers mark it “not secure”.",
                "website",
                HTTPS_GUIDE,
            )
        )
    elif site.get("http_redirects_to_https") is False:
        out.append(
            Finding(
                "low",
                "no_https_redirect",
                "http:// does not redirect to https://: visitors typing the address get the insecure page.",
                "website",
                HTTPS_GUIDE,
            )
        )
    if site.get("viewport") is False:
        out.append(
            Finding(
                "medium",
                "not_mobile_friendly",
                "The home page has no viewport meta tag: it will render badly on phones.",
                "website",
                MOBILE_GUIDE,
            )
        )
    if site.get("has_json_ld") is False:
        out.append(
            Finding(
                "low",
                "no_structured_data",
                "The website has no schema.org LocalBusiness data: search engines must guess its "
                "name, address, phone and hours.",
                "website",
                STRUCTURED_DATA_GUIDE,
            )
        )
    year = site.get("copyright_year")
    if isinstance(year, int) and year < today.year - 1:
        out.append(
            Finding(
                "low",
                "stale_site",
                f"The website's copyright notice says {year}: it looks unmaintained.",
                "website",
            )
        )
    return out


def sort_findings(findings: list[Finding]) -> list[Finding]:
    return sorted(findings, key=lambda f: (SEVERITIES.index(f.severity), f.provider or "", f.code))
