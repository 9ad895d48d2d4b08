"""--part-size: a file of more accounts than a part runs as several batches, one after another, each
with its own print files, archive and ledger record; every letter once, numbered across the parts."""

from __future__ import annotations

import csv
import re
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader

from letters.batch.options import Options
from letters.batch.pipeline import run_batch
from letters.batch.results import BatchResult
from letters.evidence.ledger import Ledger
from letters.intake import spool
from letters.intake.validate import load_accounts
from tests.batch_helpers import accounts_file, recorded_letters, run_cli
from tests.conftest import JA_ROW, CsvWriter

ACCOUNTS = ["JA-0001", "JA-0002", "ZH-0001", "EN-0001"]


def _render(source: Path, out: Path, db: str) -> tuple[int, str, str]:
    args = ["render", str(source), "-o", str(out), "--as-of", "2026-11-23", "--letter", "demand"]
    result = run_cli([*args, "--db", db, "--silent", "--workers", "1", "--part-size", "2"])
    return result.returncode, result.stdout, result.stderr


def test_a_file_in_parts_is_every_letter_once_each_part_its_own_batch(
    tmp_path: Path, write_csv: CsvWriter
) -> None:
    db = f"sqlite:///{tmp_path / 'ledger.sqlite'}"
    out = tmp_path / "out"
    source = accounts_file(write_csv)
    code, stdout, stderr = _render(source, out, db)
    assert code == 0, stderr
    assert "part 1 of 2: 2 written" in stdout and "part 2 of 2: 2 written" in stdout
    assert stdout.rstrip().endswith("4 written, 0 failed, 0 skipped")
    # Numbered across the parts: the second part goes on where the first stopped, no name twice.
    pdfs = sorted(out.glob("0*.pdf"))
    assert [p.name.split("_")[0] for p in pdfs] == ["00001", "00002", "00003", "00004"]
    assert [p.stem.split("_")[-1] for p in pdfs] == ACCOUNTS
    for pdf in pdfs:
        assert pdf.stem.split("_")[-1] in PdfReader(pdf).pages[0].extract_text()
    # Each part its own batch: a ledger record and a bag that verifies, holding that part's letters.
    batches = re.findall(r"^ledger: batch (\S+) ", stdout, flags=re.M)
    assert len(batches) == 2 and batches[0] != batches[1]
    bags = sorted((out / "archive").iterdir())
    assert len(bags) == 2
    held: list[str] = []
    for bag in bags:
        verified = run_cli(["verify", str(bag), "--db", db])
        assert verified.returncode == 0, verified.stderr
        letters = sorted(p.stem.split("_")[-1] for p in (bag / "data" / "letters").glob("*.pdf"))
        assert len(letters) == 2
        held.extend(letters)
    assert sorted(held) == sorted(ACCOUNTS)
    # The print files of a part hold that part's letters only.
    prints = re.findall(r"^print PDF: (\S+) ", stdout, flags=re.M)
    assert prints
    printed = "".join(page.extract_text() for p in prints for page in PdfReader(p).pages)
    for account in ACCOUNTS:
        assert printed.count(account) >= 1
    assert len(recorded_letters(db)) == 4
    ledger = Ledger(db)
    try:
        assert ledger.batch(batches[0]) is not None and ledger.batch(batches[1]) is not None
    finally:
        ledger.close()
    # The same command again: every letter is already recorded, none is written or sent twice.
    code, stdout, stderr = _render(source, out, db)
    assert code == 0, stderr
    assert stdout.rstrip().endswith("0 written, 0 failed, 0 skipped")
    assert stderr.count("already sent") == 4
    assert len(recorded_letters(db)) == 4
    assert len(list((out / "archive").iterdir())) == 2


def test_parts_are_handed_over_as_they_finish_and_not_kept(
    tmp_path: Path, write_csv: CsvWriter, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A file past the spool's limit: its accounts are read back from disk a part at a time.
    monkeypatch.setattr(spool, "SPOOL_OVER", 2)
    # A fifth account, not yet due on the batch's date: skipped, in the second part.
    with accounts_file(write_csv).open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    rows.append(JA_ROW | {"account_id": "JA-0009", "due_date": "2026-12-31"})
    accounts = load_accounts(str(write_csv(rows)))
    assert isinstance(accounts.accounts, spool.AccountSpool) and accounts.accounts.spilled
    options = Options(
        outdir=tmp_path / "out",
        as_of=date(2026, 11, 23),
        letter_kind="demand",
        db=f"sqlite:///{tmp_path / 'ledger.sqlite'}",
        workers=1,
        part_size=3,
        archive=False,
    )
    parts: list[BatchResult] = []
    total = run_batch(accounts, options, on_part=parts.append)
    assert [p.part for p in parts] == [(1, 2), (2, 2)]
    assert [len(p.written) for p in parts] == [3, 1]
    assert [w.letter.sequence for p in parts for w in p.written] == [1, 2, 3, 4]
    assert [[s.account.account_id for s in p.plan.skipped] for p in parts] == [[], ["JA-0009"]]
    # Heard, not kept: the whole batch's result holds no letter and no skipped account (a large
    # file's would be the file again), only what the operator must see.
    assert total.written == [] and total.failed == [] and total.part == (2, 2)
    assert total.plan.letters == () and total.plan.skipped == () and total.already_recorded == []
    # Without a listener the parts' letters are gathered, in order.
    gathered = run_batch(accounts, Options(**{**options.__dict__, "outdir": tmp_path / "again"}))
    assert [w.letter.account.account_id for w in gathered.written] == ACCOUNTS
    assert len(gathered.plan.letters) == 4
    assert [s.account.account_id for s in gathered.plan.skipped] == ["JA-0009"]
