"""The stylesheets in Word's terms: classes → paragraph and run rules, paper and envelope → page geometry."""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from functools import cache

from letters.errors import RenderError
from letters.pdf.fonts import FONT_STACKS

# What the stylesheets say, in Word's terms: these mirror templates/letter.css, <lang>/<lang>.css and
# envelopes/*.css for the classes the templates use (docs/templates.md).  Lengths in mm, sizes in pt.


@dataclass(frozen=True)
class Rule:
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
    keep_prev: bool | None = None  # break-before: avoid — the paragraph before keeps with this block
    page_break: bool | None = None
    box: bool | None = None  # bordered box (pay-box): a one-cell table
    rule_below: bool | None = None  # thin line under the block (letterhead-short)
    min_height: float | None = None
    beside_window: float | None = None  # pulled up this far beside the address window (en-meta)
    dashed_above: bool | None = None  # a dashed line above the block: where to cut (vn-cut)
    nowrap: bool | None = None  # white-space: nowrap — no line break inside the text
    float_right: bool | None = None  # floats right into the next paragraph's line (zh-ref)

    def then(self, other: Rule) -> Rule:
        changes = {
            f.name: getattr(other, f.name) for f in fields(other) if getattr(other, f.name) is not None
        }
        return replace(self, **changes)


_TAG_RULES: dict[str, Rule] = {
    "p": Rule(after=1.5, align="both"),
    "strong": Rule(bold=True),
    "b": Rule(bold=True),
    "em": Rule(italic=True),
    "i": Rule(italic=True),
    "small": Rule(scale=0.83),
    "h1": Rule(scale=2.0, bold=True, before=4, after=4, keep_next=True),
    "h2": Rule(scale=1.5, bold=True, before=3.5, after=3.5, keep_next=True),
    "h3": Rule(scale=1.17, bold=True, before=3, after=3, keep_next=True),
    "h4": Rule(bold=True, before=2.5, after=2.5, keep_next=True),
    "h5": Rule(scale=0.83, bold=True, before=2.5, after=2.5, keep_next=True),
    "h6": Rule(scale=0.67, bold=True, before=2.5, after=2.5, keep_next=True),
}
_LANG_TAG_RULES: dict[tuple[str, str], Rule] = {
    ("ja", "p"): Rule(first=1),
    ("zh", "p"): Rule(first=2, align="left"),
    ("en", "p"): Rule(align="left"),
}
CLASS_RULES: dict[str, Rule] = {
    "letterhead": Rule(align="right", size=8, line=1.35, color="333333"),
    "lh-name": Rule(size=12, bold=True, color="111111", after=1),
    "letterhead-short": Rule(align="right", size=8, color="333333", rule_below=True),
    "page-footer": Rule(align="center", size=7.5, color="777777"),
    "verify": Rule(size=6.5, color="444444"),
    "window": Rule(size=10.5, line=1.45),
    "recipient": Rule(size=12, before=2),
    "mail-mark": Rule(size=8.5, boxed=True, after=1.5),
    "date-line": Rule(align="right"),
    "reference": Rule(align="right"),
    "center": Rule(align="center"),
    "right": Rule(align="right"),
    "title": Rule(align="center", size=15, bold=True, spacing=0.1, before=4, after=4, keep_next=True),
    "strong": Rule(bold=True),
    "small": Rule(size=8.5),
    "no-indent": Rule(first=0),
    "particulars": Rule(left=6, before=2, after=3),
    "items": Rule(before=2, after=3, keep=True),
    "pay-box": Rule(box=True, size=9.5, before=3, after=3, keep=True, keep_prev=True),
    "signature": Rule(align="right", right=16, before=2, keep=True, min_height=17),
    "sig-name": Rule(size=11),
    "page-break": Rule(page_break=True),
    "disclosure": Rule(bold=True, before=4),
    "capital": Rule(bold=True, nowrap=True),  # zh.css: 大写 amounts never break
    # Payment-plan confirmation (letter.css): the schedule, and the part the debtor signs and returns,
    # boxed and kept on one page with its signature lines.
    "pp-confirm": Rule(box=True, before=6, keep=True),
    "pp-cut": Rule(align="center", size=8, color="444444", after=1),
    "pp-confirm-title": Rule(align="center", bold=True, size=12, after=2),
    "pp-seal": Rule(color="777777"),
}
_LANG_CLASS_RULES: dict[tuple[str, str], Rule] = {
    ("ja", "kigo"): Rule(align="center", before=2, after=1),
    ("ja", "ijo"): Rule(align="right", before=1),
    ("ja", "keigu"): Rule(align="right"),
    ("ja", "particulars"): Rule(before=1, after=2),
    ("zh", "salutation"): Rule(before=1),
    ("zh", "section-head"): Rule(bold=True, before=1.5, keep_next=True),
    ("zh", "zh-keep"): Rule(keep=True),
    ("zh", "zh-end"): Rule(keep=True),
    ("zh", "zh-sign"): Rule(before=3.5, keep=True),
    ("zh", "sign-date"): Rule(align="right", right=10),
    ("zh", "closing-salute"): Rule(after=0),
    ("zh", "zh-ref"): Rule(float_right=True),
    ("en", "disclosure"): Rule(before=2.5),
    ("en", "en-meta"): Rule(beside_window=12),
    ("en", "en-subject"): Rule(bold=True, upper=True, spacing=0.04, before=3, after=2, keep_next=True),
    ("en", "en-re"): Rule(bold=True, before=3, after=2, keep_next=True),
    ("en", "en-salutation"): Rule(before=2, after=2),
    ("en", "en-advice"): Rule(before=2),
    ("en", "en-sign"): Rule(before=3, keep=True),
    ("en", "en-closing"): Rule(before=0, after=0),
    ("en", "en-end"): Rule(keep=True),
    ("en", "en-enclosures"): Rule(before=2, size=9.5),
    ("en", "en-address"): Rule(size=10, line=1.15),
    ("en", "items"): Rule(before=1.5, after=2.5),
    # The validation notice (en.css, after CFPB model form B-1).
    ("en", "vn-lead"): Rule(before=1),
    ("en", "vn-contact"): Rule(size=9.5),
    ("en", "vn-head"): Rule(bold=True, size=11, before=2.5, after=1, keep_next=True),
    ("en", "vn-info"): Rule(after=1),
    ("en", "vn-items"): Rule(after=2, keep=True),
    ("en", "vn-sub"): Rule(left=6),
    ("en", "vn-section"): Rule(keep=True),
    ("en", "vn-tear"): Rule(keep=True, before=4),
    # Annex 1 of the Pre-Action Protocol (en.css .annex): each part starts a page, as in the PDF.
    ("en", "annex"): Rule(page_break=True, size=10),
    ("en", "annex-title"): Rule(bold=True, size=14, after=1, keep_next=True),
    ("en", "annex-sub"): Rule(size=8.5, after=2),
    ("en", "annex-head"): Rule(bold=True, size=10.5, before=3, after=1, keep_next=True),
    ("en", "annex-small"): Rule(size=9),
    ("en", "vn-cut"): Rule(size=7.5, color="444444", align="center", after=2, dashed_above=True),
    ("en", "vn-form"): Rule(size=9.5),
    ("en", "vn-label"): Rule(bold=True),
    ("en", "vn-address"): Rule(left=3, before=0.5, after=3, line=1.25),
    ("en", "vn-consumer"): Rule(before=5),
    ("en", "vn-ref"): Rule(size=8.5),
    ("en", "vn-respond-head"): Rule(bold=True, size=11, after=0.5),
    ("en", "vn-small"): Rule(size=8.5),
    ("en", "vn-group"): Rule(bold=True, before=1.5),
    ("en", "vn-check"): Rule(left=2, before=0.8),
    ("en", "vn-option"): Rule(left=0, before=1.8, bold=True),
}
# Descendant selectors: (ancestor classes, class or tag).
_NESTED_RULES: dict[tuple[tuple[str, ...], str], Rule] = {
    (("zh-sign",), "signature"): Rule(right=10, before=0, min_height=0),
    (("en-sign",), "signature"): Rule(align="left", right=0, before=0, min_height=0),
    (("en-pay",), "th"): Rule(bold=True),
    (("lang-en", "items"), "th"): Rule(size=9.5),
    (("vn-then",), "th"): Rule(bold=True),
    (("vn-then",), "td"): Rule(bold=True),
    (("vn-total",), "th"): Rule(bold=True),
    (("vn-total",), "td"): Rule(bold=True),
    (("pp-confirm",), "p"): Rule(first=0, before=2, after=2),
    (("vn-items",), "amount"): Rule(nowrap=True),
}


@dataclass(frozen=True)
class Picture:
    width: float  # mm
    height: float
    place: str  # inline / left or right (beside the block's text, as it floats) / seal (over the name)
    gap: float = 0.0  # between a floated picture and its text
    right: float = 0.0  # seal: from the right edge of the text column
    top: float = 0.0  # seal: from the top of the signature block


PICTURES: dict[str, Picture] = {
    "logo": Picture(11, 11, "right", gap=3),
    "seal-kakuin": Picture(21, 21, "seal", right=0, top=-2),
    "seal-gongzhang": Picture(38, 38, "seal", right=4, top=-8),
    "seal-signature": Picture(45, 15, "inline"),
}
NESTED_PICTURES: dict[tuple[str, str], Picture] = {
    ("zh-sign", "seal-gongzhang"): Picture(38, 38, "seal", right=12, top=-10),
    ("en-sign", "seal-signature"): Picture(39, 13, "inline"),
    ("verify", "img"): Picture(14, 14, "left", gap=2),  # letter.css: 14 mm
}


@dataclass(frozen=True)
class Lang:
    latin: str  # w:ascii / w:hAnsi
    east_asian: str  # w:eastAsia
    tag: str  # w:lang
    size: float
    line: float


LANGS = {
    "ja": Lang(FONT_STACKS["ja"][0], FONT_STACKS["ja"][-1], "ja-JP", 10, 1.45),
    "zh": Lang(FONT_STACKS["zh"][0], FONT_STACKS["zh"][-1], "zh-CN", 10, 1.5),
    "en": Lang(FONT_STACKS["en"][0], FONT_STACKS["en"][-1], "en-US", 10.5, 1.27),
}


@dataclass(frozen=True)
class Page:
    """Page size and margins (mm); page 1's text starts lower, below the envelope window."""

    width: float
    height: float
    top: float
    right: float
    bottom: float
    left: float
    first_top: float
    window_x: float  # the address block inside the window (page 1's top-left margin box), from the
    window_y: float  # sheet's left and top edges
    window_width: float
    head_width: float  # the top-right margin box the letterhead is set in

    @property
    def column(self) -> float:
        return self.width - self.left - self.right


_PAPERS = {"A4": (210.0, 297.0), "Letter": (215.9, 279.4)}
INCH = 25.4
_ENVELOPES = {  # envelopes/*.css: margins, page-1 top, address block x / y / width, letterhead box width
    # (the address block is page 1's top-left margin box: left margin + its 4 mm padding, its padding-top)
    "naga3": (24.0, 20.0, 20.0, 23.0, 57.0, 27.0, 16.5, 82.0, 75.0),
    "dl": (24.0, 20.0, 20.0, 20.0, 92.0, 24.0, 49.5, 82.0, 75.0),
    "us10": (
        *(v * INCH for v in (1.2, 0.875, 0.9, 0.875, 3.4)),
        0.875 * INCH + 4,
        *(v * INCH for v in (2.15, 4.2, 3.0)),
    ),
}
HEADER_FROM_TOP = 10.0  # letter.css: the letterhead sits 10 mm below the page's top edge
FOOTER_FROM_BOTTOM = 1.2  # the footer fills the bottom margin, as the PDF's margin boxes do
FOOTER_SIDES = 55.0  # width of the bottom-left box (the QR code) and, for symmetry, the right one


def page_for(paper: str, envelope: str) -> Page:
    if paper not in _PAPERS:
        raise RenderError(f"unknown paper {paper!r}; choose from {', '.join(_PAPERS)}")
    if envelope not in _ENVELOPES:
        raise RenderError(f"unknown envelope {envelope!r}; choose from {', '.join(_ENVELOPES)}")
    return Page(*_PAPERS[paper], *_ENVELOPES[envelope])


def tw(mm: float) -> int:
    """Millimetres → twentieths of a point."""
    return round(mm * 1440 / INCH)


def emu(mm: float) -> int:
    return round(mm * 36000)


def px(value: str | None, default: float) -> float:
    """A width/height attribute (CSS px) in mm."""
    try:
        return float(value or "") * INCH / 96
    except ValueError:
        return default


@cache  # the rules are fixed tables, and a letter's elements repeat a few class combinations
def rule_for(lang: str, tag: str, classes: tuple[str, ...], within: frozenset[str]) -> Rule:
    rule = _TAG_RULES.get(tag, Rule()).then(_LANG_TAG_RULES.get((lang, tag), Rule()))
    for name in classes:
        rule = rule.then(CLASS_RULES.get(name, Rule())).then(_LANG_CLASS_RULES.get((lang, name), Rule()))
    for (outer, name), nested in _NESTED_RULES.items():
        if within.issuperset(outer) and (name in classes or name == tag):
            rule = rule.then(nested)
    return rule


# ---------------------------------------------------------------------------------------------------
# The document's styles and font table (python-docx's template ones are replaced wholesale)

STYLES = (
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
SYMBOL_FACE = "DejaVu Sans"  # has ☐ (U+2610), which the serif text faces lack; Word: Segoe UI Symbol
# The faces the letters use, with what Word should fall back to on a machine without them.
FONT_TABLE = (
    "<w:fonts {ns}>"
    '<w:font w:name="Noto Serif CJK JP"><w:altName w:val="MS Mincho"/><w:charset w:val="80"/>'
    '<w:family w:val="roman"/><w:pitch w:val="variable"/></w:font>'
    '<w:font w:name="Noto Serif CJK SC"><w:altName w:val="SimSun"/><w:charset w:val="86"/>'
    '<w:family w:val="roman"/><w:pitch w:val="variable"/></w:font>'
    '<w:font w:name="Liberation Serif"><w:altName w:val="Times New Roman"/><w:charset w:val="00"/>'
    '<w:family w:val="roman"/><w:pitch w:val="variable"/></w:font>'
    '<w:font w:name="DejaVu Sans"><w:altName w:val="Segoe UI Symbol"/><w:charset w:val="00"/>'
    '<w:family w:val="swiss"/><w:pitch w:val="variable"/></w:font></w:fonts>'
)
