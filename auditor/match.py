"""Which listing is the business: name, address and phone are signals; enough of them agreeing makes a match.

A listing with a wrong phone is still the shop's listing if its name and pin agree, and that wrong phone is
exactly what the audit must report; so matching is deliberately separate from (and more lenient than) the
field verdicts. A rival two doors down shares the street and the category word ("Boulangerie") but not the
distinctive words of the name, which is why names are compared token by token rather than as one string.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from geopy.distance import geodesic
from rapidfuzz import fuzz

from auditor.config import MatchSettings
from auditor.models import Address, Candidate
from auditor.normalise.name import normalise_name
from auditor.normalise.phone import normalise_phone
from auditor.verdicts import judge_address

# Words that say nothing about which business it is: articles and linking words in FR and EN.
NAME_STOPWORDS = frozenset(
    {"le", "la", "les", "l", "the", "de", "du", "des", "d", "et", "and", "chez", "a", "au", "aux", "of", "at"}
)


@dataclass(frozen=True)
class MatchTarget:
    """What a listing is compared with: the reference values, plus former values that still count."""

    name: str | None
    phone: str | None  # E.164
    address: Address | None  # with lat/lon when known
    region: str | None
    alias_names: tuple[str, ...] = ()
    alias_phones: tuple[str, ...] = ()  # E.164


@dataclass(frozen=True)
class MatchResult:
    signals: tuple[str, ...]  # subset of ("name", "address", "phone"), in that order
    name_score: float
    distance_m: float | None

    def is_match(self, settings: MatchSettings) -> bool:
        return len(self.signals) >= settings.min_signals


def name_tokens(name: str) -> list[str]:
    return [token for token in normalise_name(name).split() if token not in NAME_STOPWORDS]


def _covered(tokens: Iterable[str], others: list[str], threshold: float) -> bool:
    return all(any(fuzz.ratio(token, other) >= threshold for other in others) for token in tokens)


def names_agree(reference: str, listing: str, threshold: float) -> tuple[bool, float]:
    """True when every distinctive word of one name is in the other (typos tolerated per word).

    Keyword stuffing ("Dupont - Meilleur Pain Lyon") still agrees, since it is the same business's listing;
    the name verdict is where stuffing becomes a mismatch.
    """
    ref_tokens, listing_tokens = name_tokens(reference), name_tokens(listing)
    score = float(fuzz.token_set_ratio(" ".join(ref_tokens), " ".join(listing_tokens)))
    if not ref_tokens or not listing_tokens:
        return False, score
    agree = _covered(ref_tokens, listing_tokens, threshold) or _covered(listing_tokens, ref_tokens, threshold)
    return agree, score


def distance_m(a: Address | None, b: Address | None) -> float | None:
    if a is None or b is None or None in (a.lat, a.lon, b.lat, b.lon):
        return None
    return float(geodesic((a.lat, a.lon), (b.lat, b.lon)).meters)


def match_candidate(candidate: Candidate, target: MatchTarget, settings: MatchSettings) -> MatchResult:
    signals: list[str] = []
    best_score = 0.0
    if candidate.name:
        for name in (target.name, *target.alias_names):
            if not name:
                continue
            agree, score = names_agree(name, candidate.name, settings.name_threshold)
            best_score = max(best_score, score)
            if agree:
                signals.append("name")
                break
    distance = distance_m(candidate.address, target.address)
    if candidate.address is not None and target.address is not None:
        near = distance is not None and distance <= settings.radius_m
        same_text = judge_address(candidate.address, target.address).verdict in ("match", "variant")
        if near or same_text:
            signals.append("address")
    phone = normalise_phone(candidate.phone, target.region) if candidate.phone else None
    if phone and phone in {p for p in (target.phone, *target.alias_phones) if p}:
        signals.append("phone")
    return MatchResult(signals=tuple(signals), name_score=best_score, distance_m=distance)


def best_match(
    candidates: Iterable[Candidate], target: MatchTarget, settings: MatchSettings
) -> tuple[Candidate, MatchResult] | None:
    """The candidate with the most agreeing signals (then the closest name, then the nearest pin)."""
    ranked: list[tuple[tuple[int, float, float], int, Candidate, MatchResult]] = []
    for index, candidate in enumerate(candidates):
        result = match_candidate(candidate, target, settings)
        if result.is_match(settings):
            nearness = -(result.distance_m if result.distance_m is not None else 1e9)
            ranked.append(((len(result.signals), result.name_score, nearness), -index, candidate, result))
    if not ranked:
        return None
    ranked.sort(key=lambda item: (item[0], item[1]), reverse=True)
    _, _, candidate, result = ranked[0]
    return candidate, result


def duplicates(
    candidates: Iterable[Candidate], matched: Candidate, target: MatchTarget, settings: MatchSettings
) -> list[Candidate]:
    """Other listings of the same provider that are the business too: the same phone, or the name within
    the radius. Duplicates split the reviews and confuse maps; the owner should have them merged."""
    out: list[Candidate] = []
    for candidate in candidates:
        if candidate is matched or (candidate.listing_id and candidate.listing_id == matched.listing_id):
            continue
        result = match_candidate(candidate, target, settings)
        near = result.distance_m is not None and result.distance_m <= settings.radius_m
        if "phone" in result.signals or ("name" in result.signals and near):
            out.append(candidate)
    return out
