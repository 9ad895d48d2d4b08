"""A letter's rendered HTML (the one its PDF comes from) → DOCX bytes: its stories set in a base document."""

from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import replace
from html import unescape
from pathlib import Path
from typing import Any

import docx
from docx.oxml import parse_xml
from docx.shared import Mm

from letters.compose.render_html import RenderedHtml, envelope_for
from letters.docx.images import Images
from letters.docx.story import Ctx, Story, spread_table_margins
from letters.docx.styles import (
    CLASS_RULES,
    FONT_TABLE,
    FOOTER_FROM_BOTTOM,
    FOOTER_SIDES,
    HEADER_FROM_TOP,
    LANGS,
    STYLES,
    Rule,
    page_for,
)
from letters.docx.tree import BLOCK, SKIP, Node, find, parse_html
from letters.docx.wordml import NS, Cell, Ink, Item, Letter, Para, Table, run_properties, spacer
from letters.errors import RenderError

# Parts of python-docx's template a letter never uses (stylesWithEffects alone is 430 kB to zip);
# Word adds a numbering part again when someone adds a list.
_UNUSED_PARTS = ("stylesWithEffects", "webSettings", "customXml", "thumbnail", "numbering")

_STORIES = {"letterhead": "first", "letterhead-short": "later", "verify": "verify"}  # else the body


class DocxWriter:
    """Writes many letters in one process.  What repeats is done once: a base document per language,
    paper and envelope (trimmed styles, page set-up, headers and footers in place) is kept as bytes
    and re-opened per letter; image files are read and SVG logos rasterised once."""

    def __init__(self, templates_root: Path, letterheads_root: Path) -> None:
        self.templates_root = templates_root.resolve()
        self.images = Images(self.templates_root, (self.templates_root, letterheads_root.resolve()))
        self._bases: dict[tuple[str, str, str], bytes] = {}
        self._rprs: dict[tuple[Ink, str], str] = {}

    def rpr(self, ink: Ink, lang: str) -> str:
        key = (ink, lang)
        if key not in self._rprs:
            self._rprs[key] = run_properties(ink, LANGS[lang])
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
            if lang not in LANGS:
                raise RenderError(f"no DOCX layout for language {lang!r}")
            letter = Letter(self, lang, page_for(paper, envelope))
            document = docx.Document(io.BytesIO(self._base(lang, paper, envelope)))
            self._fill(letter, parse_html(html), document)
        except RenderError as exc:
            raise RenderError(f"letter {letter_id}: {exc}") from None
        props = document.core_properties
        props.title = title
        props.author = props.last_modified_by = author
        props.created = props.modified = dt.datetime.combine(created, dt.time())
        props.identifier = letter_id
        props.language = LANGS[lang].tag
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

    def _fill(self, letter: Letter, root: Node, document: Any) -> None:
        """Sort the body's parts into Word's stories: letterhead → first-page header, short letterhead
        → later headers, verification code and footer → footers, window and main → the body."""
        body = find(root, "body") or root
        section = document.sections[0]
        ctx = Ctx(Rule(line=letter.lang.line), letter.base_ink, frozenset(body.classes), letter.page.column)
        stories = {
            "first": (Story(letter, section.first_page_header.part), list[Item]()),
            "later": (Story(letter, section.header.part), list[Item]()),
            "verify": (Story(letter, section.first_page_footer.part), list[Item]()),
            "body": (Story(letter, document.part), list[Item]()),
        }
        footer: list[Node | str] = []
        loose: list[Node | str] = []
        story, content = stories["body"]
        for child in body.children:
            classes = child.classes if isinstance(child, Node) else ()
            target = next((_STORIES[name] for name in classes if name in _STORIES), "body")
            if "page-footer" in classes and isinstance(child, Node):
                footer = child.children
            elif target in ("first", "later") and isinstance(child, Node):  # in the top-right box
                # The short letterhead (name and letter id on one right-aligned line) gets 3 mm more
                # to its left: LibreOffice adds a gap between CJK and Latin text that Word and the PDF
                # do not (it ignores w:autoSpaceDE), and the id would otherwise wrap inside itself.
                slack = 3.0 if target == "later" else 0.0
                box = letter.page.column - letter.page.head_width - slack
                head = replace(ctx, rule=replace(ctx.rule, left=box))
                stories[target][0].block(child, head, stories[target][1])
            elif target == "verify" and isinstance(child, Node):
                stories[target][0].block(child, ctx, stories[target][1])
            elif isinstance(child, Node) and child.tag in BLOCK:
                story.paragraph(loose, ctx, content)
                loose = []
                start = len(content)
                story.block(child, ctx, content)
                if "window" in classes:
                    letter.window(content[start:])
            elif not isinstance(child, Node) or child.tag not in SKIP:
                loose.append(child)
        story.paragraph(loose, ctx, content)
        for target_story, items in stories.values():
            if target_story.floats[0]:
                items.insert(0, Para(ctx.rule, ctx.ink, target_story.floats[0]))
        spread_table_margins(content)
        _replace(document.element.body, letter.story_xml(content), keep_last=True)
        _replace(section.first_page_header.part.element, letter.story_xml(stories["first"][1]))
        _replace(section.header.part.element, letter.story_xml(stories["later"][1]))
        _replace(
            section.first_page_footer.part.element, self._footer(letter, footer, ctx, stories["verify"][1])
        )
        _replace(section.footer.part.element, self._footer(letter, footer, ctx, []))

    def _footer(self, letter: Letter, text: list[Node | str], ctx: Ctx, verify: list[Item]) -> str:
        """letter.css's bottom margin boxes as one borderless row filling the bottom margin: the
        verification code (page 1) at the left, the letter id centred, "page / pages" at the right."""
        story = Story(letter, None)
        inner = story.enter(ctx, CLASS_RULES["page-footer"], Node("div", {"class": "page-footer"}))
        middle: list[Item] = []
        story.paragraph(text, inner, middle)
        numbers = letter.rpr(replace(letter.base_ink, size=8, color="555555"))

        def field(name: str) -> str:  # Word fills in the number; "1" is only the stored result
            return f'<w:fldSimple w:instr=" {name} "><w:r>{numbers}<w:t>1</w:t></w:r></w:fldSimple>'

        slash = f'<w:r>{numbers}<w:t xml:space="preserve"> / </w:t></w:r>'
        pages = Para(
            replace(inner.rule, align="right"), inner.ink, [field("PAGE") + slash + field("NUMPAGES")]
        )
        for para in [*middle, pages]:
            para.before = 4.0  # padding-top: 4mm
        for table in verify:  # the QR code and its text: padding-top 1.5mm, within the 55 mm box
            if isinstance(table, Table):
                table.width = FOOTER_SIDES
                for cell in table.rows[0]:
                    for para in cell.items[:1]:
                        para.before = 1.5
        node = Node("div", {})
        column = letter.page.column
        row = [Cell(node, verify), Cell(node, middle), Cell(node, [pages])]
        grid = (FOOTER_SIDES, column - 2 * FOOTER_SIDES, FOOTER_SIDES)
        return letter.story_xml([Table("footer", [row], column, grid=grid)])

    def _base(self, lang: str, paper: str, envelope: str) -> bytes:
        """The document every letter in this language and layout starts from, built once."""
        key = (lang, paper, envelope)
        if key in self._bases:
            return self._bases[key]
        page, info = page_for(paper, envelope), LANGS[lang]
        document = docx.Document()
        for rels in (document.part.rels, document.part.package.rels):
            for rid, rel in list(rels.items()):
                if rel.reltype.rsplit("/", 1)[-1] in _UNUSED_PARTS:
                    rels.pop(rid)
        east_tag = "ja-JP" if info.tag == "en-US" else info.tag
        styles = parse_xml(
            STYLES.format(
                ns=NS,
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
        fonts._blob = FONT_TABLE.format(ns=NS).encode()
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
        section.header_distance, section.footer_distance = Mm(HEADER_FROM_TOP), Mm(FOOTER_FROM_BOTTOM)
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
    fresh = parse_xml(f"<w:root {NS}>{xml or spacer(0)}</w:root>")
    _swap_children(element, [*fresh, *kept])
