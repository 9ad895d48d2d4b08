"""The jurisdiction pack through the real pipeline: 内容証明, validation notice, payment plan, report."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner
from docx import Document

from letters.batch.options import Options
from letters.batch.pipeline import run_batch
from letters.cli import cli
from tests.conftest import EN_ROW, JA_ROW, CsvWriter
from tests.helpers import make_account, pdftotext

AS_OF = date(2026, 11, 23)
pytestmark = pytest.mark.slow


def test_naiyo_batch_writes_grid_pdf_and_word_file_outside_the_print_file(tmp_path: Path) -> None:
    accounts = [make_account("ja", account_id=f"JA-{i}") for i in range(2)] + [make_account("en")]
    options = Options(
        outdir=tmp_path / "out", as_of=AS_OF, letter_kind="demand", naiyo=(26, 20), naiyo_docx=True
    )
    result = run_batch(accounts, options)
    assert result.failed == []
    ja = [w for w in result.written if w.letter.planned.lang == "ja"]
    assert all(w.letter.naiyo == (26, 20) for w in ja)
    text = pdftotext(ja[0].path)
    assert "催告書" in text.replace(" ", "")
    docx = ja[0].extra_files[0]
    assert docx.name.endswith("_e-naiyo.docx")
    body = "".join(p.text for p in Document(str(docx)).paragraphs)
    assert "山田" in body
    # 内容証明 sheets are printed single-sided: only the en letter is in the (single-letter) print file.
    assert result.print_files == []


def test_payment_plan_and_validation_notice_through_the_cli(tmp_path: Path, write_csv: CsvWriter) -> None:
    source = write_csv([EN_ROW | {"creditor": "Empire Telecom Inc."}])
    runner = CliRunner()
    common = [
        "-o",
        str(tmp_path / "vn"),
        "--as-of",
        "2026-11-23",
        "--silent",
        "--db",
        f"sqlite:///{tmp_path}/l.sqlite",
    ]
    result = runner.invoke(cli, ["render", str(source), "--letter", "validation-notice", *common])
    assert result.exit_code == 0, result.output
    (pdf,) = sorted((tmp_path / "vn").glob("0*.pdf"))
    text = " ".join(pdftotext(pdf).split())
    assert "Empire Telecom Inc." in text
    # Reg F §1006.34(b)(5): receipt assumed Tuesday 1 December (five days without Thanksgiving
    # and the weekend), the period ends 30 days later; 35 calendar days would say December 28
    assert "December 31, 2026" in text and "December 28, 2026" not in text
    assert "cfpb.gov" in text.lower()

    source_ja = write_csv([JA_ROW], name="ja.csv")
    plan_args = [
        "render",
        str(source_ja),
        "--letter",
        "payment-plan",
        "--installments",
        "3",
        "-o",
        str(tmp_path / "pp"),
    ]
    result = runner.invoke(
        cli, [*plan_args, "--as-of", "2026-11-23", "--silent", "--db", f"sqlite:///{tmp_path}/l.sqlite"]
    )
    assert result.exit_code == 0, result.output
    (pdf,) = sorted((tmp_path / "pp").glob("0*.pdf"))
    text = " ".join(pdftotext(pdf).split())
    # 101,500 in three: 33,833 + 33,833 + 33,834 — the last installment absorbs the remainder.
    assert Decimal(120000 + 1500 - 20000) == Decimal(101500)
    assert text.count("¥33,833") >= 2 and "¥33,834" in text

    missing = runner.invoke(
        cli, ["render", str(source_ja), "--letter", "payment-plan", "-o", str(tmp_path / "x")]
    )
    assert missing.exit_code == 2
    assert "--letter payment-plan needs --installments N" in missing.output


def test_report_lists_accounts_by_expiry(tmp_path: Path, write_csv: CsvWriter) -> None:
    rows = [JA_ROW | {"account_id": "OLD", "due_date": "2022-01-10", "contract_date": "2021-01-01"}, JA_ROW]
    source = write_csv(rows)
    result = CliRunner().invoke(
        cli, ["report", str(source), "--as-of", "2026-11-23", "--db", f"sqlite:///{tmp_path}/l.sqlite"]
    )
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[1].startswith("OLD\tJP\t2027-01-10\t48\t")
    assert "demand now" in lines[1]
    plan = CliRunner().invoke(
        cli, ["plan", str(source), "--as-of", "2026-11-23", "--db", f"sqlite:///{tmp_path}/l.sqlite"]
    )
    assert "warning: OLD: limitation period ends 2027-01-10 (48 days)" in plan.stderr
