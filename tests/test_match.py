"""Matching: which candidate is the business. The rival next door must never be picked."""

from __future__ import annotations

import pytest

from auditor.config import MatchSettings
from auditor.match import MatchTarget, best_match, duplicates, match_candidate, names_agree
from auditor.models import Address, Candidate

SETTINGS = MatchSettings(name_threshold=80, radius_m=200, min_signals=2)
DUPONT = Address(
    house_number="12",
    street="rue de la République",
    postcode="69002",
    city="Lyon",
    country_code="FR",
    lat=45.7627,
    lon=4.8357,
)
TARGET = MatchTarget(name="Boulangerie Dupont", phone="+33478421010", address=DUPONT, region="FR")


@pytest.mark.parametrize(
    ("reference", "listing", "agree"),
    [
        ("Boulangerie Dupont", "Boulangerie Dupont", True),
        ("Boulangerie Dupont", "BOULANGERIE DUPONT SARL", True),
        (
            "Boulangerie Dupont",
            "Boulangerie Dupont - Meilleur Pain Lyon Croissants",
            True,
        ),  # stuffed, same shop
        ("Boulangerie Dupont", "Dupont", True),
        ("Boulangerie Dupont", "Boulangerie Dupond", True),  # a typo
        ("Boulangerie Dupont", "Boulangerie Durand", False),  # the rival: shares only the category word
        ("The Crown & Anchor", "Crown and Anchor", True),
        ("Le Café des Arts", "Cafe des Arts", True),
        ("Maple Street Bakery", "Pine Street Bakery", False),
        ("Boulangerie Dupont", "", False),
    ],
)
def test_names_agree(reference: str, listing: str, agree: bool) -> None:
    assert names_agree(reference, listing, SETTINGS.name_threshold)[0] is agree


def _candidate(
    name: str, phone: str | None, address: Address | None, provider: str = "google_places"
) -> Candidate:
    return Candidate(provider=provider, name=name, phone=phone, address=address)


def test_wrong_phone_still_matches_on_name_and_pin() -> None:
    pin = Address(
        street="Rue de la République", house_number="12", postcode="69002", lat=45.76272, lon=4.83571
    )
    result = match_candidate(_candidate("Boulangerie Dupont", "04 78 42 10 11", pin), TARGET, SETTINGS)
    assert result.signals == ("name", "address")
    assert result.is_match(SETTINGS)
    assert result.distance_m is not None and result.distance_m < 5


def test_rival_next_door_is_not_the_business() -> None:
    rival_pin = Address(
        house_number="20", street="rue de la République", postcode="69002", lat=45.7631, lon=4.8360
    )
    rival = _candidate("Boulangerie Durand", "+33 4 78 42 20 20", rival_pin)
    result = match_candidate(rival, TARGET, SETTINGS)
    assert "name" not in result.signals and "phone" not in result.signals
    assert not result.is_match(SETTINGS)


def test_best_match_prefers_the_business_over_a_closer_rival() -> None:
    rival = _candidate("Boulangerie Durand", "+33478422020", Address(lat=45.7627, lon=4.8357))
    ours = _candidate(
        "Boulangerie Dupont", "+33 4 78 42 10 10", Address(lat=45.7650, lon=4.8357)
    )  # 255 m away
    found = best_match([rival, ours], TARGET, SETTINGS)
    assert found is not None
    assert found[0] is ours
    assert found[1].signals == ("name", "phone")


def test_pin_outside_radius_and_other_address_is_no_address_signal() -> None:
    far = Address(house_number="3", street="Place Bellecour", postcode="69002", lat=45.7578, lon=4.8320)
    result = match_candidate(_candidate("Boulangerie Dupont", None, far), TARGET, SETTINGS)
    assert result.signals == ("name",)
    assert result.distance_m is not None and result.distance_m > 500


def test_alias_phone_counts_as_the_business() -> None:
    target = MatchTarget(
        name="Boulangerie Dupont",
        phone="+33478421010",
        address=None,
        region="FR",
        alias_phones=("+33478000000",),
    )
    result = match_candidate(_candidate("Boulangerie Dupont", "04 78 00 00 00", None), target, SETTINGS)
    assert result.signals == ("name", "phone")


def test_min_signals_is_configurable() -> None:
    strict = MatchSettings(name_threshold=80, radius_m=200, min_signals=3)
    pin = Address(lat=45.76272, lon=4.83571)
    candidate = _candidate("Boulangerie Dupont", "04 78 42 10 11", pin)
    assert match_candidate(candidate, TARGET, SETTINGS).is_match(SETTINGS)
    assert not match_candidate(candidate, TARGET, strict).is_match(strict)


def test_duplicates_are_the_other_listings_with_the_phone_or_the_name_nearby() -> None:
    here = Address(
        street="Rue de la République", house_number="12", postcode="69002", lat=45.7627, lon=4.8357
    )
    across_town = Address(
        street="Cours Lafayette", house_number="80", postcode="69003", lat=45.7630, lon=4.8590
    )

    def listing(ident: str, name: str, phone: str | None, address: Address) -> Candidate:
        return Candidate("google_places", name=name, phone=phone, address=address, listing_id=ident)

    matched = listing("A", "Boulangerie Dupont", "04 78 42 10 10", here)
    candidates = [
        matched,
        listing("B", "Dupont Boulangerie", "+33 4 78 42 10 10", across_town),  # same phone elsewhere
        listing("C", "Boulangerie Dupont", None, here),  # same name, here
        listing("D", "Boulangerie Dupont", "04 78 60 00 00", across_town),  # a branch across town
        listing("E", "Boulangerie Durand", "04 78 42 20 20", here),  # the rival next door
        listing("A", "Boulangerie Dupont", "04 78 42 10 10", here),  # the same listing twice
    ]
    assert [c.listing_id for c in duplicates(candidates, matched, TARGET, SETTINGS)] == ["B", "C"]
