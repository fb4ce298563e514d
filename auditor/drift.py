"""What changed between two audits of the same shop: the fixes that came undone.

Compared on the JSON report shape (what the history keeps): a listing field whose value changed, a listing
that disappeared or now shows the shop closed, a handle the shop lost (its own profile gone, or no longer
linking back), and the score dropping. A provider that could not be checked this time (error, skipped) is
not a change: an outage is not drift.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

SCORE_DROP = 5  # points: smaller moves are noise (a rating changed, a check could not run)


def drift(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[dict[str, Any]]:
    changes: list[dict[str, Any]] = []
    earlier = {item["provider"]: item for item in before.get("listings", [])}
    for listing in after.get("listings", []):
        provider = listing["provider"]
        old = earlier.get(provider)
        if old is None or old.get("status") != "found":
            continue
        status = listing.get("status")
        if status == "not_found":
            changes.append({"kind": "listing_lost", "provider": provider, "url": old.get("url")})
            continue
        if status != "found":
            continue  # error or skipped: could not tell this time
        if listing.get("business_status", "").startswith("closed") and not str(
            old.get("business_status", "")
        ).startswith("closed"):
            changes.append(
                {"kind": "listing_closed", "provider": provider, "status": listing["business_status"]}
            )
        for field, verdict in listing.get("fields", {}).items():
            previous = old.get("fields", {}).get(field)
            if previous is None or previous.get("value") == verdict.get("value"):
                continue
            changes.append(
                {
                    "kind": "field_changed",
                    "provider": provider,
                    "field": field,
                    "before": previous.get("value"),
                    "after": verdict.get("value"),
                    "verdict": verdict.get("verdict"),
                }
            )
    changes += _handles(before, after)
    old_score = before.get("score", {}).get("overall")
    new_score = after.get("score", {}).get("overall")
    if isinstance(old_score, int) and isinstance(new_score, int) and old_score - new_score >= SCORE_DROP:
        changes.append({"kind": "score_dropped", "before": old_score, "after": new_score})
    return changes


def _handles(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[dict[str, Any]]:
    earlier = {(h["platform"], h["handle"]): h for h in before.get("handles", [])}
    out: list[dict[str, Any]] = []
    for handle in after.get("handles", []):
        old = earlier.get((handle["platform"], handle["handle"]))
        if old is None:
            continue
        was_mine = old["status"] == "owned" or (old.get("declared") and old["status"] == "taken")
        if was_mine and handle["status"] == "available":
            out.append({"kind": "handle_lost", "platform": handle["platform"], "handle": handle["handle"]})
        elif old["status"] == "owned" and handle["status"] == "taken":
            out.append(
                {"kind": "handle_unlinked", "platform": handle["platform"], "handle": handle["handle"]}
            )
    return out
