"""The one relevance rule every emulated search uses, simple enough to predict when writing a test.

Text is compared as tokens: lower case, accents stripped, punctuation dropped, a few street-type
abbreviations expanded ("r." = "rue", "st" = "street", "bd"/"boul" = "boulevard") and small function words
dropped ("de", "la", "the", "and"...).

- A place (a POI) matches a query when at least half of its name's tokens appear in the query. Its score is
  that fraction, plus 0.3 when its city appears in the query, 0.3 when its postcode does (spaces ignored:
  "BA1 5AW" = "BA15AW"), 0.2 when all its street tokens do and a further 0.1 when its house number does.
- An address point matches when its house number and at least three quarters of its street tokens appear,
  and its city or postcode does; the score is the street fraction plus the same city/postcode bonuses
  (no street bonus), so a POI named in the query ranks above the bare address it stands at.
- Results are ordered by score, then by distance to the search position when there is one, then by id, so
  the same request always gives the same answer.
"""

from __future__ import annotations

import itertools
import math
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Generic, TypeVar

STOPWORDS = frozenset(
    {"a", "au", "aux", "and", "d", "de", "des", "du", "en", "et", "l", "la", "le", "les", "of", "the", "y"}
)
ABBREVIATIONS = {
    "r": "rue",
    "bd": "boulevard",
    "boul": "boulevard",
    "blvd": "boulevard",
    "av": "avenue",
    "ave": "avenue",
    "pl": "place",
    "st": "street",
    "rd": "road",
    "ste": "suite",
}
NAME_MATCH_MIN = 0.5
STREET_MATCH_MIN = 0.75
CITY_BONUS = 0.3
POSTCODE_BONUS = 0.3
STREET_BONUS = 0.2
HOUSE_NUMBER_BONUS = 0.1
EARTH_RADIUS_M = 6_371_008.8

T = TypeVar("T")

_NON_ALNUM = re.compile(r"[^0-9a-z]+")


def fold(text: str) -> str:
    """Lower case without accents or punctuation: 'Montréal' and 'MONTREAL' compare equal."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _NON_ALNUM.sub(" ", stripped.lower()).strip()


def tokens(text: str | None) -> list[str]:
    if not text:
        return []
    out = []
    for token in fold(text).split():
        token = ABBREVIATIONS.get(token, token)
        if token not in STOPWORDS:
            out.append(token)
    return out


@dataclass(frozen=True)
class Query:
    """A query's tokens, and its compact forms (adjacent tokens joined) for postcodes written with spaces."""

    words: frozenset[str]
    compact: frozenset[str]

    @classmethod
    def of(cls, *texts: str | None) -> Query:
        words = [t for text in texts for t in tokens(text)]
        pairs = {a + b for a, b in itertools.pairwise(words)}
        return cls(frozenset(words), frozenset(words) | pairs)

    def __bool__(self) -> bool:
        return bool(self.words)

    def has_all(self, text: str | None) -> bool:
        wanted = tokens(text)
        return bool(wanted) and all(t in self.words for t in wanted)

    def has_postcode(self, postcode: str | None) -> bool:
        return bool(postcode) and fold(postcode or "").replace(" ", "") in self.compact

    def fraction(self, text: str | None) -> float:
        wanted = set(tokens(text))
        return len(wanted & self.words) / len(wanted) if wanted else 0.0


@dataclass(frozen=True)
class Where:
    """The address parts of a candidate that can earn location bonuses."""

    house_number: str | None = None
    street: str | None = None
    city: str | None = None
    postcode: str | None = None


def place_score(query: Query, name: str, where: Where) -> float | None:
    """Score of a named place for this query, None when its name does not match."""
    name_fraction = query.fraction(name)
    if name_fraction < NAME_MATCH_MIN:
        return None
    return name_fraction + _location_bonus(query, where)


def address_score(query: Query, where: Where) -> float | None:
    """Score of an address point for this query, None when it is not the address asked for."""
    if not where.house_number or fold(where.house_number) not in query.words:
        return None
    street_fraction = query.fraction(where.street)
    if street_fraction < STREET_MATCH_MIN:
        return None
    if not (query.has_all(where.city) or query.has_postcode(where.postcode)):
        return None
    return street_fraction + _area_bonus(query, where)


def _area_bonus(query: Query, where: Where) -> float:
    bonus = 0.0
    if query.has_all(where.city):
        bonus += CITY_BONUS
    if query.has_postcode(where.postcode):
        bonus += POSTCODE_BONUS
    return bonus


def _location_bonus(query: Query, where: Where) -> float:
    bonus = _area_bonus(query, where)
    if query.has_all(where.street):
        bonus += STREET_BONUS
        if where.house_number and fold(where.house_number) in query.words:
            bonus += HOUSE_NUMBER_BONUS
    return bonus


def mentions_place(query: Query, where: Where) -> bool:
    """Does a location text (Yelp `location`, Foursquare `near`) name this place's city or postcode?"""
    return query.has_all(where.city) or query.has_postcode(where.postcode)


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine); the accuracy of a sphere is plenty for ranking and radii."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = phi2 - phi1
    dlambda = math.radians(lon2 - lon1)
    h = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(h))


@dataclass(frozen=True)
class Scored(Generic[T]):
    item: T
    score: float
    distance: float | None
    key: str


def ranked(hits: Iterable[Scored[T]]) -> list[Scored[T]]:
    inf = float("inf")
    return sorted(
        hits, key=lambda h: (-round(h.score, 6), h.distance if h.distance is not None else inf, h.key)
    )
