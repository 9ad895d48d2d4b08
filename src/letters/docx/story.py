"""A letter's HTML tree → paragraphs and tables per story: blocks → paragraphs and tables, inline → runs."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import cache
from typing import Any

from letters.docx.styles import Picture, Rule, rule_for
from letters.docx.tables import TableLook, cell_align, table_look, text_width
from letters.docx.tokens import text_xml
from letters.docx.tree import BLOCK, SKIP, Node, table_rows
from letters.docx.wordml import Cell, Ink, Item, Letter, Para, Table

_SPACES = re.compile(r"[ \t\n\r\f]+")  # HTML white space; U+3000 (ideographic space) is text

_Piece = tuple[str, Any, Ink]  # (text / br / tab / img, value, formatting)


@dataclass(frozen=True)
class Ctx:
    rule: Rule  # what enclosing blocks pass down: alignment, indents, line height
    ink: Ink
    within: frozenset[str]  # classes and tags of the enclosing elements (descendant selectors)
    width: float  # of the enclosing box (text column, table cell), mm


@cache
def _enter(ctx: Ctx, rule: Rule, tag: str, classes: tuple[str, ...]) -> Ctx:
    """The context inside an element: its rule applied to what the enclosing blocks pass down."""
    ink = ctx.ink
    ink = replace(
        ink,
        size=rule.size if rule.size is not None else ink.size * (rule.scale or 1),
        bold=ink.bold if rule.bold is None else rule.bold,
        italic=ink.italic if rule.italic is None else rule.italic,
        color=rule.color or ink.color,
        spacing=ink.spacing if rule.spacing is None else rule.spacing,
        upper=ink.upper or bool(rule.upper),
        boxed=ink.boxed or bool(rule.boxed),
        nowrap=ink.nowrap or bool(rule.nowrap),
    )
    look = replace(
        ctx.rule,
        align=rule.align or ctx.rule.align,
        line=rule.line or ctx.rule.line,
        left=(ctx.rule.left or 0) + (rule.left or 0),
        right=ctx.rule.right if rule.right is None else rule.right,
        first=ctx.rule.first if rule.first is None else rule.first,
    )
    return Ctx(look, ink, ctx.within | set(classes) | {tag}, ctx.width)


class Story:
    """Builds one story (body, header or footer) of one letter."""

    def __init__(self, letter: Letter, part: Any) -> None:
        self.letter = letter
        self.part = part
        self.floats: list[list[str]] = [[]]  # per open block: seals waiting for its first paragraph
        self.asides: list[list[tuple[str, Picture]]] = [[]]  # per open block: pictures beside its text
        self.right: list[str] = []  # runs of a block floated right, for the next paragraph's line

    def rule_for(self, node: Node, within: frozenset[str]) -> Rule:
        return rule_for(self.letter.lang_code, node.tag, node.classes, within)

    def enter(self, ctx: Ctx, rule: Rule, node: Node) -> Ctx:
        return _enter(ctx, rule, node.tag, node.classes)

    def blocks(self, node: Node, ctx: Ctx, out: list[Item]) -> None:
        """A block's children: runs of inline content become paragraphs, block children recurse."""
        pending: list[Node | str] = []
        for child in node.children:
            if isinstance(child, Node) and child.tag in SKIP:
                continue
            if isinstance(child, Node) and child.tag in BLOCK:
                self.paragraph(pending, ctx, out)
                pending = []
                self.block(child, ctx, out)
            else:
                pending.append(child)
        self.paragraph(pending, ctx, out)

    def block(self, node: Node, ctx: Ctx, out: list[Item]) -> None:
        rule = self.rule_for(node, ctx.within)
        inner = self.enter(ctx, rule, node)
        start = len(out)
        self.floats.append([])
        self.asides.append([])
        width = inner.width - (inner.rule.left or 0)
        if rule.float_right:
            held: list[Item] = []
            self.blocks(node, inner, held)
            self.right = [run for para in held if isinstance(para, Para) for run in para.runs]
        elif rule.box:
            cell: list[Item] = []
            padded = replace(inner, rule=replace(inner.rule, left=0, right=0), width=width - 8.5)  # 2 × 4mm
            self.blocks(node, padded, cell)
            out.append(Table("box", [[Cell(node, cell)]], width))
        elif node.tag == "table":
            self.table(node, inner, out)
        elif node.tag == "dl":
            self.definitions(node, inner, out)
        elif node.tag in ("ul", "ol"):
            self.list_items(node, inner, out)
        elif node.tag == "hr":
            out.append(Para(replace(inner.rule, rule_below=True), inner.ink, []))
        else:
            self.blocks(node, inner, out)
        floats, asides = self.floats.pop(), self.asides.pop()
        if asides:
            # Text beside a floated picture: a borderless two-cell table, which Word and LibreOffice
            # lay out alike (LibreOffice ignores text wrap around a picture in a header).
            text, out[start:] = out[start:], []
            indent = inner.rule.left or 0  # now the table's, not each paragraph's
            for para in text:
                if isinstance(para, Para):
                    para.rule = replace(para.rule, left=(para.rule.left or 0) - indent)
            look = replace(inner.rule, align="left", left=0, right=0, first=0)
            spec = asides[0][1]
            cells = [Cell(node, [Para(look, inner.ink, [run for run, _ in asides])]), Cell(node, text)]
            if spec.place == "right":
                cells.reverse()
            out.append(Table("aside", [cells], width, aside=spec, indent=indent))
        self.settle(out[start:], rule)
        before = out[start - 1] if rule.keep_prev and start > 0 else None
        if isinstance(before, Para):
            before.keep_next = True  # as letter.css .pay-box { break-before: avoid }
        if rule.min_height:
            self.fill_to(out, start, rule.min_height)
        if floats:
            paras = [item for item in out[start:] if isinstance(item, Para)]
            if not paras:
                paras = [Para(inner.rule, inner.ink, [])]
                out.append(paras[0])
            paras[0].runs[:0] = floats

    def fit(self, node: Node, look: TableLook, ctx: Ctx) -> dict[int, float]:
        """The width the look's fitted columns need for their longest cell text on one line."""
        least: dict[int, float] = {}
        for row in table_rows(node):
            cells = [c for c in row.children if isinstance(c, Node) and _is_cell(c)]
            for index in look.fit:
                if index < len(cells):
                    cell = cells[index]
                    inner = self.enter(ctx, self.rule_for(cell, ctx.within), cell)
                    padding = look.cell(cell.tag, frozenset(cell.classes)).padding or look.padding
                    need = text_width(_text(cell), inner.ink.size) + padding[1] + padding[3] + 1
                    least[index] = max(least.get(index, 0.0), need)
        return least

    def settle(self, emitted: list[Item], rule: Rule) -> None:
        """Apply a block's margins, page-break and keep rules to what it produced."""
        if not emitted:
            return
        paras = [item for item in emitted if isinstance(item, Para)]
        emitted[0].before += rule.before or 0
        emitted[-1].after += rule.after or 0
        if rule.page_break and isinstance(emitted[0], Para):
            emitted[0].page_break = True
        if rule.keep:
            _keep(emitted)
            for para in paras:  # each with what follows it in the block (a table too: vn-cut)
                para.keep_lines = True
                para.keep_next = para.keep_next or para is not emitted[-1]
        if rule.keep_next and isinstance(emitted[-1], Para):
            emitted[-1].keep_next = True
        if rule.rule_below and isinstance(emitted[-1], Para):
            emitted[-1].rule = replace(emitted[-1].rule, rule_below=True)
        if rule.dashed_above and isinstance(emitted[0], Para):
            emitted[0].rule = replace(emitted[0].rule, dashed_above=True)
        if rule.beside_window:
            self.letter.beside_window(paras, rule.beside_window)

    def fill_to(self, out: list[Item], start: int, height: float) -> None:
        """min-height: an empty paragraph of exactly the missing height after the block's content,
        kept with it.  (Not space after its last paragraph: Word adds that to the next paragraph's
        space before, LibreOffice takes the larger of the two.)"""
        paras = [item for item in out[start:] if isinstance(item, Para)]
        if not paras:
            return
        content = sum(p.height(self.letter.lang) for p in paras) - paras[0].before  # not the margin
        if height - content > 0.1:
            paras[-1].keep_next = True
            out.append(
                Para(replace(paras[-1].rule, rule_below=False), paras[-1].ink, [], exact=height - content)
            )

    def paragraph(self, pending: list[Node | str], ctx: Ctx, out: list[Item]) -> None:
        pieces: list[_Piece] = []
        self.inline(pending, ctx, pieces)
        runs = self.runs(pieces)
        if runs and self.right:  # on this line, after a tab to the right edge
            tab = f"<w:r>{self.letter.rpr(ctx.ink)}<w:tab/></w:r>"
            runs, self.right = [*runs, tab, *self.right], []
            out.append(Para(ctx.rule, ctx.ink, runs, tabs=(("right", ctx.width - (ctx.rule.right or 0)),)))
        elif runs:
            out.append(Para(ctx.rule, ctx.ink, runs))

    def inline(self, nodes: list[Node | str], ctx: Ctx, pieces: list[_Piece]) -> None:
        for node in nodes:
            if isinstance(node, str):
                pieces.append(("text", node.upper() if ctx.ink.upper else node, ctx.ink))
            elif node.tag in SKIP:
                continue
            elif node.tag == "br":
                pieces.append(("br", None, ctx.ink))
            elif node.tag == "img":
                pieces.append(("img", (node, ctx.within), ctx.ink))
            elif "vn-box" in node.classes:  # en.css draws an empty bordered box: the ballot box sign
                # 3 mm, as the CSS box: DejaVu's ☐ is drawn smaller than the em, hence 1.3 × the text size
                box = replace(ctx.ink, symbol=True, bold=False, size=round(ctx.ink.size * 1.3 * 2) / 2)
                pieces.append(("text", "☐", box))
                pieces.append(("text", "\u00a0", ctx.ink))
            elif "vn-blank" in node.classes:  # a 30 mm line to write the amount on
                pieces.append(("text", "\u00a0" * 16, replace(ctx.ink, underline=True)))
            else:
                self.inline(node.children, self.enter(ctx, self.rule_for(node, ctx.within), node), pieces)

    def runs(self, pieces: list[_Piece]) -> list[str]:
        """Collapse white space as CSS does and turn pieces into runs; floated pictures go to the
        enclosing block (seals to its first paragraph, others beside its text)."""
        texts: list[tuple[str, Ink]] = []  # "\n" line break, "\t" tab, "\0" + xml a picture
        space_before = True  # at the start of a line, spaces vanish
        for kind, value, ink in pieces:
            if kind == "text":
                text = _SPACES.sub(" ", value)
                text = text.lstrip(" ") if space_before else text
                if text:
                    texts.append((text, ink))
                    space_before = text.endswith(" ")
            elif kind in ("br", "tab"):
                _strip_trailing_space(texts)
                texts.append(("\n" if kind == "br" else "\t", ink))
                space_before = True
            else:
                xml, spec = self.letter.picture(value[0], value[1], self.part)
                if spec.place in ("left", "right"):
                    self.asides[-1].append((xml, spec))
                elif spec.place == "seal":
                    self.floats[-1].append(xml)
                else:
                    texts.append(("\0" + xml, ink))
                    space_before = False
        _strip_trailing_space(texts)
        runs: list[str] = []
        for text, ink in texts:
            rpr = self.letter.rpr(ink)
            if text.startswith("\0"):
                runs.append(text[1:])
            elif text in ("\n", "\t"):
                runs.append(f"<w:r>{rpr}{'<w:br/>' if text == chr(10) else '<w:tab/>'}</w:r>")
            elif text:
                runs.append(f"<w:r>{rpr}{text_xml(text, ink.nowrap)}</w:r>")
        return runs

    def definitions(self, node: Node, ctx: Ctx, out: list[Item]) -> None:
        """dt floats left and dd is indented past it: one paragraph per term, a tab between them."""
        indent = 32.0  # .particulars dd { margin-left: 32mm }
        look = replace(ctx.rule, left=(ctx.rule.left or 0) + indent, first=0)
        term: list[_Piece] = []
        for child in node.children:
            if not isinstance(child, Node) or child.tag not in ("dt", "dd"):
                continue
            inner = self.enter(replace(ctx, rule=look), self.rule_for(child, ctx.within), child)
            if child.tag == "dt":
                self.hanging(term, look, ctx.ink, indent, out)
                term = []
            else:
                term.append(("tab", None, inner.ink))
            self.inline(child.children, inner, term)
            if child.tag == "dd":
                self.hanging(term, look, ctx.ink, indent, out)
                term = []
        self.hanging(term, look, ctx.ink, indent, out)

    def list_items(self, node: Node, ctx: Ctx, out: list[Item]) -> None:
        """List markers are written as text (• / 1.): the PDF prints them, so the DOCX says them too."""
        indent = 5.0 if "vn-list" in node.classes else 10.6  # en.css: 5 mm; else padding-left: 40px
        look = replace(ctx.rule, left=(ctx.rule.left or 0) + indent, first=0)
        number = int(node.attrs.get("start", "1") or "1")
        for child in node.children:
            if not isinstance(child, Node) or child.tag != "li":
                continue
            inner = self.enter(replace(ctx, rule=look), self.rule_for(child, ctx.within), child)
            marker = "•" if node.tag == "ul" else f"{number}."
            number += 1
            pieces: list[_Piece] = [("text", marker, inner.ink), ("tab", None, inner.ink)]
            self.inline(child.children, inner, pieces)
            self.hanging(pieces, look, inner.ink, indent, out, after=0.5)

    def hanging(
        self, pieces: list[_Piece], look: Rule, ink: Ink, indent: float, out: list[Item], after: float = 0
    ) -> None:
        runs = self.runs(pieces)
        if runs:
            tab = (("left", look.left or 0),)
            out.append(Para(look, ink, runs, tabs=tab, hanging=indent, after=after))

    def table(self, node: Node, ctx: Ctx, out: list[Item]) -> None:
        kind = "items" if "items" in node.classes else "plain"
        look = table_look(node.classes)
        width = ctx.width - (ctx.rule.left or 0)
        table_width = width * look.width if look else width
        spans = [[_span(c) for c in r.children if _is_cell(c)] for r in table_rows(node)]
        columns = max((sum(r) for r in spans), default=1)
        grid = look.grid(table_width, columns, self.fit(node, look, ctx)) if look else ()
        rows: list[list[Cell]] = []
        for row in table_rows(node):
            cells: list[Cell] = []
            at = 0  # grid column of the next cell
            for cell in row.children:
                if not isinstance(cell, Node) or not _is_cell(cell):
                    continue
                classes = frozenset(row.classes + cell.classes)
                rule = self.rule_for(cell, ctx.within | classes)
                across = kind == "items" and "lang-en" in ctx.within  # en.css: every cell flush right
                align = cell_align(look, cell.tag, classes, "right" if across else "left")
                base = replace(ctx, rule=replace(ctx.rule, left=0, right=0, first=0, align=align))
                if look is not None:  # what a cell holds fits its cell (pp-sign in the pp-confirm box)
                    padding = look.cell(cell.tag, classes).padding or look.padding
                    column = sum(grid[at : at + _span(cell)])
                    base = replace(base, width=column - padding[1] - padding[3])
                at += _span(cell)
                inner = self.enter(base, rule, cell)
                bold = "total" in classes or bool(look and look.total_rows & classes)
                inner = replace(inner, ink=replace(inner.ink, bold=inner.ink.bold or bold))
                items: list[Item] = []
                self.blocks(cell, inner, items)
                cells.append(Cell(cell, items, classes))
            rows.append(cells)
        if look is not None:
            out.append(Table("styled", rows, table_width, grid=grid, indent=look.indent, look=look))
        elif kind == "items" and "lang-en" in ctx.within:
            # en.css sets the statement across the page: labels in one row, amounts below them.
            rows = [[row[i] for row in rows if len(row) > i] for i in range(2)]
            out.append(Table("across", rows, width))
        elif kind == "items":
            out.append(Table("items", rows, width * 0.78, grid=(width * 0.78 * 0.55, width * 0.78 * 0.45)))
        else:
            columns = max((len(r) for r in rows), default=1)
            grid = (24.0, *((width - 24) / (columns - 1),) * (columns - 1)) if columns > 1 else (width,)
            out.append(Table("plain", rows, width, grid=grid))


def _keep(items: list[Item]) -> None:
    """break-inside: avoid for what a block's tables hold: rows that do not split, each paragraph in a
    cell kept with the next, down to the tables in the cells (pp-sign in the pp-confirm box)."""
    for item in items:
        if isinstance(item, Table):
            item.keep = True
            for row in item.rows:
                for cell in row:
                    _keep(cell.items)
                    for para in cell.items[:-1]:
                        if isinstance(para, Para):
                            para.keep_next = para.keep_lines = True


def _text(node: Node | str) -> str:
    return node if isinstance(node, str) else "".join(_text(child) for child in node.children)


def _is_cell(node: Node | str) -> bool:
    return isinstance(node, Node) and node.tag in ("th", "td")


def _span(node: Node | str) -> int:
    """A cell's colspan (1 for anything else)."""
    if not isinstance(node, Node):
        return 1
    span = node.attrs.get("colspan", "1")
    return int(span) if span.isdigit() and int(span) > 0 else 1


def _strip_trailing_space(texts: list[tuple[str, Ink]]) -> None:
    if texts and not texts[-1][0].startswith("\0"):
        texts[-1] = (texts[-1][0].rstrip(" "), texts[-1][1])


def spread_table_margins(items: list[Item]) -> None:
    """Word tables have no margins: a table's top margin becomes the previous paragraph's space after."""
    for index, item in enumerate(items):
        if isinstance(item, Table):
            previous = items[index - 1] if index else None
            if isinstance(previous, Para):
                previous.after = max(previous.after, item.before)
            for row in item.rows:
                for cell in row:
                    spread_table_margins(cell.items)
