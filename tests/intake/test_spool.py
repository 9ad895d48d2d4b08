"""A large file's accounts on disk (intake/spool.py) and a CSV's rows read again from its bytes: what
the batch reads back is what was validated, in order, and nothing of it is left in a named file."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from letters.intake import spool
from letters.intake.sources import CsvRows, read_table
from letters.intake.spool import AccountSpool
from letters.intake.validate import load_accounts
from tests.conftest import EN_ROW, JA_ROW, ZH_ROW, CsvWriter


def _rows(count: int) -> list[dict[str, str]]:
    bases = [JA_ROW, ZH_ROW, EN_ROW | {"debtor_type": "organisation", "gender": ""}]
    return [bases[i % 3] | {"account_id": f"A-{i:03d}", "address_line2": f"#{i}"} for i in range(count)]


def test_past_the_limit_the_accounts_go_to_an_unnamed_file_and_come_back_the_same(
    write_csv: CsvWriter, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = write_csv(_rows(7))
    in_memory = load_accounts(str(source))
    assert isinstance(in_memory.accounts, tuple) and len(in_memory.accounts) == 7
    monkeypatch.setattr(spool, "SPOOL_OVER", 3)
    spooled = load_accounts(str(source))
    accounts = spooled.accounts
    assert isinstance(accounts, AccountSpool) and accounts.spilled
    assert len(accounts) == 7
    assert list(accounts) == list(in_memory.accounts)  # every field, in file order
    assert accounts[0] == in_memory.accounts[0] and accounts[-1] == in_memory.accounts[-1]
    assert accounts[2:5] == in_memory.accounts[2:5] and accounts[5:] == in_memory.accounts[5:]
    assert [a.account_id for a in accounts[::3]] == ["A-000", "A-003", "A-006"]
    with pytest.raises(IndexError):
        accounts[7]
    # Personal data: the file has no name (unlinked when made) and only its owner could read it.
    handle = accounts._file
    assert handle is not None
    status = os.fstat(handle.fileno())
    assert status.st_nlink == 0 and status.st_mode & 0o077 == 0


def test_a_spool_under_its_limit_is_a_plain_tuple() -> None:
    kept = AccountSpool(keep=5)
    assert kept.accounts() == () and not kept.spilled
    with pytest.raises(IndexError):
        kept[0]


def test_csv_rows_are_read_again_from_the_bytes_each_time(write_csv: CsvWriter) -> None:
    table = read_table(str(write_csv(_rows(4))))
    assert isinstance(table.rows, CsvRows)
    first = [(row.number, row.cells["account_id"]) for row in table.rows]
    assert first == [(2, "A-000"), (3, "A-001"), (4, "A-002"), (5, "A-003")]
    assert [(row.number, row.cells["account_id"]) for row in table.rows] == first
    assert len(table.rows) == 4 and table.rows[-1].cells["address_line2"] == "#3"


def test_a_broken_csv_is_refused_when_read_not_later(tmp_path: Path) -> None:
    from letters.errors import InputError

    path = tmp_path / "broken.csv"
    path.write_text('account_id,debtor_name\nA-1,"unclosed\n', encoding="utf-8")
    with pytest.raises(InputError, match="broken CSV"):
        read_table(str(path))
