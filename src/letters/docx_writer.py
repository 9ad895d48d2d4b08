"""Turn a letter's rendered HTML (the same render the PDF comes from) into DOCX bytes with python-docx."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import io
import re
import subprocess
import tempfile
from dataclasses import dataclass, field, fields, replace
from html import escape
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urljoin, urlparse

import docx
from docx.image.exceptions import UnrecognizedImageError
from docx.oxml import parse_xml
from docx.shared import Mm

from letters.errors import RenderError, SetupError
from letters.fonts import FONT_STACKS

# ---------------------------------------------------------------------------------------------------
# HTML → a small element tree (the templates use a small, well-formed element set)

_VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}
)
_SKIP = frozenset({"head", "title", "meta", "link", "style", "script", "template"})
_BLOCK = frozenset(
    {"html", "body", "main", "header", "footer", "section", "article", "aside", "nav", "div", "p"}
    | {"h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "dl", "dt", "dd", "table", "blockquote"}
    | {"address", "figure", "hr", "pre"}
)


@dataclass
class _Node:
    tag: str
    attrs: dict[str, str]
    children: list[_Node | str] = field(default_factory=list)

    @property
    def classes(self) -> tuple[str, ...]:
        return tuple(self.attrs.get("class", "").split())


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = _Node("#root", {})
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = _Node(tag, {name: value or "" for name, value in attrs})
        self.stack[-1].children.append(node)
        if tag not in _VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.stack[-1].children.append(_Node(tag, {name: value or "" for name, value in attrs}))

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


def _parse_html(html: str) -> _Node:
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    return builder.root


def _find(node: _Node, tag: str) -> _Node | None:
    for child in node.children:
        if isinstance(child, _Node):
            if child.tag == tag:
                return child
            found = _find(child, tag)
            if found is not None:
                return found
    return None


# ---------------------------------------------------------------------------------------------------
# What the stylesheets say, in Word's terms.  These mirror templates/letter.css, <lang>/<lang>.css and
# envelopes/*.css for the classes the templates use (docs/templates.md); lengths in mm, sizes in pt.


@dataclass(frozen=True)
class _Rule:
    align: str | None = None  # left / right / center / both
    size: float | None = None
    scale: float | None = None  # font size relative to the parent's (em)
    bold: bool | None = None
    italic: bool | None = None
    color: str | None = None
    spacing: float | None = None  # letter-spacing, em
    upper: bool | None = None  # text-transform: uppercase (the PDF shows capitals, so must the DOCX)
    boxed: bool | None = None  # a border around the run (inline-block box)
    line: float | None = None  # line-height, times the font size
    before: float | None = None
    after: float | None = None
    left: float | None = None  # added to the inherited left indent
    right: float | None = None  # right indent (padding-right of a right-aligned block)
    first: float | None = None  # first-line indent, em
    keep: bool | None = None  # break-inside: avoid
    keep_next: bool | None = None
    page_break: bool | None = None
    box: bool | None = None  # bordered box (pay-box): a one-cell table
    rule_below: bool | None = None  # thin line under the block (letterhead-short)
    min_height: float | None = None
    lift: float | None = None  # negative margin-top: the block moves up beside what precedes it
    width: float | None = None  # of a lifted block

    def then(self, other: _Rule) -> _Rule:
        changes = {
            f.name: getattr(other, f.name) for f in fields(other) if getattr(other, f.name) is not None
        }
        return replace(self, **changes)


_TAG_RULES: dict[str, _Rule] = {
    "p": _Rule(after=1.5, align="both"),
    "strong": _Rule(bold=True),
    "b": _Rule(bold=True),
    "em": _Rule(italic=True),
    "i": _Rule(italic=True),
    "small": _Rule(scale=0.83),
    "h1": _Rule(scale=2.0, bold=True, before=4, after=4, keep_next=True),
    "h2": _Rule(scale=1.5, bold=True, before=3.5, after=3.5, keep_next=True),
    "h3": _Rule(scale=1.17, bold=True, before=3, after=3, keep_next=True),
    "h4": _Rule(bold=True, before=2.5, after=2.5, keep_next=True),
    "h5": _Rule(scale=0.83, bold=True, before=2.5, after=2.5, keep_next=True),
    "h6": _Rule(scale=0.67, bold=True, before=2.5, after=2.5, keep_next=True),
}
_LANG_TAG_RULES: dict[tuple[str, str], _Rule] = {
    ("ja", "p"): _Rule(first=1),
    ("zh", "p"): _Rule(first=2, align="left"),
    ("en", "p"): _Rule(align="left"),
}
_CLASS_RULES: dict[str, _Rule] = {
    "letterhead": _Rule(align="right", size=8, line=1.35, color="333333"),
    "lh-name": _Rule(size=12, bold=True, color="111111", after=1),
    "letterhead-short": _Rule(align="right", size=8, color="333333", rule_below=True),
    "page-footer": _Rule(align="center", size=7.5, color="777777"),
    "window": _Rule(size=10.5, line=1.45),
    "recipient": _Rule(size=12, before=2),
    "mail-mark": _Rule(size=8.5, boxed=True, after=1.5),
    "date-line": _Rule(align="right"),
    "reference": _Rule(align="right"),
    "center": _Rule(align="center"),
    "right": _Rule(align="right"),
    "title": _Rule(align="center", size=15, bold=True, spacing=0.1, before=4, after=4, keep_next=True),
    "strong": _Rule(bold=True),
    "capital": _Rule(bold=True),
    "small": _Rule(size=8.5),
    "no-indent": _Rule(first=0),
    "particulars": _Rule(left=6, before=2, after=3),
    "pay-box": _Rule(box=True, size=9.5, before=3, after=3, keep=True),
    "signature": _Rule(align="right", right=16, before=2, keep=True, min_height=17),
    "sig-name": _Rule(size=11),
    "verify": _Rule(size=7.5, color="444444", before=6, keep=True),
    "page-break": _Rule(page_break=True),
    "disclosure": _Rule(bold=True, before=4),
}
_LANG_CLASS_RULES: dict[tuple[str, str], _Rule] = {
    ("ja", "kigo"): _Rule(align="center", before=2, after=1),
    ("ja", "ijo"): _Rule(align="right", before=1),
    ("ja", "keigu"): _Rule(align="right"),
    ("ja", "particulars"): _Rule(before=1, after=2),
    ("zh", "salutation"): _Rule(before=1),
    ("zh", "section-head"): _Rule(bold=True, before=1.5, keep_next=True),
    ("zh", "zh-keep"): _Rule(keep=True),
    ("zh", "zh-end"): _Rule(keep=True),
    ("zh", "zh-sign"): _Rule(before=3.5, keep=True),
    ("zh", "sign-date"): _Rule(align="right", right=10),
    ("zh", "closing-salute"): _Rule(after=0),
    ("zh", "verify"): _Rule(lift=18, width=80),  # .lang-zh .verify: beside the signature
    ("en", "disclosure"): _Rule(before=2.5),
    ("en", "en-subject"): _Rule(bold=True, upper=True, spacing=0.04, before=3, after=2, keep_next=True),
    ("en", "en-re"): _Rule(bold=True, before=3, after=2, keep_next=True),
    ("en", "en-salutation"): _Rule(before=2, after=2),
    ("en", "en-advice"): _Rule(before=2),
    ("en", "en-list"): _Rule(after=1.5),
    ("en", "en-sign"): _Rule(before=3, keep=True),
    ("en", "en-closing"): _Rule(before=0, after=0),
    ("en", "en-address"): _Rule(size=10, line=1.2),
}
# Descendant selectors: (ancestor class, class).
_NESTED_RULES: dict[tuple[str, str], _Rule] = {
    ("zh-sign", "signature"): _Rule(right=10, before=0, min_height=0),
    ("en-sign", "signature"): _Rule(align="left", right=0, before=0, min_height=0),
    ("en-pay", "th"): _Rule(bold=True, align="left"),
}


@dataclass(frozen=True)
class _Picture:
    width: float  # mm
    height: float
    place: str  # inline / right or left (beside the block's text: logo, QR code) / seal (over the name)
    right: float = 0.0  # seal: from the right edge of the text column
    top: float = 0.0  # seal: from the top of the signature block


_PICTURES: dict[str, _Picture] = {
    "logo": _Picture(11, 11, "right"),
    "seal-kakuin": _Picture(21, 21, "seal", right=0, top=-2),
    "seal-gongzhang": _Picture(38, 38, "seal", right=4, top=-8),
    "seal-signature": _Picture(45, 15, "inline"),
}
_NESTED_PICTURES: dict[tuple[str, str], _Picture] = {
    ("zh-sign", "seal-gongzhang"): _Picture(38, 38, "seal", right=12, top=-10),
    ("en-sign", "seal-signature"): _Picture(39, 13, "inline"),
    ("verify", "img"): _Picture(20, 20, "left"),
}


@dataclass(frozen=True)
class _Lang:
    latin: str  # w:ascii / w:hAnsi
    east_asian: str  # w:eastAsia
    tag: str  # w:lang
    size: float
    line: float


_LANGS = {
    "ja": _Lang(FONT_STACKS["ja"][0], FONT_STACKS["ja"][-1], "ja-JP", 10, 1.45),
    "zh": _Lang(FONT_STACKS["zh"][0], FONT_STACKS["zh"][-1], "zh-CN", 10, 1.5),
    "en": _Lang(FONT_STACKS["en"][0], FONT_STACKS["en"][-1], "en-US", 10.5, 1.32),
}


@dataclass(frozen=True)
class _Page:
    """Page size and margins (mm); page 1 starts lower, below the window at window_x/window_y."""

    width: float
    height: float
    top: float
    right: float
    bottom: float
    left: float
    first_top: float
    window_x: float
    window_y: float
    window_width: float

    @property
    def column(self) -> float:
        return self.width - self.left - self.right


_PAPERS = {"A4": (210.0, 297.0), "Letter": (215.9, 279.4)}
_INCH = 25.4
_ENVELOPES = {  # top, right, bottom, left, page-1 top, window x / y / width: envelopes/*.css
    "naga3": (24.0, 20.0, 20.0, 23.0, 57.0, 23.0, 14.0, 88.0),
    "dl": (24.0, 20.0, 20.0, 20.0, 92.0, 20.0, 45.0, 85.0),
    "us10": tuple(v * _INCH for v in (1.2, 0.875, 0.9, 0.875, 3.4, 0.875, 2.0, 4.0)),
}
_HEADER_FROM_TOP = 10.0  # letter.css: the running letterhead sits 10 mm below the page edge
_FOOTER_FROM_BOTTOM = 11.0


def _page(paper: str, envelope: str) -> _Page:
    if paper not in _PAPERS:
        raise RenderError(f"unknown paper {paper!r}; choose from {', '.join(_PAPERS)}")
    if envelope not in _ENVELOPES:
        raise RenderError(f"unknown envelope {envelope!r}; choose from {', '.join(_ENVELOPES)}")
    return _Page(*_PAPERS[paper], *_ENVELOPES[envelope])


def _tw(mm: float) -> int:
    """Millimetres → twentieths of a point."""
    return round(mm * 1440 / _INCH)


def _emu(mm: float) -> int:
    return round(mm * 36000)


# ---------------------------------------------------------------------------------------------------
# WordprocessingML pieces

_NS = (
    'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
    'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
    'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
    'xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture"'
)
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_SPACES = re.compile(r"[ \t\n\r\f]+")  # HTML white space; U+3000 (ideographic space) is text


@dataclass(frozen=True)
class _Ink:
    """Run formatting."""

    size: float
    bold: bool = False
    italic: bool = False
    color: str = ""
    spacing: float = 0.0  # em
    upper: bool = False
    boxed: bool = False


def _rpr(ink: _Ink, lang: _Lang) -> str:
    # Every run names its East Asian face (w:eastAsia): without it Word shows CJK in the theme font.
    out = [
        f'<w:rFonts w:ascii="{lang.latin}" w:hAnsi="{lang.latin}" w:eastAsia="{lang.east_asian}" '
        f'w:cs="{lang.latin}"/>'
    ]
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
    if ink.boxed:
        out.append('<w:bdr w:val="single" w:sz="3" w:space="2" w:color="111111"/>')
    return "<w:rPr>" + "".join(out) + "</w:rPr>"


@dataclass
class _Para:
    """One paragraph being built; spacing is settled once its neighbours are known."""

    rule: _Rule  # align, indents, line height of the block it belongs to
    ink: _Ink
    runs: list[str]
    before: float = 0.0
    after: float = 0.0
    keep_next: bool = False
    keep_lines: bool = False
    page_break: bool = False
    tabs: tuple[tuple[str, float], ...] = ()  # (left / center / right, mm)
    hanging: float = 0.0
    frame: str = ""

    def height(self, lang: _Lang) -> float:
        return self.ink.size * (self.rule.line or lang.line) * _INCH / 72 + self.before + self.after


@dataclass
class _Table:
    kind: str  # items / box / plain
    rows: list[tuple[tuple[str, ...], list[tuple[_Node, list[_Item]]]]]  # (row classes, cells)
    before: float = 0.0
    after: float = 0.0
    keep: bool = False
    width: float = 0.0  # mm
    aside: _Picture | None = None  # a picture beside text: its cell is as wide as the picture
    lift: float = 0.0  # float the table this far up (a negative margin-top in the CSS)


_Item = _Para | _Table


def _ppr(para: _Para, lang: _Lang) -> str:
    rule = para.rule
    out = []
    if para.keep_next:
        out.append("<w:keepNext/>")
    if para.keep_lines:
        out.append("<w:keepLines/>")
    if para.page_break:
        out.append("<w:pageBreakBefore/>")
    out.append(para.frame)
    if rule.rule_below:
        out.append('<w:pBdr><w:bottom w:val="single" w:sz="3" w:space="3" w:color="999999"/></w:pBdr>')
    if para.tabs:
        stops = "".join(f'<w:tab w:val="{kind}" w:pos="{_tw(pos)}"/>' for kind, pos in para.tabs)
        out.append(f"<w:tabs>{stops}</w:tabs>")
    line = round(para.ink.size * (rule.line or lang.line) * 20)
    out.append(
        f'<w:spacing w:before="{_tw(para.before)}" w:after="{_tw(para.after)}" '
        f'w:line="{line}" w:lineRule="atLeast"/>'
    )
    first = (rule.first or 0) * para.ink.size * 20
    indent = f'<w:ind w:left="{_tw(rule.left or 0)}" w:right="{_tw(rule.right or 0)}"'
    if para.hanging:
        indent += f' w:hanging="{_tw(para.hanging)}"'
    elif first:
        indent += f' w:firstLine="{round(first)}"'
    out.append(indent + "/>")
    out.append(f'<w:jc w:val="{rule.align or "left"}"/>')
    out.append(_rpr(para.ink, lang))
    return "<w:pPr>" + "".join(out) + "</w:pPr>"


# ---------------------------------------------------------------------------------------------------
# Images: only our own files and data URLs, like the PDF's URL fetcher

_RASTERS: dict[tuple[str, float, float], bytes] = {}  # SVG → PNG, once per process


def _rasterise_svg(url: str, digest: str, width: float, height: float, roots: tuple[Path, ...]) -> bytes:
    """An SVG drawn at its box size as a 600 dpi PNG: WeasyPrint draws it (as the PDF does), poppler
    rasterises it; Word cannot take the SVG alone."""
    key = (digest, width, height)
    if key in _RASTERS:
        return _RASTERS[key]
    import weasyprint
    from PIL import Image

    from letters.pdf import make_fetcher

    page = (
        f"<style>@page {{ size: {width}mm {height}mm; margin: 0 }} html, body {{ margin: 0 }}"
        f"img {{ display: block; width: {width}mm; height: {height}mm }}</style>"
        f'<img src="{escape(url)}">'
    )
    pdf = weasyprint.HTML(string=page, url_fetcher=make_fetcher(roots)).write_pdf()
    with tempfile.TemporaryDirectory(prefix="letters-svg-") as tmp:
        source = Path(tmp) / "image.pdf"
        source.write_bytes(pdf)
        try:
            subprocess.run(
                [
                    "pdftocairo",
                    "-png",
                    "-transp",
                    "-singlefile",
                    "-r",
                    "600",
                    str(source),
                    str(Path(tmp) / "image"),
                ],
                capture_output=True,
                check=True,
            )
        except FileNotFoundError:
            raise SetupError(
                "pdftocairo is not installed; install it: apt-get install poppler-utils"
            ) from None
        except subprocess.CalledProcessError as exc:
            raise RenderError(f"cannot rasterise {url!r}: {exc.stderr.decode(errors='replace')}") from None
        png = (Path(tmp) / "image.png").read_bytes()
    with Image.open(io.BytesIO(png)) as image:
        if image.getbbox() is None:
            raise RenderError(f"image {url!r} drew nothing (a broken SVG?)")
    _RASTERS[key] = png
    return png


class _Images:
    """Image bytes by URL, loaded once; refuses anything but our folders and data:image/png."""

    def __init__(self, templates_root: Path, roots: tuple[Path, ...]) -> None:
        self.base = templates_root.as_uri() + "/"
        self.roots = roots
        self.files: dict[Path, bytes] = {}

    def load(self, src: str, width: float, height: float) -> bytes:
        url = urljoin(self.base, src.strip())
        if url.startswith("data:"):
            return self._data(url, width, height)
        parsed = urlparse(url)
        if parsed.scheme != "file" or parsed.netloc not in ("", "localhost"):
            raise RenderError(f"refused to fetch {url!r}: only the project's own assets may be loaded")
        path = Path(unquote(parsed.path)).resolve()
        if not any(path.is_relative_to(root) for root in self.roots):
            raise RenderError(f"refused to fetch {url!r}: outside the templates and letterheads folders")
        if path not in self.files:
            if not path.is_file():
                raise RenderError(f"missing asset {path}")
            self.files[path] = path.read_bytes()
        blob = self.files[path]
        if path.suffix.lower() == ".svg":
            digest = hashlib.sha256(blob).hexdigest()
            return _rasterise_svg(path.as_uri(), digest, width, height, self.roots)
        return blob

    def _data(self, url: str, width: float, height: float) -> bytes:
        head, _, payload = url.partition(",")
        if head == "data:image/png;base64":
            try:
                return base64.b64decode(payload, validate=True)
            except binascii.Error:
                raise RenderError(f"bad base64 in image URL {url[:60]!r}…") from None
        if head.startswith("data:image/svg+xml"):
            return _rasterise_svg(url, hashlib.sha256(url.encode()).hexdigest(), width, height, self.roots)
        raise RenderError(f"refused to fetch {url[:60]!r}: only PNG and SVG data URLs are allowed")


# ---------------------------------------------------------------------------------------------------
# The walk: block elements → paragraphs and tables, inline elements → runs


@dataclass(frozen=True)
class _Ctx:
    rule: _Rule  # the paragraph look inherited from enclosing blocks
    ink: _Ink
    within: frozenset[str]  # classes (and tags) of the enclosing elements


class _Story:
    """Builds one story (body, header or footer) of one letter."""

    def __init__(self, letter: _Letter, part: Any) -> None:
        self.letter = letter
        self.lang = letter.lang
        self.part = part
        self.floats: list[list[str]] = [[]]  # per open block: floating pictures waiting for a paragraph
        self.asides: list[list[tuple[str, _Picture]]] = [[]]  # per open block: pictures set beside it

    # -- rules
    def rule_for(self, node: _Node, within: frozenset[str]) -> _Rule:
        lang = self.letter.lang_code
        rule = _Rule().then(_TAG_RULES.get(node.tag, _Rule()))
        rule = rule.then(_LANG_TAG_RULES.get((lang, node.tag), _Rule()))
        for name in node.classes:
            rule = rule.then(_CLASS_RULES.get(name, _Rule())).then(
                _LANG_CLASS_RULES.get((lang, name), _Rule())
            )
        for (outer, name), nested in _NESTED_RULES.items():
            if outer in within and (name in node.classes or name == node.tag):
                rule = rule.then(nested)
        return rule

    def enter(self, ctx: _Ctx, rule: _Rule, node: _Node) -> _Ctx:
        ink = ctx.ink
        size = rule.size if rule.size is not None else ink.size * (rule.scale or 1)
        ink = replace(
            ink,
            size=size,
            bold=ink.bold if rule.bold is None else rule.bold,
            italic=ink.italic if rule.italic is None else rule.italic,
            color=rule.color or ink.color,
            spacing=ink.spacing if rule.spacing is None else rule.spacing,
            upper=ink.upper or bool(rule.upper),
            boxed=ink.boxed or bool(rule.boxed),
        )
        inherited = replace(
            ctx.rule,
            align=rule.align or ctx.rule.align,
            line=rule.line or ctx.rule.line,
            left=(ctx.rule.left or 0) + (rule.left or 0),
            right=ctx.rule.right if rule.right is None else rule.right,
            first=ctx.rule.first if rule.first is None else rule.first,
        )
        return _Ctx(inherited, ink, ctx.within | set(node.classes) | {node.tag})

    # -- blocks
    def blocks(self, node: _Node, ctx: _Ctx, out: list[_Item]) -> None:
        pending: list[_Node | str] = []
        for child in node.children:
            if isinstance(child, _Node) and child.tag in _SKIP:
                continue
            if isinstance(child, _Node) and child.tag in _BLOCK:
                self.paragraph(pending, ctx, out)
                pending = []
                self.block(child, ctx, out)
            else:
                pending.append(child)
        self.paragraph(pending, ctx, out)

    def block(self, node: _Node, ctx: _Ctx, out: list[_Item]) -> None:
        rule = self.rule_for(node, ctx.within)
        inner = self.enter(ctx, rule, node)
        start = len(out)
        self.floats.append([])
        self.asides.append([])
        if rule.box:
            cell: list[_Item] = []
            self.blocks(node, replace(inner, rule=replace(inner.rule, left=0, right=0)), cell)
            out.append(
                _Table("box", [((), [(node, cell)])], width=self.letter.page.column - (inner.rule.left or 0))
            )
        elif node.tag == "table":
            self.table(node, inner, out)
        elif node.tag == "dl":
            self.definitions(node, inner, out)
        elif node.tag in ("ul", "ol"):
            self.list_items(node, inner, out)
        elif node.tag == "hr":
            out.append(_Para(replace(inner.rule, rule_below=True), inner.ink, []))
        else:
            self.blocks(node, inner, out)
        floats = self.floats.pop()
        asides = self.asides.pop()
        if asides:
            # Text beside a floated picture: a borderless two-cell table (Word and LibreOffice both
            # honour it; LibreOffice ignores text wrap around a picture in a header).
            text, out[start:] = out[start:], []
            look = replace(inner.rule, align="left", left=0, right=0, first=0)
            picture = _Para(look, inner.ink, [run for run, _ in asides])
            spec = asides[0][1]
            cells: list[tuple[_Node, list[_Item]]] = [(node, [picture]), (node, text)]
            if spec.place == "right":
                cells.reverse()
            width = rule.width or self.letter.page.column - (inner.rule.left or 0)
            out.append(_Table("aside", [((), cells)], width=width, aside=spec, lift=rule.lift or 0))
        emitted = out[start:]
        paras = [item for item in emitted if isinstance(item, _Para)]
        if floats:
            if not paras:
                paras = [_Para(inner.rule, inner.ink, [])]
                out.append(paras[0])
                emitted = out[start:]
            paras[0].runs[:0] = floats
        if not emitted:
            return
        first, last = emitted[0], emitted[-1]
        first.before += rule.before or 0
        last.after += rule.after or 0
        if rule.page_break and isinstance(first, _Para):
            first.page_break = True
        if rule.keep:
            for item in emitted:
                if isinstance(item, _Table):
                    item.keep = True
            for para in paras[:-1]:
                para.keep_next = para.keep_lines = True
        if rule.keep_next and isinstance(last, _Para):
            last.keep_next = True
        if rule.min_height and paras:
            missing = rule.min_height - sum(p.height(self.letter.lang) for p in paras)
            if missing > 0:
                paras[-1].after += missing

    def paragraph(self, pending: list[_Node | str], ctx: _Ctx, out: list[_Item]) -> None:
        pieces: list[tuple[str, Any, _Ink]] = []
        self.inline(pending, ctx, pieces)
        runs, content, floats = self.runs(pieces, ctx)
        if not content:
            if floats:
                self.floats[-1].extend(floats)
            return
        out.append(_Para(ctx.rule, ctx.ink, floats + runs))

    def inline(self, nodes: list[_Node | str], ctx: _Ctx, pieces: list[tuple[str, Any, _Ink]]) -> None:
        for node in nodes:
            if isinstance(node, str):
                pieces.append(("text", node.upper() if ctx.ink.upper else node, ctx.ink))
            elif node.tag in _SKIP:
                continue
            elif node.tag == "br":
                pieces.append(("br", None, ctx.ink))
            elif node.tag == "img":
                pieces.append(("img", (node, ctx.within), ctx.ink))
            else:
                rule = self.rule_for(node, ctx.within)
                self.inline(node.children, self.enter(ctx, rule, node), pieces)

    def runs(self, pieces: list[tuple[str, Any, _Ink]], ctx: _Ctx) -> tuple[list[str], bool, list[str]]:
        """Collapse white space as CSS does, then turn pieces into runs; floats come back apart."""
        texts: list[tuple[str, _Ink]] = []  # ("\n" = line break, "\t" = tab, "\0" + xml = picture)
        floats: list[str] = []
        space_before = True  # at a line start, leading spaces vanish
        for kind, value, ink in pieces:
            if kind == "text":
                text = _SPACES.sub(" ", value)
                if space_before:
                    text = text.lstrip(" ")
                if text:
                    texts.append((text, ink))
                    space_before = text.endswith(" ")
            elif kind in ("br", "tab"):
                if texts and not texts[-1][0].startswith("\0"):
                    texts[-1] = (texts[-1][0].rstrip(" "), texts[-1][1])
                texts.append(("\n" if kind == "br" else "\t", ink))
                space_before = True
            else:
                xml, spec = self.letter.picture(value[0], value[1], self.part)
                place = spec.place
                if place in ("left", "right"):
                    self.asides[-1].append((f"<w:r>{self.letter.rpr(ink)}{xml}</w:r>", spec))
                elif place != "inline":
                    floats.append(xml)
                else:
                    texts.append(("\0" + xml, ink))
                    space_before = False
        if texts and not texts[-1][0].startswith("\0"):
            texts[-1] = (texts[-1][0].rstrip(" "), texts[-1][1])
        runs: list[str] = []
        content = False
        for text, ink in texts:
            if not text:
                continue
            content = True
            rpr = self.letter.rpr(ink)
            if text.startswith("\0"):
                runs.append(f"<w:r>{rpr}{text[1:]}</w:r>")
            elif text == "\n":
                runs.append(f"<w:r>{rpr}<w:br/></w:r>")
            elif text == "\t":
                runs.append(f"<w:r>{rpr}<w:tab/></w:r>")
            else:
                runs.append(f'<w:r>{rpr}<w:t xml:space="preserve">{_text(text)}</w:t></w:r>')
        return runs, content, floats

    def definitions(self, node: _Node, ctx: _Ctx, out: list[_Item]) -> None:
        """dt floats left, dd is indented past it: one paragraph per term, a tab between."""
        indent = 32.0  # .particulars dd { margin-left: 32mm }
        look = replace(ctx.rule, left=(ctx.rule.left or 0) + indent, first=0)
        term: list[tuple[str, Any, _Ink]] = []
        for child in node.children:
            if not isinstance(child, _Node):
                continue
            inner = self.enter(replace(ctx, rule=look), self.rule_for(child, ctx.within), child)
            if child.tag == "dt":
                self.flush_term(term, look, ctx, out)
                term = []
                self.inline(child.children, inner, term)
            elif child.tag == "dd":
                term.append(("tab", None, inner.ink))
                self.inline(child.children, inner, term)
                self.flush_term(term, look, ctx, out)
                term = []
        self.flush_term(term, look, ctx, out)

    def flush_term(
        self, pieces: list[tuple[str, Any, _Ink]], look: _Rule, ctx: _Ctx, out: list[_Item]
    ) -> None:
        runs, content, floats = self.runs(pieces, ctx)
        if content:
            out.append(_Para(look, ctx.ink, floats + runs, tabs=(("left", look.left or 0),), hanging=32.0))

    def list_items(self, node: _Node, ctx: _Ctx, out: list[_Item]) -> None:
        """List markers are written as text (• / 1.): the PDF prints them, so the DOCX says them too."""
        indent = 10.6 if "en-list" not in node.classes else 6.0  # padding-left: 40px / 6 mm
        look = replace(ctx.rule, left=(ctx.rule.left or 0) + indent, first=0)
        number = int(node.attrs.get("start", "1") or "1")
        for child in node.children:
            if not isinstance(child, _Node) or child.tag != "li":
                continue
            inner = self.enter(replace(ctx, rule=look), self.rule_for(child, ctx.within), child)
            marker = "•" if node.tag == "ul" else f"{number}."
            number += 1
            pieces: list[tuple[str, Any, _Ink]] = [("text", marker, inner.ink), ("tab", None, inner.ink)]
            self.inline(
                [c for c in child.children if not (isinstance(c, _Node) and c.tag in _BLOCK)], inner, pieces
            )
            runs, _, floats = self.runs(pieces, inner)
            para = _Para(
                look, inner.ink, floats + runs, tabs=(("left", look.left or 0),), hanging=indent, after=0.5
            )
            out.append(para)

    def table(self, node: _Node, ctx: _Ctx, out: list[_Item]) -> None:
        kind = "items" if "items" in node.classes else "plain"
        rows: list[tuple[tuple[str, ...], list[tuple[_Node, list[_Item]]]]] = []
        for row in _rows(node):
            cells: list[tuple[_Node, list[_Item]]] = []
            for cell in row.children:
                if not isinstance(cell, _Node) or cell.tag not in ("th", "td"):
                    continue
                rule = self.rule_for(cell, ctx.within | set(row.classes))
                align = "right" if "amount" in cell.classes else "left"
                bold = "total" in row.classes or (cell.tag == "th" and kind == "plain")
                base = replace(ctx.rule, left=0, right=0, first=0, align=align)
                inner = self.enter(replace(ctx, rule=base), rule, cell)
                inner = replace(inner, ink=replace(inner.ink, bold=inner.ink.bold or bold))
                items: list[_Item] = []
                self.blocks(cell, inner, items)
                cells.append((cell, items))
            rows.append((row.classes, cells))
        width = self.letter.page.column * (0.78 if kind == "items" else 1.0) - (ctx.rule.left or 0)
        out.append(
            _Table(
                kind,
                rows,
                before=2 if kind == "items" else 0,
                after=3 if kind == "items" else 0,
                keep=kind == "items",
                width=width,
            )
        )


def _rows(table: _Node) -> list[_Node]:
    rows: list[_Node] = []
    for child in table.children:
        if isinstance(child, _Node):
            if child.tag == "tr":
                rows.append(child)
            elif child.tag in ("thead", "tbody", "tfoot"):
                rows.extend(_rows(child))
    return rows


def _text(text: str) -> str:
    bad = _XML_INVALID.search(text)
    if bad:
        raise RenderError(f"character U+{ord(bad.group()):04X} cannot be written to a DOCX file")
    return escape(text, quote=False)


# ---------------------------------------------------------------------------------------------------
# One letter


class _Letter:
    """What one letter's stories share: language, page, picture numbering, cached run properties."""

    def __init__(self, writer: DocxWriter, lang_code: str, page: _Page) -> None:
        self.writer = writer
        self.lang_code = lang_code
        self.lang = _LANGS[lang_code]
        self.page = page
        self.next_id = 1
        self.base_ink = _Ink(size=self.lang.size)

    def rpr(self, ink: _Ink) -> str:
        return self.writer.rpr(ink, self.lang_code)

    def picture(self, node: _Node, within: frozenset[str], part: Any) -> tuple[str, _Picture]:
        """The drawing XML for an <img>, and its placement (inline, aside, or a floating anchor)."""
        spec = None
        for name in node.classes:
            spec = _PICTURES.get(name, spec)
        for (outer, name), nested in _NESTED_PICTURES.items():
            if outer in within and (name in node.classes or name == node.tag):
                spec = nested
        if spec is None:
            spec = _Picture(_px(node.attrs.get("width"), 40.0), _px(node.attrs.get("height"), 40.0), "inline")
        blob = self.writer.images.load(node.attrs.get("src", ""), spec.width, spec.height)
        try:
            rid, _ = part.get_or_add_image(io.BytesIO(blob))
        except UnrecognizedImageError:
            raise RenderError(
                f"image {node.attrs.get('src', '')[:80]!r} is not a PNG, JPEG or GIF image"
            ) from None
        number, self.next_id = self.next_id, self.next_id + 1
        cx, cy = _emu(spec.width), _emu(spec.height)
        graphic = (
            '<a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture">'
            f'<pic:pic><pic:nvPicPr><pic:cNvPr id="{number}" name="Picture {number}"/>'
            "<pic:cNvPicPr/></pic:nvPicPr>"
            f'<pic:blipFill><a:blip r:embed="{rid}"/><a:stretch><a:fillRect/></a:stretch></pic:blipFill>'
            f'<pic:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="{cx}" cy="{cy}"/></a:xfrm>'
            '<a:prstGeom prst="rect"><a:avLst/></a:prstGeom></pic:spPr></pic:pic></a:graphicData></a:graphic>'
        )
        names = f'<wp:docPr id="{number}" name="Picture {number}"/><wp:cNvGraphicFramePr/>'
        extent = f'<wp:extent cx="{cx}" cy="{cy}"/><wp:effectExtent l="0" t="0" r="0" b="0"/>'
        if spec.place != "seal":
            inline = (
                f'<wp:inline distT="0" distB="0" distL="0" distR="0">{extent}{names}{graphic}</wp:inline>'
            )
            return f"<w:drawing>{inline}</w:drawing>", spec
        # A seal: over the signature, behind its text, as a stamp is.
        x = _emu(self.page.column - spec.right - spec.width)
        where = (
            f'<wp:positionH relativeFrom="margin"><wp:posOffset>{x}</wp:posOffset></wp:positionH>'
            '<wp:positionV relativeFrom="paragraph">'
            f"<wp:posOffset>{_emu(spec.top)}</wp:posOffset></wp:positionV>"
        )
        anchor = (
            '<wp:anchor distT="0" distB="0" distL="0" distR="0" simplePos="0" '
            f'relativeHeight="{251658240 + number}" behindDoc="1" '
            'locked="0" layoutInCell="1" allowOverlap="1"><wp:simplePos x="0" y="0"/>'
            f"{where}{extent}<wp:wrapNone/>{names}{graphic}</wp:anchor>"
        )
        return f"<w:r>{self.rpr(self.base_ink)}<w:drawing>{anchor}</w:drawing></w:r>", spec

    # -- serialising
    def story_xml(self, items: list[_Item]) -> str:
        """Paragraphs and tables as WordprocessingML; a story (and a cell) ends with a paragraph."""
        out: list[str] = []
        carry = 0.0  # a table's bottom margin, given to the paragraph after it
        for index, item in enumerate(items):
            if isinstance(item, _Para):
                item.before += carry
                carry = 0.0
                out.append(f"<w:p>{_ppr(item, self.lang)}{''.join(item.runs)}</w:p>")
                continue
            if index and isinstance(items[index - 1], _Table):
                # Two tables in a row would merge into one: a paragraph as tall as the gap between them.
                out.append(_spacer(max(carry, item.before)))
            out.append(self.table_xml(item))
            carry = item.after
        if items and isinstance(items[-1], _Table):
            out.append(_spacer(0))
        return "".join(out)

    def table_xml(self, table: _Table) -> str:
        width = _tw(table.width)
        columns = max((len(cells) for _, cells in table.rows), default=1)
        if table.kind == "items":
            grid = [round(width * 0.55)] + [round(width * 0.45 / max(columns - 1, 1))] * (columns - 1)
            borders = "".join(
                f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="333333"/>'
                for side in ("top", "left", "bottom", "right", "insideH", "insideV")
            )
            margins, justify = (34, 170), "center"
        elif table.kind == "box":
            grid = [width]
            borders = "".join(
                f'<w:{side} w:val="single" w:sz="5" w:space="0" w:color="333333"/>'
                for side in ("top", "left", "bottom", "right")
            )
            margins, justify = (_tw(2), _tw(4)), "left"
        elif table.aside is not None:
            picture = _tw(table.aside.width + 3)  # a 3 mm gap between picture and text
            grid = [picture, width - picture] if table.aside.place == "left" else [width - picture, picture]
            borders, margins, justify = "", (0, 0), "left"
        else:
            label = _tw(24) if columns > 1 else width
            grid = [label] + [round((width - label) / max(columns - 1, 1))] * (columns - 1)
            borders, margins, justify = "", (17, 0), "left"
        out = [
            "<w:tbl><w:tblPr>"
            + (
                '<w:tblpPr w:leftFromText="0" w:rightFromText="0" w:vertAnchor="text" w:horzAnchor="margin" '
                f'w:tblpY="{_tw(-table.lift)}"/>'
                if table.lift
                else ""
            )
            + f'<w:tblW w:w="{width}" w:type="dxa"/><w:jc w:val="{justify}"/>'
            f'<w:tblBorders>{borders}</w:tblBorders><w:tblLayout w:type="fixed"/>'
            "<w:tblCellMar>"
            + "".join(
                f'<w:{side} w:w="{margins[i % 2]}" w:type="dxa"/>'
                for i, side in enumerate(("top", "left", "bottom", "right"))
            )
            + "</w:tblCellMar>"
            '<w:tblLook w:val="0000"/></w:tblPr><w:tblGrid>'
            + "".join(f'<w:gridCol w:w="{w}"/>' for w in grid)
            + "</w:tblGrid>"
        ]
        for number, (classes, cells) in enumerate(table.rows):
            row = ["<w:tr><w:trPr><w:cantSplit/></w:trPr>"] if table.keep else ["<w:tr>"]
            for col, (cell, items) in enumerate(cells):
                props = [f'<w:tcW w:w="{grid[min(col, len(grid) - 1)]}" w:type="dxa"/>']
                if table.kind == "items" and "total" in classes:
                    props.append(f"<w:tcBorders>{_TOTAL_RULE}</w:tcBorders>")
                if table.kind == "items" and cell.tag == "th":
                    props.append('<w:shd w:val="clear" w:color="auto" w:fill="F1F1F1"/>')
                if table.aside is not None and (col == 0) == (table.aside.place == "left"):
                    gap = "right" if table.aside.place == "left" else "left"
                    props.append(f'<w:tcMar><w:{gap} w:w="{_tw(3)}" w:type="dxa"/></w:tcMar>')
                if table.kind == "plain":
                    props.append('<w:vAlign w:val="top"/>')
                last_row = number == len(table.rows) - 1
                for item in items:
                    if isinstance(item, _Para) and table.keep and not last_row:
                        item.keep_next = True
                body = self.story_xml(items) or _spacer(0)
                row.append(f"<w:tc><w:tcPr>{''.join(props)}</w:tcPr>{body}</w:tc>")
            row.append("</w:tr>")
            out.append("".join(row))
        out.append("</w:tbl>")
        return "".join(out)


def _spacer(mm: float) -> str:
    """An empty paragraph that mm tall (at least 1 pt): between two tables, which would otherwise
    merge, and after a table that ends a story or a cell."""
    return (
        f'<w:p><w:pPr><w:spacing w:before="0" w:after="0" w:line="{max(20, _tw(mm))}" w:lineRule="exact"/>'
        '<w:rPr><w:sz w:val="2"/></w:rPr></w:pPr></w:p>'
    )


def _px(value: str | None, default: float) -> float:
    """A width/height attribute (CSS px) in mm."""
    try:
        return float(value or "") * _INCH / 96
    except ValueError:
        return default


def _spread_table_margins(items: list[_Item]) -> None:
    """Word tables have no margins: a table's top margin becomes the previous paragraph's space after."""
    for index, item in enumerate(items):
        if isinstance(item, _Table):
            previous = items[index - 1] if index else None
            if isinstance(previous, _Para):
                previous.after = max(previous.after, item.before)
            for _, cells in item.rows:
                for _, cell_items in cells:
                    _spread_table_margins(cell_items)


# ---------------------------------------------------------------------------------------------------
# The writer

_STYLES = (
    "<w:styles {ns}><w:docDefaults><w:rPrDefault><w:rPr>"
    '<w:rFonts w:ascii="{latin}" w:hAnsi="{latin}" w:eastAsia="{east}" w:cs="{latin}"/>'
    '<w:sz w:val="{size}"/><w:szCs w:val="{size}"/>'
    '<w:lang w:val="{tag}" w:eastAsia="{east_tag}" w:bidi="ar-SA"/>'
    '</w:rPr></w:rPrDefault><w:pPrDefault><w:pPr><w:spacing w:after="0" w:line="240" w:lineRule="auto"/>'
    "</w:pPr></w:pPrDefault></w:docDefaults>"
    '<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/>'
    # No extra space between CJK and Latin text or digits: the PDF has none.
    '<w:pPr><w:widowControl/><w:autoSpaceDE w:val="0"/><w:autoSpaceDN w:val="0"/></w:pPr><w:rPr>'
    '<w:rFonts w:ascii="{latin}" w:hAnsi="{latin}" w:eastAsia="{east}" w:cs="{latin}"/>'
    '<w:color w:val="111111"/></w:rPr></w:style>'
    '<w:style w:type="character" w:default="1" w:styleId="DefaultParagraphFont">'
    '<w:name w:val="Default Paragraph Font"/><w:uiPriority w:val="1"/><w:semiHidden/>'
    "<w:unhideWhenUsed/></w:style>"
    '<w:style w:type="table" w:default="1" w:styleId="TableNormal"><w:name w:val="Normal Table"/>'
    '<w:uiPriority w:val="99"/><w:semiHidden/><w:unhideWhenUsed/><w:tblPr><w:tblInd w:w="0" w:type="dxa"/>'
    '<w:tblCellMar><w:top w:w="0" w:type="dxa"/><w:left w:w="108" w:type="dxa"/>'
    '<w:bottom w:w="0" w:type="dxa"/><w:right w:w="108" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style>'
    '<w:style w:type="numbering" w:default="1" w:styleId="NoList"><w:name w:val="No List"/>'
    '<w:uiPriority w:val="99"/><w:semiHidden/><w:unhideWhenUsed/></w:style></w:styles>'
)
_TOTAL_RULE = '<w:top w:val="single" w:sz="10" w:space="0" w:color="111111"/>'  # 1.2pt over the total
_UNUSED_PARTS = ("stylesWithEffects", "webSettings", "customXml", "thumbnail")


class DocxWriter:
    """Writes many letters in one process: a base document per (language, paper, envelope) with the
    styles and page set up is built once and re-opened from bytes per letter; images load once."""

    def __init__(self, templates_root: Path, letterheads_root: Path) -> None:
        self.templates_root = templates_root.resolve()
        roots = (self.templates_root, letterheads_root.resolve())
        self.images = _Images(self.templates_root, roots)
        self._bases: dict[tuple[str, str, str], bytes] = {}
        self._rprs: dict[tuple[_Ink, str], str] = {}

    def rpr(self, ink: _Ink, lang: str) -> str:
        key = (ink, lang)
        if key not in self._rprs:
            self._rprs[key] = _rpr(ink, _LANGS[lang])
        return self._rprs[key]

    def write(
        self,
        html: str,
        *,
        lang: str,
        paper: str,
        envelope: str,
        letter_id: str,
        title: str,
        author: str,
        created: dt.date,
    ) -> bytes:
        """A letter's HTML → DOCX bytes; a refused or missing image fails the letter, naming the URL."""
        if lang not in _LANGS:
            raise RenderError(f"letter {letter_id}: no DOCX layout for language {lang!r}")
        page = _page(paper, envelope)
        document = docx.Document(io.BytesIO(self._base(lang, paper, envelope)))
        letter = _Letter(self, lang, page)
        root = _parse_html(html)
        body = _find(root, "body") or root
        section = document.sections[0]
        try:
            self._fill(letter, body, document, section)
        except RenderError as exc:
            raise RenderError(f"letter {letter_id}: {exc}") from None
        props = document.core_properties
        props.title = title
        props.author = author
        props.last_modified_by = author
        props.created = props.modified = dt.datetime.combine(created, dt.time())
        props.identifier = letter_id
        props.language = _LANGS[lang].tag
        props.revision = 1
        buffer = io.BytesIO()
        document.save(buffer)
        return buffer.getvalue()

    def _fill(self, letter: _Letter, body: _Node, document: Any, section: Any) -> None:
        first_header: list[_Item] = []
        header: list[_Item] = []
        footer_text: list[_Node | str] = []
        content: list[_Item] = []
        first_story = _Story(letter, section.first_page_header.part)
        later_story = _Story(letter, section.header.part)
        story = _Story(letter, document.part)
        ctx = _Ctx(_Rule(line=letter.lang.line), letter.base_ink, frozenset())
        loose: list[_Node | str] = []
        for child in body.children:
            if not isinstance(child, _Node) or child.tag in _SKIP:
                loose.append(child)
                continue
            classes = child.classes
            if "letterhead" in classes:
                first_story.block(child, ctx, first_header)
            elif "letterhead-short" in classes:
                later_story.block(child, ctx, header)
            elif "page-footer" in classes:
                footer_text = child.children
            elif "window" in classes:
                start = len(content)
                story.block(child, ctx, content)
                self._frame(letter, content[start:])
            elif child.tag in _BLOCK:
                story.paragraph(loose, ctx, content)
                loose = []
                story.block(child, ctx, content)
            else:
                loose.append(child)
        story.paragraph(loose, ctx, content)
        for target, items in ((story, content), (first_story, first_header), (later_story, header)):
            leftover = target.floats.pop()
            if leftover:
                items.insert(0, _Para(ctx.rule, ctx.ink, leftover))
        _spread_table_margins(content)
        _replace(document.element.body, letter.story_xml(content), keep_last=True)
        _replace(section.first_page_header.part.element, letter.story_xml(first_header))
        _replace(section.header.part.element, letter.story_xml(header))
        footer = self._footer(letter, footer_text, ctx)
        _replace(section.first_page_footer.part.element, footer)
        _replace(section.footer.part.element, footer)

    def _frame(self, letter: _Letter, items: list[_Item]) -> None:
        """The address block in the envelope window: a frame at the window's place on page 1, as tall
        as page 1's top margin, so the letter below it starts where the PDF's does."""
        page = letter.page
        top = min(page.window_y, page.top)
        frame = (
            f'<w:framePr w:w="{_tw(page.window_width)}" w:h="{_tw(page.first_top - top)}" '
            'w:hRule="atLeast" w:wrap="notBeside" w:hAnchor="page" w:vAnchor="page" '
            f'w:x="{_tw(page.window_x)}" w:y="{_tw(top)}"/>'
        )
        paras = [item for item in items if isinstance(item, _Para)]
        for para in paras:
            para.frame = frame
        if paras:
            paras[0].before += page.window_y - top

    def _footer(self, letter: _Letter, text: list[_Node | str], ctx: _Ctx) -> str:
        """Letter id centred, "page / pages" at the right, as letter.css's page margin boxes."""
        story = _Story(letter, None)
        rule = _CLASS_RULES["page-footer"]
        inner = story.enter(ctx, rule, _Node("div", {"class": "page-footer"}))
        pieces: list[tuple[str, Any, _Ink]] = [("tab", None, inner.ink)]
        story.inline(text, inner, pieces)
        runs, _, _ = story.runs(pieces, inner)
        numbers = letter.rpr(replace(letter.base_ink, size=8, color="555555"))

        def field(name: str) -> str:  # Word fills in the number; "1" is only the stored result
            return f'<w:fldSimple w:instr=" {name} "><w:r>{numbers}<w:t>1</w:t></w:r></w:fldSimple>'

        page_number = (
            f"<w:r>{numbers}<w:tab/></w:r>{field('PAGE')}"
            f'<w:r>{numbers}<w:t xml:space="preserve"> / </w:t></w:r>{field("NUMPAGES")}'
        )
        column = letter.page.column
        para = _Para(
            replace(inner.rule, align="left"), inner.ink, [], tabs=(("center", column / 2), ("right", column))
        )
        return f"<w:p>{_ppr(para, letter.lang)}{''.join(runs)}{page_number}</w:p>"

    def _base(self, lang: str, paper: str, envelope: str) -> bytes:
        """The document every letter in this language and layout starts from, built once."""
        key = (lang, paper, envelope)
        if key in self._bases:
            return self._bases[key]
        page = _page(paper, envelope)
        info = _LANGS[lang]
        document = docx.Document()
        part = document.part
        for rid, rel in list(part.rels.items()):
            if rel.reltype.rsplit("/", 1)[-1] in _UNUSED_PARTS:
                part.rels.pop(rid)
        package_rels = part.package.rels
        for rid, rel in list(package_rels.items()):
            if rel.reltype.rsplit("/", 1)[-1] in _UNUSED_PARTS:
                package_rels.pop(rid)
        styles = document.styles.element
        for child in list(styles):
            styles.remove(child)
        size = round(info.size * 2)
        east_tag = "ja-JP" if info.tag == "en-US" else info.tag
        fresh = parse_xml(
            _STYLES.format(
                ns=_NS, latin=info.latin, east=info.east_asian, size=size, tag=info.tag, east_tag=east_tag
            )
        )
        for child in list(fresh):
            styles.append(child)
        settings = document.settings.element
        for element in settings.iter():
            if element.tag.endswith("}compatSetting") and element.get(_w("name")) == "compatibilityMode":
                element.set(_w("val"), "15")
            if element.tag.endswith("}savePreviewPicture"):
                settings.remove(element)
        body = document.element.body
        for child in list(body):
            if not child.tag.endswith("}sectPr"):
                body.remove(child)
        section = document.sections[0]
        section.page_width, section.page_height = Mm(page.width), Mm(page.height)
        section.top_margin, section.bottom_margin = Mm(page.top), Mm(page.bottom)
        section.left_margin, section.right_margin = Mm(page.left), Mm(page.right)
        section.header_distance, section.footer_distance = Mm(_HEADER_FROM_TOP), Mm(_FOOTER_FROM_BOTTOM)
        section.gutter = Mm(0)
        section.different_first_page_header_footer = True
        for story in (section.header, section.first_page_header, section.footer, section.first_page_footer):
            story.is_linked_to_previous = False
        buffer = io.BytesIO()
        document.save(buffer)
        self._bases[key] = buffer.getvalue()
        return self._bases[key]


def _w(name: str) -> str:
    return "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}" + name


def _replace(element: Any, xml: str, *, keep_last: bool = False) -> None:
    """Swap a story's content for new WordprocessingML (the body keeps its closing w:sectPr)."""
    children = list(element)
    anchor = children[-1] if keep_last and children else None
    for child in children:
        if child is not anchor:
            element.remove(child)
    fresh = parse_xml(f"<w:root {_NS}>{xml or '<w:p/>'}</w:root>")
    for child in list(fresh):
        if anchor is not None:
            anchor.addprevious(child)
        else:
            element.append(child)
