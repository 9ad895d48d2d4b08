"""Write a 内容証明 text, laid out on its grid, as a Word file for e内容証明 (python-docx).

e内容証明 (Japan Post's online content-certified mail) takes a Word file.  As we understand its
conditions (check Japan Post's current e内容証明 guide before relying on them): A4 portrait with
horizontal writing, characters of 10.5 pt or more, margins of 1.5 cm to 7 cm, at most five pages.
The file written here keeps the paper grid as well, so the same text passes either way:

- A4 portrait; the text area is exactly the grid: ``chars`` cells wide and ``lines`` lines high,
  with a document grid of type linesAndChars (w:docGrid w:type="linesAndChars"): w:charSpace is
  (cell pitch − font size) × 4096 and w:linePitch the line pitch in twentieths of a point, both
  rounded down so that Word's characters-per-line and lines-per-page are never below the grid;
- every half-width character (digits, Latin letters, ASCII signs, the space) written as its
  full-width form (U+FF01–U+FF5E, U+3000): the grid counts it as one cell, as the PDF sets it, and a
  full-width character fills exactly one cell of Word's (and LibreOffice's) document grid, where a
  half-width one takes half a cell and lines would end ragged;
- one Word paragraph per laid-out line (letters.naiyo.layout decides the breaks, counting as Japan
  Post counts), every line exactly one grid line high, a page break before each sheet's first line;
- Word's own line-breaking aids are switched off for the document: 禁則 (w:kinsoku, already
  applied by the layout), the automatic space between Japanese and Latin or digits (w:autoSpaceDE,
  w:autoSpaceDN, which would push a full line over the edge) and the right-indent adjustment;
- a line holding more glyphs than the grid has cells (a free closing bracket at the end of a full
  line) is taken off the document grid (w:snapToGrid w:val="0"; its exact line spacing keeps it one
  grid line high) and its characters' spacing is set so that it still fits the text width in one line.

The font is ＭＳ 明朝 by default (installed with every Japanese Windows, where e内容証明 runs).
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from typing import Any

from letters.compose.naiyo_grid import GRIDS, Grid, check_grid, glyphs, grid_name
from letters.compose.render_html import Letter
from letters.errors import LayoutError

DEFAULT_FONT = "ＭＳ 明朝"
E_NAIYO_MAX_PAGES = 5  # e内容証明's page limit as we understand it; None in naiyo_docx turns the check off

# Official grid → (cell pitch in mm, line pitch in mm, font size in pt): the same sheet as the PDF.
GEOMETRY: dict[Grid, tuple[float, float, float]] = {
    GRIDS["26x20"]: (6.5, 10.0, 12.0),
    GRIDS["20x26"]: (7.5, 7.6, 12.0),
    GRIDS["13x40"]: (8.0, 5.6, 10.5),
}
_A4_TWIPS = (11906, 16838)  # 210 × 297 mm in twentieths of a point
_TOP_TWIPS = 1417  # 25 mm: the text starts here; what is left below the grid is the bottom margin
_TWIPS_PER_MM = 1440 / 25.4

_PPR_ORDER = [
    "pStyle",
    "keepNext",
    "keepLines",
    "pageBreakBefore",
    "framePr",
    "widowControl",
    "numPr",
    "suppressLineNumbers",
    "pBdr",
    "shd",
    "tabs",
    "suppressAutoHyphens",
    "kinsoku",
    "wordWrap",
    "overflowPunct",
    "topLinePunct",
    "autoSpaceDE",
    "autoSpaceDN",
    "bidi",
    "adjustRightInd",
    "snapToGrid",
    "spacing",
    "ind",
    "contextualSpacing",
    "mirrorIndents",
    "suppressOverlap",
    "jc",
    "textDirection",
    "textAlignment",
    "textboxTightWrap",
    "outlineLvl",
    "divId",
    "cnfStyle",
    "rPr",
    "sectPr",
    "pPrChange",
]
_RPR_ORDER = [
    "rStyle",
    "rFonts",
    "b",
    "bCs",
    "i",
    "iCs",
    "caps",
    "smallCaps",
    "strike",
    "dstrike",
    "outline",
    "shadow",
    "emboss",
    "imprint",
    "noProof",
    "snapToGrid",
    "vanish",
    "webHidden",
    "color",
    "spacing",
    "w",
    "kern",
    "position",
    "sz",
    "szCs",
    "highlight",
    "u",
    "effect",
    "bdr",
    "shd",
    "fitText",
    "vertAlign",
    "rtl",
    "cs",
    "em",
    "lang",
    "eastAsianLayout",
    "specVanish",
    "oMath",
]


_FULL_WIDTH = {code: code + 0xFEE0 for code in range(0x21, 0x7F)} | {0x20: 0x3000}


def full_width(line: str) -> str:
    """The line with every printable ASCII character as its full-width form: one grid cell each."""
    return line.translate(_FULL_WIDTH)


def _geometry(grid: Grid) -> tuple[float, float, float]:
    """A smaller grid (fewer characters or lines: allowed) uses the sheet of the official one it fits."""
    chars, lines = grid
    for official, geometry in GEOMETRY.items():
        if chars <= official[0] and lines <= official[1]:
            return geometry
    raise LayoutError(f"no sheet geometry for grid {grid_name(grid)}")  # pragma: no cover - checked


def _set(parent: Any, tag: str, order: Sequence[str], **attrs: str) -> Any:
    """Add (or replace) ``w:tag`` in ``parent`` at its place in the schema's element order."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    for old in parent.findall(qn(f"w:{tag}")):
        parent.remove(old)
    element = OxmlElement(f"w:{tag}")
    for name, value in attrs.items():
        element.set(qn(f"w:{name}"), value)
    later = set(order[order.index(tag) + 1 :])
    for index, child in enumerate(parent):
        local = child.tag.rsplit("}", 1)[-1]
        if local in later:
            parent.insert(index, element)
            break
    else:
        parent.append(element)
    return element


def naiyo_docx(
    pages: Sequence[Sequence[str]],
    grid: Grid,
    *,
    title: str = "",
    font: str = DEFAULT_FONT,
    max_pages: int | None = E_NAIYO_MAX_PAGES,
) -> bytes:
    """The laid-out pages (``letters.naiyo.layout``) as DOCX bytes on a fixed-pitch grid."""
    from docx import Document
    from docx.oxml.ns import qn
    from docx.shared import Pt, Twips

    chars, lines = check_grid(grid)
    for number, page in enumerate(pages, start=1):
        if len(page) > lines:
            raise LayoutError(
                f"内容証明 {grid_name(grid)}: page {number} has {len(page)} lines, more than {lines}"
            )
    if max_pages is not None and len(pages) > max_pages:
        raise LayoutError(
            f"内容証明 {grid_name(grid)}: the text needs {len(pages)} pages; "
            f"e内容証明 accepts at most {max_pages}"
        )
    pitch_mm, line_mm, size_pt = _geometry(grid)
    text_width = round(pitch_mm * chars * _TWIPS_PER_MM)
    line_pitch = math.floor(line_mm * _TWIPS_PER_MM)
    text_height = line_pitch * lines
    # Word's characters per line is floor(text width / pitch): round the pitch down, never up.
    char_space = math.floor((text_width / 20 / chars - size_pt) * 4096)

    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Twips(_A4_TWIPS[0]), Twips(_A4_TWIPS[1])
    side = (_A4_TWIPS[0] - text_width) // 2
    section.left_margin = Twips(side)
    section.right_margin = Twips(_A4_TWIPS[0] - text_width - side)
    section.top_margin = Twips(_TOP_TWIPS)
    section.bottom_margin = Twips(_A4_TWIPS[1] - _TOP_TWIPS - text_height)
    section.header_distance = section.footer_distance = Twips(567)
    sect_pr = section._sectPr
    for old in sect_pr.findall(qn("w:docGrid")):
        sect_pr.remove(old)
    grid_element = sect_pr.makeelement(
        qn("w:docGrid"),
        {
            qn("w:type"): "linesAndChars",
            qn("w:linePitch"): str(line_pitch),
            qn("w:charSpace"): str(char_space),
        },
    )
    sect_pr.append(grid_element)

    normal = document.styles["Normal"]
    normal.font.name = font
    normal.font.size = Pt(size_pt)
    r_pr = normal.element.get_or_add_rPr()
    r_fonts = r_pr.get_or_add_rFonts()
    for attribute in ("ascii", "hAnsi", "eastAsia", "cs"):
        r_fonts.set(qn(f"w:{attribute}"), font)
    _set(r_pr, "lang", _RPR_ORDER, val="ja-JP", eastAsia="ja-JP")
    p_pr = normal.element.get_or_add_pPr()
    _set(p_pr, "widowControl", _PPR_ORDER, val="0")
    for tag in ("kinsoku", "overflowPunct", "autoSpaceDE", "autoSpaceDN", "adjustRightInd"):
        _set(p_pr, tag, _PPR_ORDER, val="0")
    _set(p_pr, "spacing", _PPR_ORDER, before="0", after="0", line=str(line_pitch), lineRule="exact")
    _set(p_pr, "jc", _PPR_ORDER, val="left")

    if title:
        document.core_properties.title = title
    document.core_properties.language = "ja-JP"
    for number, page in enumerate(pages, start=1):
        for index, line in enumerate(page):
            paragraph = document.add_paragraph()
            if number > 1 and index == 0:
                paragraph.paragraph_format.page_break_before = True
            if not line:
                continue
            run = paragraph.add_run(full_width(line))
            seen = len(glyphs(line))
            if seen > chars:
                # Off the document grid (a run-level w:snapToGrid is ignored by LibreOffice); the
                # paragraph's exact line spacing still makes it one grid line high.
                _set(paragraph._p.get_or_add_pPr(), "snapToGrid", _PPR_ORDER, val="0")
                spacing = math.floor(text_width / seen - size_pt * 20)  # twips added to each character
                _set(run._r.get_or_add_rPr(), "spacing", _RPR_ORDER, val=str(spacing))
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def write_naiyo_docx(letter: Letter, grid: Grid, *, font: str = DEFAULT_FONT) -> bytes:
    """A ja demand or lawyer's letter as an e内容証明 Word file (the same text as the 内容証明 PDF)."""
    from letters.compose.naiyo import naiyo_text
    from letters.compose.naiyo_grid import layout

    title = "通知書（催告書）" if letter.planned.kind == "lawyer" else "催告書"
    return naiyo_docx(layout(naiyo_text(letter, grid), grid), grid, title=title, font=font)
