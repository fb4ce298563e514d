"""Verdict rules, table-driven: each row is a pair a listing and a reference could really show.

The same table is the examples table of docs/verdicts.md; `test_docs_mirror_the_table` fails when they
drift. Regenerate the docs section with: .venv/bin/python tests/test_verdicts.py --write-docs
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from auditor.models import Address, FieldVerdict
from auditor.normalise.address import parse_address
from auditor.normalise.hours import parse_opening_hours, weekly_from_intervals
from auditor.verdicts import judge_address, judge_hours, judge_name, judge_phone, judge_website

DOCS = Path(__file__).resolve().parent.parent / "docs" / "verdicts.md"
START, END = "<!-- verdict-examples:start -->", "<!-- verdict-examples:end -->"


@dataclass(frozen=True)
class Case:
    value: str | None
    reference: str | None
    verdict: str
    note: str | None = None  # expected to appear in the verdict's note
    context: str | None = None  # phone: default region; address: country hint
    country: str = ""  # which country's writing the row illustrates (for the docs table)


NAME_CASES = [
    Case("Boulangerie Dupont", "Boulangerie Dupont", "match", country="FR"),
    Case("BOULANGERIE  DUPONT", "Boulangerie Dupont", "match", country="FR"),
    Case("Boulangerie Dupont SARL", "Boulangerie Dupont", "variant", "legal suffix", country="FR"),
    Case("SARL Boulangerie Dupont", "Boulangerie Dupont", "variant", "legal suffix", country="FR"),
    Case("S.A.S. Boulangerie Dupont", "Boulangerie Dupont", "variant", "legal suffix", country="FR"),
    Case("Café de la Gare", "Cafe de la Gare", "variant", "accents", country="FR"),
    Case("Dupont & Fils", "Dupont et Fils", "variant", "& / and", country="FR"),
    Case("Joe's Pizza", "Joes Pizza", "variant", "punctuation", country="US"),
    Case("Acme Hardware, Inc.", "Acme Hardware", "variant", "legal suffix", country="US"),
    Case("Smith & Sons Ltd", "Smith and Sons", "variant", "legal suffix", country="GB"),
    Case("Le Fournil de Montréal Inc.", "Le Fournil de Montréal", "variant", "legal suffix", country="CA"),
    Case("Tim Horton's", "Tim Hortons", "variant", "punctuation", country="CA"),
    Case(
        "Boulangerie Dupont - Meilleur Pain Lyon Croissants",
        "Boulangerie Dupont",
        "mismatch",
        "keyword-stuffed name",
        country="FR",
    ),
    Case("Joe's Pizza | Best Pizza NYC", "Joe's Pizza", "mismatch", "keyword-stuffed name", country="US"),
    Case("Dupont - Lyon", "Dupont", "mismatch", "keyword-stuffed name", country="FR"),
    Case("The Crown & Anchor", "Crown and Anchor", "mismatch", "extra words: the", country="GB"),
    Case("Boulangerie Dupont", "Dupont", "mismatch", "extra words: boulangerie", country="FR"),
    Case("Dupont", "Boulangerie Dupont", "mismatch", "missing words: boulangerie", country="FR"),
    Case("Boulangerie Martin", "Boulangerie Dupont", "mismatch", "different name", country="FR"),
    Case(None, "Boulangerie Dupont", "missing"),
    Case("", "Boulangerie Dupont", "missing"),
    Case("Boulangerie Dupont", None, "unknown"),
]

PHONE_CASES = [
    Case("04 78 42 10 10", "04 78 42 10 10", "match", context="FR", country="FR"),
    Case("0478421010", "04 78 42 10 10", "variant", "layout", context="FR", country="FR"),
    Case("04.78.42.10.10", "04 78 42 10 10", "variant", "layout", context="FR", country="FR"),
    Case("+33 4 78 42 10 10", "04 78 42 10 10", "variant", "national vs international", "FR", "FR"),
    Case("+33 (0)4 78 42 10 10", "04 78 42 10 10", "variant", "national vs international", "FR", "FR"),
    Case("0033 4 78 42 10 10", "+33478421010", "variant", "layout", context="FR", country="FR"),
    Case("+33 4 78 42 10 10", "04 78 42 10 10", "variant", "national vs international", None, "FR"),
    Case(
        "04 78 42 10 11", "04 78 42 10 10", "mismatch", "+33 4 78 42 10 11 vs +33 4 78 42 10 10", "FR", "FR"
    ),
    Case("(212) 555-0100", "+1 212-555-0100", "variant", "national vs international", "US", "US"),
    Case("212.555.0100", "(212) 555-0100", "variant", "layout", context="US", country="US"),
    Case("(212) 555-0199", "(212) 555-0100", "mismatch", "+1 212-555-0199 vs +1 212-555-0100", "US", "US"),
    Case("020 7946 0018", "+44 20 7946 0018", "variant", "national vs international", "GB", "GB"),
    Case("020 7946 0019", "020 7946 0018", "mismatch", "+44 20 7946 0019", context="GB", country="GB"),
    Case("514-555-0100", "(514) 555-0100", "variant", "layout", context="CA", country="CA"),
    Case("+1 514 555 0100", "514 555 0100", "variant", "national vs international", "CA", "CA"),
    Case("+1 212 555 0100", "+1 514 555 0100", "mismatch", "+1 212-555-0100 vs +1 514-555-0100", "CA", "CA"),
    Case("12", "04 78 42 10 10", "mismatch", "not a valid phone number", context="FR", country="FR"),
    Case(None, "04 78 42 10 10", "missing", context="FR"),
    Case("04 78 42 10 10", None, "unknown", context="FR"),
]

IDN_ASCII = "xn--caf-dupont-d7a.fr"  # "café-dupont.fr" in its ASCII (punycode) form

WEBSITE_CASES = [
    Case("https://www.boulangerie-dupont.fr", "https://www.boulangerie-dupont.fr", "match", country="FR"),
    Case("https://www.Boulangerie-Dupont.fr", "https://www.boulangerie-dupont.fr", "match", country="FR"),
    Case(
        "https://www.Boulangerie-Dupont.fr/?utm_source=x",
        "https://www.boulangerie-dupont.fr",
        "variant",
        "trailing slash; tracking parameters",
        country="FR",
    ),
    Case(
        "http://boulangerie-dupont.fr",
        "https://boulangerie-dupont.fr",
        "variant",
        "http vs https",
        country="FR",
    ),
    Case(
        "https://boulangerie-dupont.fr",
        "https://www.boulangerie-dupont.fr",
        "variant",
        "no www",
        country="FR",
    ),
    Case(
        "https://www.boulangerie-dupont.fr/",
        "https://www.boulangerie-dupont.fr",
        "variant",
        "trailing slash",
        country="FR",
    ),
    Case(
        "boulangerie-dupont.fr",
        "https://www.boulangerie-dupont.fr",
        "variant",
        "no scheme; no www",
        country="FR",
    ),
    Case(
        f"https://{IDN_ASCII}", "https://café-dupont.fr", "variant", "punycode vs Unicode host", country="FR"
    ),
    Case(
        "https://www.joespizza.com/?fbclid=abc",
        "https://www.joespizza.com/",
        "variant",
        "tracking parameters",
        country="US",
    ),
    Case(
        "https://www.joespizza.com/menu",
        "https://www.joespizza.com",
        "variant",
        "path /menu vs /",
        country="US",
    ),
    Case(
        "https://shop.dupont.co.uk",
        "https://www.dupont.co.uk",
        "variant",
        "host shop.dupont.co.uk vs www.dupont.co.uk",
        country="GB",
    ),
    Case(
        "https://www.dupont.co.uk",
        "https://www.dupont.com",
        "mismatch",
        "domain dupont.co.uk vs dupont.com",
        country="GB",
    ),
    Case(
        "https://www.lefournil.ca/#contact", "https://www.lefournil.ca", "variant", "fragment", country="CA"
    ),
    Case(
        "https://lefournil.com",
        "https://lefournil.ca",
        "mismatch",
        "domain lefournil.com vs lefournil.ca",
        country="CA",
    ),
    Case(
        "https://www.facebook.com/boulangeriedupont",
        "https://www.boulangerie-dupont.fr",
        "mismatch",
        "domain facebook.com vs boulangerie-dupont.fr",
        country="FR",
    ),
    Case(
        "Boulangerie Dupont",
        "https://www.boulangerie-dupont.fr",
        "mismatch",
        "not a web address",
        country="FR",
    ),
    Case(None, "https://www.boulangerie-dupont.fr", "missing"),
    Case("https://www.boulangerie-dupont.fr", None, "unknown"),
]

REPUBLIQUE = "12 rue de la République, 69002 Lyon"
SPRINGFIELD = "123 Main St, Suite 200, Springfield, IL 62701"
DOWNING = "10 Downing Street, London SW1A 2AA"
MONTREAL = "1234 rue Saint-Denis, Montréal, QC H2T 1R2"

ADDRESS_CASES = [
    Case(REPUBLIQUE, REPUBLIQUE, "match", country="FR"),
    Case("12 Rue de la République,  69002 LYON", REPUBLIQUE, "match", country="FR"),
    Case(
        "12 r. de la République, 69002 Lyon",
        REPUBLIQUE,
        "variant",
        "street r. de la République vs",
        country="FR",
    ),
    Case(
        "12 rue de la Republique, 69002 Lyon",
        REPUBLIQUE,
        "variant",
        "street rue de la Republique vs",
        country="FR",
    ),
    Case("12, rue de la République 69002 Lyon", REPUBLIQUE, "variant", "punctuation", country="FR"),
    Case(f"{REPUBLIQUE}, France", REPUBLIQUE, "variant", "country France not in reference", country="FR"),
    Case(REPUBLIQUE, f"{REPUBLIQUE}, France", "variant", "no country", country="FR"),
    Case(
        "12 rue de la République, 69002 Lyon Cedex 02",
        REPUBLIQUE,
        "variant",
        "city Lyon Cedex 02 vs Lyon",
        country="FR",
    ),
    Case(
        "12 rue de la République, 69002 Lyon 2e", REPUBLIQUE, "variant", "city Lyon 2e vs Lyon", country="FR"
    ),
    Case(
        "12 av. Jean Jaurès, 69007 Lyon",
        "12 avenue Jean-Jaurès, 69007 Lyon",
        "variant",
        "street",
        country="FR",
    ),
    Case(
        "12bis rue de la République, 69002 Lyon",
        "12 bis rue de la République, 69002 Lyon",
        "variant",
        "house number 12bis vs 12 bis",
        country="FR",
    ),
    Case(
        "12 bis rue de la République, 69002 Lyon",
        REPUBLIQUE,
        "mismatch",
        "house number 12 bis vs 12",
        country="FR",
    ),
    Case(
        "14 rue de la République, 69002 Lyon", REPUBLIQUE, "mismatch", "house number 14 vs 12", country="FR"
    ),
    Case(
        "12 rue de la République, 69001 Lyon", REPUBLIQUE, "mismatch", "postcode 69001 vs 69002", country="FR"
    ),
    Case(
        "12 rue Victor Hugo, 69002 Lyon",
        REPUBLIQUE,
        "mismatch",
        "street rue Victor Hugo vs rue de la République",
        country="FR",
    ),
    Case(
        "12 rue de la République, 69100 Villeurbanne",
        REPUBLIQUE,
        "mismatch",
        "city Villeurbanne vs Lyon",
        country="FR",
    ),
    Case("Rue de la République, 69002 Lyon", REPUBLIQUE, "mismatch", "missing house number 12", country="FR"),
    Case("69002 Lyon", REPUBLIQUE, "mismatch", "missing street rue de la République", country="FR"),
    Case(
        "5 avenue Jean Jaurès, 69007 Lyon",
        "5 avenue Jean Jaurès, Bât. B, 69007 Lyon",
        "mismatch",
        "missing bât. B",
        country="FR",
    ),
    Case(
        "123 Main Street, Suite 200, Springfield, IL 62701",
        SPRINGFIELD,
        "variant",
        "street Main Street vs Main St",
        country="US",
    ),
    Case(
        "123 Main St Ste 200, Springfield, IL 62701",
        SPRINGFIELD,
        "variant",
        "unit Ste 200 vs Suite 200",
        country="US",
    ),
    Case(
        "123 Main St #200, Springfield, IL 62701",
        SPRINGFIELD,
        "variant",
        "unit #200 vs Suite 200",
        country="US",
    ),
    Case(
        "123 Main St, Suite 200, Springfield, IL 62701-1234",
        SPRINGFIELD,
        "variant",
        "postcode 62701-1234 vs 62701",
        country="US",
    ),
    Case(f"{SPRINGFIELD}, USA", SPRINGFIELD, "variant", "country USA not in reference", country="US"),
    Case(
        "123 N Main St, Springfield, IL 62701",
        "123 North Main Street, Springfield, IL 62701",
        "variant",
        "street",
        country="US",
    ),
    Case("123 Main St, Springfield, IL 62701", SPRINGFIELD, "mismatch", "missing suite 200", country="US"),
    Case(
        "123 Main St, Suite 300, Springfield, IL 62701",
        SPRINGFIELD,
        "mismatch",
        "unit Suite 300 vs Suite 200",
        country="US",
    ),
    Case(
        "125 Main St, Suite 200, Springfield, IL 62701",
        SPRINGFIELD,
        "mismatch",
        "house number 125 vs 123",
        country="US",
    ),
    Case(
        "123 Main St, Suite 200, Springfield, IL 62704",
        SPRINGFIELD,
        "mismatch",
        "postcode 62704 vs 62701",
        country="US",
    ),
    Case("10 Downing St, London SW1A2AA", DOWNING, "variant", "postcode SW1A2AA vs SW1A 2AA", country="GB"),
    Case(
        f"{DOWNING}, United Kingdom",
        DOWNING,
        "variant",
        "country United Kingdom not in reference",
        country="GB",
    ),
    Case(
        "10 Downing Street, London, SW1A 2AA, UK",
        DOWNING,
        "variant",
        "country UK not in reference",
        country="GB",
    ),
    Case("11 Downing Street, London SW1A 2AB", DOWNING, "mismatch", "house number 11 vs 10", country="GB"),
    Case(
        "221B Baker Street, London NW1 6XE",
        "221 Baker Street, London NW1 6XE",
        "mismatch",
        "house number 221B vs 221",
        country="GB",
    ),
    Case(
        "1234 Rue Saint-Denis, Montréal, QC H2T1R2",
        MONTREAL,
        "variant",
        "postcode H2T1R2 vs H2T 1R2",
        country="CA",
    ),
    Case(
        "1234 rue St-Denis, Montreal, QC H2T 1R2",
        MONTREAL,
        "variant",
        "street rue St-Denis vs rue Saint-Denis",
        country="CA",
    ),
    Case(
        "1234, rue Saint-Denis, bureau 200, Montréal (Québec) H2T 1R2",
        "1234 rue Saint-Denis, Suite 200, Montréal, QC H2T 1R2",
        "variant",
        "unit bureau 200 vs Suite 200",
        country="CA",
    ),
    Case(
        "1234, rue Saint-Denis, Montréal (Québec) H2T 1R2",
        MONTREAL,
        "variant",
        "written differently",
        country="CA",
    ),
    Case(
        "100 Queen St W, Toronto, ON M5H 2N2",
        "100 Queen Street West, Toronto, ON M5H 2N2",
        "variant",
        "street Queen St W",
        country="CA",
    ),
    Case(
        "100 King St W, Toronto, ON M5H 2N2",
        "100 Queen St W, Toronto, ON M5H 2N2",
        "mismatch",
        "street King St W vs Queen St W",
        country="CA",
    ),
    Case(
        "1234 rue Saint-Denis, Montréal, QC H2T 1R3",
        MONTREAL,
        "mismatch",
        "postcode H2T 1R3 vs H2T 1R2",
        country="CA",
    ),
    Case(None, REPUBLIQUE, "missing"),
    Case(REPUBLIQUE, None, "unknown"),
]

HOURS_REFERENCE = "Mo-Fr 07:00-19:30; Sa 07:00-13:00"

HOURS_CASES = [
    Case(HOURS_REFERENCE, HOURS_REFERENCE, "match", country="FR"),
    Case("mo-fr 07:00-19:30;  sa 07:00-13:00", HOURS_REFERENCE, "match", country="FR"),
    Case(
        "Lu-Ve 7h-19h30; Sa 7h-13h",
        HOURS_REFERENCE,
        "variant",
        "same hours written differently",
        country="FR",
    ),
    Case(
        "Mo,Tu,We,Th,Fr 07:00-19:30; Sa 07:00-13:00", HOURS_REFERENCE, "variant", "same hours", country="FR"
    ),
    Case(f"{HOURS_REFERENCE}; PH off", HOURS_REFERENCE, "variant", "same hours", country="FR"),
    Case(
        "Mo-Fr 07:00-19:30; Sa 07:00-12:00",
        HOURS_REFERENCE,
        "mismatch",
        "Sa 07:00-12:00 vs Sa 07:00-13:00",
        country="FR",
    ),
    Case("Mo-Sa 07:00-19:30", HOURS_REFERENCE, "mismatch", "Sa 07:00-19:30 vs Sa 07:00-13:00", country="FR"),
    Case("Mo-Fr 07:00-19:30", HOURS_REFERENCE, "mismatch", "Sa closed vs Sa 07:00-13:00", country="FR"),
    Case(
        "Mo-Fr 08:00-12:00,14:00-19:00",
        "Mo-Fr 08:00-19:00",
        "mismatch",
        "Mo-Fr 08:00-12:00,14:00-19:00 vs Mo-Fr 08:00-19:00",
        country="FR",
    ),
    Case(
        "Mon-Fri 9:00-17:00; Sat 10:00-14:00",
        "Mo-Fr 09:00-17:00; Sa 10:00-14:00",
        "variant",
        "same hours",
        country="US",
    ),
    Case(
        "Mo-Fr 09:00-17:00; Sa 10:00-14:00; Su off",
        "Mo-Fr 09:00-17:00; Sa 10:00-14:00",
        "variant",
        "same hours",
        country="US",
    ),
    Case(
        "Mo-Fr 09:00-17:30",
        "Mo-Fr 09:00-17:00",
        "mismatch",
        "Mo-Fr 09:00-17:30 vs Mo-Fr 09:00-17:00",
        country="US",
    ),
    Case("Mo-Su 00:00-24:00", "24/7", "variant", "same hours", country="GB"),
    Case("Mo-Fr 09:00-17:00", "24/7", "mismatch", "Mo-Fr 09:00-17:00 vs Mo-Fr 00:00-24:00", country="GB"),
    Case(
        "Fr-Sa 18:00-02:00",
        "Fr 18:00-24:00; Sa 00:00-02:00,18:00-24:00; Su 00:00-02:00",
        "variant",
        "same hours",
        country="GB",
    ),
    Case("Tu-Su 11:00-22:00", "Mo-Su 11:00-22:00", "mismatch", "Mo closed vs Mo 11:00-22:00", country="CA"),
    Case(
        "Mo-Fr 06:00-21:00; Sa-Su 07:00-21:00",
        "Mo-Fr 06:00-21:00; Sa-Su 07:00-20:00",
        "mismatch",
        "Sa-Su 07:00-21:00 vs Sa-Su 07:00-20:00",
        country="CA",
    ),
    Case(None, HOURS_REFERENCE, "missing"),
    Case(HOURS_REFERENCE, None, "unknown"),
    Case("sur rendez-vous", HOURS_REFERENCE, "unknown", "listing hours unreadable", country="FR"),
]


def _hours_or_none(text: str | None) -> tuple[object, str | None]:
    if text is None:
        return None, None
    try:
        return parse_opening_hours(text), text
    except ValueError:
        return None, text


def run_case(field: str, case: Case) -> FieldVerdict:
    """Judge one row the way the engine would: addresses and hours parsed from their text first."""
    if field == "name":
        return judge_name(case.value, case.reference)
    if field == "phone":
        return judge_phone(case.value, case.reference, case.context)
    if field == "website":
        return judge_website(case.value, case.reference)
    if field == "address":
        value = parse_address(case.value, case.context) if case.value is not None else None
        reference = parse_address(case.reference, case.context) if case.reference is not None else None
        return judge_address(value, reference)
    value_hours, value_text = _hours_or_none(case.value)
    reference_hours, reference_text = _hours_or_none(case.reference)
    return judge_hours(value_hours, reference_hours, value_text, reference_text)  # type: ignore[arg-type]


TABLES = {
    "name": NAME_CASES,
    "phone": PHONE_CASES,
    "website": WEBSITE_CASES,
    "address": ADDRESS_CASES,
    "hours": HOURS_CASES,
}
ALL_CASES = [(field, case) for field, cases in TABLES.items() for case in cases]


def _case_id(field: str, case: Case) -> str:
    return f"{field}:{case.value!s:.40}|{case.reference!s:.30}"


@pytest.mark.parametrize(("field", "case"), ALL_CASES, ids=[_case_id(f, c) for f, c in ALL_CASES])
def test_verdict_table(field: str, case: Case) -> None:
    verdict = run_case(field, case)
    assert verdict.verdict == case.verdict, verdict
    if case.note is not None:
        assert verdict.note is not None and case.note in verdict.note, verdict
    if case.verdict in ("variant", "mismatch"):
        assert verdict.note, f"every {case.verdict} says why: {verdict}"
    if case.verdict == "match":
        assert verdict.note is None


@pytest.mark.parametrize("field", list(TABLES))
def test_tables_cover_each_verdict_and_country(field: str) -> None:
    """Each field has enough variant and mismatch pairs, for each of FR, US, GB and CA where it varies."""
    cases = TABLES[field]
    pairs = [c for c in cases if c.verdict in ("variant", "mismatch")]
    assert len(pairs) >= (15 if field == "address" else 10)
    assert {"variant", "mismatch"} <= {c.verdict for c in pairs}
    assert {"FR", "US", "GB", "CA"} <= {c.country for c in pairs}


# --- rules the table does not show --------------------------------------------------------------------------


def test_phone_reference_in_national_form_read_with_the_listing_country() -> None:
    verdict = judge_phone("04 78 42 10 10", "+33 4 78 42 10 10", None)
    assert verdict.verdict == "variant"


def test_address_given_as_parts_by_a_provider() -> None:
    """OSM and Yelp give parts, not text: a street field still holding its number is split to compare."""
    listing = Address(
        street="123 Main Street", unit="Ste 200", city="Springfield", postcode="62701", country_code="US"
    )
    reference = parse_address(SPRINGFIELD, "US")
    verdict = judge_address(listing, reference)
    assert verdict.verdict == "variant", verdict
    assert verdict.value == "123 Main Street, Ste 200, Springfield 62701, USA"
    assert verdict.reference == SPRINGFIELD


def test_address_given_only_as_formatted_text_is_parsed() -> None:
    listing = Address(formatted="14 rue de la République, 69002 Lyon, France", lat=45.76, lon=4.83)
    verdict = judge_address(listing, parse_address(REPUBLIQUE, "FR"))
    assert (verdict.verdict, verdict.note) == ("mismatch", "house number 14 vs 12")


def test_address_without_comparable_parts_falls_back_to_the_full_text() -> None:
    same = judge_address(Address(formatted="!! Marché St-Antoine !!"), Address(formatted="marche st antoine"))
    other = judge_address(Address(formatted="!! Marché St-Antoine !!"), Address(formatted="Quai de Saône"))
    assert (same.verdict, other.verdict) == ("variant", "mismatch")


def test_address_missing_city_is_not_a_mismatch() -> None:
    verdict = judge_address(
        parse_address("12 rue de la République, 69002", "FR"), parse_address(REPUBLIQUE, "FR")
    )
    assert verdict.verdict == "variant"
    assert verdict.note == "no city"


def test_empty_address_is_missing_and_empty_reference_unknown() -> None:
    assert judge_address(Address(), parse_address(REPUBLIQUE)).verdict == "missing"
    assert judge_address(parse_address(REPUBLIQUE), Address()).verdict == "unknown"


def test_hours_from_structured_sources_without_text_match() -> None:
    """Providers give weeks, not text: equal weeks are a match, and the note shows canonical text."""
    week = weekly_from_intervals([(day, 420, 1170) for day in range(5)])
    verdict = judge_hours(week, parse_opening_hours("Mo-Fr 07:00-19:30"))
    assert (verdict.verdict, verdict.value) == ("match", "Mo-Fr 07:00-19:30")


def test_hours_unreadable_reference_is_unknown() -> None:
    verdict = judge_hours(parse_opening_hours("Mo 09:00-10:00"), None, None, "on appointment")
    assert (verdict.verdict, verdict.note) == ("unknown", "reference hours unreadable")


def test_long_notes_are_cut() -> None:
    verdict = judge_hours(
        parse_opening_hours("Mo,We,Fr 09:00-10:00"), parse_opening_hours("Tu,Th,Sa,Su 09:00-10:00")
    )
    assert verdict.note is not None and verdict.note.endswith("+3 more")


# --- docs ---------------------------------------------------------------------------------------------------


def _cell(text: str | None) -> str:
    return "—" if text is None else "`" + text.replace("|", "\\|") + "`" if text else '`""`'


def docs_table() -> str:
    """The markdown table of docs/verdicts.md: every row of the tables above, with the actual notes."""
    lines = [
        "| Field | Country | Listing | Reference | Verdict | Note |",
        "|---|---|---|---|---|---|",
    ]
    for field, case in ALL_CASES:
        verdict = run_case(field, case)
        note = (verdict.note or "").replace("|", "\\|")
        lines.append(
            f"| {field} | {case.country or '—'} | {_cell(case.value)} | {_cell(case.reference)} "
            f"| {verdict.verdict} | {note} |"
        )
    return "\n".join(lines)


def _docs_section(text: str) -> str:
    return text.split(START, 1)[1].split(END, 1)[0].strip()


def test_docs_mirror_the_table() -> None:
    assert _docs_section(DOCS.read_text(encoding="utf-8")) == docs_table(), (
        "docs/verdicts.md is out of date: run .venv/bin/python tests/test_verdicts.py --write-docs"
    )


if __name__ == "__main__" and "--write-docs" in sys.argv:
    text = DOCS.read_text(encoding="utf-8")
    head, rest = text.split(START, 1)
    tail = rest.split(END, 1)[1]
    DOCS.write_text(f"{head}{START}\n{docs_table()}\n{END}{tail}", encoding="utf-8")
    print(f"wrote {DOCS}")
