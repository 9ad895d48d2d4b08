"""Paragraphs and tables (what the walker builds) → WordprocessingML, one letter's pictures and frames too."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from typing import Any, Protocol

from docx.image.exceptions import UnrecognizedImageError

from letters.docx.images import Images
from letters.docx.styles import (
    FOOTER_FROM_BOTTOM,
    INCH,
    LANGS,
    NESTED_PICTURES,
    PICTURES,
    SYMBOL_FACE,
    Lang,
    Page,
    Picture,
    Rule,
    emu,
    px,
    tw,
)
from letters.docx.tables import CellLook, Padding, TableLook
from letters.docx.tree import Node
from letters.errors import RenderError

NS = (
    'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
    'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
    'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
    'xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture"'
)


@dataclass(frozen=True)
class Ink:
    """Run formatting."""

    size: float
    bold: bool = False
    italic: bool = False
    color: str = ""
    spacing: float = 0.0  # em
    upper: bool = False
    boxed: bool = False
    nowrap: bool = False  # no line break inside the text (white-space: nowrap)
    symbol: bool = False  # a sign the text faces lack (☐): set in SYMBOL_FACE
    underline: bool = False  # a blank to write on (vn-blank)


def run_properties(ink: Ink, lang: Lang) -> str:
    # Every run names its East Asian face (w:eastAsia): without it Word sets CJK in the theme font.
    latin = SYMBOL_FACE if ink.symbol else lang.latin
    out = [f'<w:rFonts w:ascii="{latin}" w:hAnsi="{latin}" w:eastAsia="{lang.east_asian}" w:cs="{latin}"/>']
    if ink.bold:
        out.append("<w:b/><w:bCs/>")
    if ink.italic:
        out.append("<w:i/><w:iCs/>")
    if ink.color:
        out.append(f'<w:color w:val="{ink.color}"/>')
    if ink.spacing:
        out.append(f'<w:spacing w:val="{round(ink.spacing * ink.size * 20)}"/>')
    half_points = round(ink.size * 2)
    out.append(f'<w:sz w:val="{half_points}"/><w:szCs w:val="{half_points}"/>')
    if ink.underline:
        out.append('<w:u w:val="single"/>')
    if ink.boxed:
        out.append('<w:bdr w:val="single" w:sz="3" w:space="2" w:color="111111"/>')
    return "<w:rPr>" + "".join(out) + "</w:rPr>"


@dataclass
class Para:
    """One paragraph being built; its spacing is settled once its neighbours are known."""

    rule: Rule  # align, indents, line height of the block it belongs to
    ink: Ink
    runs: list[str]
    before: float = 0.0
    after: float = 0.0
    keep_next: bool = False
    keep_lines: bool = False
    page_break: bool = False
    tabs: tuple[tuple[str, float], ...] = ()  # (left / center / right, mm)
    hanging: float = 0.0
    frame: str = ""
    exact: float = 0.0  # an empty paragraph exactly this high (mm): the rest of a block's min-height

    def height(self, lang: Lang) -> float:
        return self.ink.size * (self.rule.line or lang.line) * INCH / 72 + self.before + self.after


@dataclass
class Cell:
    node: Node
    items: list[Item]
    classes: frozenset[str] = frozenset()  # of the cell and its row


@dataclass
class Table:
    kind: str  # items / across (items laid out in columns) / box / plain / aside / footer
    rows: list[list[Cell]]
    width: float  # mm
    grid: tuple[float, ...] = ()  # column widths, mm; equal columns when empty
    before: float = 0.0
    after: float = 0.0
    keep: bool = False
    aside: Picture | None = None  # the picture set beside text in an aside table
    indent: float = 0.0  # from the left edge of the text column, mm
    look: TableLook | None = None  # a styled table's widths, rules and padding (tables.py)


Item = Para | Table


def _ppr(para: Para, rpr: str) -> str:
    rule = para.rule
    out = []
    if para.keep_next:
        out.append("<w:keepNext/>")
    if para.keep_lines:
        out.append("<w:keepLines/>")
    if para.page_break:
        out.append("<w:pageBreakBefore/>")
    out.append(para.frame)
    if rule.rule_below or rule.dashed_above:
        top = '<w:top w:val="dashed" w:sz="8" w:space="1" w:color="333333"/>' if rule.dashed_above else ""
        below = '<w:bottom w:val="single" w:sz="3" w:space="3" w:color="999999"/>' if rule.rule_below else ""
        out.append(f"<w:pBdr>{top}{below}</w:pBdr>")
    if para.tabs:
        stops = "".join(f'<w:tab w:val="{kind}" w:pos="{tw(pos)}"/>' for kind, pos in para.tabs)
        out.append(f"<w:tabs>{stops}</w:tabs>")
    line = round(para.ink.size * (rule.line or 1.2) * 20)
    if para.exact:
        out.append(f'<w:spacing w:before="0" w:after="0" w:line="{tw(para.exact)}" w:lineRule="exact"/>')
    else:
        out.append(
            f'<w:spacing w:before="{tw(para.before)}" w:after="{tw(para.after)}" '
            f'w:line="{line}" w:lineRule="atLeast"/>'
        )
    indent = f'<w:ind w:left="{tw(rule.left or 0)}" w:right="{tw(rule.right or 0)}"'
    if para.hanging:
        indent += f' w:hanging="{tw(para.hanging)}"'
    elif rule.first:
        indent += f' w:firstLine="{round(rule.first * para.ink.size * 20)}"'
    out.append(indent + "/>")
    out.append(f'<w:jc w:val="{rule.align or "left"}"/>')
    return "<w:pPr>" + "".join(out) + rpr + "</w:pPr>"


def spacer(mm: float) -> str:
    """An empty paragraph mm tall (at least 1 pt): between two tables, which would otherwise merge,
    and after a table that ends a story or a cell (Word ends both with a paragraph)."""
    return (
        f'<w:p><w:pPr><w:spacing w:before="0" w:after="0" w:line="{max(20, tw(mm))}" w:lineRule="exact"/>'
        '<w:rPr><w:sz w:val="2"/></w:rPr></w:pPr></w:p>'
    )


def _borders(*sides: str, size: int = 4, color: str = "333333") -> str:
    return "".join(
        f'<w:{side} w:val="single" w:sz="{size}" w:space="0" w:color="{color}"/>' for side in sides
    )


# ---------------------------------------------------------------------------------------------------
# One letter: pictures, frames and WordprocessingML


class Shared(Protocol):
    """What a letter takes from the DocxWriter writing it: run properties and images, kept across letters."""

    images: Images

    def rpr(self, ink: Ink, lang: str) -> str: ...


class Letter:
    """What one letter's stories share: language, page, picture numbers, run properties."""

    def __init__(self, writer: Shared, lang_code: str, page: Page) -> None:
        self.writer = writer
        self.lang_code = lang_code
        self.lang = LANGS[lang_code]
        self.page = page
        self.next_id = 1
        self.base_ink = Ink(size=self.lang.size)

    def rpr(self, ink: Ink) -> str:
        return self.writer.rpr(ink, self.lang_code)

    def picture(self, node: Node, within: frozenset[str], part: Any) -> tuple[str, Picture]:
        """An <img> as a run with a drawing (anchored behind the text for a seal), and its spec."""
        spec = None
        for name in node.classes:
            spec = PICTURES.get(name, spec)
        for (outer, name), nested in NESTED_PICTURES.items():
            if outer in within and (name in node.classes or name == node.tag):
                spec = nested
        if spec is None:
            spec = Picture(px(node.attrs.get("width"), 40.0), px(node.attrs.get("height"), 40.0), "inline")
        src = node.attrs.get("src", "")
        blob = self.writer.images.load(src, spec.width, spec.height)
        try:
            rid, _ = part.get_or_add_image(io.BytesIO(blob))
        except UnrecognizedImageError:
            name = f"{src[:40]}…" if src.startswith("data:") else src
            raise RenderError(f"image {name!r} is not a PNG, JPEG or GIF image") from None
        number, self.next_id = self.next_id, self.next_id + 1
        cx, cy = emu(spec.width), emu(spec.height)
        graphic = (
            '<a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture">'
            f'<pic:pic><pic:nvPicPr><pic:cNvPr id="{number}" name="Picture {number}"/><pic:cNvPicPr/>'
            f'</pic:nvPicPr><pic:blipFill><a:blip r:embed="{rid}"/><a:stretch><a:fillRect/></a:stretch>'
            f'</pic:blipFill><pic:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="{cx}" cy="{cy}"/></a:xfrm>'
            '<a:prstGeom prst="rect"><a:avLst/></a:prstGeom></pic:spPr></pic:pic></a:graphicData></a:graphic>'
        )
        names = f'<wp:docPr id="{number}" name="Picture {number}"/><wp:cNvGraphicFramePr/>'
        extent = f'<wp:extent cx="{cx}" cy="{cy}"/><wp:effectExtent l="0" t="0" r="0" b="0"/>'
        if spec.place == "seal":  # over the signature, behind its text, as a stamp is
            x, y = emu(self.page.column - spec.right - spec.width), emu(spec.top)
            drawing = (
                '<wp:anchor distT="0" distB="0" distL="0" distR="0" simplePos="0" '
                f'relativeHeight="{251658240 + number}" behindDoc="1" locked="0" layoutInCell="1" '
                'allowOverlap="1"><wp:simplePos x="0" y="0"/>'
                f'<wp:positionH relativeFrom="margin"><wp:posOffset>{x}</wp:posOffset></wp:positionH>'
                f'<wp:positionV relativeFrom="paragraph"><wp:posOffset>{y}</wp:posOffset></wp:positionV>'
                f"{extent}<wp:wrapNone/>{names}{graphic}</wp:anchor>"
            )
        else:
            drawing = (
                f'<wp:inline distT="0" distB="0" distL="0" distR="0">{extent}{names}{graphic}</wp:inline>'
            )
        return f"<w:r>{self.rpr(self.base_ink)}<w:drawing>{drawing}</w:drawing></w:r>", spec

    def window(self, items: list[Item]) -> None:
        """The address in the envelope window: a frame at the address block's place on page 1, reaching down
        to where page 1's text starts, so the letter below it starts where the PDF's does."""
        page = self.page
        top = min(page.window_y, page.top)  # from the top of the text area, so no text fits above it
        frame = (
            f'<w:framePr w:w="{tw(page.window_width)}" w:h="{tw(page.first_top - top)}" w:hRule="atLeast" '
            'w:wrap="notBeside" w:hAnchor="page" w:vAnchor="page" '
            f'w:x="{tw(page.window_x)}" w:y="{tw(top)}"/>'
        )
        paras = [item for item in items if isinstance(item, Para)]
        for para in paras:
            para.frame = frame
        if paras:
            paras[0].before += page.window_y - top

    def beside_window(self, paras: list[Para], lift: float) -> None:
        """A block pulled up beside the window (en-meta: date and reference): a frame to its right."""
        page = self.page
        width = page.column - (page.window_x - page.left) - page.window_width - 5
        frame = (
            f'<w:framePr w:w="{tw(width)}" w:wrap="around" w:hAnchor="margin" w:xAlign="right" '
            f'w:vAnchor="page" w:y="{tw(page.first_top - lift)}"/>'
        )
        for para in paras:
            para.frame = frame

    def story_xml(self, items: list[Item]) -> str:
        """Paragraphs and tables as WordprocessingML; a story and a cell end with a paragraph."""
        out: list[str] = []
        carry = 0.0  # a table's bottom margin, given to the paragraph after it
        for index, item in enumerate(items):
            if isinstance(item, Para):
                item.before += carry
                carry = 0.0
                runs = _below_spacing("".join(item.runs), item.before)
                out.append(f"<w:p>{_ppr(item, self.rpr(item.ink))}{runs}</w:p>")
                continue
            if index and isinstance(items[index - 1], Table):
                out.append(spacer(max(carry, item.before)))
            out.append(self.table_xml(item))
            carry = item.after
        if items and isinstance(items[-1], Table):
            out.append(spacer(0))
        return "".join(out)

    def table_xml(self, table: Table) -> str:
        width = tw(table.width)
        columns = max((len(row) for row in table.rows), default=1)
        grid = [tw(w) for w in table.grid] or [width // columns] * columns
        borders, margins, justify = "", (0, 0), "left"
        if table.kind == "items":
            borders, margins, justify = (
                _borders("top", "left", "bottom", "right", "insideH", "insideV"),
                (34, 170),
                "center",
            )
        elif table.kind == "across":
            borders, margins = _borders("top", "left", "bottom", "right", "insideV"), (23, 142)
        elif table.kind == "box":
            borders, margins = _borders("top", "left", "bottom", "right", size=5), (tw(2), tw(4))
        elif table.kind == "plain":
            margins = (17, 0)
        elif table.look is not None:
            borders = (
                _borders(*_SIDES, "insideH", "insideV", size=table.look.lines) if table.look.lines else ""
            )
            margins, justify = (0, 0), table.look.align
        elif table.aside is not None:
            picture = tw(table.aside.width + table.aside.gap)
            grid = [picture, width - picture] if table.aside.place == "left" else [width - picture, picture]
        cell_margins = "".join(
            f'<w:{side} w:w="{margins[i % 2]}" w:type="dxa"/>'
            for i, side in enumerate(("top", "left", "bottom", "right"))
        )
        out = [
            f'<w:tbl><w:tblPr><w:tblW w:w="{width}" w:type="dxa"/><w:jc w:val="{justify}"/>'
            f'<w:tblInd w:w="{tw(table.indent)}" w:type="dxa"/>'
            f'<w:tblBorders>{borders}</w:tblBorders><w:tblLayout w:type="fixed"/>'
            f'<w:tblCellMar>{cell_margins}</w:tblCellMar><w:tblLook w:val="0000"/></w:tblPr>'
            "<w:tblGrid>" + "".join(f'<w:gridCol w:w="{w}"/>' for w in grid) + "</w:tblGrid>"
        ]
        for number, row in enumerate(table.rows):
            row_props = "<w:cantSplit/>" if table.keep else ""
            if table.kind == "footer":
                height = tw(self.page.bottom - FOOTER_FROM_BOTTOM) - 20  # the spacer below: 1 pt
                row_props += f'<w:trHeight w:val="{height}" w:hRule="exact"/>'
            out.append(f"<w:tr><w:trPr>{row_props}</w:trPr>")
            for col, cell in enumerate(row):
                out.append(self.cell_xml(table, number, col, cell, grid[min(col, len(grid) - 1)]))
            out.append("</w:tr>")
        out.append("</w:tbl>")
        return "".join(out)

    def cell_xml(self, table: Table, number: int, col: int, cell: Cell, width: int) -> str:
        if table.look is not None:
            return self.styled_cell_xml(table, table.look, number, col, cell)
        props = [f'<w:tcW w:w="{width}" w:type="dxa"/>']
        if table.kind == "items" and "total" in cell.classes:
            props.append(f"<w:tcBorders>{_borders('top', size=10, color='111111')}</w:tcBorders>")
        elif table.kind == "across":
            sides = _borders("bottom") if number == 0 else ""
            if "total" in cell.classes:
                sides = _borders("left", size=10, color="111111") + sides
            props.append(f"<w:tcBorders>{sides}</w:tcBorders>")
        if table.kind in ("items", "across") and cell.node.tag == "th":
            props.append('<w:shd w:val="clear" w:color="auto" w:fill="F1F1F1"/>')
        if table.aside is not None and (col == 0) == (table.aside.place == "left"):
            side = "right" if table.aside.place == "left" else "left"
            props.append(f'<w:tcMar><w:{side} w:w="{tw(table.aside.gap)}" w:type="dxa"/></w:tcMar>')
        props.append('<w:vAlign w:val="top"/>')
        if table.keep and number < len(table.rows) - 1:
            for item in cell.items:
                if isinstance(item, Para):
                    item.keep_next = True
        return f"<w:tc><w:tcPr>{''.join(props)}</w:tcPr>{self.story_xml(cell.items) or spacer(0)}</w:tc>"

    def styled_cell_xml(self, table: Table, look: TableLook, number: int, col: int, cell: Cell) -> str:
        """A cell of a styled table: its span of the grid, rules, shading and padding from its look."""
        row = table.rows[number]
        at = sum(_span(c) for c in row[:col])
        span = _span(cell)
        width = sum(tw(w) for w in table.grid[at : at + span])
        own = look.cell(cell.node.tag, cell.classes)
        props = [f'<w:tcW w:w="{width}" w:type="dxa"/>']
        if span > 1:
            props.append(f'<w:gridSpan w:val="{span}"/>')
        sides = _cell_borders(look, own, cell)
        if sides:
            props.append(f"<w:tcBorders>{sides}</w:tcBorders>")
        if look.head_fill and cell.node.tag == "th":
            props.append(f'<w:shd w:val="clear" w:color="auto" w:fill="{look.head_fill}"/>')
        props.append(f"<w:tcMar>{_margins(own.padding or look.padding)}</w:tcMar>")
        props.append(f'<w:vAlign w:val="{own.valign}"/>')
        if table.keep and number < len(table.rows) - 1:
            for item in cell.items:
                if isinstance(item, Para):
                    item.keep_next = True
        return f"<w:tc><w:tcPr>{''.join(props)}</w:tcPr>{self.story_xml(cell.items) or spacer(0)}</w:tc>"


_SIDES = ("top", "left", "bottom", "right")
_SEAL_TOP = re.compile(r'(<wp:positionV relativeFrom="paragraph"><wp:posOffset>)(-?\d+)(?=</wp:posOffset>)')


def _below_spacing(runs: str, before: float) -> str:
    """A seal's offset from its paragraph counts from below the paragraph's space before, as the
    CSS offset counts from the signature's border box: LibreOffice measures from above that space."""
    if not before:
        return runs
    return _SEAL_TOP.sub(lambda m: f"{m.group(1)}{int(m.group(2)) + emu(before)}", runs)


def _span(cell: Cell) -> int:
    span = cell.node.attrs.get("colspan", "1")
    return int(span) if span.isdigit() and int(span) > 0 else 1


def _margins(padding: Padding) -> str:
    top, right, bottom, left = (tw(mm) for mm in padding)
    return (
        f'<w:top w:w="{top}" w:type="dxa"/><w:left w:w="{left}" w:type="dxa"/>'
        f'<w:bottom w:w="{bottom}" w:type="dxa"/><w:right w:w="{right}" w:type="dxa"/>'
    )


def _cell_borders(look: TableLook, own: CellLook, cell: Cell) -> str:
    """A boxed cell's four rules, a signature line's rule below, a total row's rule above."""
    if own.border:
        return _borders(*_SIDES, size=own.border, color="111111")
    sides = ""
    if look.total_rule and look.total_rows & cell.classes:
        sides += _borders("top", size=look.total_rule, color="111111")
    if own.bottom:
        sides += _borders("bottom", size=own.bottom, color="111111")
    return sides
