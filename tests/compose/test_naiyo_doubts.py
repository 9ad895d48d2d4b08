"""内容証明 values the counter may refuse: Latin letters outside proper nouns are named with their
sheet and line on the cover sheet and as batch warnings; proper nouns and digits pass quietly."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from letters.batch.compose_step import add_kind_context, letter_fields
from letters.batch.options import Options
from letters.batch.results import BatchResult
from letters.compose.naiyo import NAIYO_STYLESHEETS, build_document, render_naiyo_html
from letters.compose.naiyo_doubts import counter_doubts, doubtful_values
from letters.compose.naiyo_grid import GRIDS
from letters.decide.plan import Plan
from tests.helpers import make_account, pdftotext
from tests.render_helpers import TEMPLATES, letter_for, writer

G26 = GRIDS["26x20"]


def test_contract_and_invoice_numbers_with_latin_letters_are_doubtful() -> None:
    account = make_account("ja")  # SK-2024-00123, INV-2026-0831; bank 三菱UFJ銀行 is a proper noun
    assert doubtful_values(account) == [
        ("contract_number", "契約番号", "SK-2024-00123"),
        ("invoice_refs", "請求書番号", "INV-2026-0831"),
    ]
    digits = make_account("ja", contract_number="2024-00123", invoice_refs=("２０２６－０８３１",))
    assert doubtful_values(digits) == []
    # full-width letters are letters too
    assert doubtful_values(make_account("ja", contract_number="ＳＫ１２３", invoice_refs=()))


def test_each_doubt_names_every_line_it_is_on() -> None:
    account = make_account("ja", invoice_refs=())
    sheets = [["催告書", "契約（契約番号SK-2024-00123）に基づき"], ["2　契約番号　SK-2024-00123", "以上"]]
    (doubt,) = counter_doubts(account, sheets)
    assert doubt.places == ((1, 2), (2, 1))
    assert doubt.where == "1枚目2行目、2枚目1行目"
    message = doubt.warning("L-1")
    assert message.startswith("letter L-1 (内容証明) sheet 1, line 2; sheet 2, line 1: contract_number")
    assert "'SK-2024-00123' has Latin letters" in message and "proper nouns" in message


def test_the_document_finds_them_on_its_own_sheets() -> None:
    letter = letter_for("ja", "demand")
    document = build_document(letter, G26)
    found = {d.value: d for d in document.doubts}
    assert set(found) == {"SK-2024-00123", "INV-2026-0831"}
    for doubt in document.doubts:
        for sheet, line in doubt.places:
            row = document.sheets[sheet - 1].rows[line - 1]
            assert doubt.value[:2] in "".join(cell.text for cell in row.cells)
    clean = letter_for("ja", "demand", contract_number="2024-00123", invoice_refs=())
    assert build_document(clean, G26).doubts == ()


@pytest.mark.slow
def test_the_cover_sheet_lists_them_before_the_steps(tmp_path: Path) -> None:
    letter = letter_for("ja", "demand", invoice_refs=())
    html = render_naiyo_html(letter, TEMPLATES, G26)
    pdf = writer().write_document(
        html, NAIYO_STYLESHEETS, lang="ja", name=f"letter {letter.id}", fields=letter_fields(letter.account)
    )
    path = tmp_path / "naiyo.pdf"
    path.write_bytes(pdf.data)
    (doubt,) = build_document(letter, G26).doubts
    cover = "".join(pdftotext(path).split("\f")[0].split())
    expected = f"{doubt.where}（各通とも同じ位置）：契約番号「SK-2024-00123」に英字が含まれています。"
    assert "窓口で確認が必要な箇所" in cover and expected in cover
    assert cover.index("窓口で確認が必要な箇所") < cover.index("片面に印刷")
    clean = render_naiyo_html(
        letter_for("ja", "demand", contract_number="2024-00123", invoice_refs=()), TEMPLATES, G26
    )
    assert "窓口で確認が必要な箇所" not in clean


def test_a_naiyo_batch_warns_and_a_plain_one_does_not() -> None:
    letter = letter_for("ja", "demand", invoice_refs=())
    for naiyo, expected in ((G26, 1), (None, 0)):
        result = BatchResult(Plan(date(2026, 11, 23), (), ()))
        options = Options(as_of=date(2026, 11, 23), letter_kind="demand", naiyo=naiyo)
        ready = add_kind_context([letter], options, result)
        assert len(ready) == 1 and result.failed == []
        assert len(result.warnings) == expected
        if expected:
            assert result.warnings[0].startswith(f"letter {letter.id} (内容証明) sheet 1, line ")
