"""Letter identity: account ids that sanitise alike never share a letter, a number or a reference."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from letters.batch.compose_step import letter_id_for
from letters.batch.options import Options
from letters.batch.pipeline import run_batch
from letters.evidence.identity import IdentityError
from letters.evidence.ledger import Ledger, LetterRecord
from letters.post.tracking import TrackingSetup
from tests.batch_helpers import label_pool
from tests.helpers import make_account

AS_OF = date(2026, 11, 23)
LONG = "ACCOUNT-" + "9" * 32  # 40 characters shared by both long ids below
ALIKE = ["2024/0017", "2024_0017", "2024.0017", LONG + "A" * 20, LONG + "B" * 20]


def test_ordinary_ids_stay_readable_and_alike_ids_differ() -> None:
    assert letter_id_for(AS_OF, "demand", "JA-0001") == "20261123-demand-JA-0001"
    ids = {letter_id_for(AS_OF, "demand", account) for account in ALIKE}
    assert len(ids) == len(ALIKE)
    assert letter_id_for(AS_OF, "demand", "2024_0017") == "20261123-demand-2024_0017"
    slash = letter_id_for(AS_OF, "demand", "2024/0017")
    assert slash.startswith("20261123-demand-2024_0017~") and len(slash.split("~")[1]) == 16


def _options(tmp_path: Path, db: str, n: int) -> Options:
    return Options(
        outdir=tmp_path / f"out{n}",
        as_of=AS_OF,
        letter_kind="demand",
        workers=1,
        tracking=TrackingSetup("pool", pool=label_pool(tmp_path)),  # 簡易書留: Japan Post numbers
        db=db,
    )


@pytest.mark.slow
def test_alike_accounts_in_separate_runs_each_get_their_letter_and_number(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'ledger.sqlite'}"
    numbers: dict[str, str] = {}
    for n, account_id in enumerate(ALIKE):
        result = run_batch([make_account("ja", account_id=account_id)], _options(tmp_path, db, n))
        assert result.already_recorded == [], account_id  # never "already sent" for another debtor
        (written,) = result.written
        assert written.letter.account.account_id == account_id
        assert written.path.is_file()
        numbers[account_id] = written.letter.tracking_number
    assert len(set(numbers.values())) == len(ALIKE), numbers  # each its own registered-mail number
    ledger = Ledger(db)
    try:
        for account_id in ALIKE:
            (row,) = ledger.history(account_id)
            assert row.tracking_number == numbers[account_id].replace(" ", "").replace("-", "")
        assert ledger.verify_chain() == []
    finally:
        ledger.close()


@pytest.mark.slow
def test_a_legacy_row_of_another_account_stops_the_letter_naming_both(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'ledger.sqlite'}"
    ledger = Ledger(db)
    # What an older version recorded for 2024/0017: the id 2024_0017 now reads as its own.
    legacy = "20261123-demand-2024_0017"
    row = LetterRecord(
        legacy, "B0", "2024/0017", "demand", "ja", "2026-11-23", "d" * 64, "p" * 64, "", "", "x", "x.pdf"
    )
    ledger.record_batch(
        {
            "batch_id": "B0",
            "created_at": "2026-11-23T00:00:00+00:00",
            "as_of": "2026-11-23",
            "input_sha256": "",
            "manifest_sha256": "",
            "letter_count": 1,
            "operator": "t",
        },
        [row],
    )
    ledger.close()
    with pytest.raises(IdentityError) as caught:
        run_batch([make_account("ja", account_id="2024_0017")], _options(tmp_path, db, 0))
    message = str(caught.value)
    assert "'2024/0017'" in message and "'2024_0017'" in message and legacy in message
    assert "\n" not in message


def test_a_reference_serial_is_kept_only_for_its_account(db_url: str) -> None:
    ledger = Ledger(db_url)
    try:
        first = ledger.reference_serials("firm-2026", ["L1"], accounts={"L1": "2024/0017"})
        assert ledger.reference_serials("firm-2026", ["L1"], accounts={"L1": "2024/0017"}) == first
        with pytest.raises(IdentityError, match=r"'2024/0017'.*'2024_0017'"):
            ledger.reference_serials("firm-2026", ["L1"], accounts={"L1": "2024_0017"})
    finally:
        ledger.close()


def test_a_ledger_from_before_account_ids_in_references_is_upgraded(tmp_path: Path) -> None:
    import sqlite3

    path = tmp_path / "old.sqlite"
    with sqlite3.connect(path) as conn:
        conn.execute(
            'CREATE TABLE "references" (letter_id VARCHAR(200) PRIMARY KEY, counter VARCHAR(100) NOT NULL, '
            "serial INTEGER NOT NULL, UNIQUE (counter, serial))"
        )
        conn.execute("INSERT INTO \"references\" VALUES ('OLD', 'firm-2026', 7)")
    ledger = Ledger(f"sqlite:///{path}")
    try:
        # The old row has no account to check against: it keeps its serial; a new one is checked.
        assert ledger.reference_serials("firm-2026", ["OLD", "NEW"], accounts={"OLD": "a", "NEW": "b"}) == {
            "OLD": 7,
            "NEW": 8,
        }
        with pytest.raises(IdentityError):
            ledger.reference_serials("firm-2026", ["NEW"], accounts={"NEW": "c"})
    finally:
        ledger.close()
