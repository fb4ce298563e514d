"""Business input: every bad field stops the run with one line naming it."""

from __future__ import annotations

from pathlib import Path

import pytest

from auditor.business import (
    InputError,
    business_from_mapping,
    infer_country,
    load_business_file,
    validate_business,
)
from auditor.models import Business


def test_toml_file_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "dupont.toml"
    path.write_text(
        'name = "Boulangerie Dupont"\naddress = "12 rue de la République, 69002 Lyon"\n'
        'phone = "04 78 42 10 10"\nwebsite = "www.boulangerie-dupont.fr"\naliases = ["Dupont & Fils"]\n'
        '[handles]\nInstagram = "@boulangeriedupont"\n',
        encoding="utf-8",
    )
    business = load_business_file(path)
    assert business.name == "Boulangerie Dupont"
    assert business.website == "https://www.boulangerie-dupont.fr"
    assert business.handles == {"instagram": "boulangeriedupont"}
    assert business.aliases == ("Dupont & Fils",)
    validate_business(business, str(path))
    assert infer_country(business) == "FR"


def test_business_table_form(tmp_path: Path) -> None:
    path = tmp_path / "b.toml"
    path.write_text('[business]\nname = "Maple Street Bakery"\ncountry = "us"\n', encoding="utf-8")
    assert load_business_file(path).country == "US"


@pytest.mark.parametrize(
    ("content", "field"),
    [
        ('name = ""', "name"),
        ('address = "1 rue X"', "name"),
        ('name = "X"\nadress = "typo"', "adress"),
        ('name = "X"\nphone = 12', "phone"),
        ('name = "X"\naliases = [1, 2]', "aliases"),
        ('name = "X"\n[handles]\ninstagram = 3', "handles"),
        ('name = "X"\nhours = ["Mo-Fr"]', "hours"),
    ],
)
def test_bad_fields_are_named(tmp_path: Path, content: str, field: str) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_business_file(path)
    message = str(info.value)
    assert field in message and str(path) in message and "\n" not in message


def test_invalid_toml_and_unreadable_file(tmp_path: Path) -> None:
    broken = tmp_path / "broken.toml"
    broken.write_text('name = "unterminated\n', encoding="utf-8")
    with pytest.raises(InputError, match="invalid TOML"):
        load_business_file(broken)
    with pytest.raises(InputError, match="cannot read"):
        load_business_file(tmp_path / "missing.toml")
    latin1 = tmp_path / "latin1.toml"
    latin1.write_bytes('name = "Café"'.encode("latin-1"))
    with pytest.raises(InputError, match="UTF-8"):
        load_business_file(latin1)


@pytest.mark.parametrize(
    ("business", "field"),
    [
        (Business(name="X", phone="12"), "phone"),
        (Business(name="X", phone="not a phone"), "phone"),
        (Business(name="X", country="Atlantis"), "country"),
        (Business(name="X", website="ftp://x.fr"), "website"),
        (Business(name="X", website="https://localhost"), "website"),
        (Business(name="X", hours="every day, more or less"), "hours"),
        (Business(name="   "), "name"),
    ],
)
def test_validation_names_the_field(business: Business, field: str) -> None:
    with pytest.raises(InputError, match=field):
        validate_business(business, None, "FR")


def test_country_inference_order() -> None:
    assert infer_country(Business(name="X", country="CA", phone="+33478421010")) == "CA"
    assert infer_country(Business(name="X", phone="+44 20 7946 0123")) == "GB"
    assert infer_country(Business(name="X", phone="04 78 42 10 10"), "FR") == "FR"
    assert infer_country(Business(name="X")) is None


def test_mapping_normalises_country_names() -> None:
    assert business_from_mapping({"name": "X", "country": "France"}).country == "FR"
