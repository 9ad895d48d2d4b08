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
from functools import cache
from html import escape, unescape
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urljoin, urlparse

import docx
from docx.image.exceptions import UnrecognizedImageError
from docx.oxml import parse_xml
from docx.shared import Mm

from letters.compose.render_html import RenderedHtml, envelope_for
from letters.errors import RenderError, SetupError
from letters.pdf.fonts import FONT_STACKS

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
            found = child if child.tag == tag else _find(child, tag)
            if found is not None:
                return found
    return None


# ---------------------------------------------------------------------------------------------------
# What the stylesheets say, in Word's terms: these mirror templates/letter.css, <lang>/<lang>.css and
# envelopes/*.css for the classes the templates use (docs/templates.md).  Lengths in mm, sizes in pt.


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
    boxed: bool | None = None  # a border around the text (an inline-block box)
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
    beside_window: float | None = None  # pulled up this far beside the address window (en-meta)

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
    "verify": _Rule(size=6.5, color="444444"),
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
    "items": _Rule(before=2, after=3, keep=True),
    "pay-box": _Rule(box=True, size=9.5, before=3, after=3, keep=True),
    "signature": _Rule(align="right", right=16, before=2, keep=True, min_height=17),
    "sig-name": _Rule(size=11),
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
    ("en", "disclosure"): _Rule(before=2.5),
    ("en", "en-meta"): _Rule(beside_window=12),
    ("en", "en-subject"): _Rule(bold=True, upper=True, spacing=0.04, before=3, after=2, keep_next=True),
    ("en", "en-re"): _Rule(bold=True, before=3, after=2, keep_next=True),
    ("en", "en-salutation"): _Rule(before=2, after=2),
    ("en", "en-advice"): _Rule(before=2),
    ("en", "en-sign"): _Rule(before=3, keep=True),
    ("en", "en-closing"): _Rule(before=0, after=0),
    ("en", "en-end"): _Rule(keep=True),
    ("en", "en-enclosures"): _Rule(before=2, size=9.5),
    ("en", "en-address"): _Rule(size=10, line=1.15),
    ("en", "items"): _Rule(before=1.5, after=2.5),
}
# Descendant selectors: (ancestor class, class or tag).
_NESTED_RULES: dict[tuple[str, str], _Rule] = {
    ("zh-sign", "signature"): _Rule(right=10, before=0, min_height=0),
    ("en-sign", "signature"): _Rule(align="left", right=0, before=0, min_height=0),
    ("en-pay", "th"): _Rule(bold=True),
    ("lang-en", "th"): _Rule(size=9.5),
}


@dataclass(frozen=True)
class _Picture:
    width: float  # mm
    height: float
    place: str  # inline / left or right (beside the block's text, as it floats) / seal (over the name)
    gap: float = 0.0  # between a floated picture and its text
    right: float = 0.0  # seal: from the right edge of the text column
    top: float = 0.0  # seal: from the top of the signature block


_PICTURES: dict[str, _Picture] = {
    "logo": _Picture(11, 11, "right", gap=3),
    "seal-kakuin": _Picture(21, 21, "seal", right=0, top=-2),
    "seal-gongzhang": _Picture(38, 38, "seal", right=4, top=-8),
    "seal-signature": _Picture(45, 15, "inline"),
}
_NESTED_PICTURES: dict[tuple[str, str], _Picture] = {
    ("zh-sign", "seal-gongzhang"): _Picture(38, 38, "seal", right=12, top=-10),
    ("en-sign", "seal-signature"): _Picture(39, 13, "inline"),
    ("verify", "img"): _Picture(17, 17, "left", gap=2),
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
    "en": _Lang(FONT_STACKS["en"][0], FONT_STACKS["en"][-1], "en-US", 10.5, 1.27),
}


@dataclass(frozen=True)
class _Page:
    """Page size and margins (mm); page 1's text starts lower, below the envelope window."""

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
    head_width: float  # the top-right margin box the letterhead is set in

    @property
    def column(self) -> float:
        return self.width - self.left - self.right


_PAPERS = {"A4": (210.0, 297.0), "Letter": (215.9, 279.4)}
_INCH = 25.4
_ENVELOPES = {  # envelopes/*.css: margins, page-1 top, window x / y / width, letterhead box width
    "naga3": (24.0, 20.0, 20.0, 23.0, 57.0, 23.0, 14.0, 88.0, 75.0),
    "dl": (24.0, 20.0, 20.0, 20.0, 92.0, 20.0, 45.0, 85.0, 75.0),
    "us10": tuple(v * _INCH for v in (1.2, 0.875, 0.9, 0.875, 3.4, 0.875, 2.0, 4.0, 3.0)),
}
_HEADER_FROM_TOP = 10.0  # letter.css: the letterhead sits 10 mm below the page's top edge
_FOOTER_FROM_BOTTOM = 1.2  # the footer fills the bottom margin, as the PDF's margin boxes do
_FOOTER_SIDES = 55.0  # width of the bottom-left box (the QR code) and, for symmetry, the right one


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
    # Every run names its East Asian face (w:eastAsia): without it Word sets CJK in the theme font.
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
    """One paragraph being built; its spacing is settled once its neighbours are known."""

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
class _Cell:
    node: _Node
    items: list[_Item]
    classes: frozenset[str] = frozenset()  # of the cell and its row


@dataclass
class _Table:
    kind: str  # items / across (items laid out in columns) / box / plain / aside / footer
    rows: list[list[_Cell]]
    width: float  # mm
    grid: tuple[float, ...] = ()  # column widths, mm; equal columns when empty
    before: float = 0.0
    after: float = 0.0
    keep: bool = False
    aside: _Picture | None = None  # the picture set beside text in an aside table
    indent: float = 0.0  # from the left edge of the text column, mm


_Item = _Para | _Table


def _ppr(para: _Para, rpr: str) -> str:
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
    line = round(para.ink.size * (rule.line or 1.2) * 20)
    out.append(
        f'<w:spacing w:before="{_tw(para.before)}" w:after="{_tw(para.after)}" '
        f'w:line="{line}" w:lineRule="atLeast"/>'
    )
    indent = f'<w:ind w:left="{_tw(rule.left or 0)}" w:right="{_tw(rule.right or 0)}"'
    if para.hanging:
        indent += f' w:hanging="{_tw(para.hanging)}"'
    elif rule.first:
        indent += f' w:firstLine="{round(rule.first * para.ink.size * 20)}"'
    out.append(indent + "/>")
    out.append(f'<w:jc w:val="{rule.align or "left"}"/>')
    return "<w:pPr>" + "".join(out) + rpr + "</w:pPr>"


def _spacer(mm: float) -> str:
    """An empty paragraph mm tall (at least 1 pt): between two tables, which would otherwise merge,
    and after a table that ends a story or a cell (Word ends both with a paragraph)."""
    return (
        f'<w:p><w:pPr><w:spacing w:before="0" w:after="0" w:line="{max(20, _tw(mm))}" w:lineRule="exact"/>'
        '<w:rPr><w:sz w:val="2"/></w:rPr></w:pPr></w:p>'
    )


def _borders(*sides: str, size: int = 4, color: str = "333333") -> str:
    return "".join(
        f'<w:{side} w:val="single" w:sz="{size}" w:space="0" w:color="{color}"/>' for side in sides
    )


def _text(text: str) -> str:
    bad = _XML_INVALID.search(text)
    if bad:
        raise RenderError(f"character U+{ord(bad.group()):04X} cannot be written to a DOCX file")
    return escape(text, quote=False)


def _px(value: str | None, default: float) -> float:
    """A width/height attribute (CSS px) in mm."""
    try:
        return float(value or "") * _INCH / 96
    except ValueError:
        return default


# ---------------------------------------------------------------------------------------------------
# Images: only our own files and data URLs, as the PDF's URL fetcher allows

_RASTERS: dict[tuple[str, float, float], bytes] = {}  # SVG → PNG, once per process


def _rasterise_svg(url: str, digest: str, width: float, height: float, roots: tuple[Path, ...]) -> bytes:
    """An SVG drawn at its box size as a 300 dpi PNG: WeasyPrint draws it (as in the PDF), poppler's
    pdftocairo rasterises it with a transparent background.  Word cannot take the SVG alone."""
    key = (digest, width, height)
    if key in _RASTERS:
        return _RASTERS[key]
    from PIL import Image

    from letters.pdf.weasy import load
    from letters.pdf.writer import make_fetcher

    weasyprint = load()

    page = (
        f"<style>@page {{ size: {width}mm {height}mm; margin: 0 }} html, body {{ margin: 0 }}"
        f"img {{ display: block; width: {width}mm; height: {height}mm }}</style>"
        f'<img src="{escape(url)}">'
    )
    pdf = weasyprint.HTML(string=page, url_fetcher=make_fetcher(roots)).write_pdf()
    with tempfile.TemporaryDirectory(prefix="letters-svg-") as tmp:
        source, target = Path(tmp) / "image.pdf", Path(tmp) / "image"
        source.write_bytes(pdf)
        command = ["pdftocairo", "-png", "-transp", "-singlefile", "-r", "300", str(source), str(target)]
        try:
            subprocess.run(command, capture_output=True, check=True)
        except FileNotFoundError:
            raise SetupError(
                "pdftocairo is not installed; install it: apt-get install poppler-utils"
            ) from None
        except subprocess.CalledProcessError as exc:
            raise RenderError(f"cannot rasterise {url!r}: {exc.stderr.decode(errors='replace')}") from None
        png = target.with_suffix(".png").read_bytes()
    with Image.open(io.BytesIO(png)) as image:
        if image.getbbox() is None:
            raise RenderError(f"image {url!r} drew nothing (a broken SVG?)")
    _RASTERS[key] = png
    return png


class _Images:
    """Image bytes by URL, each file read once; refuses anything but our folders and our data URLs."""

    def __init__(self, templates_root: Path, roots: tuple[Path, ...]) -> None:
        self.base = templates_root.as_uri() + "/"  # relative URLs resolve as in the PDF
        self.roots = roots
        self.files: dict[tuple[str, float, float], bytes] = {}  # by URL and box size

    def load(self, src: str, width: float, height: float) -> bytes:
        url = urljoin(self.base, src.strip())
        if url.startswith("data:"):
            return self._data(url, width, height)
        key = (url, width, height)
        if key not in self.files:  # checked once per URL: the folders do not move during a batch
            self.files[key] = self._file(url, width, height)
        return self.files[key]

    def _file(self, url: str, width: float, height: float) -> bytes:
        parsed = urlparse(url)
        if parsed.scheme != "file" or parsed.netloc not in ("", "localhost"):
            raise RenderError(f"refused to fetch {url!r}: only the project's own assets may be loaded")
        path = Path(unquote(parsed.path)).resolve()
        if not any(path.is_relative_to(root) for root in self.roots):
            raise RenderError(f"refused to fetch {url!r}: outside the templates and letterheads folders")
        if not path.is_file():
            raise RenderError(f"missing asset {path}")
        blob = path.read_bytes()
        if path.suffix.lower() == ".svg":
            return _rasterise_svg(path.as_uri(), hashlib.sha256(blob).hexdigest(), width, height, self.roots)
        return blob

    def _data(self, url: str, width: float, height: float) -> bytes:
        head, _, payload = url.partition(",")
        if head == "data:image/png;base64":
            try:
                return base64.b64decode(payload, validate=True)
            except binascii.Error:
                raise RenderError(f"bad base64 in image URL {url[:40]!r}…") from None
        if head.startswith("data:image/svg+xml"):
            return _rasterise_svg(url, hashlib.sha256(url.encode()).hexdigest(), width, height, self.roots)
        raise RenderError(f"refused to fetch {url[:40]!r}…: only PNG and SVG data URLs are allowed")


# ---------------------------------------------------------------------------------------------------
# The walk: block elements → paragraphs and tables, inline elements → runs

_Piece = tuple[str, Any, _Ink]  # (text / br / tab / img, value, formatting)


@dataclass(frozen=True)
class _Ctx:
    rule: _Rule  # what enclosing blocks pass down: alignment, indents, line height
    ink: _Ink
    within: frozenset[str]  # classes and tags of the enclosing elements (descendant selectors)
    width: float  # of the enclosing box (text column, table cell), mm


@cache  # the rules are fixed tables, and a letter's elements repeat a few class combinations
def _rule_for(lang: str, tag: str, classes: tuple[str, ...], within: frozenset[str]) -> _Rule:
    rule = _TAG_RULES.get(tag, _Rule()).then(_LANG_TAG_RULES.get((lang, tag), _Rule()))
    for name in classes:
        rule = rule.then(_CLASS_RULES.get(name, _Rule())).then(_LANG_CLASS_RULES.get((lang, name), _Rule()))
    for (outer, name), nested in _NESTED_RULES.items():
        if outer in within and (name in classes or name == tag):
            rule = rule.then(nested)
    return rule


@cache
def _enter(ctx: _Ctx, rule: _Rule, tag: str, classes: tuple[str, ...]) -> _Ctx:
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
    )
    look = replace(
        ctx.rule,
        align=rule.align or ctx.rule.align,
        line=rule.line or ctx.rule.line,
        left=(ctx.rule.left or 0) + (rule.left or 0),
        right=ctx.rule.right if rule.right is None else rule.right,
        first=ctx.rule.first if rule.first is None else rule.first,
    )
    return _Ctx(look, ink, ctx.within | set(classes) | {tag}, ctx.width)


class _Story:
    """Builds one story (body, header or footer) of one letter."""

    def __init__(self, letter: _Letter, part: Any) -> None:
        self.letter = letter
        self.part = part
        self.floats: list[list[str]] = [[]]  # per open block: seals waiting for its first paragraph
        self.asides: list[list[tuple[str, _Picture]]] = [[]]  # per open block: pictures beside its text

    def rule_for(self, node: _Node, within: frozenset[str]) -> _Rule:
        return _rule_for(self.letter.lang_code, node.tag, node.classes, within)

    def enter(self, ctx: _Ctx, rule: _Rule, node: _Node) -> _Ctx:
        return _enter(ctx, rule, node.tag, node.classes)

    def blocks(self, node: _Node, ctx: _Ctx, out: list[_Item]) -> None:
        """A block's children: runs of inline content become paragraphs, block children recurse."""
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
        width = inner.width - (inner.rule.left or 0)
        if rule.box:
            cell: list[_Item] = []
            padded = replace(inner, rule=replace(inner.rule, left=0, right=0), width=width - 8.5)  # 2 × 4mm
            self.blocks(node, padded, cell)
            out.append(_Table("box", [[_Cell(node, cell)]], width))
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
        floats, asides = self.floats.pop(), self.asides.pop()
        if asides:
            # Text beside a floated picture: a borderless two-cell table, which Word and LibreOffice
            # lay out alike (LibreOffice ignores text wrap around a picture in a header).
            text, out[start:] = out[start:], []
            indent = inner.rule.left or 0  # now the table's, not each paragraph's
            for para in text:
                if isinstance(para, _Para):
                    para.rule = replace(para.rule, left=(para.rule.left or 0) - indent)
            look = replace(inner.rule, align="left", left=0, right=0, first=0)
            spec = asides[0][1]
            cells = [_Cell(node, [_Para(look, inner.ink, [run for run, _ in asides])]), _Cell(node, text)]
            if spec.place == "right":
                cells.reverse()
            out.append(_Table("aside", [cells], width, aside=spec, indent=indent))
        self.settle(out[start:], rule)
        if floats:
            paras = [item for item in out[start:] if isinstance(item, _Para)]
            if not paras:
                paras = [_Para(inner.rule, inner.ink, [])]
                out.append(paras[0])
            paras[0].runs[:0] = floats

    def settle(self, emitted: list[_Item], rule: _Rule) -> None:
        """Apply a block's margins, page-break and keep rules to what it produced."""
        if not emitted:
            return
        paras = [item for item in emitted if isinstance(item, _Para)]
        emitted[0].before += rule.before or 0
        emitted[-1].after += rule.after or 0
        if rule.page_break and isinstance(emitted[0], _Para):
            emitted[0].page_break = True
        if rule.keep:
            for item in emitted:
                if isinstance(item, _Table):
                    item.keep = True
            for para in paras[:-1]:
                para.keep_next = para.keep_lines = True
        if rule.keep_next and isinstance(emitted[-1], _Para):
            emitted[-1].keep_next = True
        if rule.min_height and paras:
            missing = rule.min_height - sum(p.height(self.letter.lang) for p in paras)
            if missing > 0:
                paras[-1].after += missing
        if rule.rule_below and isinstance(emitted[-1], _Para):
            emitted[-1].rule = replace(emitted[-1].rule, rule_below=True)
        if rule.beside_window:
            self.letter.beside_window(paras, rule.beside_window)

    def paragraph(self, pending: list[_Node | str], ctx: _Ctx, out: list[_Item]) -> None:
        pieces: list[_Piece] = []
        self.inline(pending, ctx, pieces)
        runs = self.runs(pieces)
        if runs:
            out.append(_Para(ctx.rule, ctx.ink, runs))

    def inline(self, nodes: list[_Node | str], ctx: _Ctx, pieces: list[_Piece]) -> None:
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
                self.inline(node.children, self.enter(ctx, self.rule_for(node, ctx.within), node), pieces)

    def runs(self, pieces: list[_Piece]) -> list[str]:
        """Collapse white space as CSS does and turn pieces into runs; floated pictures go to the
        enclosing block (seals to its first paragraph, others beside its text)."""
        texts: list[tuple[str, _Ink]] = []  # "\n" line break, "\t" tab, "\0" + xml a picture
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
                runs.append(f'<w:r>{rpr}<w:t xml:space="preserve">{_text(text)}</w:t></w:r>')
        return runs

    def definitions(self, node: _Node, ctx: _Ctx, out: list[_Item]) -> None:
        """dt floats left and dd is indented past it: one paragraph per term, a tab between them."""
        indent = 32.0  # .particulars dd { margin-left: 32mm }
        look = replace(ctx.rule, left=(ctx.rule.left or 0) + indent, first=0)
        term: list[_Piece] = []
        for child in node.children:
            if not isinstance(child, _Node) or child.tag not in ("dt", "dd"):
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

    def list_items(self, node: _Node, ctx: _Ctx, out: list[_Item]) -> None:
        """List markers are written as text (• / 1.): the PDF prints them, so the DOCX says them too."""
        indent = 10.6  # padding-left: 40px
        look = replace(ctx.rule, left=(ctx.rule.left or 0) + indent, first=0)
        number = int(node.attrs.get("start", "1") or "1")
        for child in node.children:
            if not isinstance(child, _Node) or child.tag != "li":
                continue
            inner = self.enter(replace(ctx, rule=look), self.rule_for(child, ctx.within), child)
            marker = "•" if node.tag == "ul" else f"{number}."
            number += 1
            pieces: list[_Piece] = [("text", marker, inner.ink), ("tab", None, inner.ink)]
            self.inline(child.children, inner, pieces)
            self.hanging(pieces, look, inner.ink, indent, out, after=0.5)

    def hanging(
        self, pieces: list[_Piece], look: _Rule, ink: _Ink, indent: float, out: list[_Item], after: float = 0
    ) -> None:
        runs = self.runs(pieces)
        if runs:
            tab = (("left", look.left or 0),)
            out.append(_Para(look, ink, runs, tabs=tab, hanging=indent, after=after))

    def table(self, node: _Node, ctx: _Ctx, out: list[_Item]) -> None:
        kind = "items" if "items" in node.classes else "plain"
        rows: list[list[_Cell]] = []
        for row in _rows(node):
            cells: list[_Cell] = []
            for cell in row.children:
                if not isinstance(cell, _Node) or cell.tag not in ("th", "td"):
                    continue
                classes = frozenset(row.classes + cell.classes)
                rule = self.rule_for(cell, ctx.within | classes)
                across = kind == "items" and "lang-en" in ctx.within  # en.css: every cell flush right
                align = "right" if "amount" in classes or across else "left"
                base = replace(ctx, rule=replace(ctx.rule, left=0, right=0, first=0, align=align))
                inner = self.enter(base, rule, cell)
                bold = "total" in classes
                inner = replace(inner, ink=replace(inner.ink, bold=inner.ink.bold or bold))
                items: list[_Item] = []
                self.blocks(cell, inner, items)
                cells.append(_Cell(cell, items, classes))
            rows.append(cells)
        width = ctx.width - (ctx.rule.left or 0)
        if kind == "items" and "lang-en" in ctx.within:
            # en.css sets the statement across the page: labels in one row, amounts below them.
            rows = [[row[i] for row in rows if len(row) > i] for i in range(2)]
            out.append(_Table("across", rows, width))
        elif kind == "items":
            out.append(_Table("items", rows, width * 0.78, grid=(width * 0.78 * 0.55, width * 0.78 * 0.45)))
        else:
            columns = max((len(r) for r in rows), default=1)
            grid = (24.0, *((width - 24) / (columns - 1),) * (columns - 1)) if columns > 1 else (width,)
            out.append(_Table("plain", rows, width, grid=grid))


def _strip_trailing_space(texts: list[tuple[str, _Ink]]) -> None:
    if texts and not texts[-1][0].startswith("\0"):
        texts[-1] = (texts[-1][0].rstrip(" "), texts[-1][1])


def _rows(table: _Node) -> list[_Node]:
    rows: list[_Node] = []
    for child in table.children:
        if isinstance(child, _Node):
            if child.tag == "tr":
                rows.append(child)
            elif child.tag in ("thead", "tbody", "tfoot"):
                rows.extend(_rows(child))
    return rows


def _spread_table_margins(items: list[_Item]) -> None:
    """Word tables have no margins: a table's top margin becomes the previous paragraph's space after."""
    for index, item in enumerate(items):
        if isinstance(item, _Table):
            previous = items[index - 1] if index else None
            if isinstance(previous, _Para):
                previous.after = max(previous.after, item.before)
            for row in item.rows:
                for cell in row:
                    _spread_table_margins(cell.items)


# ---------------------------------------------------------------------------------------------------
# One letter: pictures, frames and WordprocessingML


class _Letter:
    """What one letter's stories share: language, page, picture numbers, run properties."""

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
        """An <img> as a run with a drawing (anchored behind the text for a seal), and its spec."""
        spec = None
        for name in node.classes:
            spec = _PICTURES.get(name, spec)
        for (outer, name), nested in _NESTED_PICTURES.items():
            if outer in within and (name in node.classes or name == node.tag):
                spec = nested
        if spec is None:
            spec = _Picture(_px(node.attrs.get("width"), 40.0), _px(node.attrs.get("height"), 40.0), "inline")
        src = node.attrs.get("src", "")
        blob = self.writer.images.load(src, spec.width, spec.height)
        try:
            rid, _ = part.get_or_add_image(io.BytesIO(blob))
        except UnrecognizedImageError:
            name = f"{src[:40]}…" if src.startswith("data:") else src
            raise RenderError(f"image {name!r} is not a PNG, JPEG or GIF image") from None
        number, self.next_id = self.next_id, self.next_id + 1
        cx, cy = _emu(spec.width), _emu(spec.height)
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
            x, y = _emu(self.page.column - spec.right - spec.width), _emu(spec.top)
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

    def window(self, items: list[_Item]) -> None:
        """The address in the envelope window: a frame at the window's place on page 1, reaching down
        to where page 1's text starts, so the letter below it starts where the PDF's does."""
        page = self.page
        top = min(page.window_y, page.top)  # from the top of the text area, so no text fits above it
        frame = (
            f'<w:framePr w:w="{_tw(page.window_width)}" w:h="{_tw(page.first_top - top)}" w:hRule="atLeast" '
            'w:wrap="notBeside" w:hAnchor="page" w:vAnchor="page" '
            f'w:x="{_tw(page.window_x)}" w:y="{_tw(top)}"/>'
        )
        paras = [item for item in items if isinstance(item, _Para)]
        for para in paras:
            para.frame = frame
        if paras:
            paras[0].before += page.window_y - top

    def beside_window(self, paras: list[_Para], lift: float) -> None:
        """A block pulled up beside the window (en-meta: date and reference): a frame to its right."""
        page = self.page
        width = page.column - (page.window_x - page.left) - page.window_width - 5
        frame = (
            f'<w:framePr w:w="{_tw(width)}" w:wrap="around" w:hAnchor="margin" w:xAlign="right" '
            f'w:vAnchor="page" w:y="{_tw(page.first_top - lift)}"/>'
        )
        for para in paras:
            para.frame = frame

    def story_xml(self, items: list[_Item]) -> str:
        """Paragraphs and tables as WordprocessingML; a story and a cell end with a paragraph."""
        out: list[str] = []
        carry = 0.0  # a table's bottom margin, given to the paragraph after it
        for index, item in enumerate(items):
            if isinstance(item, _Para):
                item.before += carry
                carry = 0.0
                out.append(f"<w:p>{_ppr(item, self.rpr(item.ink))}{''.join(item.runs)}</w:p>")
                continue
            if index and isinstance(items[index - 1], _Table):
                out.append(_spacer(max(carry, item.before)))
            out.append(self.table_xml(item))
            carry = item.after
        if items and isinstance(items[-1], _Table):
            out.append(_spacer(0))
        return "".join(out)

    def table_xml(self, table: _Table) -> str:
        width = _tw(table.width)
        columns = max((len(row) for row in table.rows), default=1)
        grid = [_tw(w) for w in table.grid] or [width // columns] * columns
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
            borders, margins = _borders("top", "left", "bottom", "right", size=5), (_tw(2), _tw(4))
        elif table.kind == "plain":
            margins = (17, 0)
        elif table.aside is not None:
            picture = _tw(table.aside.width + table.aside.gap)
            grid = [picture, width - picture] if table.aside.place == "left" else [width - picture, picture]
        cell_margins = "".join(
            f'<w:{side} w:w="{margins[i % 2]}" w:type="dxa"/>'
            for i, side in enumerate(("top", "left", "bottom", "right"))
        )
        out = [
            f'<w:tbl><w:tblPr><w:tblW w:w="{width}" w:type="dxa"/><w:jc w:val="{justify}"/>'
            f'<w:tblInd w:w="{_tw(table.indent)}" w:type="dxa"/>'
            f'<w:tblBorders>{borders}</w:tblBorders><w:tblLayout w:type="fixed"/>'
            f'<w:tblCellMar>{cell_margins}</w:tblCellMar><w:tblLook w:val="0000"/></w:tblPr>'
            "<w:tblGrid>" + "".join(f'<w:gridCol w:w="{w}"/>' for w in grid) + "</w:tblGrid>"
        ]
        for number, row in enumerate(table.rows):
            row_props = "<w:cantSplit/>" if table.keep else ""
            if table.kind == "footer":
                height = _tw(self.page.bottom - _FOOTER_FROM_BOTTOM) - 20  # the spacer below: 1 pt
                row_props += f'<w:trHeight w:val="{height}" w:hRule="exact"/>'
            out.append(f"<w:tr><w:trPr>{row_props}</w:trPr>")
            for col, cell in enumerate(row):
                out.append(self.cell_xml(table, number, col, cell, grid[min(col, len(grid) - 1)]))
            out.append("</w:tr>")
        out.append("</w:tbl>")
        return "".join(out)

    def cell_xml(self, table: _Table, number: int, col: int, cell: _Cell, width: int) -> str:
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
            props.append(f'<w:tcMar><w:{side} w:w="{_tw(table.aside.gap)}" w:type="dxa"/></w:tcMar>')
        props.append('<w:vAlign w:val="top"/>')
        if table.keep and number < len(table.rows) - 1:
            for item in cell.items:
                if isinstance(item, _Para):
                    item.keep_next = True
        return f"<w:tc><w:tcPr>{''.join(props)}</w:tcPr>{self.story_xml(cell.items) or _spacer(0)}</w:tc>"


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
    # No added space between CJK and Latin text or digits: the PDF has none (Word honours this;
    # LibreOffice ignores autoSpaceDE/DN when it reads DOCX and adds the space anyway).
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
# Parts of python-docx's template a letter never uses (stylesWithEffects alone is 430 kB to zip);
# Word adds a numbering part again when someone adds a list.
_UNUSED_PARTS = ("stylesWithEffects", "webSettings", "customXml", "thumbnail", "numbering")
# The faces the letters use, with what Word should fall back to on a machine without them.
_FONT_TABLE = (
    "<w:fonts {ns}>"
    '<w:font w:name="Noto Serif CJK JP"><w:altName w:val="MS Mincho"/><w:charset w:val="80"/>'
    '<w:family w:val="roman"/><w:pitch w:val="variable"/></w:font>'
    '<w:font w:name="Noto Serif CJK SC"><w:altName w:val="SimSun"/><w:charset w:val="86"/>'
    '<w:family w:val="roman"/><w:pitch w:val="variable"/></w:font>'
    '<w:font w:name="Liberation Serif"><w:altName w:val="Times New Roman"/><w:charset w:val="00"/>'
    '<w:family w:val="roman"/><w:pitch w:val="variable"/></w:font></w:fonts>'
)


_STORIES = {"letterhead": "first", "letterhead-short": "later", "verify": "verify"}  # else the body


class DocxWriter:
    """Writes many letters in one process.  What repeats is done once: a base document per language,
    paper and envelope (trimmed styles, page set-up, headers and footers in place) is kept as bytes
    and re-opened per letter; image files are read and SVG logos rasterised once."""

    def __init__(self, templates_root: Path, letterheads_root: Path) -> None:
        self.templates_root = templates_root.resolve()
        self.images = _Images(self.templates_root, (self.templates_root, letterheads_root.resolve()))
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
        """A letter's HTML → DOCX bytes; a refused, missing or broken image fails the letter, naming it."""
        try:
            if lang not in _LANGS:
                raise RenderError(f"no DOCX layout for language {lang!r}")
            letter = _Letter(self, lang, _page(paper, envelope))
            document = docx.Document(io.BytesIO(self._base(lang, paper, envelope)))
            self._fill(letter, _parse_html(html), document)
        except RenderError as exc:
            raise RenderError(f"letter {letter_id}: {exc}") from None
        props = document.core_properties
        props.title = title
        props.author = props.last_modified_by = author
        props.created = props.modified = dt.datetime.combine(created, dt.time())
        props.identifier = letter_id
        props.language = _LANGS[lang].tag
        buffer = io.BytesIO()
        document.save(buffer)
        return buffer.getvalue()

    def write_rendered(self, rendered: RenderedHtml) -> bytes:
        """A rendered letter → DOCX bytes, everything but the HTML taken from the letter itself: its
        letterhead's paper and envelope, its id, its <title>, its sender's name, its date."""
        letter = rendered.letter
        lang = letter.planned.lang
        return self.write(
            rendered.html,
            lang=lang,
            paper=letter.sender.paper,
            envelope=envelope_for(letter.sender.paper, lang),
            letter_id=letter.id,
            title=html_title(rendered.html),
            author=letter.sender.text(lang).name,
            created=letter.planned.letter_date,
        )

    def _fill(self, letter: _Letter, root: _Node, document: Any) -> None:
        """Sort the body's parts into Word's stories: letterhead → first-page header, short letterhead
        → later headers, verification code and footer → footers, window and main → the body."""
        body = _find(root, "body") or root
        section = document.sections[0]
        ctx = _Ctx(_Rule(line=letter.lang.line), letter.base_ink, frozenset(body.classes), letter.page.column)
        stories = {
            "first": (_Story(letter, section.first_page_header.part), list[_Item]()),
            "later": (_Story(letter, section.header.part), list[_Item]()),
            "verify": (_Story(letter, section.first_page_footer.part), list[_Item]()),
            "body": (_Story(letter, document.part), list[_Item]()),
        }
        footer: list[_Node | str] = []
        loose: list[_Node | str] = []
        story, content = stories["body"]
        for child in body.children:
            classes = child.classes if isinstance(child, _Node) else ()
            target = next((_STORIES[name] for name in classes if name in _STORIES), "body")
            if "page-footer" in classes and isinstance(child, _Node):
                footer = child.children
            elif target in ("first", "later") and isinstance(child, _Node):  # in the top-right box
                head = replace(ctx, rule=replace(ctx.rule, left=letter.page.column - letter.page.head_width))
                stories[target][0].block(child, head, stories[target][1])
            elif target == "verify" and isinstance(child, _Node):
                stories[target][0].block(child, ctx, stories[target][1])
            elif isinstance(child, _Node) and child.tag in _BLOCK:
                story.paragraph(loose, ctx, content)
                loose = []
                start = len(content)
                story.block(child, ctx, content)
                if "window" in classes:
                    letter.window(content[start:])
            elif not isinstance(child, _Node) or child.tag not in _SKIP:
                loose.append(child)
        story.paragraph(loose, ctx, content)
        for target_story, items in stories.values():
            if target_story.floats[0]:
                items.insert(0, _Para(ctx.rule, ctx.ink, target_story.floats[0]))
        _spread_table_margins(content)
        _replace(document.element.body, letter.story_xml(content), keep_last=True)
        _replace(section.first_page_header.part.element, letter.story_xml(stories["first"][1]))
        _replace(section.header.part.element, letter.story_xml(stories["later"][1]))
        _replace(
            section.first_page_footer.part.element, self._footer(letter, footer, ctx, stories["verify"][1])
        )
        _replace(section.footer.part.element, self._footer(letter, footer, ctx, []))

    def _footer(self, letter: _Letter, text: list[_Node | str], ctx: _Ctx, verify: list[_Item]) -> str:
        """letter.css's bottom margin boxes as one borderless row filling the bottom margin: the
        verification code (page 1) at the left, the letter id centred, "page / pages" at the right."""
        story = _Story(letter, None)
        inner = story.enter(ctx, _CLASS_RULES["page-footer"], _Node("div", {"class": "page-footer"}))
        middle: list[_Item] = []
        story.paragraph(text, inner, middle)
        numbers = letter.rpr(replace(letter.base_ink, size=8, color="555555"))

        def field(name: str) -> str:  # Word fills in the number; "1" is only the stored result
            return f'<w:fldSimple w:instr=" {name} "><w:r>{numbers}<w:t>1</w:t></w:r></w:fldSimple>'

        slash = f'<w:r>{numbers}<w:t xml:space="preserve"> / </w:t></w:r>'
        pages = _Para(
            replace(inner.rule, align="right"), inner.ink, [field("PAGE") + slash + field("NUMPAGES")]
        )
        for para in [*middle, pages]:
            para.before = 4.0  # padding-top: 4mm
        for table in verify:  # the QR code and its text: padding-top 1.5mm, within the 55 mm box
            if isinstance(table, _Table):
                table.width = _FOOTER_SIDES
                for cell in table.rows[0]:
                    for para in cell.items[:1]:
                        para.before = 1.5
        node = _Node("div", {})
        column = letter.page.column
        row = [_Cell(node, verify), _Cell(node, middle), _Cell(node, [pages])]
        grid = (_FOOTER_SIDES, column - 2 * _FOOTER_SIDES, _FOOTER_SIDES)
        return letter.story_xml([_Table("footer", [row], column, grid=grid)])

    def _base(self, lang: str, paper: str, envelope: str) -> bytes:
        """The document every letter in this language and layout starts from, built once."""
        key = (lang, paper, envelope)
        if key in self._bases:
            return self._bases[key]
        page, info = _page(paper, envelope), _LANGS[lang]
        document = docx.Document()
        for rels in (document.part.rels, document.part.package.rels):
            for rid, rel in list(rels.items()):
                if rel.reltype.rsplit("/", 1)[-1] in _UNUSED_PARTS:
                    rels.pop(rid)
        east_tag = "ja-JP" if info.tag == "en-US" else info.tag
        styles = parse_xml(
            _STYLES.format(
                ns=_NS,
                latin=info.latin,
                east=info.east_asian,
                size=round(info.size * 2),
                tag=info.tag,
                east_tag=east_tag,
            )
        )
        _swap_children(document.styles.element, list(styles))
        fonts = next(
            rel.target_part for rel in document.part.rels.values() if rel.reltype.endswith("/fontTable")
        )
        # python-docx keeps the font table as plain bytes and has no API for it.
        fonts._blob = _FONT_TABLE.format(ns=_NS).encode()
        settings = document.settings.element
        for element in list(settings.iter()):
            if element.tag == _w("compatSetting") and element.get(_w("name")) == "compatibilityMode":
                element.set(_w("val"), "15")  # Word 2013+ layout, not Word 2010 compatibility mode
            elif element.tag == _w("savePreviewPicture"):
                settings.remove(element)
        body = document.element.body
        _swap_children(body, [child for child in body if child.tag == _w("sectPr")])
        section = document.sections[0]
        section.page_width, section.page_height = Mm(page.width), Mm(page.height)
        section.top_margin, section.bottom_margin = Mm(page.top), Mm(page.bottom)
        section.left_margin, section.right_margin = Mm(page.left), Mm(page.right)
        section.header_distance, section.footer_distance = Mm(_HEADER_FROM_TOP), Mm(_FOOTER_FROM_BOTTOM)
        section.gutter = Mm(0)
        section.different_first_page_header_footer = True
        document.core_properties.comments = ""  # not python-docx's "generated by python-docx"
        for story in (section.header, section.first_page_header, section.footer, section.first_page_footer):
            story.is_linked_to_previous = False
        buffer = io.BytesIO()
        document.save(buffer)
        self._bases[key] = buffer.getvalue()
        return self._bases[key]


def html_title(html: str) -> str:
    """The document title a template set in <title> (the PDF's title too)."""
    found = re.search(r"<title>(.*?)</title>", html, re.DOTALL)
    return unescape(found.group(1)).strip() if found else ""


def _w(name: str) -> str:
    return "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}" + name


def _swap_children(element: Any, children: list[Any]) -> None:
    for child in list(element):
        element.remove(child)
    for child in children:
        element.append(child)


def _replace(element: Any, xml: str, *, keep_last: bool = False) -> None:
    """Swap a story's content for new WordprocessingML (the body keeps its closing w:sectPr)."""
    kept = list(element)[-1:] if keep_last else []
    fresh = parse_xml(f"<w:root {_NS}>{xml or _spacer(0)}</w:root>")
    _swap_children(element, [*fresh, *kept])
