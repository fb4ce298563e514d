from __future__ import annotations

import random
import string
from dataclasses import asdict
from typing import Any

import pytest

from auditor.models import Address
from auditor.normalise.address import (
    country_code,
    format_address,
    normalise_city,
    normalise_postcode,
    normalise_street,
    parse_address,
    split_street_line,
)

PART_NAMES = ("house_number", "street", "unit", "postcode", "city", "country_code")


def parts(address: Address) -> dict[str, Any]:
    return {key: value for key, value in asdict(address).items() if key in PART_NAMES and value is not None}


PARSED: list[tuple[str, str | None, dict[str, str]]] = [
    # France
    (
        "12 rue de la République, 69002 Lyon, France",
        None,
        {
            "house_number": "12",
            "street": "rue de la République",
            "postcode": "69002",
            "city": "Lyon",
            "country_code": "FR",
        },
    ),
    (
        "12 bis rue de la République 69002 Lyon",
        "FR",
        {
            "house_number": "12 bis",
            "street": "rue de la République",
            "postcode": "69002",
            "city": "Lyon",
            "country_code": "FR",
        },
    ),
    (
        "12bis r. Mercière, 69002 Lyon",
        "FR",
        {
            "house_number": "12bis",
            "street": "r. Mercière",
            "postcode": "69002",
            "city": "Lyon",
            "country_code": "FR",
        },
    ),
    (
        "12 ter, avenue Foch, 75116 Paris",
        "FR",
        {
            "house_number": "12 ter",
            "street": "avenue Foch",
            "postcode": "75116",
            "city": "Paris",
            "country_code": "FR",
        },
    ),
    (
        "12B Rue Mercière, 69002 Lyon",
        "FR",
        {
            "house_number": "12B",
            "street": "Rue Mercière",
            "postcode": "69002",
            "city": "Lyon",
            "country_code": "FR",
        },
    ),
    (
        "12-14 avenue Jean Jaurès, Bât. B, 69007 Lyon",
        "FR",
        {
            "house_number": "12-14",
            "street": "avenue Jean Jaurès",
            "unit": "Bât. B",
            "postcode": "69007",
            "city": "Lyon",
            "country_code": "FR",
        },
    ),
    (
        "2e étage, 5 place Bellecour, 69002 Lyon",
        "FR",
        {
            "house_number": "5",
            "street": "place Bellecour",
            "unit": "2e étage",
            "postcode": "69002",
            "city": "Lyon",
            "country_code": "FR",
        },
    ),
    (
        "5 place Bellecour, Bureau 12, 69002 Lyon",
        "FR",
        {
            "house_number": "5",
            "street": "place Bellecour",
            "unit": "Bureau 12",
            "postcode": "69002",
            "city": "Lyon",
            "country_code": "FR",
        },
    ),
    (
        "12, rue de la République, 69002 LYON CEDEX 02",
        None,  # CEDEX only exists in France
        {
            "house_number": "12",
            "street": "rue de la République",
            "postcode": "69002",
            "city": "LYON CEDEX 02",
            "country_code": "FR",
        },
    ),
    ("F-69002 Lyon", None, {"postcode": "69002", "city": "Lyon", "country_code": "FR"}),
    (
        "12 rue Mercière\n69002 Lyon",
        "FR",
        {
            "house_number": "12",
            "street": "rue Mercière",
            "postcode": "69002",
            "city": "Lyon",
            "country_code": "FR",
        },
    ),
    ("Place Bellecour, Lyon", "FR", {"street": "Place Bellecour", "city": "Lyon", "country_code": "FR"}),
    (
        "8 place du 8 Mai 1945, 69008 Lyon",
        "FR",
        {
            "house_number": "8",
            "street": "place du 8 Mai 1945",
            "postcode": "69008",
            "city": "Lyon",
            "country_code": "FR",
        },
    ),
    ("Lyon", None, {"city": "Lyon"}),
    ("France", None, {"country_code": "FR"}),
    # United States
    (
        "123 Main St, Suite 200, Springfield, IL 62701, USA",
        None,
        {
            "house_number": "123",
            "street": "Main St",
            "unit": "Suite 200",
            "postcode": "62701",
            "city": "Springfield",
            "country_code": "US",
        },
    ),
    (
        "123 Main Street Ste 200, Springfield, IL 62701-1234",
        None,
        {
            "house_number": "123",
            "street": "Main Street",
            "unit": "Ste 200",
            "postcode": "62701-1234",
            "city": "Springfield",
            "country_code": "US",
        },
    ),
    (
        "123 Main St #200 Springfield IL 62701",
        None,
        {
            "house_number": "123",
            "street": "Main St",
            "unit": "#200",
            "postcode": "62701",
            "city": "Springfield",
            "country_code": "US",
        },
    ),
    (
        "456 Elm Ave Apt 4B, Portland, OR 97205, United States",
        None,
        {
            "house_number": "456",
            "street": "Elm Ave",
            "unit": "Apt 4B",
            "postcode": "97205",
            "city": "Portland",
            "country_code": "US",
        },
    ),
    (
        "789 Oak Blvd, Unit 5, Austin, Texas 78701, États-Unis",
        None,
        {
            "house_number": "789",
            "street": "Oak Blvd",
            "unit": "Unit 5",
            "postcode": "78701",
            "city": "Austin",
            "country_code": "US",
        },
    ),
    (
        "350 Fifth Avenue, New York, NY 10118",
        None,  # the city named like its state
        {
            "house_number": "350",
            "street": "Fifth Avenue",
            "postcode": "10118",
            "city": "New York",
            "country_code": "US",
        },
    ),
    (
        "12345 Main St, Springfield, Illinois, 62701",
        None,  # a 5-digit house number is not a ZIP
        {
            "house_number": "12345",
            "street": "Main St",
            "postcode": "62701",
            "city": "Springfield",
            "country_code": "US",
        },
    ),
    ("Los Angeles, CA", None, {"city": "Los Angeles", "country_code": "US"}),  # CA: California, not Canada
    # United Kingdom
    (
        "10 Downing Street, London SW1A 2AA, United Kingdom",
        None,
        {
            "house_number": "10",
            "street": "Downing Street",
            "postcode": "SW1A 2AA",
            "city": "London",
            "country_code": "GB",
        },
    ),
    (
        "10 Downing St, London, SW1A2AA",
        None,
        {
            "house_number": "10",
            "street": "Downing St",
            "postcode": "SW1A 2AA",
            "city": "London",
            "country_code": "GB",
        },
    ),
    (
        "221B Baker Street London NW1 6XE UK",
        None,
        {
            "house_number": "221B",
            "street": "Baker Street",
            "postcode": "NW1 6XE",
            "city": "London",
            "country_code": "GB",
        },
    ),
    (
        "Flat 3, 12 High Street, Oxford OX1 4AA, England",
        None,
        {
            "house_number": "12",
            "street": "High Street",
            "unit": "Flat 3",
            "postcode": "OX1 4AA",
            "city": "Oxford",
            "country_code": "GB",
        },
    ),
    (
        "1 Princes St, Edinburgh eh2 2eq, Royaume-Uni",
        None,
        {
            "house_number": "1",
            "street": "Princes St",
            "postcode": "EH2 2EQ",
            "city": "Edinburgh",
            "country_code": "GB",
        },
    ),
    # Canada
    (
        "1234 Rue Saint-Denis, Montréal, QC H2T1R2, Canada",
        None,
        {
            "house_number": "1234",
            "street": "Rue Saint-Denis",
            "postcode": "H2T 1R2",
            "city": "Montréal",
            "country_code": "CA",
        },
    ),
    (
        "1234, rue Saint-Denis, bureau 200, Montréal (Québec) H2T 1R2",
        None,
        {
            "house_number": "1234",
            "street": "rue Saint-Denis",
            "unit": "bureau 200",
            "postcode": "H2T 1R2",
            "city": "Montréal",
            "country_code": "CA",
        },
    ),
    (
        "100 Queen St W, Toronto, ON M5H 2N2",
        None,
        {
            "house_number": "100",
            "street": "Queen St W",
            "postcode": "M5H 2N2",
            "city": "Toronto",
            "country_code": "CA",
        },
    ),
    ("Québec G1R 4P5", None, {"postcode": "G1R 4P5", "city": "Québec", "country_code": "CA"}),
    # Neighbours
    (
        "Hauptstraße 5, 10115 Berlin, Deutschland",
        None,
        {
            "house_number": "5",
            "street": "Hauptstraße",
            "postcode": "10115",
            "city": "Berlin",
            "country_code": "DE",
        },
    ),
    (
        "Rue de la Loi 16, 1000 Bruxelles, Belgique",
        None,
        {
            "house_number": "16",
            "street": "Rue de la Loi",
            "postcode": "1000",
            "city": "Bruxelles",
            "country_code": "BE",
        },
    ),
    (
        "Bahnhofstrasse 1, 8001 Zürich, Suisse",
        None,
        {
            "house_number": "1",
            "street": "Bahnhofstrasse",
            "postcode": "8001",
            "city": "Zürich",
            "country_code": "CH",
        },
    ),
    (
        "Calle Mayor, 10, 28013 Madrid, España",
        None,
        {
            "house_number": "10",
            "street": "Calle Mayor",
            "postcode": "28013",
            "city": "Madrid",
            "country_code": "ES",
        },
    ),
    (
        "Via Roma 1, 00184 Roma, Italia",
        None,
        {
            "house_number": "1",
            "street": "Via Roma",
            "postcode": "00184",
            "city": "Roma",
            "country_code": "IT",
        },
    ),
    (
        "Damrak 1, 1012LG Amsterdam, Netherlands",
        None,
        {
            "house_number": "1",
            "street": "Damrak",
            "postcode": "1012 LG",
            "city": "Amsterdam",
            "country_code": "NL",
        },
    ),
]


@pytest.mark.parametrize(("text", "hint", "expected"), PARSED, ids=[p[0][:40] for p in PARSED])
def test_parse_address(text: str, hint: str | None, expected: dict[str, str]) -> None:
    address = parse_address(text, hint)
    assert parts(address) == expected
    assert address.formatted == ", ".join(line.strip() for line in text.splitlines())


@pytest.mark.parametrize(
    ("text", "hint", "country"),
    [
        ("12 rue Mercière, 69002 Lyon", "FR", "FR"),  # five digits: the hint decides
        ("12 rue Mercière, 69002 Lyon", None, "FR"),  # ... or the street's language
        ("Hauptstraße 5, 10115 Berlin", None, "DE"),
        ("Via Roma 1, 00184 Roma", None, "IT"),
        ("Calle Mayor 10, 28013 Madrid", None, "ES"),
        ("123 Main St, 62701 Springfield", None, "US"),
        ("Place Bellecour, 69002 Lyon", None, "FR"),
        ("69002 Lyon", None, None),  # five digits alone: any of them
        ("Hauptstraße 5, 10115 Berlin", "DE", "DE"),
        ("10 Downing Street, London SW1A 2AA", "FR", "GB"),  # a UK postcode outranks the hint
        ("1234 rue Saint-Denis, Montréal H2T 1R2", None, "CA"),
        ("123 Main St, Springfield IL 62701", None, "US"),  # the state
        ("123 Main St, Springfield 62701-1234", None, "US"),  # ZIP+4
        ("12 rue Mercière, 69002 Lyon, France", "US", "FR"),  # a written country outranks the hint
        ("Lyon", "France", "FR"),  # the hint may be a name
    ],
)
def test_country_inferred_from_postcode_and_hint(text: str, hint: str | None, country: str | None) -> None:
    assert parse_address(text, hint).country_code == country


def test_street_is_kept_as_written() -> None:
    assert parse_address("  12  R. de la  République , 69002 Lyon", "FR").street == "R. de la  République"


@pytest.mark.parametrize("text", [None, "", "   ", "\n\n"])
def test_nothing_parses_to_an_empty_address(text: str | None) -> None:
    assert parse_address(text).is_empty()


NASTY = [
    "!!!,,,",
    ",,,,",
    "12",
    "(",
    ")(",
    "# # #",
    "Suite",
    "- - -",
    "F-",
    "12-",
    "\x00\x01",
    "ﬀ ﬁ 𝔘𝔫𝔦𝔠𝔬𝔡𝔢",
    "1" * 500,
    "rue " * 300,
    "12 rue de la République, 69002 Lyon, France, France, France",
    "SW1A 2AA SW1A 2AA SW1A 2AA",
    "(Québec) (Québec) H2T 1R2",
    "IL 62701",
    "NY",
]


@pytest.mark.parametrize("text", NASTY)
def test_parse_address_never_raises_on_odd_text(text: str) -> None:
    address = parse_address(text, "FR")
    assert isinstance(address, Address)
    assert address.formatted is not None or not text.strip()


def test_parse_address_never_raises_on_random_text() -> None:
    rng = random.Random(20240601)
    alphabet = string.ascii_letters + string.digits + " ,;-#()/.'\n\téèàçÉ"
    for _ in range(1500):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 60)))
        hint = rng.choice([None, "FR", "US", "GB", "CA", "DE", "zz"])
        assert isinstance(parse_address(text, hint), Address)


# --- format -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "hint", "expected"), PARSED, ids=[p[0][:40] for p in PARSED])
def test_format_then_parse_gives_the_same_parts(
    text: str, hint: str | None, expected: dict[str, str]
) -> None:
    address = parse_address(text, hint)
    assert parts(parse_address(format_address(address), hint)) == parts(address)


@pytest.mark.parametrize(
    ("address", "text"),
    [
        (
            Address(
                house_number="12", street="rue Mercière", postcode="69002", city="Lyon", country_code="FR"
            ),
            "12 rue Mercière, 69002 Lyon, France",
        ),
        (
            Address(
                house_number="123",
                street="Main St",
                unit="Suite 200",
                postcode="62701",
                city="Springfield",
                country_code="US",
            ),
            "123 Main St, Suite 200, Springfield 62701, USA",
        ),
        (
            Address(
                house_number="5", street="Hauptstraße", postcode="10115", city="Berlin", country_code="DE"
            ),
            "Hauptstraße 5, 10115 Berlin, Germany",
        ),
        (Address(formatted="Somewhere in Lyon"), "Somewhere in Lyon"),
        (Address(country_code="CA"), "Canada"),
        (Address(), ""),
    ],
)
def test_format_address(address: Address, text: str) -> None:
    assert format_address(address) == text


# --- comparison forms ---------------------------------------------------------------------------------------

STREETS = [
    ("r. de la République", "rue de la republique"),
    ("R. Victor Hugo", "rue victor hugo"),
    ("Av. Jean-Jaurès", "avenue jean jaures"),
    ("ave Foch", "avenue foch"),
    ("bd Saint-Germain", "boulevard saint germain"),
    ("Bld St Germain", "boulevard saint germain"),
    ("boul. St-Laurent", "boulevard saint laurent"),
    ("pl. Bellecour", "place bellecour"),
    ("fg Saint-Antoine", "faubourg saint antoine"),
    ("rte de Vienne", "route de vienne"),
    ("ch. des Vignes", "chemin des vignes"),
    ("imp. des Lilas", "impasse des lilas"),
    ("all. des Tilleuls", "allee des tilleuls"),
    ("sq. Montholon", "square montholon"),
    ("qu. de la Tournelle", "quai de la tournelle"),
    ("crs Lafayette", "cours lafayette"),
    ("rue Ste-Catherine", "rue sainte catherine"),
    ("rue du Dr Roux", "rue du docteur roux"),
    ("rue de l'Église", "rue de l eglise"),
    ("Baker St", "baker street"),
    ("St Mary's Rd", "saint mary s road"),  # St before a name is Saint
    ("5th Ave", "5th avenue"),
    ("Sunset Blvd", "sunset boulevard"),
    ("Mulholland Dr", "mulholland drive"),
    ("Dr Martin Luther King Jr Blvd", "doctor martin luther king jr boulevard"),
    ("Penny Ln", "penny lane"),
    ("Cross Ct", "cross court"),
    ("Carlton Pl", "carlton place"),
    ("Soho Sq", "soho square"),
    ("Pacific Coast Hwy", "pacific coast highway"),
    ("Blue Ridge Pkwy", "blue ridge parkway"),
    ("N Main St", "north main street"),
    ("Main St NW", "main street northwest"),
    ("Queen St W", "queen street west"),
    ("S Broadway", "south broadway"),
    ("E 42nd St", "east 42nd street"),
    ("Hauptstraße", "hauptstrasse"),
    ("", ""),
]


@pytest.mark.parametrize(("street", "expected"), STREETS)
def test_normalise_street(street: str, expected: str) -> None:
    assert normalise_street(street) == expected


@pytest.mark.parametrize(("street", "expected"), STREETS)
def test_normalise_street_is_idempotent(street: str, expected: str) -> None:
    assert normalise_street(normalise_street(street)) == normalise_street(street)


@pytest.mark.parametrize(
    ("postcode", "country", "expected"),
    [
        ("sw1a2aa", "GB", "SW1A 2AA"),
        ("SW1A 2AA", None, "SW1A 2AA"),
        ("eh2  2eq", "UK", "EH2 2EQ"),
        ("h2t1r2", "CA", "H2T 1R2"),
        ("H2T-1R2", None, "H2T 1R2"),
        ("75 002", "FR", "75002"),
        ("F-69002", "FR", "69002"),
        ("62701", "US", "62701"),
        ("627011234", "US", "62701-1234"),
        ("62701-1234", None, "62701-1234"),
        ("1012lg", "NL", "1012 LG"),
        ("1000", "BE", "1000"),
        ("10115", None, "10115"),
        ("", "FR", None),
        (None, "FR", None),
    ],
)
def test_normalise_postcode(postcode: str | None, country: str | None, expected: str | None) -> None:
    assert normalise_postcode(postcode, country) == expected
    if expected is not None:
        assert normalise_postcode(expected, country) == expected


@pytest.mark.parametrize(
    ("city", "expected"),
    [
        ("Lyon", "lyon"),
        ("LYON", "lyon"),
        ("Lyon 2e", "lyon"),
        ("Lyon 2ème", "lyon"),
        ("Paris 1er Arrondissement", "paris"),
        ("Paris 02", "paris"),
        ("Marseille 8e arrondissement", "marseille"),
        ("LYON CEDEX 02", "lyon"),
        ("Lyon Cedex", "lyon"),
        ("St-Étienne CEDEX 1", "saint etienne"),
        ("Saint-Étienne", "saint etienne"),
        ("St. Louis", "saint louis"),
        ("Montréal (Québec)", "montreal"),
        ("Aix-en-Provence", "aix en provence"),
        ("", None),
        (None, None),
    ],
)
def test_normalise_city(city: str | None, expected: str | None) -> None:
    assert normalise_city(city) == expected
    assert normalise_city(expected) == expected  # idempotent


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("France", "FR"),
        ("FR", "FR"),
        ("fr", "FR"),
        ("FRA", "FR"),
        ("United Kingdom", "GB"),
        ("UK", "GB"),
        ("Royaume-Uni", "GB"),
        ("England", "GB"),
        ("Great Britain", "GB"),
        ("USA", "US"),
        ("U.S.A.", "US"),
        ("United States", "US"),
        ("États-Unis", "US"),
        ("Etats-Unis", "US"),
        ("Canada", "CA"),
        ("CA", "CA"),
        ("Deutschland", "DE"),
        ("Allemagne", "DE"),
        ("Belgique", "BE"),
        ("Suisse", "CH"),
        ("España", "ES"),
        ("Italie", "IT"),
        ("Pays-Bas", "NL"),
        ("Narnia", None),
        ("XX", None),
        ("", None),
        (None, None),
    ],
)
def test_country_code(name: str | None, code: str | None) -> None:
    assert country_code(name) == code


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("20 Rue Jean-Pierre Timbaud", ("20", "Rue Jean-Pierre Timbaud")),
        ("12 bis rue de la Paix", ("12 bis", "rue de la Paix")),
        ("224 Harris St", ("224", "Harris St")),
        ("Hauptstraße 5a", ("5a", "Hauptstraße")),
        ("Place du Marché", (None, "Place du Marché")),
        ("12-14, rue de la Paix", ("12-14", "rue de la Paix")),
        ("12B Main St", ("12B", "Main St")),
        ("Calle Mayor, 10", ("10", "Calle Mayor")),
        ("Hauptstr. 5", ("5", "Hauptstr.")),
    ],
)
def test_street_line_splits_into_number_and_street(line: str, expected: tuple[str | None, str]) -> None:
    assert split_street_line(line) == expected
