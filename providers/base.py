"""The interface every provider implements, built-in or third-party.

A provider turns a `SearchQuery` into `Candidate`s: the listings it found, parsed into common types, best
first. It does not judge them: matching, verdicts and findings belong to the engine, so that every provider
is judged by the same rules. Providers talk to the web only through `ctx.http` (auditor.http), which brings
per-host limits, retries, the cache and sandbox routing for free.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal

from auditor.http import HttpClient
from auditor.models import Candidate

ProviderKind = Literal["listing", "handle", "domain"]


@dataclass(frozen=True)
class SearchQuery:
    """What the engine knows about the business when it asks a provider; any field but `name` may be None."""

    name: str
    address: str | None = None  # free text as the user gave it (or the consensus address)
    city: str | None = None
    postcode: str | None = None
    country_code: str | None = None  # ISO alpha-2, upper case
    phone: str | None = None  # E.164
    website: str | None = None  # URL as given
    lat: float | None = None  # geocoded position, when already known
    lon: float | None = None
    handles: Mapping[str, str] = field(default_factory=dict)  # the business's own, by platform id

    def text(self) -> str:
        """One free-text query line ("name, address" or "name, city") for text-search APIs."""
        where = self.address or " ".join(p for p in (self.postcode, self.city) if p)
        return f"{self.name}, {where}" if where else self.name


@dataclass
class ProviderContext:
    http: HttpClient
    key: str | None = None  # from env SOLOMO_<ID>_KEY or the config file; never log it
    settings: Mapping[str, Any] = field(default_factory=dict)  # this provider's [providers.<id>] table
    cache_ttl: float | None = None  # seconds; None = do not cache
    language: str = "fr"


class ProviderError(Exception):
    """The provider could not answer; `reason` goes into the report as the listing's reason.

    Reasons start with a stable word a script can test: `auth_failed`, `rate_limited`, `server_error`,
    `timeout`, `bad_response`, `quota_exceeded`, followed by a human detail.
    """

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class ProviderSkipped(Exception):
    """Nothing to ask this provider (no website given, not enabled here): `skipped` with this reason."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class Provider:
    """Base class for providers. Subclasses set the class attributes and implement `search`."""

    id: ClassVar[str]
    label: ClassVar[str]
    kind: ClassVar[ProviderKind] = "listing"
    # Env variable holding the key (SOLOMO_<ID>_KEY); None when the provider needs none.
    key_env: ClassVar[str | None] = None
    # Hosts this provider talks to: its key is never sent anywhere else.
    hosts: ClassVar[tuple[str, ...]] = ()
    docs_url: ClassVar[str | None] = None
    quota: ClassVar[str | None] = None  # human note for `audit providers` and the README
    enabled_by_default: ClassVar[bool] = True
    # Query fields the provider cannot work without (the website provider needs `website`). When the user did
    # not give one, the engine runs the provider after the other sources, with the value they agree on.
    needs: ClassVar[tuple[str, ...]] = ()
    # What the listing is when a need stays unknown: "not_found" when that absence is itself the finding (no
    # website anywhere), "skipped" when the provider simply could not ask (no position to search around).
    absent_need_status: ClassVar[Literal["not_found", "skipped"]] = "skipped"
    # True when the provider's answer is the business's own by definition (its website): not matched.
    identifies_business: ClassVar[bool] = False

    @property
    def needs_key(self) -> bool:
        return self.key_env is not None

    async def search(self, ctx: ProviderContext, query: SearchQuery) -> list[Candidate]:
        """Listings that may be the business, best first; [] when the source has none."""
        raise NotImplementedError

    async def enrich(self, ctx: ProviderContext, candidate: Candidate) -> Candidate:
        """Fetch what the search response lacks (details endpoint) for the matched candidate only."""
        return candidate

    def fix_url(self, query: SearchQuery, candidate: Candidate | None) -> str | None:
        """Where the owner fixes or claims this listing (edit page, claim page, signup)."""
        return None
