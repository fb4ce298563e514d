"""The score: 0-100 overall from three published parts, so a shop can see which lever moves it.

presence     = weighted share of checked sources where the business was found (provider weights);
consistency  = weighted credit of the compared fields on found listings (match 1, variant 0.75, mismatch 0);
completeness = weighted share of those fields that the listings fill in (missing counts 0);
brand        = handles and domains (see auditor.brand.brand_score), when any could be judged;
overall      = (w_presence·presence + w_consistency·consistency + w_completeness·completeness
                [+ w_brand·brand]) / (sum of the weights used).
Sources that were skipped or failed are left out rather than counted as absent: an audit without a Yelp key
says nothing about Yelp. A part with nothing to measure is 0. See docs/score.md for the weights.
"""

from __future__ import annotations

from collections.abc import Iterable

from auditor.config import ScoreSettings
from auditor.models import Listing, Score

DEFAULT_FIELD_WEIGHT = 1.0
DEFAULT_PROVIDER_WEIGHT = 1.0
DEFAULT_CREDIT = {"match": 1.0, "variant": 0.75, "mismatch": 0.0}


def _ratio(parts: Iterable[tuple[float, float]]) -> float:
    earned = total = 0.0
    for credit, weight in parts:
        earned += credit * weight
        total += weight
    return earned / total if total else 0.0


def compute_score(listings: Iterable[Listing], settings: ScoreSettings, brand: int | None = None) -> Score:
    listings = list(listings)
    credit = {**DEFAULT_CREDIT, **settings.verdict_credit}
    presence = _ratio(
        (1.0 if listing.status == "found" else 0.0, settings.provider_weights.get(listing.provider, 1.0))
        for listing in listings
        if listing.status in ("found", "not_found")
    )
    compared: list[tuple[float, float]] = []
    filled: list[tuple[float, float]] = []
    for listing in listings:
        if listing.status != "found":
            continue
        for field, verdict in listing.fields.items():
            weight = settings.field_weights.get(field, DEFAULT_FIELD_WEIGHT)
            if verdict.verdict in credit:
                compared.append((credit[verdict.verdict], weight))
            if verdict.verdict in ("match", "variant", "mismatch", "missing"):
                filled.append((0.0 if verdict.verdict == "missing" else 1.0, weight))
    consistency = _ratio(compared)
    completeness = _ratio(filled)
    overall = (
        settings.w_presence * presence
        + settings.w_consistency * consistency
        + settings.w_completeness * completeness
    )
    weights = settings.w_presence + settings.w_consistency + settings.w_completeness
    if brand is not None:  # the brand part counts only when some handle or domain could be judged
        overall += settings.w_brand * brand / 100
        weights += settings.w_brand
    overall = overall / weights if weights else 0.0
    return Score(
        overall=round(overall * 100),
        presence=round(presence * 100),
        consistency=round(consistency * 100),
        completeness=round(completeness * 100),
        brand=brand,
    )
