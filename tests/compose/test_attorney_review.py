"""US attorney letters (compose/attorney_review.py): the reviewing attorney named, or the Greco
disclaimer; a batch of more than one with neither is refused; --reviewed-by kept in the manifest and
the ledger (hash-chained)."""

from __future__ import annotations

import dataclasses
import json
import shutil
from pathlib import Path

import pytest

from letters.batch.compose_step import build_letters, make_plan
from letters.batch.options import Options
from letters.compose.attorney_review import DISCLAIMER
from letters.compose.render_html import Letter, render_html
from letters.decide.policy import Policy
from letters.errors import ConfigError, RenderError
from letters.evidence.ledger import Ledger
from tests.batch_helpers import run_cli
from tests.conftest import EN_ROW, ROOT, CsvWriter
from tests.helpers import make_account, notice_sent, pdftotext, record_notices
from tests.render_helpers import AS_OF, letter_for, letter_pdf

REVIEWED = "Daniel R. Whitfield, an attorney with this firm, has personally reviewed the particular"


def _text(letter: Letter, tmp_path: Path) -> str:
    path = tmp_path / "letter.pdf"
    path.write_bytes(letter_pdf(letter, render_html(letter, ROOT / "templates").html).data)
    return " ".join(pdftotext(path).split())


def _letters(count: int, **options: object) -> list[Letter]:
    accounts = [make_account("en", account_id=f"EN-000{i}") for i in range(1, count + 1)]
    opts = Options(as_of=AS_OF, letter_kind="lawyer", archive=False, **options)  # type: ignore[arg-type]
    history = notice_sent(*(a.account_id for a in accounts))
    letters, failed = build_letters(make_plan(accounts, opts, Policy(), history), opts, Policy())
    assert failed == []
    return letters


def test_a_letter_nobody_reviewed_says_so(tmp_path: Path) -> None:
    letter = letter_for("en", "lawyer")
    assert letter.sender.kind == "law_firm" and letter.reviewed_by == ""
    text = _text(letter, tmp_path)
    assert DISCLAIMER in text
    assert "has personally reviewed the particular circumstances of your account before" not in text


def test_the_reviewing_attorney_is_named(tmp_path: Path) -> None:
    (letter,) = _letters(1, reviewed_by="Daniel R. Whitfield")
    assert letter.reviewed_by == "Daniel R. Whitfield"
    text = _text(letter, tmp_path)
    assert REVIEWED in text and DISCLAIMER not in text


def test_neither_statement_refuses_the_letter(tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    shutil.copytree(ROOT / "templates", templates)
    lawyer = templates / "en" / "lawyer.html"
    lawyer.write_text(lawyer.read_text(encoding="utf-8").replace(' data-required="us.attorney.review"', ""))
    with pytest.raises(RenderError, match=r"\[us.attorney.review\] \(FDCPA §1692e\(3\); Clomon v. Jackson"):
        render_html(letter_for("en", "lawyer"), templates)


def test_a_bulk_of_attorney_letters_needs_a_review_or_the_disclaimer_chosen() -> None:
    with pytest.raises(
        ConfigError, match=r"2 attorney letters to US consumers in one batch.*--reviewed-by NAME"
    ):
        _letters(2)
    disclaimed = _letters(2, no_attorney_review=True)
    assert [letter.reviewed_by for letter in disclaimed] == ["", ""]
    reviewed = _letters(2, reviewed_by="Daniel R. Whitfield")
    assert [letter.reviewed_by for letter in reviewed] == ["Daniel R. Whitfield"] * 2
    with pytest.raises(ConfigError, match="not both"):
        Options(reviewed_by="X", no_attorney_review=True)


def test_businesses_and_other_kinds_need_no_review() -> None:
    accounts = [
        make_account("en", account_id=f"EN-B{i}", debtor_type="organisation", debtor_name=f"Doe {i} LLC")
        for i in (1, 2)
    ]
    opts = Options(as_of=AS_OF, letter_kind="lawyer", archive=False)
    letters, failed = build_letters(make_plan(accounts, opts, Policy(), None), opts, Policy())
    assert failed == [] and len(letters) == 2
    html = render_html(dataclasses.replace(letters[0]), ROOT / "templates").html
    assert DISCLAIMER not in html


def test_reviewed_by_is_kept_in_the_manifest_and_the_ledger(tmp_path: Path, write_csv: CsvWriter) -> None:
    rows = [EN_ROW | {"account_id": f"EN-000{i}", "creditor": "Empire Harbor Bank, N.A."} for i in (1, 2)]
    source = write_csv(rows)
    db = f"sqlite:///{tmp_path / 'ledger.sqlite'}"
    record_notices("EN-0001", "EN-0002", db=db)
    parted_db = f"sqlite:///{tmp_path / 'parted.sqlite'}"
    record_notices("EN-0001", "EN-0002", db=parted_db)
    base = ["render", str(source), "--as-of", "2026-11-23", "--letter", "lawyer", "--db", db]
    planned = run_cli(["plan", str(source), "--as-of", "2026-11-23", "--letter", "lawyer", "--db", db])
    assert planned.returncode == 0, planned.stderr
    assert "warning: render will refuse this batch: 2 attorney letters to US consumers" in planned.stderr
    refused = run_cli([*base, "-o", str(tmp_path / "refused")])
    assert refused.returncode == 1
    assert "2 attorney letters to US consumers in one batch" in refused.stderr
    # A file run in parts counts the whole file: the second part is refused, not sent unreviewed.
    parted = run_cli([*base, "-o", str(tmp_path / "parted"), "--part-size", "1", "--db", parted_db])
    assert parted.returncode == 1
    assert "2 attorney letters to US consumers in one batch" in parted.stderr
    book = Ledger(parted_db)
    try:
        assert len(book.recorded_letters(f"20261123-lawyer-EN-000{i}" for i in (1, 2))) == 1
    finally:
        book.close()
    out = tmp_path / "out"
    result = run_cli([*base, "-o", str(out), "--reviewed-by", "Daniel R. Whitfield"])
    assert result.returncode == 0, result.stderr
    (bag,) = (out / "archive").iterdir()
    manifest = json.loads((bag / "data" / "manifest.json").read_text(encoding="utf-8"))
    assert [e["reviewed_by"] for e in manifest["letters"]] == ["Daniel R. Whitfield"] * 2
    ids = [e["letter_id"] for e in manifest["letters"]]
    for pdf in out.glob("0*_lawyer_*.pdf"):
        assert REVIEWED in " ".join(pdftotext(pdf).split())
    ledger = Ledger(db)
    try:
        assert ledger.reviews(ids) == dict.fromkeys(ids, "Daniel R. Whitfield")
        assert ledger.verify_chain() == []
    finally:
        ledger.close()


def test_reviews_are_chained_in_the_ledger(db_url: str) -> None:
    from sqlalchemy import text

    ledger = Ledger(db_url)
    try:
        ledger.record_reviews({"L-1": "Daniel R. Whitfield", "L-2": "Ann Crane"})
        ledger.record_reviews({"L-1": "Someone Else"})  # a re-run keeps the recorded reviewer
        assert ledger.reviews(["L-1", "L-2", "L-3"]) == {"L-1": "Daniel R. Whitfield", "L-2": "Ann Crane"}
        assert ledger.verify_chain() == []
        with ledger.engine.begin() as conn:
            conn.execute(text("UPDATE attorney_reviews SET attorney = 'Nobody' WHERE letter_id = 'L-2'"))
        (problem,) = ledger.verify_chain()
        assert "review by Ann Crane (L-2)" in problem and "Nobody" in problem
    finally:
        ledger.close()
