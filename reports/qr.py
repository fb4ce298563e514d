"""QR codes for the report and the posters: qrcode computes the matrix, we draw it as vectors.

Vectors everywhere (an SVG path in HTML, filled rectangles in the PDF), never a scaled bitmap, so a code
prints sharp at any size. Error correction M by default (15 % of the code may be dirty or torn); H (30 %)
when a logo covers the middle. The quiet zone is 4 modules, as ISO/IEC 18004 requires. Only http(s) URLs
are ever encoded: a code on a shop window must not open anything else.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import qrcode
import qrcode.constants
from markupsafe import escape

QUIET_ZONE = 4
ErrorCorrection = Literal["L", "M", "Q", "H"]
_LEVELS = {
    "L": qrcode.constants.ERROR_CORRECT_L,
    "M": qrcode.constants.ERROR_CORRECT_M,
    "Q": qrcode.constants.ERROR_CORRECT_Q,
    "H": qrcode.constants.ERROR_CORRECT_H,
}
UTM = (("utm_source", "qr"), ("utm_medium", "poster"))


class QrError(ValueError):
    """A URL that must not become a code."""


def checked_url(url: str) -> str:
    """The URL, if it is an absolute http(s) URL with a host; QrError otherwise."""
    text = url.strip()
    parts = urlsplit(text)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise QrError(f"only http(s) URLs become QR codes, not {url!r}")
    if any(ch.isspace() or ord(ch) < 32 for ch in text):
        raise QrError(f"a URL with spaces or control characters cannot become a QR code: {url!r}")
    return text


def with_utm(url: str) -> str:
    """The URL tagged utm_source=qr&utm_medium=poster (existing utm_ values are kept as they are), so the
    shop's analytics can count scans."""
    parts = urlsplit(checked_url(url))
    query = parse_qsl(parts.query, keep_blank_values=True)
    present = {key for key, _ in query}
    query += [(key, value) for key, value in UTM if key not in present]
    return urlunsplit(parts._replace(query=urlencode(query)))


@dataclass(frozen=True)
class Matrix:
    """Dark modules, quiet zone included: `rows[y][x]` is True for dark."""

    rows: tuple[tuple[bool, ...], ...]

    @property
    def size(self) -> int:
        return len(self.rows)

    def runs(self) -> list[tuple[int, int, int]]:
        """Horizontal runs of dark modules (x, y, length): a fraction of the rectangles one per module
        would need, which keeps the SVG small and a 1,000-poster PDF fast."""
        out: list[tuple[int, int, int]] = []
        for y, row in enumerate(self.rows):
            x = 0
            while x < len(row):
                if row[x]:
                    start = x
                    while x < len(row) and row[x]:
                        x += 1
                    out.append((start, y, x - start))
                else:
                    x += 1
        return out


def matrix(url: str, error_correction: ErrorCorrection = "M") -> Matrix:
    code = qrcode.QRCode(error_correction=_LEVELS[error_correction], border=QUIET_ZONE)
    code.add_data(checked_url(url))
    code.make(fit=True)
    cells: Sequence[Sequence[bool]] = code.get_matrix()
    return Matrix(tuple(tuple(bool(cell) for cell in row) for row in cells))


def svg(url: str, *, title: str, size_css: str = "9rem", error_correction: ErrorCorrection = "M") -> str:
    """An inline <svg> of the code for `url`; `title` is its accessible name. The caller escapes nothing:
    the URL never appears in the markup, and `title` is escaped here."""
    grid = matrix(url, error_correction)
    path = "".join(f"M{x} {y}h{length}v1h-{length}z" for x, y, length in grid.runs())
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {grid.size} {grid.size}" '
        f'width="{size_css}" height="{size_css}" role="img" shape-rendering="crispEdges">'
        f"<title>{escape(title)}</title>"
        f'<rect width="{grid.size}" height="{grid.size}" fill="#fff"/>'
        f'<path d="{path}" fill="#000"/></svg>'
    )
