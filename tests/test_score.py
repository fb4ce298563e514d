"""The score formula, recomputed by hand on a small case."""

from __future__ import annotations

from auditor.config import ScoreSettings
from auditor.models import FieldVerdict, Listing
from auditor.score import compute_score

SETTINGS = ScoreSettings(
    w_presence=0.4,
    w_consistency=0.4,
    w_completeness=0.2,
    field_weights={"name": 1.0, "address": 1.0, "phone": 1.0, "website": 0.75, "hours": 0.5},
    verdict_credit={"match": 1.0, "variant": 0.75, "mismatch": 0.0},
    provider_weights={"google_places": 3.0, "yelp": 1.5, "osm": 1.0},
)


def _v(verdict: str) -> FieldVerdict:
    return FieldVerdict("x", "y", verdict)  # type: ignore[arg-type]


def test_hand_computed_score() -> None:
    google = Listing(
        "google_places",
        "found",
        fields={
            "name": _v("match"),
            "address": _v("variant"),
            "phone": _v("mismatch"),
            "website": _v("match"),
            "hours": _v("missing"),
        },
    )
    yelp = Listing("yelp", "found", fields={"name": _v("variant"), "website": _v("unknown")})
    osm = Listing("osm", "not_found")
    skipped = Listing("foursquare", "skipped", "no key")
    failed = Listing("website", "error", "timeout")
    score = compute_score([google, yelp, osm, skipped, failed], SETTINGS)
    # presence: (3 + 1.5) / (3 + 1.5 + 1) = 0.81818
    assert score.presence == 82
    # consistency: google name 1·1 + address 1·.75 + phone 0 + website .75·1, yelp name 1·.75 → 3.25 / 4.75
    assert score.consistency == round(100 * 3.25 / 4.75)
    # completeness: google 1+1+1+.75 filled of 4.25, yelp 1 of 1 → 4.75 / 5.25
    assert score.completeness == round(100 * 4.75 / 5.25)
    expected = 0.4 * (4.5 / 5.5) + 0.4 * (3.25 / 4.75) + 0.2 * (4.75 / 5.25)
    assert score.overall == round(100 * expected)


def test_skipped_and_failed_sources_do_not_count_as_absent() -> None:
    found = Listing("google_places", "found", fields={"name": _v("match")})
    assert (
        compute_score([found, Listing("yelp", "skipped"), Listing("osm", "error")], SETTINGS).presence == 100
    )
    assert compute_score([found, Listing("yelp", "not_found")], SETTINGS).presence == round(100 * 3 / 4.5)


def test_nothing_found_scores_zero() -> None:
    score = compute_score([Listing("google_places", "not_found")], SETTINGS)
    assert (score.overall, score.presence, score.consistency, score.completeness) == (0, 0, 0, 0)
