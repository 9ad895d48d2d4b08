"""Letters are listed in the order they were sent, also when several went out on one day."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from letters.evidence.ledger import Ledger
from tests.batch_helpers import run_cli
from tests.conftest import JA_ROW, CsvWriter
from tests.helpers import pdftotext

pytestmark = pytest.mark.slow
KINDS = ("reminder", "demand", "lawyer")  # in the order they are sent; their ids sort otherwise
IDS = [f"20261123-{kind}-JA-0001" for kind in KINDS]


def test_history_bundle_index_and_timeline_follow_the_order_sent(
    tmp_path: Path, write_csv: CsvWriter
) -> None:
    accounts = write_csv([JA_ROW])
    db = f"sqlite:///{tmp_path / 'ledger.sqlite'}"
    archive = tmp_path / "archive"
    for kind in KINDS:
        args = ["render", str(accounts), "-o", str(tmp_path / kind), "--as-of", "2026-11-23"]
        done = run_cli([*args, "--letter", kind, "--db", db, "--archive-dir", str(archive), "--silent"])
        assert done.returncode == 0, done.stderr
    assert sorted(IDS) != IDS  # by id (or by date, then id) the order would be wrong
    history = run_cli(["history", "JA-0001", "--db", db])
    assert history.returncode == 0, history.stderr
    assert [line.split("\t")[3] for line in history.stdout.splitlines()] == IDS
    ledger = Ledger(db)
    try:
        assert [[r.letter_id for r in rows] for rows in ledger.last_letters(["JA-0001"]).values()] == [IDS]
    finally:
        ledger.close()
    output = tmp_path / "bundle.pdf"
    bundled = run_cli(
        ["bundle", "JA-0001", "-o", str(output), "--archive-dir", str(archive), "--db", db, "--lang", "en"]
    )
    assert bundled.returncode == 0, bundled.stderr
    index = [
        found for line in bundled.stdout.splitlines() for found in re.findall(r"20261123-\w+-JA-0001", line)
    ]
    assert index == IDS, bundled.stdout
    text = " ".join(pdftotext(output).split())
    timeline = re.findall(r"(20261123-\w+-JA-0001) written and sent", text)
    assert timeline == IDS, text[:2000]
