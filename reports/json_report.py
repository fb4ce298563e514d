"""The canonical report: JSON that validates against `report.schema.json` (schema_version 1).

Other tools read this; the pinned field names in the schema are a contract. Add fields, never rename.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from functools import lru_cache
from importlib.resources import files
from typing import Any

from auditor.brand import handle_as_dict
from auditor.models import AuditReport, Listing
from auditor.normalise.hours import format_hours

SCHEMA_VERSION = 1


def _listing(listing: Listing) -> dict[str, Any]:
    return {
        "provider": listing.provider,
        "status": listing.status,
        "reason": listing.reason,
        "url": listing.url,
        "listing_id": listing.listing_id,
        "fields": {name: asdict(verdict) for name, verdict in listing.fields.items()},
        "distance_m": round(listing.distance_m, 1) if listing.distance_m is not None else None,
        "business_status": listing.business_status,
        "rating": listing.rating,
        "review_count": listing.review_count,
        "review_url": listing.review_url,
        "match_signals": list(listing.match_signals),
        "duplicates": [
            {"listing_id": d.listing_id, "url": d.url, "name": d.name} for d in listing.duplicates
        ],
    }


def report_to_dict(report: AuditReport) -> dict[str, Any]:
    address = report.normalized.address
    return {
        "schema_version": SCHEMA_VERSION,
        "generated_at": report.generated_at,
        "tool": {"name": "solomo-auditor", "version": report.tool_version},
        "business": report.business.as_dict(),
        "normalized": {
            "name": report.normalized.name,
            "phone": report.normalized.phone,
            "website": report.normalized.website,
            "hours": format_hours(report.normalized.hours) if report.normalized.hours else None,
            "address": {
                "formatted": address.formatted,
                "house_number": address.house_number,
                "street": address.street,
                "postcode": address.postcode,
                "city": address.city,
                "country_code": address.country_code,
                "unit": address.unit,
                "lat": address.lat,
                "lon": address.lon,
                "geocoder": address.geocoder,
            },
        },
        "references": {name: asdict(ref) for name, ref in report.references.items()},
        "listings": [_listing(listing) for listing in report.listings],
        "findings": [asdict(finding) for finding in report.findings],
        "score": asdict(report.score),
        "errors": [asdict(error) for error in report.errors],
        "handles": [handle_as_dict(h) for h in report.handles],
        "domains": [asdict(domain) for domain in report.domains],
        "site": report.site,
        "timings": report.timings,
    }


def render_json(report: AuditReport) -> str:
    return json.dumps(report_to_dict(report), ensure_ascii=False, indent=2) + "\n"


@lru_cache(maxsize=1)
def load_schema() -> dict[str, Any]:
    schema: dict[str, Any] = json.loads(files("reports").joinpath("report.schema.json").read_text("utf-8"))
    return schema


def validate_report(data: dict[str, Any]) -> None:
    """Raise jsonschema.ValidationError when `data` breaks the published schema."""
    import jsonschema

    jsonschema.Draft202012Validator(load_schema(), format_checker=jsonschema.FormatChecker()).validate(data)
