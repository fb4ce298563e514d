"""Printable posters for the shop: a QR code to each profile, with a call to action, as a PDF (reportlab).

Everything is vector: the codes are filled rectangles (one per run of dark modules), so they print sharp at
any size and any printer's resolution. Sizes:

- `a4`, `a5`, `letter`: one page per up to six codes (more codes, more pages), each code at least 3 cm wide
  on A4 and A5 (ISO 18004 recommends ≥ 2 cm for scanning at arm's length; shop windows are read from
  further away);
- `table-tent`: a landscape A4 sheet folded along its middle into a tent; the upper face is printed upside
  down so that both faces read the right way up once folded; up to four codes per face;
- `stickers`: a sheet of 12 stickers (3 × 4, cut marks drawn), the codes repeated to fill the sheet.

Text uses the PDF standard Helvetica (no font files): it covers French and the other Western European
languages; names in other scripts print their Latin-1 approximation.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from reportlab.lib.pagesizes import A4, A5, landscape, letter
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

from auditor.messages import N_
from reports import qr
from reports.i18n import Formatter
from reports.profiles import Profile, short_url

Size = Literal["a4", "a5", "letter", "table-tent", "stickers"]
SIZES: tuple[Size, ...] = ("a4", "a5", "letter", "table-tent", "stickers")
MARGIN = 12 * mm  # inside every office printer's unprintable border
GAP = 6 * mm
MIN_CODE = {"a4": 30 * mm, "a5": 30 * mm, "letter": 30 * mm, "table-tent": 25 * mm, "stickers": 25 * mm}
MAX_CODE = 80 * mm
CAPTION_HEIGHT = 15 * mm  # call to action and short URL under each code
POSTER_HEADER = 64.0  # points: the shop's name at its largest (34) and the scanning hint
TENT_HEADER = 46.0
LOGO_SHARE = 0.22  # of the code's width: well inside what error correction H restores
SCAN_HINT = N_("Scan with your phone's camera")
FONT = "Helvetica"
FONT_BOLD = "Helvetica-Bold"


class PosterError(ValueError):
    """A poster that cannot be made (no profile URL, an unreadable logo)."""


@dataclass(frozen=True)
class Code:
    profile: Profile
    caption: str
    short: str
    matrix: qr.Matrix


def render_poster(
    shop_name: str,
    profiles: Sequence[Profile],
    *,
    size: Size = "a4",
    language: str = "fr",
    logo: Path | None = None,
    utm: bool = False,
) -> bytes:
    """The PDF, as bytes (the caller writes it atomically)."""
    if not profiles:
        raise PosterError("a poster needs at least one profile URL (none found or given)")
    if size not in SIZES:
        raise PosterError(f"unknown poster size {size!r} (known: {', '.join(SIZES)})")
    logo_image = _logo(logo) if logo is not None else None
    fmt = Formatter(language)
    level: qr.ErrorCorrection = "H" if logo_image is not None else "M"
    codes = [
        Code(
            profile,
            _printable(profile.call_to_action(fmt.gettext)),
            _printable(short_url(profile.url, limit=40)),
            qr.matrix(qr.with_utm(profile.url) if utm else profile.url, level),
        )
        for profile in profiles
    ]
    buffer = io.BytesIO()
    page = landscape(A4) if size == "table-tent" else {"a4": A4, "a5": A5, "letter": letter}.get(size, A4)
    canvas = Canvas(buffer, pagesize=page, pageCompression=1, invariant=1)
    canvas.setTitle(_printable(shop_name))
    canvas.setCreator("SoLoMo Auditor")
    name = _printable(shop_name)
    hint = _printable(fmt.gettext(SCAN_HINT))
    if size == "table-tent":
        _table_tent(canvas, page, name, hint, codes, logo_image)
    elif size == "stickers":
        _stickers(canvas, page, codes, logo_image)
    else:
        _posters(canvas, page, name, hint, codes, logo_image, MIN_CODE[size])
    canvas.save()
    return buffer.getvalue()


# -- layouts -------------------------------------------------------------------------------------------


def _posters(
    canvas: Canvas,
    page: tuple[float, float],
    name: str,
    hint: str,
    codes: Sequence[Code],
    logo: ImageReader | None,
    min_code: float,
) -> None:
    width, height = page
    per_page = 6
    for start in range(0, len(codes), per_page):
        chunk = codes[start : start + per_page]
        top = height - MARGIN
        title_size = _fit(canvas, name, FONT_BOLD, 34, 14, width - 2 * MARGIN)
        canvas.setFont(FONT_BOLD, title_size)
        canvas.drawCentredString(width / 2, top - title_size, name)
        canvas.setFont(FONT, 12)
        canvas.drawCentredString(width / 2, top - title_size - 18, hint)
        area_top = top - POSTER_HEADER
        _grid(canvas, chunk, MARGIN, MARGIN, width - 2 * MARGIN, area_top - MARGIN, logo, min_code)
        canvas.showPage()


def _grid(
    canvas: Canvas,
    codes: Sequence[Code],
    x0: float,
    y0: float,
    area_width: float,
    area_height: float,
    logo: ImageReader | None,
    min_code: float,
    columns: int | None = None,
) -> None:
    """Codes in rows, each centred in its cell with its caption under it; the code as large as fits."""
    count = len(codes)
    columns, _, cell_width, cell_height, side = grid_layout(count, area_width, area_height, columns)
    if side < min_code:
        raise PosterError(f"codes would be {side / mm:.0f} mm wide, under the {min_code / mm:.0f} mm minimum")
    for index, code in enumerate(codes):
        row, column = divmod(index, columns)
        in_row = min(columns, count - row * columns)  # centre a short last row
        offset = (area_width - in_row * cell_width - (in_row - 1) * GAP) / 2
        cx = x0 + offset + column * (cell_width + GAP) + cell_width / 2
        top = y0 + area_height - row * (cell_height + GAP)
        block = side + CAPTION_HEIGHT
        y_code = top - (cell_height - block) / 2 - side
        _code(canvas, code, cx - side / 2, y_code, side, logo)
        _caption(canvas, code, cx, y_code - 5 * mm, cell_width)


def grid_layout(
    count: int, area_width: float, area_height: float, columns: int | None = None
) -> tuple[int, int, float, float, float]:
    """(columns, rows, cell width, cell height, code side) for `count` codes in an area (points)."""
    columns = columns or (1 if count == 1 else 3 if count > 6 else 2)
    rows = math.ceil(count / columns)
    cell_width = (area_width - (columns - 1) * GAP) / columns
    cell_height = (area_height - (rows - 1) * GAP) / rows
    return columns, rows, cell_width, cell_height, min(cell_width, cell_height - CAPTION_HEIGHT, MAX_CODE)


def poster_code_side(size: Size, count: int) -> float:
    """The width of each code (quiet zone included, points) on the first page of a poster of `count`
    codes; what the ≥ 3 cm rule is checked against."""
    if size == "stickers":
        width, height = A4
        return min((width - 2 * MARGIN) / 3 - 10 * mm, (height - 2 * MARGIN) / 4 - CAPTION_HEIGHT - 8 * mm)
    if size == "table-tent":
        width, height = landscape(A4)
        per_face = min(count, 4)
        return grid_layout(per_face, width - 2 * MARGIN, height / 2 - 2 * MARGIN - TENT_HEADER, per_face)[4]
    width, height = {"a4": A4, "a5": A5, "letter": letter}[size]
    return grid_layout(min(count, 6), width - 2 * MARGIN, height - 2 * MARGIN - POSTER_HEADER)[4]


def _table_tent(
    canvas: Canvas,
    page: tuple[float, float],
    name: str,
    hint: str,
    codes: Sequence[Code],
    logo: ImageReader | None,
) -> None:
    width, height = page
    face = height / 2
    per_face = 4
    for start in range(0, len(codes), per_face):
        chunk = codes[start : start + per_face]
        for upside_down in (False, True):
            canvas.saveState()
            if upside_down:  # the upper half, turned so that it reads upright on the other side of the fold
                canvas.translate(width, height)
                canvas.rotate(180)
            _tent_face(canvas, width, face, name, hint, chunk, logo)
            canvas.restoreState()
        canvas.setDash(2, 3)
        canvas.setStrokeGray(0.6)
        canvas.line(MARGIN, face, width - MARGIN, face)  # the fold
        canvas.setDash()
        canvas.showPage()


def _tent_face(
    canvas: Canvas,
    width: float,
    face: float,
    name: str,
    hint: str,
    codes: Sequence[Code],
    logo: ImageReader | None,
) -> None:
    top = face - MARGIN
    title_size = _fit(canvas, name, FONT_BOLD, 24, 12, width - 2 * MARGIN)
    canvas.setFillGray(0)
    canvas.setFont(FONT_BOLD, title_size)
    canvas.drawCentredString(width / 2, top - title_size, name)
    canvas.setFont(FONT, 10)
    canvas.drawCentredString(width / 2, top - title_size - 14, hint)
    area_top = top - TENT_HEADER
    _grid(
        canvas, codes, MARGIN, MARGIN, width - 2 * MARGIN, area_top - MARGIN, logo, MIN_CODE["table-tent"],
        columns=len(codes),
    )  # fmt: skip


def _stickers(
    canvas: Canvas, page: tuple[float, float], codes: Sequence[Code], logo: ImageReader | None
) -> None:
    width, height = page
    columns, rows = 3, 4
    cell_width = (width - 2 * MARGIN) / columns
    cell_height = (height - 2 * MARGIN) / rows
    side = min(cell_width - 10 * mm, cell_height - CAPTION_HEIGHT - 8 * mm)
    per_sheet = columns * rows
    sheets = max(1, math.ceil(len(codes) / per_sheet))
    filled = [codes[i % len(codes)] for i in range(sheets * per_sheet)]  # repeat the codes to fill the sheet
    for sheet in range(sheets):
        for index in range(per_sheet):
            code = filled[sheet * per_sheet + index]
            row, column = divmod(index, columns)
            x = MARGIN + column * cell_width
            y = height - MARGIN - (row + 1) * cell_height
            canvas.setDash(1, 2)
            canvas.setStrokeGray(0.75)
            canvas.rect(x, y, cell_width, cell_height, stroke=1, fill=0)  # cut marks
            canvas.setDash()
            cx = x + cell_width / 2
            y_code = y + CAPTION_HEIGHT + 3 * mm
            _code(canvas, code, cx - side / 2, y_code, side, logo)
            _caption(canvas, code, cx, y_code - 4 * mm, cell_width - 4 * mm)
        canvas.showPage()


# -- drawing -------------------------------------------------------------------------------------------


def _code(canvas: Canvas, code: Code, x: float, y: float, side: float, logo: ImageReader | None) -> None:
    """The code as filled rectangles; `side` includes the 4-module quiet zone, kept white."""
    grid = code.matrix
    module = side / grid.size
    canvas.setFillGray(1)
    canvas.rect(x, y, side, side, stroke=0, fill=1)
    canvas.setFillGray(0)
    # Drawn in module units from the top-left corner: whole numbers in the PDF, a smaller file, less work.
    canvas.saveState()
    canvas.translate(x, y + side)
    canvas.scale(module, -module)
    path = canvas.beginPath()
    for column, row, length in grid.runs():
        path.rect(column, row, length, 1)
    canvas.drawPath(path, stroke=0, fill=1)
    canvas.restoreState()
    if logo is not None:
        logo_side = side * LOGO_SHARE
        lx, ly = x + (side - logo_side) / 2, y + (side - logo_side) / 2
        canvas.setFillGray(1)
        canvas.rect(
            lx - module, ly - module, logo_side + 2 * module, logo_side + 2 * module, stroke=0, fill=1
        )
        canvas.drawImage(logo, lx, ly, logo_side, logo_side, preserveAspectRatio=True, mask="auto")
        canvas.setFillGray(0)


def _caption(canvas: Canvas, code: Code, cx: float, y: float, width: float) -> None:
    size = _fit(canvas, code.caption, FONT_BOLD, 12, 7, width)
    canvas.setFont(FONT_BOLD, size)
    canvas.drawCentredString(cx, y, code.caption)
    small = _fit(canvas, code.short, FONT, 9, 5, width)
    canvas.setFont(FONT, small)
    canvas.setFillGray(0.25)
    canvas.drawCentredString(cx, y - size - 2, code.short)
    canvas.setFillGray(0)


def _fit(canvas: Canvas, text: str, font: str, largest: float, smallest: float, width: float) -> float:
    """The largest font size (down to `smallest`) at which `text` fits `width`."""
    size = largest
    while size > smallest and canvas.stringWidth(text, font, size) > width:
        size -= 0.5
    return size


def _printable(text: str) -> str:
    """What the standard PDF fonts print (WinAnsi, i.e. cp1252: French quotes and accents included); the
    narrow no-break space Babel puts in French numbers becomes a space, anything else outside it a "?"."""
    return text.replace("\u202f", " ").encode("cp1252", "replace").decode("cp1252")


def _logo(path: Path) -> ImageReader:
    try:
        image = ImageReader(str(path))
        image.getSize()
    except Exception as exc:  # reportlab/Pillow raise many kinds for a missing or broken image
        raise PosterError(f"cannot read the logo {path}: {exc}") from None
    return image
