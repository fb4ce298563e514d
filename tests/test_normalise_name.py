from __future__ import annotations

import pytest

from auditor.normalise.name import is_keyword_stuffed, name_similarity, normalise_name

NORMALISED = [
    ("Boulangerie Dupont", "boulangerie dupont"),
    ("  BOULANGERIE   dupont ", "boulangerie dupont"),
    ("Boulangerie Dupont & Fils SARL", "boulangerie dupont and fils"),
    ("Boulangerie Dupont et Fils", "boulangerie dupont and fils"),
    ("S.A.R.L. Boulangerie Dupont", "boulangerie dupont"),
    ("SARL Boulangerie Dupont", "boulangerie dupont"),
    ("Dupont SAS", "dupont"),
    ("Dupont SASU", "dupont"),
    ("Dupont EURL", "dupont"),
    ("Dupont SA", "dupont"),
    ("Dupont SNC", "dupont"),
    ("Dupont SCI", "dupont"),
    ("Dupont EI", "dupont"),
    ("Dupont et Cie", "dupont"),
    ("Café de l'Église", "cafe de l eglise"),
    ("Œuf & Cie", "oeuf"),
    ("Acme Hardware, Inc.", "acme hardware"),
    ("Acme Hardware Inc", "acme hardware"),
    ("Acme LLC", "acme"),
    ("Acme Corp.", "acme"),
    ("Smith & Co. Ltd", "smith"),
    ("Smith Limited", "smith"),
    ("Smith LLP", "smith"),
    ("Smith PLC", "smith"),
    ("Müller GmbH & Co. KG", "muller"),
    ("Müller AG", "muller"),
    ("Rossi SRL", "rossi"),
    ("De Vries BV", "de vries"),
    ("Smith y Hijos", "smith and hijos"),
    ("Müller und Söhne", "muller and sohne"),
    ("Ben + Jerry's", "ben and jerrys"),
    ("Joe's Pizza", "joes pizza"),
    ("Le Petit Café", "le petit cafe"),  # leading articles are kept
    ("Sa Maison", "sa maison"),  # "SA" only goes when it trails
    ("The Coffee Company", "the coffee company"),  # "Company" is part of many real names
    ("Corporation Street Café", "corporation street cafe"),  # a suffix word is kept mid-name
    ("SAS", "sas"),  # never emptied
    ("", ""),
]


@pytest.mark.parametrize(("raw", "expected"), NORMALISED)
def test_normalise_name(raw: str, expected: str) -> None:
    assert normalise_name(raw) == expected


@pytest.mark.parametrize(("raw", "expected"), NORMALISED)
def test_normalise_name_is_idempotent(raw: str, expected: str) -> None:
    assert normalise_name(normalise_name(raw)) == normalise_name(raw)


def test_none_is_empty() -> None:
    assert normalise_name(None) == ""


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Dupont & Fils", "Fils Dupont"),  # word order
        ("Boulangerie Dupont SARL", "BOULANGERIE DUPONT"),
        ("Dupont", "Boulangerie Dupont"),  # a name contained in the other
    ],
)
def test_same_names_score_100(a: str, b: str) -> None:
    assert name_similarity(a, b) == 100.0


@pytest.mark.parametrize(
    ("a", "b", "below"),
    [
        ("Boulangerie Dupont", "Pharmacie Martin", 50),
        ("Joe's Pizza", "Tim Hortons", 50),
        ("", "Dupont", 1),
    ],
)
def test_different_names_score_low(a: str, b: str, below: float) -> None:
    assert name_similarity(a, b) < below


def test_similarity_is_between_the_extremes_for_close_names() -> None:
    assert 70 < name_similarity("Boulangerie Dupont", "Boulangerie Dupond") < 100


@pytest.mark.parametrize(
    ("listing", "reference", "stuffed"),
    [
        ("Boulangerie Dupont - Meilleur Pain Lyon Croissants", "Boulangerie Dupont", True),
        ("Joe's Pizza | Best Pizza NYC", "Joe's Pizza", True),
        ("Dupont - Lyon", "Dupont", True),
        ("Dupont (Lyon 2e)", "Dupont", True),
        ("Dupont Boulangerie Pâtisserie", "Dupont", True),
        ("Boulangerie Dupont", "Dupont", False),  # one word, no separator: maybe the sign
        ("Boulangerie Dupont SARL", "Boulangerie Dupont", False),  # a legal suffix is not marketing
        ("Boulangerie Dupont", "Boulangerie Dupont", False),
        ("Dupont", "Boulangerie Dupont", False),  # shorter, not stuffed
        ("Pharmacie Martin - Lyon", "Boulangerie Dupont", False),  # another name
        ("Dupont - Lyon", "Dupont - Lyon", False),
        ("", "Dupont", False),
    ],
)
def test_is_keyword_stuffed(listing: str, reference: str, stuffed: bool) -> None:
    assert is_keyword_stuffed(listing, reference) is stuffed
