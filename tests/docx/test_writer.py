"""DOCX from the same HTML as the PDF: same words, CJK fonts named, real images, readable by LibreOffice."""

from __future__ import annotations

import base64
import io
import re
import subprocess
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

import docx
import pytest
from docx.oxml.ns import qn

from letters.batch.compose_step import build_letters, letter_fields, make_plan
from letters.batch.options import Options
from letters.compose.canonical import data_sha256
from letters.compose.qr import qr_data_url, verification_payload
from letters.compose.render_html import Letter, envelope_for, render_html
from letters.decide.policy import load_policy
from letters.docx.writer import DocxWriter
from letters.errors import RenderError
from letters.pdf.writer import PdfWriter
from tests.conftest import ROOT
from tests.helpers import make_account, notice_sent

AS_OF = date(2026, 11, 23)
KINDS = ("reminder", "demand", "lawyer")
LANGS = ("ja", "zh", "en")
EAST_ASIAN_FACE = {"ja": "Noto Serif CJK JP", "zh": "Noto Serif CJK SC", "en": "Noto Serif CJK JP"}
CJK = re.compile("[\u3000-\u303f\u3040-\u30ff\u3400-\u9fff\uff00-\uffef]")


@dataclass(frozen=True)
class Pair:
    """One letter written both ways from one render."""

    letter: Letter
    pdf: Path
    pages: int
    docx: Path


def _writers() -> tuple[PdfWriter, DocxWriter]:
    return (
        PdfWriter(ROOT / "templates", ROOT / "letterheads"),
        DocxWriter(ROOT / "templates", ROOT / "letterheads"),
    )


@pytest.fixture(scope="module")
def nine(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], Pair]:
    """Every language × kind, rendered to HTML once and written as PDF and as DOCX (as run_batch does)."""
    out = tmp_path_factory.mktemp("docx")
    pdf_writer, docx_writer = _writers()
    pairs: dict[tuple[str, str], Pair] = {}
    for kind in KINDS:
        options = Options(outdir=out, as_of=AS_OF, letter_kind=kind)
        policy = load_policy(options.policy)
        # the US consumer's validation notice went first, long ago: this test is about the DOCX
        plan = make_plan([make_account(lang) for lang in LANGS], options, policy, notice_sent("EN-0001"))
        letters, failed = build_letters(plan, options, policy)
        assert failed == []
        for letter in letters:
            payload = verification_payload(
                letter.id, data_sha256(letter, options.templates), options.qr_pattern
            )
            letter = replace(letter, qr=qr_data_url(payload))
            rendered = render_html(letter, options.templates)
            lang = letter.planned.lang
            pdf = pdf_writer.write(
                rendered.html,
                lang=lang,
                envelope=envelope_for(letter.sender.paper, lang),
                letter_id=letter.id,
                fields=letter_fields(letter.account),
            )
            pdf_path, docx_path = out / f"{lang}-{kind}.pdf", out / f"{lang}-{kind}.docx"
            pdf_path.write_bytes(pdf.data)
            docx_path.write_bytes(docx_writer.write_rendered(rendered))
            pairs[(lang, kind)] = Pair(letter, pdf_path, pdf.pages, docx_path)
    return pairs


def _blocks_text(container: Any) -> Iterator[str]:
    """Paragraph texts of a body, header, footer or cell, tables (and tables in cells) included."""
    for block in container.iter_inner_content():
        if hasattr(block, "rows"):
            for row in block.rows:
                for cell in row.cells:
                    yield from _blocks_text(cell)
        else:
            yield block.text


def _tokens(text: str) -> Counter[str]:
    # A token is a run of letters or digits, or any other single visible character (each CJK
    # character, each punctuation mark).  The multiset of tokens ignores what legitimately differs
    # between a PDF and a Word file: line breaks (CJK lines wrap without spaces, so "words" split),
    # extra spaces from justification and letter-spacing, and the reading order of side-by-side
    # blocks (letterhead beside the address window).  It still catches any word, number or character
    # that is missing, added or changed, and two words run together.
    # U+2060 WORD JOINER (between the characters of a 大写 amount, so Word never breaks it) draws nothing.
    return Counter(re.findall(r"[0-9A-Za-z\u00c0-\u024f]+|\S", text.replace("\u2060", "")))


def _pdf_tokens(pair: Pair) -> Counter[str]:
    """The PDF's tokens without the page numbers ("2 / 3"): Word writes those as PAGE / NUMPAGES
    fields whose numbers are computed when the page is laid out, not stored text."""
    total: Counter[str] = Counter()
    for page in range(1, pair.pages + 1):
        text = subprocess.run(
            ["pdftotext", "-layout", "-f", str(page), "-l", str(page), str(pair.pdf), "-"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        tokens = _tokens(text)
        numbers = Counter([str(page), str(pair.pages)])
        assert not numbers - tokens, f"page {page} has no page number"
        total += tokens - numbers
    return total


def _docx_tokens(pair: Pair) -> Counter[str]:
    """What the DOCX prints on the PDF's number of pages: the body once, the first-page header and
    footer once, the continuation header and footer on every later page."""
    document = docx.Document(str(pair.docx))
    section = document.sections[0]

    def part(container: Any) -> Counter[str]:
        return _tokens("\n".join(_blocks_text(container)))

    later = part(section.header) + part(section.footer)
    total = part(document) + part(section.first_page_header) + part(section.first_page_footer)
    for _ in range(pair.pages - 1):
        total += later
    return total


@pytest.mark.slow
@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("kind", KINDS)
def test_docx_says_what_the_pdf_says(nine: dict[tuple[str, str], Pair], lang: str, kind: str) -> None:
    pair = nine[(lang, kind)]
    pdf, word = _pdf_tokens(pair), _docx_tokens(pair)
    assert pdf - word == Counter(), "in the PDF but not in the DOCX"
    assert word - pdf == Counter(), "in the DOCX but not in the PDF"


@pytest.mark.slow
def test_every_run_names_its_east_asian_face(nine: dict[tuple[str, str], Pair]) -> None:
    for (lang, kind), pair in nine.items():
        document = docx.Document(str(pair.docx))
        section = document.sections[0]
        stories = [document.element.body] + [
            story.part.element
            for story in (
                section.first_page_header,
                section.header,
                section.first_page_footer,
                section.footer,
            )
        ]
        cjk_runs = 0
        for story in stories:
            for run in story.iter(qn("w:r")):
                fonts = run.find(f"{qn('w:rPr')}/{qn('w:rFonts')}")
                assert fonts is not None, f"{lang}-{kind}: a run without rFonts"
                assert fonts.get(qn("w:eastAsia")) == EAST_ASIAN_FACE[lang], f"{lang}-{kind}"
                text = "".join(t.text or "" for t in run.iter(qn("w:t")))
                if CJK.search(text):
                    cjk_runs += 1
                if lang == "en":
                    assert fonts.get(qn("w:ascii")) == "Liberation Serif"
        assert cjk_runs > 0 or lang == "en", f"{lang}-{kind}: no CJK run found"
        defaults = document.styles.element.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}")
        assert defaults is not None
        assert defaults.find(qn("w:rFonts")).get(qn("w:eastAsia")) == EAST_ASIAN_FACE[lang]


@pytest.mark.slow
def test_core_properties(nine: dict[tuple[str, str], Pair]) -> None:
    pair = nine[("ja", "demand")]
    props = docx.Document(str(pair.docx)).core_properties
    assert props.title == "催告書"
    assert props.author == "株式会社さくらファイナンス"
    assert props.created is not None and props.created.date() == AS_OF
    assert props.identifier == pair.letter.id
    en = docx.Document(str(nine[("en", "lawyer")].docx)).core_properties
    assert en.author == nine[("en", "lawyer")].letter.sender.text("en").name
    assert en.title == f"Demand for payment – {nine[('en', 'lawyer')].letter.reference}"


def _image_blobs(part: Any) -> list[bytes]:
    return [rel.target_part.blob for rel in part.rels.values() if rel.reltype.endswith("/image")]


@pytest.mark.slow
@pytest.mark.parametrize("lang", LANGS)
def test_seal_qr_and_logo_are_in_the_docx(nine: dict[tuple[str, str], Pair], lang: str) -> None:
    pair = nine[(lang, "demand")]
    document = docx.Document(str(pair.docx))
    section = document.sections[0]
    # The seal (or signature image) at the signature, in the body.
    assert _image_blobs(document.part) == [pair.letter.sender.seal.read_bytes()]
    assert len(document.element.body.findall(f".//{qn('a:blip')}")) == 1
    # The verification QR code in page 1's footer (the PDF's bottom-left margin box), and only there.
    qr = base64.b64decode(pair.letter.qr.partition(",")[2])
    assert _image_blobs(section.first_page_footer.part) == [qr]
    assert _image_blobs(section.footer.part) == []
    # The logo in page 1's header, rasterised from its SVG; the later pages' header has none.
    logos = _image_blobs(section.first_page_header.part)
    assert len(logos) == 1 and logos[0].startswith(b"\x89PNG")
    assert _image_blobs(section.header.part) == []


@pytest.mark.slow
def test_page_layout_follows_the_letterhead_and_envelope(nine: dict[tuple[str, str], Pair]) -> None:
    def mm(length: Any) -> int:
        value: float = length.mm
        return round(value)

    ja = docx.Document(str(nine[("ja", "demand")].docx)).sections[0]
    assert (mm(ja.page_width), mm(ja.page_height)) == (210, 297)
    assert (mm(ja.left_margin), mm(ja.right_margin), mm(ja.top_margin)) == (23, 20, 24)  # naga3.css
    assert ja.different_first_page_header_footer
    en = docx.Document(str(nine[("en", "demand")].docx)).sections[0]
    assert (mm(en.page_width), mm(en.page_height)) == (216, 279)  # US Letter, the letterhead's paper
    footer = en.footer.part.element
    fields = [f.get(qn("w:instr")).strip() for f in footer.iter(qn("w:fldSimple"))]
    assert fields == ["PAGE", "NUMPAGES"]
    body = docx.Document(str(nine[("en", "demand")].docx)).element.body
    frames = [f for f in body.iter(qn("w:framePr")) if f.get(qn("w:hAnchor")) == "page"]
    assert frames, "the address sits in a frame over the envelope window"
    # us10.css: the address block 4 mm inside the window (7/8 in from the left edge), 4.2 in wide
    assert {(f.get(qn("w:x")), f.get(qn("w:w"))) for f in frames} == {("1487", "6048")}


@pytest.mark.slow
def test_libreoffice_opens_it_and_keeps_the_text(nine: dict[tuple[str, str], Pair], tmp_path: Path) -> None:
    # A unique profile per run: two LibreOffice processes sharing one profile block each other.
    profile = tmp_path / "lo-profile"
    out = tmp_path / "lo"
    paths = [str(pair.docx) for pair in nine.values()]
    subprocess.run(
        [
            "soffice",
            "--headless",
            f"-env:UserInstallation={profile.as_uri()}",
            "--convert-to",
            "pdf",
            "--outdir",
            str(out),
            *paths,
        ],
        capture_output=True,
        check=True,
        timeout=300,
    )
    for (lang, kind), pair in nine.items():
        converted = out / (pair.docx.stem + ".pdf")
        assert converted.is_file(), f"LibreOffice did not convert {lang}-{kind}"
        text = "".join(
            subprocess.run(
                ["pdftotext", str(converted), "-"], capture_output=True, text=True, check=True
            ).stdout.split()
        )
        key = {
            "ja": [
                "山田太郎様",
                "¥102,380",
                "株式会社さくらファイナンス" if kind != "lawyer" else "法律事務所",
            ],
            "zh": ["张伟先生", "人民币壹万陆仟肆佰零玖元零贰分", "¥16,409.02"],
            "en": ["Ms.JaneDoe", "$1,187.34", "attempttocollectadebt"],
        }[lang]
        for needle in key:
            assert needle in text, f"{lang}-{kind}: {needle!r} lost in LibreOffice"
        body = Counter("".join("".join(_blocks_text(docx.Document(str(pair.docx)))).split()))
        body.pop("\u2060", None)  # word joiners draw nothing
        assert not body - Counter(text), f"{lang}-{kind}: characters lost: {body - Counter(text)}"


@pytest.mark.slow
def test_registered_mail_number_is_boxed_in_the_window() -> None:
    options = Options(as_of=AS_OF, letter_kind="demand")
    policy = load_policy(options.policy)
    letters, _ = build_letters(make_plan([make_account("ja")], options, policy), options, policy)
    letter = replace(letters[0], tracking_number="123-45-67890-1", tracking_label="簡易書留")
    data = _writers()[1].write_rendered(render_html(letter, options.templates))
    body = docx.Document(io.BytesIO(data)).element.body
    framed = [p for p in body.iter(qn("w:p")) if p.find(f"{qn('w:pPr')}/{qn('w:framePr')}") is not None]
    # The number's hyphens are non-breaking hyphens: it never wraps inside itself.
    assert _para_text(framed[0]) == "簡易書留 123-45-67890-1"
    assert len(framed[0].findall(f".//{qn('w:noBreakHyphen')}")) == 3
    assert framed[0].find(f".//{qn('w:bdr')}") is not None, "the number is boxed, as in the PDF"
    assert ["〒160-0023" in _para_text(p) for p in framed].count(True) == 1


def _para_text(paragraph: Any) -> str:
    """A w:p's text, a w:noBreakHyphen read as the hyphen it prints."""
    pieces = paragraph.iter(qn("w:t"), qn("w:noBreakHyphen"))
    return "".join("-" if e.tag == qn("w:noBreakHyphen") else e.text or "" for e in pieces)


def test_refuses_files_outside_the_project(tmp_path: Path) -> None:
    writer = DocxWriter(ROOT / "templates", ROOT / "letterheads")
    secret = tmp_path / "secret.png"
    secret.write_bytes((ROOT / "letterheads" / "sakura-finance" / "seal.png").read_bytes())
    for src, message in [
        ("file:///etc/passwd", "refused to fetch 'file:///etc/passwd'"),
        (secret.as_uri(), f"refused to fetch '{secret.as_uri()}'"),
        ("http://127.0.0.1:9/x.png", "refused to fetch 'http://127.0.0.1:9/x.png'"),
        ("../README.md", f"refused to fetch '{(ROOT / 'README.md').as_uri()}'"),
    ]:
        with pytest.raises(RenderError) as info:
            writer.write(
                f'<html><body><main><p>x<img src="{src}"></p></main></body></html>',
                lang="en",
                paper="A4",
                envelope="dl",
                letter_id="L-1",
                title="t",
                author="a",
                created=AS_OF,
            )
        assert str(info.value) == f"letter L-1: {message}: " + (
            "outside the templates and letterheads folders"
            if src != "http://127.0.0.1:9/x.png"
            else "only the project's own assets may be loaded"
        )


def test_broken_image_and_unknown_layout_are_errors(tmp_path: Path) -> None:
    import shutil

    heads = tmp_path / "letterheads"
    shutil.copytree(ROOT / "letterheads", heads)
    seal = heads / "sakura-finance" / "seal.png"
    seal.write_bytes(b"not a png")
    writer = DocxWriter(ROOT / "templates", heads)
    common: dict[str, Any] = {"letter_id": "L-2", "title": "t", "author": "a", "created": AS_OF}
    with pytest.raises(RenderError, match=r"letter L-2: image .*seal\.png.* is not a PNG"):
        writer.write(
            f'<p><img class="seal-kakuin" src="{seal.as_uri()}"></p>',
            lang="ja",
            paper="A4",
            envelope="naga3",
            **common,
        )
    with pytest.raises(RenderError, match="missing asset"):
        writer.write(
            f'<p><img src="{(heads / "nope.png").as_uri()}"></p>',
            lang="ja",
            paper="A4",
            envelope="naga3",
            **common,
        )
    with pytest.raises(RenderError, match="unknown paper 'B5'"):
        writer.write("<p>x</p>", lang="ja", paper="B5", envelope="naga3", **common)


def test_plain_html_becomes_paragraphs_runs_and_tables() -> None:
    writer = DocxWriter(ROOT / "templates", ROOT / "letterheads")
    html = (
        "<main><p>Hello <strong>bold</strong> and <em>italic</em><br>next line</p>"
        "<ul><li>one</li><li>two</li></ul><table><tr><th>A</th><td>1</td></tr></table>"
        '<div class="page-break">after the break</div></main>'
    )
    data = writer.write(
        html,
        lang="en",
        paper="Letter",
        envelope="us10",
        letter_id="L-3",
        title="t",
        author="a",
        created=AS_OF,
    )
    document = docx.Document(io.BytesIO(data))
    texts = list(_blocks_text(document))
    assert "Hello bold and italic\nnext line" in texts
    assert "•\tone" in texts and "•\ttwo" in texts
    assert "A" in texts and "1" in texts
    runs = document.paragraphs[0].runs
    assert [r.text for r in runs if r.bold] == ["bold"]
    assert [r.text for r in runs if r.italic] == ["italic"]
    broken = [p for p in document.paragraphs if p.text == "after the break"]
    assert broken and broken[0].paragraph_format.page_break_before
