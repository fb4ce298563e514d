"""References: the value each field is judged against, and where it came from.

The user's own record wins; for a field they did not give, the business website's structured data (JSON-LD)
is the owner's own statement; failing that, the value most independent sources agree on. The report names
the source of every reference, because "Google disagrees with Yelp" means little without knowing who is right.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, replace
from typing import TypeVar

from auditor.models import Address, Candidate, FieldName, Reference, WeeklyHours
from auditor.normalise.address import format_address, normalise_city, normalise_postcode, normalise_street
from auditor.normalise.hours import format_hours
from auditor.normalise.name import normalise_name
from auditor.normalise.phone import normalise_phone
from auditor.normalise.website import registrable_domain

# When sources tie, the one customers see most breaks the tie.
SOURCE_PRIORITY = ("google_places", "osm", "yelp", "foursquare", "website")

T = TypeVar("T")


@dataclass(frozen=True)
class ReferenceSet:
    name: str | None = None
    name_source: str = "none"
    phone: str | None = None  # as displayed by its source
    phone_e164: str | None = None
    phone_source: str = "none"
    website: str | None = None
    website_source: str = "none"
    address: Address | None = None
    address_source: str = "none"
    hours: WeeklyHours | None = None
    hours_text: str | None = None
    hours_source: str = "none"

    def source(self, field: FieldName) -> str:
        return str(getattr(self, f"{field}_source"))

    def as_report(self) -> dict[str, Reference]:
        return {
            "name": Reference(self.name, self.name_source),
            "address": Reference(format_address(self.address) if self.address else None, self.address_source),
            "phone": Reference(self.phone, self.phone_source),
            "website": Reference(self.website, self.website_source),
            "hours": Reference(
                self.hours_text or (format_hours(self.hours) if self.hours else None), self.hours_source
            ),
        }


def _priority(provider: str) -> int:
    return SOURCE_PRIORITY.index(provider) if provider in SOURCE_PRIORITY else len(SOURCE_PRIORITY)


def vote(
    candidates: Sequence[Candidate],
    value: Callable[[Candidate], T | None],
    key: Callable[[T], Hashable | None],
) -> tuple[T, list[str]] | None:
    """The value most providers agree on (compared by `key`), with the providers that hold it.

    Each provider votes once. A tie goes to the value held by the highest-priority provider.
    """
    groups: dict[Hashable, list[tuple[Candidate, T]]] = {}
    for candidate in candidates:
        raw = value(candidate)
        if raw is None:
            continue
        group_key = key(raw)
        if group_key is None:
            continue
        members = groups.setdefault(group_key, [])
        if all(member.provider != candidate.provider for member, _ in members):
            members.append((candidate, raw))
    if not groups:
        return None

    def rank(members: list[tuple[Candidate, T]]) -> tuple[int, int]:
        return (len(members), -min(_priority(c.provider) for c, _ in members))

    winners = max(groups.values(), key=rank)
    winners.sort(key=lambda member: _priority(member[0].provider))
    return winners[0][1], [c.provider for c, _ in winners]


def address_key(address: Address) -> Hashable | None:
    street = normalise_street(address.street) if address.street else None
    if street:
        return (
            (address.house_number or "").lower().replace(" ", ""),
            street,
            normalise_postcode(address.postcode, address.country_code) or normalise_city(address.city),
        )
    return format_address(address).casefold() or None


def _consensus_source(providers: Iterable[str]) -> str:
    return "consensus:" + ",".join(providers)


def build_references(
    given: ReferenceSet, website: Candidate | None, pool: Sequence[Candidate], region: str | None
) -> ReferenceSet:
    """Fill each field the user left empty from the website's JSON-LD, else from the pool's consensus."""
    refs = given
    structured = website if website is not None and website.extra.get("source") == "json-ld" else None

    if refs.name is None:
        if structured is not None and structured.name:
            refs = replace(refs, name=structured.name, name_source="website")
        elif found := vote(pool, lambda c: c.name, lambda v: normalise_name(v) or None):
            refs = replace(refs, name=found[0], name_source=_consensus_source(found[1]))

    if refs.phone is None:
        if structured is not None and normalise_phone(structured.phone, region):
            refs = replace(
                refs,
                phone=structured.phone,
                phone_e164=normalise_phone(structured.phone, region),
                phone_source="website",
            )
        elif found_phone := vote(pool, lambda c: c.phone, lambda v: normalise_phone(v, region)):
            refs = replace(
                refs,
                phone=found_phone[0],
                phone_e164=normalise_phone(found_phone[0], region),
                phone_source=_consensus_source(found_phone[1]),
            )

    if refs.website is None:
        if structured is not None and structured.website:
            refs = replace(refs, website=structured.website, website_source="website")
        elif found_site := vote(pool, lambda c: c.website, registrable_domain):
            refs = replace(refs, website=found_site[0], website_source=_consensus_source(found_site[1]))

    if refs.address is None:
        if structured is not None and structured.address is not None and not structured.address.is_empty():
            refs = replace(refs, address=structured.address, address_source="website")
        elif found_address := vote(pool, lambda c: c.address, address_key):
            refs = replace(refs, address=found_address[0], address_source=_consensus_source(found_address[1]))

    if refs.hours is None:
        if structured is not None and structured.hours is not None:
            refs = replace(refs, hours=structured.hours, hours_text=None, hours_source="website")
        elif found_hours := vote(pool, lambda c: c.hours, lambda v: v):
            refs = replace(refs, hours=found_hours[0], hours_source=_consensus_source(found_hours[1]))
    return refs
