"""The one place verdict rules live: is a listing's field right, written differently, or wrong?

Every field is judged the same way (docs/verdicts.md has the table of examples):

- `unknown`  - there is no reference to judge against (or the listing's value cannot be read at all);
- `missing`  - the listing has no value;
- `match`    - the value is the reference as written, up to letter case and runs of whitespace;
- `variant`  - the same value written differently: abbreviations, punctuation, accents, phone layout,
  a legal suffix, http/https, tracking parameters, postcode spacing, CEDEX, a country named or not...
  A customer reaches the business either way, so a variant earns most of the credit;
- `mismatch` - a different value: another house number, street, postcode, phone, domain or hours, a
  missing suite, a keyword-stuffed name. A customer may not reach the business: this is what to fix.

`note` says why for every variant and mismatch, in a few words a report can show as they are.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import SplitResult, urlsplit

from auditor.models import Address, FieldVerdict, WeeklyHours
from auditor.normalise.address import (
    format_address,
    house_number_key,
    normalise_city,
    normalise_postcode,
    normalise_street,
    unit_key,
    with_parts,
    written_country,
    written_postcode,
)
from auditor.normalise.hours import DAY_CODES, format_hours, format_spans, parse_opening_hours
from auditor.normalise.name import extra_words, is_keyword_stuffed, name_differences, normalise_name
from auditor.normalise.phone import (
    format_phone_international,
    is_international_form,
    normalise_phone,
    phone_country,
)
from auditor.normalise.website import canonical_url, registrable_domain

MAX_NOTES = 3  # a note is read in a table cell: the first few reasons say enough


def _blank(text: str | None) -> bool:
    return text is None or not text.strip()


def same_as_written(a: str, b: str) -> bool:
    """Equal up to letter case and runs of whitespace: what `match` means for every field."""
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def _display(text: str) -> str:
    return " ".join(text.split())


def _absent(value: str | None, reference: str | None) -> FieldVerdict:
    """The verdict when one side has nothing: no reference is `unknown` whatever the listing says."""
    if _blank(reference):
        return FieldVerdict(value, reference, "unknown")
    return FieldVerdict(None, reference, "missing")


def _join(notes: list[str]) -> str:
    shown = notes[:MAX_NOTES]
    more = len(notes) - len(shown)
    return "; ".join(shown) + (f"; +{more} more" if more else "")


# --- name --------------------------------------------------------------------------------------------------


def judge_name(value: str | None, reference: str | None) -> FieldVerdict:
    if value is None or reference is None or _blank(value) or _blank(reference):
        return _absent(value, reference)
    if same_as_written(value, reference):
        return FieldVerdict(value, reference, "match")
    if normalise_name(value) == normalise_name(reference):
        return FieldVerdict(value, reference, "variant", ", ".join(name_differences(value, reference)))
    if is_keyword_stuffed(value, reference):
        return FieldVerdict(value, reference, "mismatch", "keyword-stuffed name")
    added = extra_words(value, reference)
    if added:
        return FieldVerdict(value, reference, "mismatch", f"extra words: {' '.join(added)}")
    dropped = extra_words(reference, value)
    if dropped:
        return FieldVerdict(value, reference, "mismatch", f"missing words: {' '.join(dropped)}")
    return FieldVerdict(value, reference, "mismatch", "different name")


# --- phone -------------------------------------------------------------------------------------------------


def judge_phone(value: str | None, reference: str | None, region: str | None) -> FieldVerdict:
    """`region` reads national formats; without it, the reference's own country reads the value's."""
    if value is None or reference is None or _blank(value) or _blank(reference):
        return _absent(value, reference)
    if same_as_written(value, reference):
        return FieldVerdict(value, reference, "match")
    reference_e164 = normalise_phone(reference, region)
    value_e164 = normalise_phone(value, region or _country_of(reference_e164))
    if reference_e164 is None and value_e164 is not None and region is None:
        reference_e164 = normalise_phone(reference, _country_of(value_e164))
    if value_e164 is None:
        return FieldVerdict(value, reference, "mismatch", f"not a valid phone number: {_display(value)}")
    if reference_e164 is None:
        # An unreadable reference: compare the digits, the best that is left.
        if _digits(value) == _digits(reference):
            return FieldVerdict(value, reference, "variant", "layout")
        return FieldVerdict(value, reference, "mismatch", "different number")
    if value_e164 != reference_e164:
        note = f"{format_phone_international(value_e164)} vs {format_phone_international(reference_e164)}"
        return FieldVerdict(value, reference, "mismatch", note)
    if is_international_form(value) != is_international_form(reference):
        return FieldVerdict(value, reference, "variant", "national vs international format")
    return FieldVerdict(value, reference, "variant", "layout")


def _country_of(e164: str | None) -> str | None:
    """A number written in international form tells the country to read the other side's national form."""
    return phone_country(e164) if e164 else None


def _digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit())


# --- website -----------------------------------------------------------------------------------------------


def judge_website(value: str | None, reference: str | None) -> FieldVerdict:
    if value is None or reference is None or _blank(value) or _blank(reference):
        return _absent(value, reference)
    if same_as_written(value, reference):
        return FieldVerdict(value, reference, "match")
    value_domain, reference_domain = registrable_domain(value), registrable_domain(reference)
    if value_domain is None:
        return FieldVerdict(value, reference, "mismatch", f"not a web address: {_display(value)}")
    if reference_domain is None:
        return FieldVerdict(value, reference, "unknown", f"reference is not a web address: {reference}")
    if value_domain != reference_domain:
        return FieldVerdict(value, reference, "mismatch", f"domain {value_domain} vs {reference_domain}")
    return FieldVerdict(value, reference, "variant", _join(_url_differences(value, reference)))


def _url_differences(value: str, reference: str) -> list[str]:
    """How two URLs of one domain differ, from what matters most (host, path) to what canonical_url erases."""
    ours, theirs = _split_loosely(value), _split_loosely(reference)
    ours_canonical = urlsplit(canonical_url(value) or value)
    theirs_canonical = urlsplit(canonical_url(reference) or reference)
    notes: list[str] = []
    if _has_scheme(value) != _has_scheme(reference):
        notes.append("no scheme")
    elif ours_canonical.scheme != theirs_canonical.scheme:
        notes.append(f"{ours_canonical.scheme} vs {theirs_canonical.scheme}")
    if ours_canonical.netloc != theirs_canonical.netloc:
        notes.append(_host_note(ours_canonical.netloc, theirs_canonical.netloc))
    if ours_canonical.path != theirs_canonical.path:
        notes.append(f"path {ours_canonical.path or '/'} vs {theirs_canonical.path or '/'}")
    elif ours.path.endswith("/") != theirs.path.endswith("/"):
        notes.append("trailing slash")
    if ours_canonical.query != theirs_canonical.query:
        notes.append(f"query ?{ours_canonical.query} vs ?{theirs_canonical.query}")
    elif ours.query != theirs.query:
        notes.append("tracking parameters")
    if ours.fragment != theirs.fragment:
        notes.append("fragment")
    if ("xn--" in (ours.hostname or "")) != ("xn--" in (theirs.hostname or "")):
        notes.append("punycode vs Unicode host")
    return notes or ["written differently"]


def _has_scheme(url: str) -> bool:
    return "://" in url


def _split_loosely(url: str) -> SplitResult:
    text = url.strip()
    return urlsplit(text if _has_scheme(text) else "http://" + text.lstrip("/"))


def _host_note(ours: str, theirs: str) -> str:
    if ours.removeprefix("www.") == theirs.removeprefix("www."):
        return "www" if ours.startswith("www.") else "no www"
    return f"host {ours} vs {theirs}"


# --- address -----------------------------------------------------------------------------------------------


@dataclass
class _Comparison:
    """The notes gathered while comparing two addresses part by part."""

    mismatches: list[str]
    variants: list[str]
    compared: int = 0  # parts present on both sides

    def both(self, label: str, ours: str, theirs: str, same: bool) -> None:
        self.compared += 1
        if not same:
            self.mismatches.append(f"{label} {ours} vs {theirs}")
        elif not same_as_written(ours, theirs):
            self.variants.append(f"{label} {ours} vs {theirs}")


def _address_text(address: Address) -> str:
    return address.formatted or format_address(address)


def judge_address(value: Address | None, reference: Address | None) -> FieldVerdict:
    """Compare the parts both sides have; a missing street, house number or unit is a mismatch.

    Country, postcode and city missing on one side are not: a listing may leave out what the rest of the
    address implies. When one side has no parts at all, the normalised full strings are compared.
    """
    if reference is None or reference.is_empty():
        return FieldVerdict(_address_text(value) if value else None, None, "unknown")
    reference_text = _address_text(reference)
    if value is None or value.is_empty():
        return FieldVerdict(None, reference_text, "missing")
    value_text = _address_text(value)
    if same_as_written(value_text, reference_text):
        return FieldVerdict(value_text, reference_text, "match")
    ours = with_parts(value, reference.country_code)
    theirs = with_parts(reference, ours.country_code)
    comparison = _compare_address_parts(ours, theirs)
    if comparison.compared == 0:
        return _judge_address_text(value_text, reference_text)
    if comparison.mismatches:
        return FieldVerdict(value_text, reference_text, "mismatch", _join(comparison.mismatches))
    note = _join(comparison.variants) if comparison.variants else _layout_note(value_text, reference_text)
    return FieldVerdict(value_text, reference_text, "variant", note)


def _layout_note(value_text: str, reference_text: str) -> str:
    """Every part agrees as written: the difference is in commas and spacing, or a region's spelling."""

    def letters(text: str) -> str:
        return "".join(ch for ch in text.casefold() if ch.isalnum())

    return "punctuation" if letters(value_text) == letters(reference_text) else "written differently"


def _compare_address_parts(ours: Address, theirs: Address) -> _Comparison:
    comparison = _Comparison([], [])
    country = theirs.country_code or ours.country_code
    _compare_street(ours, theirs, comparison)
    _compare_unit(ours.unit, theirs.unit, comparison)
    _compare_optional(
        "postcode",
        written_postcode(ours),
        written_postcode(theirs),
        lambda a, b: _same_postcode(a, b, country),
        comparison,
    )
    _compare_optional(
        "city", ours.city, theirs.city, lambda a, b: normalise_city(a) == normalise_city(b), comparison
    )
    _compare_country(ours, theirs, comparison)
    return comparison


def _compare_country(ours: Address, theirs: Address, comparison: _Comparison) -> None:
    """Codes decide mismatches (a code may be inferred from a postcode); written names make variants."""
    if ours.country_code and theirs.country_code and ours.country_code != theirs.country_code:
        comparison.compared += 1
        comparison.mismatches.append(f"country {ours.country_code} vs {theirs.country_code}")
        return
    ours_written, theirs_written = written_country(ours.formatted), written_country(theirs.formatted)
    if ours_written and theirs_written:
        comparison.both("country", ours_written, theirs_written, True)
    elif ours_written:
        comparison.variants.append(f"country {ours_written} not in reference")
    elif theirs_written:
        comparison.variants.append("no country")


def _compare_street(ours: Address, theirs: Address, comparison: _Comparison) -> None:
    if theirs.street and ours.street:
        same = normalise_street(ours.street) == normalise_street(theirs.street)
        comparison.both("street", ours.street, theirs.street, same)
    elif theirs.street:
        comparison.mismatches.append(f"missing street {theirs.street}")
    elif ours.street:
        comparison.variants.append(f"street {ours.street} not in reference")
    if theirs.house_number and ours.house_number:
        same = house_number_key(ours.house_number) == house_number_key(theirs.house_number)
        comparison.both("house number", ours.house_number, theirs.house_number, same)
    elif theirs.house_number and ours.street:
        comparison.mismatches.append(f"missing house number {theirs.house_number}")
    elif ours.house_number and theirs.street:
        comparison.variants.append(f"house number {ours.house_number} not in reference")


def _compare_unit(ours: str | None, theirs: str | None, comparison: _Comparison) -> None:
    if ours and theirs:
        comparison.both("unit", ours, theirs, unit_key(ours) == unit_key(theirs))
    elif theirs:
        comparison.mismatches.append(f"missing {theirs[:1].lower()}{theirs[1:]}")
    elif ours:
        comparison.variants.append(f"{ours} not in reference")


def _compare_optional(
    label: str,
    ours: str | None,
    theirs: str | None,
    same: Callable[[str, str], bool],
    comparison: _Comparison,
) -> None:
    if ours and theirs:
        comparison.both(label, ours, theirs, same(ours, theirs))
    elif theirs:
        comparison.variants.append(f"no {label}")
    elif ours:
        comparison.variants.append(f"{label} {ours} not in reference")


def _same_postcode(ours: str, theirs: str, country: str | None) -> bool:
    a, b = normalise_postcode(ours, country), normalise_postcode(theirs, country)
    if a == b:
        return True
    # A ZIP+4 is the same ZIP, only more precise: "62701-1234" and "62701" name one area.
    if a and b and country == "US" and "-" in a + b:
        return a[:5] == b[:5] and ("-" not in a or "-" not in b)
    return False


def _judge_address_text(value_text: str, reference_text: str) -> FieldVerdict:
    if normalise_street(value_text) == normalise_street(reference_text):
        return FieldVerdict(value_text, reference_text, "variant", "written differently")
    return FieldVerdict(value_text, reference_text, "mismatch", "different address")


# --- hours -------------------------------------------------------------------------------------------------


def judge_hours(
    value: WeeklyHours | None,
    reference: WeeklyHours | None,
    value_text: str | None = None,
    reference_text: str | None = None,
) -> FieldVerdict:
    """Hours are compared as weeks; the texts only decide between match and variant, and are shown.

    A listing with hours text that could not be read is `unknown`, not `missing`: it has hours.
    """
    shown_reference = reference_text or (format_hours(reference) if reference is not None else None)
    shown_value = value_text or (format_hours(value) if value is not None else None)
    if reference is None:
        note = "reference hours unreadable" if not _blank(reference_text) else None
        return FieldVerdict(shown_value, shown_reference, "unknown", note)
    if value is None:
        if not _blank(value_text):
            return FieldVerdict(shown_value, shown_reference, "unknown", "listing hours unreadable")
        return FieldVerdict(None, shown_reference, "missing")
    if value != reference:
        return FieldVerdict(shown_value, shown_reference, "mismatch", _hours_note(value, reference))
    # Texts in different syntaxes (Google's "lundi: 07:00–19:30" against OSM's "Mo-Fr 07:00-19:30") say
    # nothing about how the hours are written; only two OSM-syntax texts can be a variant of each other.
    if (
        value_text
        and reference_text
        and _readable(value_text)
        and _readable(reference_text)
        and not same_as_written(value_text, reference_text)
    ):
        return FieldVerdict(shown_value, shown_reference, "variant", "same hours written differently")
    return FieldVerdict(shown_value, shown_reference, "match")


def _readable(text: str) -> bool:
    try:
        parse_opening_hours(text)
    except ValueError:
        return False
    return True


def _hours_note(value: WeeklyHours, reference: WeeklyHours) -> str:
    """'Sa 07:00-12:00 vs Sa 07:00-13:00', consecutive days with the same difference grouped."""
    groups: list[tuple[list[int], str, str]] = []
    for day in range(7):
        if value[day] == reference[day]:
            continue
        ours, theirs = format_spans(value[day]), format_spans(reference[day])
        if groups and groups[-1][0][-1] == day - 1 and groups[-1][1:] == (ours, theirs):
            groups[-1][0].append(day)
        else:
            groups.append(([day], ours, theirs))
    notes = []
    for days, ours, theirs in groups:
        selector = DAY_CODES[days[0]] if len(days) == 1 else f"{DAY_CODES[days[0]]}-{DAY_CODES[days[-1]]}"
        notes.append(f"{selector} {ours} vs {selector} {theirs}")
    return _join(notes)
