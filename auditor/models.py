"""What crosses module boundaries: the business as given, listings as providers see them,
verdicts, the report.

Dataclasses rather than dicts so that a provider, the matcher and a renderer cannot disagree silently on a
field name. Everything here is plain data; behaviour lives in the modules that own each step.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Verdict = Literal["match", "variant", "mismatch", "missing", "unknown"]
FieldName = Literal["name", "address", "phone", "website", "hours"]
FIELDS: tuple[FieldName, ...] = ("name", "address", "phone", "website", "hours")
ListingStatus = Literal["found", "not_found", "error", "skipped"]
BusinessStatus = Literal["operational", "closed_temporarily", "closed_permanently", "unknown"]
Severity = Literal["high", "medium", "low", "info"]
SEVERITIES: tuple[Severity, ...] = ("high", "medium", "low", "info")

# A week in one form whatever the source: index 0 is Monday, each day a sorted tuple of
# (open_minute, close_minute) with 0 <= open < close <= 1440. Overnight spans are split at midnight.
DayHours = tuple[tuple[int, int], ...]
WeeklyHours = tuple[DayHours, DayHours, DayHours, DayHours, DayHours, DayHours, DayHours]


@dataclass(frozen=True)
class Business:
    """The shop as the user described it (CLI options or a TOML file); only `name` is required."""

    name: str
    address: str | None = None
    phone: str | None = None
    website: str | None = None
    hours: str | None = None
    country: str | None = None
    city: str | None = None
    handles: dict[str, str] = field(default_factory=dict)
    aliases: tuple[str, ...] = ()
    # Profile links the shop knows and no API finds (its Google review link, say): posters use them.
    links: dict[str, str] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.name}
        for key in ("address", "phone", "website", "hours", "country", "city"):
            value = getattr(self, key)
            if value is not None:
                out[key] = value
        if self.handles:
            out["handles"] = dict(self.handles)
        if self.aliases:
            out["aliases"] = list(self.aliases)
        if self.links:
            out["links"] = dict(self.links)
        return out


@dataclass(frozen=True)
class Address:
    """A postal address split into the parts verdicts compare; any part may be unknown."""

    formatted: str | None = None
    house_number: str | None = None
    street: str | None = None
    postcode: str | None = None
    city: str | None = None
    country_code: str | None = None  # ISO 3166-1 alpha-2, upper case
    unit: str | None = None  # suite / apartment / floor ("Suite 200", "bât. B")
    lat: float | None = None
    lon: float | None = None
    geocoder: str | None = None  # which geocoder produced lat/lon, None when not geocoded

    def is_empty(self) -> bool:
        return not any((self.formatted, self.street, self.postcode, self.city, self.house_number))


@dataclass(frozen=True)
class Candidate:
    """One listing exactly as one provider shows it, parsed into common types but not yet judged.

    Providers fill what the source has and leave the rest None; `address.lat/lon` is the listing's pin.
    """

    provider: str
    name: str | None = None
    address: Address | None = None
    phone: str | None = None  # as displayed by the source; normalised later
    website: str | None = None
    hours: WeeklyHours | None = None
    hours_text: str | None = None  # the source's own rendering, for the report
    listing_id: str | None = None
    url: str | None = None
    business_status: BusinessStatus = "unknown"
    rating: float | None = None
    review_count: int | None = None
    review_url: str | None = None
    # Fields this source never carries (Yelp has no website, Apple no phone): `unknown`, not `missing`.
    not_carried: frozenset[FieldName] = frozenset()
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class FieldVerdict:
    value: str | None
    reference: str | None
    verdict: Verdict
    note: str | None = None  # why, when the verdict is not obvious ("house number 12 vs 14")


@dataclass(frozen=True)
class Listing:
    """One provider's outcome for the audited business: the matched candidate with its verdicts."""

    provider: str
    status: ListingStatus
    reason: str | None = None
    url: str | None = None
    listing_id: str | None = None
    fields: dict[str, FieldVerdict] = field(default_factory=dict)
    distance_m: float | None = None
    business_status: BusinessStatus = "unknown"
    rating: float | None = None
    review_count: int | None = None
    review_url: str | None = None
    match_signals: tuple[str, ...] = ()  # which of name/address/phone agreed
    candidate: Candidate | None = None
    duplicates: tuple[Candidate, ...] = ()  # other listings of this provider that are the business too


@dataclass(frozen=True)
class Finding:
    """`message` is the English sentence; `template` and `params` say it again in any language
    (auditor.messages.render), which is how the HTML and Markdown reports speak French."""

    severity: Severity
    code: str
    message: str
    provider: str | None = None
    fix_url: str | None = None
    template: str | None = None
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Score:
    overall: int
    presence: int
    consistency: int
    completeness: int
    brand: int | None = None  # None when no handle or domain could be judged


@dataclass(frozen=True)
class Reference:
    """The value a field is judged against, and where it came from (the user, the website, a consensus)."""

    value: str | None
    source: str  # "business", "website", "consensus:google_places,osm", "none"


@dataclass(frozen=True)
class NormalizedBusiness:
    name: str | None
    phone: str | None  # E.164
    website: str | None  # registrable domain
    address: Address
    hours: WeeklyHours | None = None


@dataclass(frozen=True)
class AuditError:
    provider: str | None
    message: str


@dataclass
class AuditReport:
    business: Business
    normalized: NormalizedBusiness
    references: dict[str, Reference]
    listings: list[Listing]
    findings: list[Finding]
    score: Score
    errors: list[AuditError]
    generated_at: str
    tool_version: str
    site: dict[str, Any] | None = None  # website signals (https, viewport, freshness, social links)
    timings: dict[str, float] = field(default_factory=dict)
    handles: list[HandleResult] = field(default_factory=list)
    domains: list[DomainResult] = field(default_factory=list)


HandleStatus = Literal["owned", "taken", "available", "unknown"]
DomainStatus = Literal["registered", "available", "unknown"]


@dataclass(frozen=True)
class HandleResult:
    """Who holds one handle on one platform, and how we know.

    `reason` says why for `unknown` (blocked, rate_limited, server_error, timeout, login_wall,
    invalid_handle, unreachable, unrecognised); `evidence` names the signal seen: the absence signal for
    `available`, the presence signal for `taken`, the link back for `owned`.
    """

    platform: str
    handle: str
    status: HandleStatus
    reason: str | None = None
    url: str | None = None
    evidence: str | None = None
    declared: bool = False  # the business listed this handle itself
    links: tuple[str, ...] = ()  # outbound links the profile shows (for ownership)


@dataclass(frozen=True)
class DomainResult:
    domain: str
    status: DomainStatus
    reason: str | None = None
    registrar: str | None = None
    expires: str | None = None  # ISO date
    registered: str | None = None  # ISO date
    business_site: bool = False  # the business's website is on this domain
    rdap_url: str | None = None
    registrar_url: str | None = None  # the registrar's own site, when the record links it (renewals)
