"""Shops from whatever CSV a user has: Excel in a French locale, Google Sheets, a CRM export.

The file is read as a stream (one row at a time, whatever its size). What is sniffed from its first 64 KB:
the encoding (a UTF-8 byte order mark, else UTF-8 if the sample decodes, else CP1252, which is what Excel
writes on a French Windows) and the delimiter (`,` `;` or tab). Header names are matched in French and in
English, accents, case and punctuation aside ("Téléphone", "TEL", "phone number"); `--map "Enseigne=name"`
names any other column. A row that cannot become a shop (no name, a wrong number of cells, an oversized
cell, a phone that is not one) is yielded as a `BadRow` with its line number and the reason, and the rest
of the file goes on.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from auditor.business import InputError, business_from_mapping, validate_business
from auditor.models import Business

SAMPLE_BYTES = 64 * 1024
DEFAULT_MAX_CELL = 64 * 1024  # characters: no address, name or URL comes near; a 10 MB cell is refused
DEFAULT_MAX_ROW = 256 * 1024

# field -> the header names (normalised) that mean it, in French and English. A column named like a platform
# id (instagram, tiktok...) is that platform's handle.
HEADER_NAMES: dict[str, tuple[str, ...]] = {
    "name": (
        "nom", "name", "raison sociale", "nom commercial", "enseigne", "business", "business name",
        "etablissement", "company", "societe", "store name", "shop", "magasin", "commerce",
    ),
    "address": (
        "adresse", "address", "rue", "adresse postale", "street", "street address", "address line 1",
        "adresse 1", "voie",
    ),
    "postcode": ("code postal", "cp", "zip", "zip code", "zipcode", "postcode", "postal code"),
    "city": ("ville", "city", "commune", "localite", "town", "locality"),
    "phone": (
        "telephone", "tel", "phone", "phone number", "numero", "numero de telephone", "tel fixe",
        "telephone fixe", "mobile", "portable",
    ),
    "website": ("site", "site web", "site internet", "website", "url", "web", "site url"),
    "country": ("pays", "country", "country code", "code pays"),
    "hours": ("horaires", "hours", "opening hours", "horaires d ouverture"),
    "id": ("id", "ref", "reference", "identifiant", "code", "store id", "shop id", "code magasin"),
    "handle:x": ("twitter",),
}  # fmt: skip
ALIASES = {alias: target for target, names in HEADER_NAMES.items() for alias in names}
FIELDS = ("id", "name", "address", "postcode", "city", "phone", "website", "country", "hours")


class CsvError(Exception):
    """The file as a whole cannot be read as shops (binary, empty, no name column): exit code 2."""


@dataclass(frozen=True)
class Shop:
    line: int  # where the row starts in the file (1 = the header)
    key: str  # digest of the row's content: an edited row is a new shop to audit
    ident: str  # the row's id column, else its line number
    business: Business
    cells: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class BadRow:
    line: int
    key: str
    reason: str
    cells: tuple[str, ...] = ()


@dataclass(frozen=True)
class CsvFormat:
    encoding: str
    delimiter: str
    columns: tuple[str, ...]  # the header as written
    fields: dict[int, str]  # column index -> field ("name", "handle:instagram", ...)
    ignored: tuple[str, ...]  # header names that map to nothing


def normalise_header(name: str) -> str:
    decomposed = unicodedata.normalize("NFKD", name.strip().lstrip("\ufeff"))
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()
    return re.sub(r"[^a-z0-9]+", " ", plain).strip()


def parse_map(values: Iterable[str]) -> dict[str, str]:
    """`--map "Enseigne=name" --map "Insta=instagram"` (or comma-separated) -> normalised header -> field."""
    mapping: dict[str, str] = {}
    for value in values:
        for part in value.split(","):
            if not part.strip():
                continue
            column, sep, target = part.partition("=")
            if not sep or not column.strip() or not target.strip():
                raise CsvError(f'--map {part!r}: expected COLUMN=FIELD, e.g. "Enseigne=name"')
            mapping[normalise_header(column)] = target.strip().lower()
    return mapping


def detect_encoding(sample: bytes) -> str:
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if b"\x00" in sample:
        raise CsvError("this is not a CSV file: it holds binary data (NUL bytes)")
    try:
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=False)  # a cut multi-byte tail is fine
        return "utf-8"
    except UnicodeDecodeError:
        return "cp1252"


def detect_delimiter(text: str) -> str:
    header = text.splitlines()[0] if text.splitlines() else ""
    try:
        return csv.Sniffer().sniff(text[:8192], delimiters=",;\t").delimiter
    except csv.Error:
        counts = {d: header.count(d) for d in (";", ",", "\t")}
        best = max(counts, key=lambda d: counts[d])
        return best if counts[best] else ","


def read_shops(
    path: Path,
    *,
    column_map: Mapping[str, str] | None = None,
    platforms: Sequence[str] = (),
    default_country: str | None = None,
    max_cell: int = DEFAULT_MAX_CELL,
    max_row: int = DEFAULT_MAX_ROW,
) -> tuple[CsvFormat, Iterator[Shop | BadRow]]:
    """The file's format (raises CsvError when it cannot be read as shops) and its rows, streamed."""
    try:
        with path.open("rb") as raw:
            sample = raw.read(SAMPLE_BYTES)
    except OSError as exc:
        raise CsvError(f"cannot read {path}: {exc.strerror or exc}") from None
    if not sample.strip(b" \r\n\t\xef\xbb\xbf"):
        raise CsvError(f"{path} is empty")
    encoding = detect_encoding(sample)
    text_sample = sample.decode(encoding, errors="ignore")
    if _looks_binary(text_sample):
        raise CsvError(f"{path} is not a CSV file: it holds binary data")
    delimiter = detect_delimiter(text_sample)
    handle = path.open(encoding=encoding, errors="replace", newline="")
    rows = _records(handle, delimiter, max_cell, max_row)
    try:
        _, header = next(rows)
    except StopIteration:
        handle.close()
        raise CsvError(f"{path} is empty") from None
    if isinstance(header, str):
        handle.close()
        raise CsvError(f"{path}: the header row cannot be read: {header}")
    fmt = _format(encoding, delimiter, header, column_map or {}, platforms)
    return fmt, _shops(handle, rows, fmt, default_country)


def _looks_binary(text: str) -> bool:
    if not text:
        return False
    control = sum(1 for ch in text if ord(ch) < 32 and ch not in "\r\n\t")
    return control / len(text) > 0.01


def _format(
    encoding: str, delimiter: str, header: list[str], column_map: Mapping[str, str], platforms: Sequence[str]
) -> CsvFormat:
    known_platforms = set(platforms)
    fields: dict[int, str] = {}
    ignored: list[str] = []
    for index, column in enumerate(header):
        key = normalise_header(column)
        target = column_map.get(key) or ALIASES.get(key)
        if target is None and key.replace(" ", "_") in known_platforms:
            target = f"handle:{key.replace(' ', '_')}"
        if target is not None and not target.startswith("handle:") and target not in FIELDS:
            target = f"handle:{target}" if target in known_platforms else None
            if target is None:
                raise CsvError(
                    f"--map: {column!r} -> {column_map.get(key)!r} is not a field "
                    f"(fields: {', '.join(FIELDS)}, or a platform id)"
                )
        if target is None:
            ignored.append(column)
        else:
            fields[index] = target
    if "name" not in fields.values():
        shown = ", ".join(repr(c) for c in header[:12])
        raise CsvError(
            f"no column for the shop's name (columns: {shown}); name it nom/name/raison sociale or use "
            '--map "YourColumn=name"'
        )
    return CsvFormat(encoding, delimiter, tuple(header), fields, tuple(ignored))


def _records(
    handle: TextIO, delimiter: str, max_cell: int, max_row: int
) -> Iterator[tuple[int, list[str] | str]]:
    """(line where the record starts, cells) — or (line, reason) for a record that cannot be read.

    The csv module stops at the first oversized field; the reader is then rebuilt on the rest of the file,
    so one bad cell costs one row, not the file.
    """
    lines = _LineCounter(handle)
    csv.field_size_limit(max(max_cell, 1))
    while True:
        reader = csv.reader(lines, delimiter=delimiter)
        try:
            for cells in reader:
                start = lines.record_start
                lines.mark()
                if sum(len(c) for c in cells) > max_row:
                    yield start, f"the row holds more than {max_row} characters"
                    continue
                yield start, cells
            return
        except csv.Error as exc:
            start = lines.record_start
            lines.mark()
            reason = str(exc)
            if "field larger than field limit" in reason:
                reason = f"a cell holds more than {max_cell} characters"
            yield start, f"unreadable row: {reason}"


class _LineCounter:
    """The file's lines for csv.reader, counting them so that each record knows its first line."""

    def __init__(self, handle: TextIO) -> None:
        self._handle = handle
        self.line = 0
        self.record_start = 1

    def __iter__(self) -> Iterator[str]:
        return self

    def __next__(self) -> str:
        text = self._handle.readline()
        if not text:
            raise StopIteration
        self.line += 1
        return text

    def mark(self) -> None:
        self.record_start = self.line + 1


def _shops(
    handle: TextIO, rows: Iterator[tuple[int, list[str] | str]], fmt: CsvFormat, default_country: str | None
) -> Iterator[Shop | BadRow]:
    try:
        for line, cells in rows:
            if isinstance(cells, str):
                yield BadRow(line, _key((cells, str(line))), cells)
                continue
            if not any(c.strip() for c in cells):
                continue  # blank lines and rows of empty cells
            key = _key(cells)
            problem = _shape_problem(cells, fmt)
            if problem:
                yield BadRow(line, key, problem, tuple(cells))
                continue
            try:
                yield _shop(line, key, cells, fmt, default_country)
            except InputError as exc:
                yield BadRow(line, key, str(exc), tuple(cells))
    finally:
        handle.close()


def _shape_problem(cells: list[str], fmt: CsvFormat) -> str | None:
    width = len(fmt.columns)
    if len(cells) < width:
        return f"{len(cells)} cells where the header has {width}"
    if len(cells) > width and any(c.strip() for c in cells[width:]):
        return f"{len(cells)} cells where the header has {width}"
    return None


def _shop(line: int, key: str, cells: list[str], fmt: CsvFormat, default_country: str | None) -> Shop:
    values: dict[str, str] = {}
    handles: dict[str, str] = {}
    for index, target in fmt.fields.items():
        value = cells[index].strip()
        if not value:
            continue
        if target.startswith("handle:"):
            handles.setdefault(target.removeprefix("handle:"), _handle_from(value))
        else:
            values.setdefault(target, value)  # a duplicated column: the first non-empty value wins
    if not values.get("name"):
        raise InputError("no name")
    record: dict[str, Any] = {"name": values["name"]}
    address = ", ".join(
        part
        for part in (
            values.get("address"),
            " ".join(p for p in (values.get("postcode"), values.get("city")) if p),
        )
        if part
    )
    if address:
        record["address"] = address
    for name in ("phone", "website", "country", "hours", "city"):
        if values.get(name):
            record[name] = values[name]
    if handles:
        record["handles"] = handles
    where = f"line {line}"
    business = business_from_mapping(record, where)
    validate_business(business, where, default_country)
    ident = values.get("id") or str(line)
    return Shop(line, key, ident, business, {fmt.columns[i]: cells[i] for i in range(len(fmt.columns))})


def _handle_from(value: str) -> str:
    """A handle as people write it in a spreadsheet: "@dupont", "dupont" or the profile URL."""
    text = value.strip()
    if "://" in text or text.startswith("www."):
        path = text.split("://", 1)[-1].split("/", 1)[1] if "/" in text.split("://", 1)[-1] else ""
        parts = [p for p in path.split("/") if p and p not in ("company", "user", "channel", "c")]
        text = parts[0] if parts else text
    return text.lstrip("@").split("?")[0]


def _key(cells: Sequence[str]) -> str:
    digest = hashlib.sha256()
    for cell in cells:
        digest.update(cell.strip().encode("utf-8", "replace"))
        digest.update(b"\x1f")
    return digest.hexdigest()[:32]


def count_records(path: Path, fmt: CsvFormat, max_cell: int = DEFAULT_MAX_CELL) -> int:
    """Data records in the file (a fast pre-pass for the progress bar's ETA); blank rows not counted."""
    with path.open(encoding=fmt.encoding, errors="replace", newline="") as handle:
        records = _records(handle, fmt.delimiter, max_cell, DEFAULT_MAX_ROW)
        next(records, None)  # the header
        return sum(1 for _, cells in records if isinstance(cells, str) or any(c.strip() for c in cells))
