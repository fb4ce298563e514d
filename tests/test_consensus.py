"""References: the user's value, else the website's JSON-LD, else what most sources agree on."""

from __future__ import annotations

from auditor.consensus import ReferenceSet, build_references, vote
from auditor.models import Address, Candidate
from auditor.normalise.phone import normalise_phone


def _c(provider: str, **fields: object) -> Candidate:
    return Candidate(provider=provider, **fields)  # type: ignore[arg-type]


POOL = [
    _c(
        "google_places",
        phone="04 78 42 10 11",
        website="https://www.boulangerie-dupont.fr/",
        address=Address(house_number="12", street="Rue de la République", postcode="69002", city="Lyon"),
    ),
    _c(
        "osm",
        phone="+33 4 78 42 10 10",
        website="http://boulangerie-dupont.fr",
        address=Address(house_number="12", street="Rue de la République", postcode="69002", city="Lyon"),
    ),
    _c(
        "yelp",
        phone="+33478421010",
        address=Address(house_number="12", street="r. de la République", postcode="69002", city="Lyon"),
    ),
    _c("foursquare", address=Address(house_number="14", street="Rue de la République", postcode="69002")),
]


def test_vote_picks_the_value_most_sources_hold() -> None:
    found = vote(POOL, lambda c: c.phone, lambda v: normalise_phone(v, "FR"))
    assert found is not None
    value, providers = found
    assert normalise_phone(value, "FR") == "+33478421010"
    assert providers == ["osm", "yelp"]


def test_vote_tie_goes_to_the_higher_priority_source() -> None:
    pool = [_c("yelp", phone="+33478421010"), _c("google_places", phone="+33478421011")]
    found = vote(pool, lambda c: c.phone, lambda v: normalise_phone(v, "FR"))
    assert found is not None and found[1] == ["google_places"]


def test_each_provider_votes_once() -> None:
    pool = [
        _c("yelp", phone="+33478421099"),
        _c("yelp", phone="+33478421099"),
        _c("osm", phone="+33478421010"),
        _c("google_places", phone="+33478421010"),
    ]
    found = vote(pool, lambda c: c.phone, lambda v: normalise_phone(v, "FR"))
    assert found is not None and found[1] == ["google_places", "osm"]


def test_consensus_fills_what_the_user_left_empty_and_names_sources() -> None:
    given = ReferenceSet(name="Boulangerie Dupont", name_source="business")
    refs = build_references(given, None, POOL, "FR")
    assert refs.name_source == "business"
    assert refs.phone_e164 == "+33478421010"
    assert refs.phone_source == "consensus:osm,yelp"
    assert refs.address is not None and refs.address.house_number == "12"
    assert refs.address_source == "consensus:google_places,osm,yelp"
    assert refs.website_source == "consensus:google_places,osm"


def test_website_json_ld_beats_consensus_but_not_the_user() -> None:
    site = _c(
        "website",
        phone="+33 4 78 42 10 99",
        website="https://www.boulangerie-dupont.fr/",
        extra={"source": "json-ld"},
    )
    given = ReferenceSet(
        name="Boulangerie Dupont", name_source="business", website="https://x.fr", website_source="business"
    )
    refs = build_references(given, site, POOL, "FR")
    assert refs.phone_e164 == "+33478421099" and refs.phone_source == "website"
    assert refs.website == "https://x.fr" and refs.website_source == "business"


def test_page_text_is_not_structured_data() -> None:
    site = _c("website", phone="+33 4 78 42 10 99", extra={"source": "page-text"})
    refs = build_references(ReferenceSet(name="Boulangerie Dupont", name_source="business"), site, POOL, "FR")
    assert refs.phone_source.startswith("consensus:")


def test_no_sources_leaves_references_empty() -> None:
    refs = build_references(ReferenceSet(name="X", name_source="business"), None, [], "FR")
    report = refs.as_report()
    assert report["phone"].value is None and report["phone"].source == "none"
    assert report["name"].value == "X"
