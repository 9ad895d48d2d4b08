"""内容証明: Japan Post's character count, the grid layout, the letter text, the PDF and the DOCX."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from letters.batch.compose_step import letter_fields
from letters.compose.naiyo import NAIYO_STYLESHEETS, build_document, naiyo_text, render_naiyo_html
from letters.compose.naiyo_grid import GRIDS, count_chars, count_lines, layout, layout_lines, parse_grid
from letters.compose.render_html import Letter
from letters.docx.naiyo import GEOMETRY, full_width, naiyo_docx, write_naiyo_docx
from letters.errors import ConfigError, LayoutError
from tests.helpers import pdftotext
from tests.render_helpers import TEMPLATES, letter_for, writer

G26, G20, G13 = GRIDS["26x20"], GRIDS["20x26"], GRIDS["13x40"]
NO_LINE_START = set("、。，．・：；？！ー々」』）)］】〉》")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("あいう", 3),  # kana
        ("債権回収", 4),  # kanji
        ("、。", 2),  # punctuation counts
        ("「あ」", 2),  # a bracket pair counts one
        ("（株）", 2),
        ("『あ』「い」", 4),
        ("(a)", 2),  # ASCII brackets pair too
        ("カ）サクラ", 5),  # a closing bracket without its partner counts
        ("「あ", 2),  # an opening bracket never closed counts
        ("「（」）", 3),  # mis-nested: the closing 」 does not close （ and counts
        ("ABC", 3),  # Latin letters one each
        ("2026", 4),  # digits one each
        ("１２", 2),  # full-width digits too
        ("120,000円", 8),  # separators count
        ("%&-・～¥", 6),  # symbols one each
        ("山田 太郎", 5),  # a space takes a cell
        ("山田　太郎", 5),
        ("㎡", 2),  # composed: m + 2
        ("㎏", 2),
        ("㍑", 4),  # リットル
        ("㈱", 2),  # 株 + a bracket pair
        ("⑴", 2),
        ("①", 2),  # framed: contents + frame
        ("⑩", 3),
        ("❶", 2),
        ("が", 1),  # precomposed
        ("か\u3099", 1),  # combining dakuten belongs to the kana
        ("葛\U000e0100", 1),  # a variation selector counts nothing
        ("ｶﾞ", 2),  # half-width katakana and its separate sound mark
        ("", 0),
    ],
)
def test_count_chars_follows_japan_post(text: str, expected: int) -> None:
    assert count_chars(text) == expected


def test_a_pair_spanning_lines_counts_on_the_opening_line() -> None:
    assert count_lines(["あ「い", "う」え"]) == [3, 2]
    assert count_chars("あ「い\nう」え") == 5


@pytest.mark.parametrize("grid", [G26, G20, G13])
def test_layout_wraps_exactly_at_the_grid_width(grid: tuple[int, int]) -> None:
    width = grid[0]
    pages = layout(["あ" * (width * 2 + 3)], grid)
    assert pages == [["あ" * width, "あ" * width, "あ" * 3]]


@pytest.mark.parametrize("grid", [G26, G20, G13])
def test_layout_fills_pages_with_the_grid_lines(grid: tuple[int, int]) -> None:
    per_page = grid[1]
    paragraphs = [f"第{n}項" for n in range(per_page * 2 + 5)]
    pages = layout(paragraphs, grid)
    assert [len(page) for page in pages] == [per_page, per_page, 5]
    assert [line for page in pages for line in page] == paragraphs


def test_paragraphs_and_newlines_start_new_lines() -> None:
    assert layout(["あい", "", "う\nえ"], G26) == [["あい", "", "う", "え"]]


def test_a_free_closing_bracket_stays_on_a_full_line() -> None:
    lines = layout_lines(["「" + "あ" * 24 + "」い" + "う"], G26)[0]
    assert lines[0].text == "「" + "あ" * 24 + "」い"
    assert lines[0].count == 26
    assert len(lines[0].glyphs) == 27  # more glyphs than cells, never more than the count allows
    assert lines[1].text == "う"


def test_punctuation_never_starts_a_line() -> None:
    assert layout(["あ" * 26 + "。"], G26) == [["あ" * 25, "あ。"]]
    assert layout(["あ" * 25 + "い、う"], G26) == [["あ" * 25, "い、う"]]


def test_an_opening_bracket_never_ends_a_line() -> None:
    assert layout(["あ" * 25 + "「い」"], G26) == [["あ" * 25, "「い」"]]


def test_runs_of_letters_and_digits_are_not_split() -> None:
    assert layout(["あ" * 20 + "SK-2024-00123です"], G26) == [["あ" * 20, "SK-2024-00123です"]]
    assert layout(["金" + "1,234,567円"], G13) == [["金1,234,567円"]]


def test_a_space_does_not_start_a_continuation_line() -> None:
    assert layout(["あ" * 26 + " い"], G26) == [["あ" * 26, "い"]]
    assert layout(["あ" * 26 + "　い"], G26) == [["あ" * 26, "い"]]
    assert layout(["　あ"], G26) == [["　あ"]]  # an indent opening a paragraph stays


def test_a_run_longer_than_a_line_is_an_error_naming_page_and_line() -> None:
    paragraphs = ["あ"] * 25 + ["送付先 " + "x" * 30 + " まで"]
    with pytest.raises(LayoutError) as info:
        layout(paragraphs, G26)
    assert str(info.value) == (
        "内容証明 26x20: page 2, line 6: '" + "x" * 30 + "' counts 30 characters and cannot be split, "
        "but a line holds 26 (paragraph 26: '送付先 " + "x" * 20 + "…')"
    )


def test_a_contract_number_too_long_for_13_characters_is_refused() -> None:
    with pytest.raises(LayoutError, match=r"page 1, line 1: 'SK-2024-000123' counts 14 characters"):
        layout(["SK-2024-000123"], G13)


def test_grids() -> None:
    assert parse_grid("26x20") == (26, 20)
    assert parse_grid(" 13×40 ") == (13, 40)
    with pytest.raises(ConfigError, match="use one of 26x20, 20x26, 13x40"):
        parse_grid("30x20")
    assert layout(["あ" * 30], (25, 20)) == [["あ" * 25, "あ" * 5]]  # a smaller grid is allowed
    with pytest.raises(ConfigError, match="larger than Japan Post allows"):
        layout(["あ"], (27, 20))


@pytest.fixture(scope="module")
def demand() -> Letter:
    return letter_for("ja", "demand")


@pytest.fixture(scope="module")
def lawyer() -> Letter:
    return letter_for("ja", "lawyer")


def test_demand_text_has_the_letter_and_the_footer(demand: Letter) -> None:
    text = naiyo_text(demand, G26)
    joined = "\n".join(text)
    assert text[0].strip("　") == "催　告　書"
    for needle in (
        "前略",
        "草々",
        "金102,380円",  # 120,000 + 1,500 + 880 − 20,000
        "元本120,000円",
        "既払金・値引き20,000円",
        "SK-2024-00123",
        "2024年4月1日",
        "2026年9月30日",  # due date
        "2026年12月7日",  # pay by
        "INV-2026-0831",
        "三菱UFJ銀行",
        "以上",
        "2026年11月23日",  # letter date
        "差出人　株式会社さくらファイナンス",
        "代表取締役 桜井 一郎",
        "〒100-0005　東京都千代田区丸の内二丁目7番3号",
        "〒160-0023　東京都新宿区西新宿2丁目8番1号　新宿ビル 12階",
        "受取人　山田 太郎 様",
    ):
        assert needle in joined, needle
    bare = [line.strip("　") for line in text]
    assert bare.index("草々") < bare.index("記") < bare.index("以上") < bare.index("2026年11月23日")
    assert text[-1] == "受取人　山田 太郎 様"


def test_lawyer_text_names_client_and_agent(lawyer: Letter) -> None:
    joined = "\n".join(naiyo_text(lawyer, G26))
    assert "通知書（催告書）" in joined
    assert "冠省" in joined and "不一" in joined and "草々" not in joined
    assert "通知人　株式会社さくらファイナンス" in joined
    assert "通知人代理人　桜通り法律事務所" in joined
    assert "被通知人　山田 太郎 様" in joined


def test_era_dates_when_the_letter_asks() -> None:
    joined = "\n".join(naiyo_text(letter_for("ja", "demand", era=True), G26))
    assert "令和8年11月23日" in joined and "2026年" not in joined


def test_only_demands_and_lawyers_letters() -> None:
    with pytest.raises(ConfigError, match="内容証明 is for demand and lawyer letters, not reminder"):
        naiyo_text(letter_for("ja", "reminder"), G26)


@pytest.mark.parametrize("kind", ["demand", "lawyer"])
@pytest.mark.parametrize("grid", [G26, G20, G13])
def test_letter_fits_every_grid(kind: str, grid: tuple[int, int]) -> None:
    width, per_page = grid
    pages = layout_lines(naiyo_text(letter_for("ja", kind), grid), grid)
    lines = [line for page in pages for line in page]
    assert all(len(page) <= per_page for page in pages)
    assert all(line.count <= width for line in lines)
    # The counts the layout used are Japan Post's count of the lines as printed.
    assert count_lines([line.text for line in lines]) == [line.count for line in lines]
    starts = [line.text[0] for line in lines if line.text]
    assert not NO_LINE_START & set(starts)


def test_document_has_three_copies_and_the_joins(demand: Letter) -> None:
    document = build_document(demand, G26)
    sheets = len(document.sheets)
    assert sheets == len(layout(naiyo_text(demand, G26), G26))
    assert [(c.first_page, c.last_page) for c in document.copies] == [
        (2 + k * sheets, 1 + (k + 1) * sheets) for k in range(3)
    ]
    assert document.joins == tuple(f"{n}枚目と{n + 1}枚目" for n in range(1, sheets))
    for sheet in document.sheets:
        assert len(sheet.rows) == 20
        for row in sheet.rows:
            assert sum(float(c.width.rstrip("%")) for c in row.cells) <= 100


def test_html_holds_no_image_and_no_letterhead(demand: Letter) -> None:
    html = render_naiyo_html(demand, TEMPLATES, G26)
    assert "<img" not in html
    assert "letterhead" not in html
    assert html.count('class="sheet"') == 3 * len(build_document(demand, G26).sheets)


def _page_texts(path: Path, pages: int) -> list[str]:
    texts = []
    for page in range(1, pages + 1):
        out = subprocess.run(
            ["pdftotext", "-layout", "-f", str(page), "-l", str(page), str(path), "-"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        texts.append(out)
    return texts


@pytest.mark.slow
@pytest.mark.parametrize("grid", [G26, G13])
def test_pdf_shows_the_text_on_the_grid(demand: Letter, grid: tuple[int, int], tmp_path: Path) -> None:
    html = render_naiyo_html(demand, TEMPLATES, grid)
    pdf = writer().write_document(
        html, NAIYO_STYLESHEETS, lang="ja", name=f"letter {demand.id}", fields=letter_fields(demand.account)
    )
    path = tmp_path / "naiyo.pdf"
    path.write_bytes(pdf.data)
    sheets = len(layout(naiyo_text(demand, grid), grid))
    assert pdf.pages == 1 + 3 * sheets
    texts = _page_texts(path, pdf.pages)
    cover = "".join(texts[0].split())
    assert "内容証明郵便" in cover and "片面に印刷" in cover and "一般書留・配達証明" in cover
    copies = [texts[1 + k * sheets : 1 + (k + 1) * sheets] for k in range(3)]
    assert copies[0] == copies[1] == copies[2]  # three identical copies
    for page in copies[0]:
        assert len([line for line in page.splitlines() if line.strip()]) <= grid[1]
    body = "".join("".join(copies[0]).split())
    for needle in ("催告書", "金102,380円", "受取人山田太郎様", "差出人株式会社さくらファイナンス", "以上"):
        assert needle in body, needle


W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _docx_xml(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.read("word/document.xml").decode("utf-8")


def _docx_styles(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.read("word/styles.xml").decode("utf-8")


@pytest.mark.parametrize("grid", [G26, G20, G13])
def test_docx_has_the_grid_and_one_paragraph_per_line(demand: Letter, grid: tuple[int, int]) -> None:
    import docx

    pages = layout(naiyo_text(demand, grid), grid)
    data = write_naiyo_docx(demand, grid)
    xml = _docx_xml(data)
    document = docx.Document(io.BytesIO(data))
    # The laid-out lines, each half-width character in its full-width form (one grid cell each).
    assert [p.text for p in document.paragraphs] == [full_width(line) for page in pages for line in page]
    assert not re.search("[\x21-\x7e]", "".join(p.text for p in document.paragraphs))
    assert xml.count("<w:pageBreakBefore/>") == len(pages) - 1
    for setting in ("kinsoku", "autoSpaceDE", "autoSpaceDN"):
        assert f'<w:{setting} w:val="0"/>' in _docx_styles(data)
    section = document.sections[0]
    width, height = section.page_width, section.page_height
    assert width is not None and height is not None
    assert (round(width.mm), round(height.mm)) == (210, 297)
    grid_element = section._sectPr.find(f"{W}docGrid")
    assert grid_element is not None
    assert grid_element.get(f"{W}type") == "linesAndChars"
    # Word's characters per line: text width ÷ (font size + charSpace / 4096) — exactly the grid's.
    assert section.left_margin is not None and section.right_margin is not None
    text_width_pt = (width - section.left_margin - section.right_margin) / 12700
    pitch_pt = GEOMETRY[grid][2] + int(grid_element.get(f"{W}charSpace")) / 4096
    assert int(text_width_pt // pitch_pt) == grid[0]
    # Lines per page: text height ÷ linePitch (both in twentieths of a point) — exactly the grid's.
    assert section.top_margin is not None and section.bottom_margin is not None
    text_height = (height - section.top_margin - section.bottom_margin) / 635
    assert text_height // int(grid_element.get(f"{W}linePitch")) == grid[1]


def test_docx_refuses_more_than_five_pages() -> None:
    pages = layout(["あ"] * 20 * 6, G26)
    with pytest.raises(LayoutError, match="needs 6 pages; e内容証明 accepts at most 5"):
        naiyo_docx(pages, G26)
    assert naiyo_docx(pages, G26, max_pages=None)


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
@pytest.mark.parametrize("grid", [G26, G13])
def test_docx_round_trip_through_libreoffice_keeps_the_pages(
    demand: Letter, grid: tuple[int, int], tmp_path: Path
) -> None:
    source = tmp_path / "naiyo.docx"
    source.write_bytes(write_naiyo_docx(demand, grid))
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{tmp_path}/lo",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        capture_output=True,
        check=True,
        timeout=180,
    )
    pdf = tmp_path / "naiyo.pdf"
    pages = layout(naiyo_text(demand, grid), grid)
    texts = _page_texts(pdf, len(pages))
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"^Pages:\s+(\d+)$", info, re.M) is not None
    assert int(re.findall(r"^Pages:\s+(\d+)$", info, re.M)[0]) == len(pages)
    for text, page in zip(texts, pages, strict=True):
        assert len([line for line in text.splitlines() if line.strip()]) <= grid[1]
        assert "".join(text.split()) == "".join(full_width("".join(page)).split())
    assert "受取人山田太郎様" in "".join(pdftotext(pdf).split())


def test_naiyo_text_states_computed_interest_and_that_it_runs_on() -> None:
    from datetime import date
    from decimal import Decimal

    letter = letter_for(
        "ja",
        "demand",
        principal=Decimal(120000),
        interest=Decimal(0),
        payments=Decimal(0),
        due_date=date(2026, 9, 30),
        extra={"interest_rate": "14.6", "contract_type": "consumer"},
    )
    text = "\n".join(naiyo_text(letter))
    # 120,000 × 14.6% × 54 / 365 = 2,592: in the amount claimed (with the fees of 880) and its breakdown
    assert "請求金額　金123,472円" in text and "利息・遅延損害金2,592円、手数料880円の合計" in text
    assert "2026年10月1日から2026年11月23日まで54日間の年14.6％の割合による額" in text
    sentence = "なお、完済に至るまで、残元金に対し年14.6％の割合による遅延損害金が日々発生いたします。"
    lines = naiyo_text(letter)
    demand = next(i for i, line in enumerate(lines) if "催告いたします。" in line)
    assert sentence in lines[demand + 1]  # right after the demand to pay
    assert text.index(sentence) < text.index("草々")
    plain = "\n".join(naiyo_text(letter_for("ja", "demand")))
    assert "日々発生" not in plain and "日間の年" not in plain
