"""The DOCX laid out by LibreOffice against the WeasyPrint PDF of the same letter: every kind in every
language (ja, zh, en-US, en-UK) and the e内容証明 Word file, converted in ONE soffice run.

Compared: page count; the address block (its first line), the totals (every amount equal to the
letter's balance, in order) and the seal (its image) — positions in mm, TOLERANCE apart at most; the
seal also relative to the sender line next to it.  Positions come from ``pdftotext -bbox`` (words)
and ``mutool trace`` (image placement, content-stream matrices composed).  The Word settings that
LibreOffice ignores (w:autoSpaceDE / w:autoSpaceDN) and the keep and no-break properties are
checked in the DOCX XML.
"""

from __future__ import annotations

import re
import subprocess
import zipfile
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

import pytest

from letters.batch.compose_step import add_kind_context, build_letters, letter_fields, make_plan
from letters.batch.options import Options
from letters.batch.results import BatchResult
from letters.compose.naiyo import NAIYO_STYLESHEETS, render_naiyo_html
from letters.compose.qr import qr_data_url
from letters.compose.render_html import envelope_for, render_html
from letters.decide.policy import Policy
from letters.docx.naiyo import write_naiyo_docx
from letters.docx.tokens import WORD_JOINER
from letters.docx.writer import DocxWriter
from letters.intake.accounts import Address
from letters.pdf.writer import PdfWriter
from tests.conftest import ROOT
from tests.helpers import make_account, notice_sent

pytestmark = pytest.mark.slow

TOLERANCE = 1.5  # mm: address block, totals, and the seal beside its sender line
SEAL_TOLERANCE = 3.0  # mm: the seal on the page (the text above it may run a line's leading apart)
MM = 25.4 / 72
AS_OF = date(2026, 11, 23)
UK = Address("GB", "SW1A 2AA", "", "London", "", "10 Downing Street", "")
VARIANTS = {
    "ja": ("ja", {}),
    "zh": ("zh", {}),
    "us": ("en", {}),
    "uk": ("en", {"address": UK, "currency": "GBP"}),
}
KINDS = ("reminder", "demand", "lawyer", "payment-plan")
CASES = [f"{v}-{k}" for v in VARIANTS for k in KINDS] + ["us-validation-notice"]
TOTALS = {"ja": "¥102,380", "zh": "¥16,409.02", "us": "$1,187.34", "uk": "£1,187.34"}
NAMES = {"ja": "山田", "zh": "张伟", "us": "Ms.", "uk": "Ms"}  # the address block's first word
SEALS = [(21, 21), (38, 38), (39, 13), (45, 15)]  # kakuin, gongzhang, signature (en-sign, plain), mm
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@dataclass(frozen=True)
class Word:
    page: int
    x: float  # mm from the left edge
    y: float  # mm from the top edge
    text: str
    right: float = 0.0


@dataclass(frozen=True)
class Image:
    page: int
    x: float
    y: float
    width: float
    height: float


def _case(variant: str, kind: str, out: Path, pdf: PdfWriter, word: DocxWriter) -> None:
    lang, changes = VARIANTS[variant]
    account = make_account(lang, account_id="T-1", **changes)
    # CN installment dates need chinese-calendar's holidays, published up to 2026: the zh plan is
    # written in May so that its three months stay within 2026.
    as_of = date(2026, 5, 11) if (variant, kind) == ("zh", "payment-plan") else AS_OF
    installments = 3 if kind == "payment-plan" else None
    options = Options(outdir=out, as_of=as_of, letter_kind=kind, installments=installments)
    history = None if kind == "validation-notice" else notice_sent("T-1")
    plan = make_plan([account], options, Policy(), history)
    letters, failed = build_letters(plan, options, Policy())
    result = BatchResult(plan)
    letters = add_kind_context(letters, options, result)
    assert failed == [] and result.failed == []
    letter = replace(letters[0], qr=qr_data_url("LETTERS:1:T-1:" + "0" * 64))
    rendered = render_html(letter, options.templates)
    data = pdf.write(
        rendered.html,
        lang=lang,
        envelope=envelope_for(letter.sender.paper, lang),
        letter_id=letter.id,
        fields=letter_fields(letter.account),
    ).data
    (out / f"{variant}-{kind}.pdf").write_bytes(data)
    (out / f"{variant}-{kind}.docx").write_bytes(word.write_rendered(rendered))


def _naiyo(out: Path, pdf: PdfWriter) -> None:
    options = Options(outdir=out, as_of=AS_OF, letter_kind="demand", naiyo=(26, 20))
    plan = make_plan([make_account("ja")], options, Policy())
    letters, _ = build_letters(plan, options, Policy())
    letter = add_kind_context(letters, options, BatchResult(plan))[0]
    assert letter.naiyo is not None
    html = render_naiyo_html(letter, options.templates, letter.naiyo)
    data = pdf.write_document(
        html, NAIYO_STYLESHEETS, extra=pdf.font_sheet("ja"), lang="ja", name="naiyo", fields={}
    ).data
    (out / "ja-naiyo.pdf").write_bytes(data)
    (out / "ja-naiyo.docx").write_bytes(write_naiyo_docx(letter, letter.naiyo))


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every case written as PDF and DOCX, then all DOCX files converted by one LibreOffice run."""
    folder = tmp_path_factory.mktemp("lo-layout")
    pdf = PdfWriter(ROOT / "templates", ROOT / "letterheads")
    word = DocxWriter(ROOT / "templates", ROOT / "letterheads")
    for case in CASES:
        variant, kind = case.split("-", 1)
        _case(variant, kind, folder, pdf, word)
    _naiyo(folder, pdf)
    profile = folder / "profile"  # its own profile: two soffice processes sharing one block each other
    command = ["soffice", "--headless", f"-env:UserInstallation={profile.as_uri()}", "--convert-to"]
    command += ["pdf", "--outdir", str(folder / "lo"), *map(str, sorted(folder.glob("*.docx")))]
    subprocess.run(
        command,
        capture_output=True,
        check=True,
        timeout=300,
    )
    return folder


def _words(path: Path) -> list[Word]:
    xml = subprocess.run(["pdftotext", "-bbox", str(path), "-"], capture_output=True, text=True, check=True)
    found = []
    for number, page in enumerate(xml.stdout.split("<page ")[1:], start=1):
        for m in re.finditer(
            r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)"[^>]*>([^<]*)</word>', page
        ):
            found.append(Word(number, float(m[1]) * MM, float(m[2]) * MM, m[4], float(m[3]) * MM))
    return found


def _images(path: Path) -> list[Image]:
    """Every image drawn, from MuPDF's trace: its matrix maps the unit square onto the page (y down)."""
    trace = subprocess.run(["mutool", "trace", str(path)], capture_output=True, text=True, check=True)
    number = r"([-\d.]+)"
    found = []
    for page_number, page in enumerate(trace.stdout.split("<page ")[1:], start=1):
        for m in re.finditer(rf'<fill_image [^>]*transform="{" ".join([number] * 6)}"', page):
            a, _, _, d, e, f = map(float, m.groups())
            found.append(Image(page_number, e * MM, f * MM, a * MM, abs(d) * MM))
    return found


def _pages(path: Path) -> int:
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    found = re.search(r"^Pages:\s+(\d+)$", info, re.M)
    assert found is not None
    return int(found[1])


def _seal(path: Path) -> Image | None:
    seals = [
        i for i in _images(path) if any(abs(i.width - w) < 1 and abs(i.height - h) < 1 for w, h in SEALS)
    ]
    assert len(seals) <= 1, f"{path.name}: more than one seal-sized image"
    return seals[0] if seals else None


def _address(words: list[Word], variant: str) -> Word:
    return min((w for w in words if w.page == 1 and w.text.startswith(NAMES[variant])), key=lambda w: w.y)


def _offset(a: Word | Image, b: Word | Image) -> tuple[float, float]:
    return (b.x - a.x, b.y - a.y)


def _near(offset: tuple[float, float], tolerance: float) -> bool:
    return max(abs(offset[0]), abs(offset[1])) <= tolerance


@pytest.mark.parametrize("case", CASES)
def test_libreoffice_lays_out_the_docx_as_the_pdf(out: Path, case: str) -> None:
    weasy, office = out / f"{case}.pdf", out / "lo" / f"{case}.pdf"
    assert _pages(office) == _pages(weasy), f"{case}: page count"
    variant = case.split("-")[0]
    words_w, words_l = _words(weasy), _words(office)
    report = {}
    # The address block: its first line (the recipient's name, or the courtesy title before it).
    report["address"] = _offset(_address(words_w, variant), _address(words_l, variant))
    # The totals: every word that is the balance, in order (statement, pay-box, confirmation…).
    totals_w = [w for w in words_w if w.text == TOTALS[variant]]
    totals_l = [w for w in words_l if w.text == TOTALS[variant]]
    assert totals_w and len(totals_l) == len(totals_w), f"{case}: totals {len(totals_w)} vs {len(totals_l)}"
    for index, (a, b) in enumerate(zip(totals_w, totals_l, strict=True)):
        assert a.page == b.page, f"{case}: total {index} on page {a.page} vs {b.page}"
        report[f"total {index}"] = _offset(a, b)
    # The seal: on the same page, at the same place, and at the same place beside its sender line.
    seal_w, seal_l = _seal(weasy), _seal(office)
    assert (seal_w is None) == (seal_l is None) == (case == "us-validation-notice"), case
    if seal_w is not None and seal_l is not None:
        assert seal_w.page == seal_l.page

        # On the page only where the page starts with the same text in both: when LibreOffice's
        # line heights move a paragraph over a page break (the 5-page UK letter before claim), the
        # whole page below shifts and only the seal's place beside its sender line is comparable.
        def opening(words: list[Word]) -> list[str]:
            return [w.text for w in words if w.page == seal_w.page][:12]

        if opening(words_w) == opening(words_l):
            report["seal"] = _offset(seal_w, seal_l)
        else:
            print(f"{case}: page {seal_w.page} starts at another paragraph in LibreOffice")
        # the line nearest the seal's centre that both files print as one word
        texts_l = {w.text for w in words_l}
        centre = (seal_w.x + seal_w.width / 2, seal_w.y + seal_w.height / 2)
        line = min(
            (w for w in words_w if w.page == seal_w.page and w.text in texts_l and len(w.text) > 2),
            key=lambda w: (w.x - centre[0]) ** 2 + (w.y - centre[1]) ** 2,
        )
        centre_l = (seal_l.x + seal_l.width / 2, seal_l.y + seal_l.height / 2)
        line_l = min(
            (w for w in words_l if w.text == line.text),
            key=lambda w: (w.x - centre_l[0]) ** 2 + (w.y - centre_l[1]) ** 2,
        )
        seal_rel = _offset(line, seal_w)
        report["seal beside sender"] = (seal_l.x - line_l.x - seal_rel[0], seal_l.y - line_l.y - seal_rel[1])
    measured = ", ".join(f"{name} {dx:+.1f}/{dy:+.1f}" for name, (dx, dy) in report.items())
    print(f"{case}: {measured} mm (x/y, LibreOffice − WeasyPrint)")
    for name, offset in report.items():
        limit = SEAL_TOLERANCE if name == "seal" else TOLERANCE
        assert _near(offset, limit), f"{case}: {name} is {offset[0]:+.1f}/{offset[1]:+.1f} mm off: {measured}"


def _xml(path: Path, part: str = "word/document.xml") -> str:
    with zipfile.ZipFile(path) as archive:
        return archive.read(part).decode("utf-8")


def _paragraphs(xml: str) -> list[tuple[str, str]]:
    """(paragraph properties, text) of every paragraph, a w:noBreakHyphen read as "-"."""
    found = []
    for para in re.findall(r"<w:p>.*?</w:p>|<w:p .*?</w:p>", xml, re.S):
        props = re.search(r"<w:pPr>(.*?)</w:pPr>", para, re.S)
        pieces = re.findall(r"<w:t[^>]*>([^<]*)</w:t>|(<w:noBreakHyphen/>)", para)
        text = "".join(t or "-" for t, _ in pieces)
        found.append((props[1] if props else "", text))
    return found


def _table_with(xml: str, needle: str) -> str:
    """The innermost w:tbl whose text holds ``needle``."""
    tables: list[str] = [
        t for t in re.findall(r"<w:tbl>(?:(?!<w:tbl>).)*?</w:tbl>", xml, re.S) if needle in t
    ]
    assert tables, needle
    return tables[0]


def test_validation_notice_form_is_in_the_docx(out: Path) -> None:
    path = out / "us-validation-notice.docx"
    xml = _xml(path)
    paragraphs = _paragraphs(xml)
    # Six boxes to tick, as the model form's: ☐ in a face that has it.
    boxes = re.findall(
        r'<w:r><w:rPr><w:rFonts w:ascii="([^"]+)"[^>]*/>(?:(?!</w:r>).)*<w:t[^>]*>☐</w:t>', xml
    )
    assert boxes == ["DejaVu Sans"] * 6
    # The tear-off: a dashed line above "Detach and return this part", kept with the form below it.
    cut = [props for props, text in paragraphs if text == "Detach and return this part"]
    assert len(cut) == 1 and '<w:top w:val="dashed"' in cut[0] and "<w:keepNext/>" in cut[0]
    # Bold headings.
    for heading in ("Our information shows:", "How can you dispute the debt?", "What else can you do?"):
        para = next(p for p in re.findall(r"<w:p>.*?</w:p>", xml, re.S) if heading in p)
        assert "<w:b/>" in para and "<w:keepNext/>" in para, heading
    # The itemisation: a table kept on one page; the total under a rule; "Between…" across both columns.
    items = _table_with(xml, "Total amount of the debt now:")
    assert items.count("<w:tr>") == 6 and items.count("<w:cantSplit/>") == 6
    assert '<w:gridSpan w:val="2"/>' in items
    total = items[items.index("Total amount of the debt now:") - 1500 :]
    assert '<w:top w:val="single" w:sz="6"' in total
    # The answers boxed (1 pt) beside the addresses.
    form = _table_with(xml, "How do you want to respond?")
    assert form.count('w:val="single" w:sz="8"') == 4
    # LibreOffice prints the six boxes and keeps the tear-off on one page.
    office = _words(out / "lo" / "us-validation-notice.pdf")
    assert sum(w.text.count("☐") for w in office) == 6
    tear_off = [w for w in office if w.text in ("Detach", "respond?", "Quiero")]
    tear_off.append([w for w in office if w.text == "Reference:"][-1])  # the form's, under the addresses
    assert {w.page for w in tear_off} == {2}, tear_off


@pytest.mark.parametrize(
    ("variant", "title", "last"),
    [
        ("ja", "確　認　書", "氏名"),
        ("zh", "还款确认书", "日期"),
        ("us", "Confirmation", "Date"),
        ("uk", "Confirmation", "Date"),
    ],
)
def test_payment_plan_confirmation_stays_on_one_page(out: Path, variant: str, title: str, last: str) -> None:
    path = out / f"{variant}-payment-plan.docx"
    xml = _xml(path)
    # The 確認書 box: a one-cell table whose row may not split, its paragraphs kept together, the
    # signature lines a table of rows that may not split either.
    confirm = xml[xml.rindex("<w:tbl>", 0, xml.index(title)) :]
    assert confirm.count("<w:cantSplit/>") >= 4  # the box's row and the three signature rows
    above = confirm[: confirm.index("<w:tbl>", 1)]  # the box's paragraphs above the signature lines
    inner = [props for props, text in _paragraphs(above) if text.strip()]
    assert len(inner) >= 4 and all("<w:keepNext/>" in props for props in inner), inner
    # LibreOffice: title and last signature line on the page the PDF has them on.
    for pdf in (out / f"{variant}-payment-plan.pdf", out / "lo" / f"{variant}-payment-plan.pdf"):
        words = _words(pdf)
        first = next(w for w in words if w.text.startswith(title.split("　")[0]))
        end = [w for w in words if w.text.startswith(last)][-1]
        assert first.page == end.page == 2, (pdf, first, end)


def test_tokens_never_break(out: Path) -> None:
    ja = _xml(out / "ja-demand.docx")
    texts = re.findall(r"<w:t[^>]*>([^<]*)</w:t>", ja)
    # Contract, invoice and phone numbers: their hyphens are w:noBreakHyphen, never a plain "-".
    assert not [t for t in texts if re.search(r"\d-|-\d", t)]
    text = "".join(t for _, t in _paragraphs(ja))
    for token in ("SK-2024-00123", "INV-2026-0831", "03-5555-0123"):
        assert token in text, token
    assert ja.count("<w:noBreakHyphen/>") >= 6
    # The 大写 amount: a word joiner between every two characters.
    zh = _xml(out / "zh-demand.docx")
    capital = "人民币壹万陆仟肆佰零玖元零贰分"
    assert WORD_JOINER.join(capital) in zh
    # LibreOffice keeps the contract number on one line.  (LibreOffice 7.4 breaks CJK text between any
    # two characters whatever joins them — U+2060, U+200D, U+FEFF or U+00A0 alike — so the 大写
    # amount is only checked in the XML above.)
    assert any(w.text.startswith("SK-2024-00123") for w in _words(out / "lo" / "ja-demand.pdf"))


def test_cjk_latin_autospacing_is_off(out: Path) -> None:
    for path in sorted(out.glob("*.docx")):
        styles = _xml(path, "word/styles.xml")
        normal = re.search(r'<w:style w:type="paragraph" w:default="1" [^>]*>.*?</w:style>', styles, re.S)
        assert normal is not None, path.name
        for setting in ("autoSpaceDE", "autoSpaceDN"):
            assert f'<w:{setting} w:val="0"/>' in normal[0], (path.name, setting)
            assert not re.search(rf'<w:{setting}(?: w:val="(?:1|true|on)")?/>', _xml(path)), path.name
    # The date is one run of text, without spaces: "2026年11月23日".
    assert ">2026年11月23日<" in _xml(out / "ja-demand.docx")
    assert ">2026年11月23日<" in _xml(out / "zh-demand.docx")


def test_e_naiyo_lines_fill_the_grid(out: Path) -> None:
    """Full-width characters, so each LibreOffice line is one grid line of at most 26 cells, and
    a line of 26 ends at the grid's right edge."""
    docx_lines = [text for _, text in _paragraphs(_xml(out / "ja-naiyo.docx"))]
    assert docx_lines and not re.search("[\x21-\x7e]", "".join(docx_lines))
    words = [w for w in _words(out / "lo" / "ja-naiyo.pdf") if w.page == 1]
    lines: dict[int, list[Word]] = {}
    for w in words:
        lines.setdefault(round(w.y * 2), []).append(w)
    printed = ["".join(w.text for w in sorted(line, key=lambda w: w.x)) for _, line in sorted(lines.items())]
    page_one = [line.replace("\u3000", "") for line in docx_lines[: len(printed) + 10] if line.strip()]
    assert printed == page_one[: len(printed)]
    full = [max(w.right for w in line) for line in lines.values() if len("".join(w.text for w in line)) == 26]
    assert len(full) >= 3 and max(full) - min(full) < 1.0, full
