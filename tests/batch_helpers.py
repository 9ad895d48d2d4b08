"""Helpers for tests that run whole batches through the CLI process: four accounts, the ledger's record."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from letters.evidence.ledger import Ledger
from tests.conftest import EN_ROW, JA_ROW, ZH_ROW, CsvWriter


def accounts_file(write_csv: CsvWriter) -> Path:
    rows = [
        JA_ROW,
        JA_ROW | {"account_id": "JA-0002", "debtor_name": "佐藤 花子", "gender": "f"},
        ZH_ROW,
        # A business debtor: the US debt collector's consumer rules (validation notice first) are
        # tested in tests/decide/test_us_first_contact.py, not in every batch.
        EN_ROW | {"debtor_type": "organisation", "debtor_name": "Doe Trading LLC", "gender": ""},
    ]
    return write_csv(rows)


def run_cli(
    args: list[str], env_extra: dict[str, str] | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ) | (env_extra or {})
    return subprocess.run(
        [sys.executable, "-m", "letters", *args],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        cwd=cwd,
    )


def recorded_letters(db: str) -> list[str]:
    """Which of accounts_file's demand letters the ledger has recorded as sent."""
    ledger = Ledger(db)
    try:
        ids = (f"20261123-demand-{a}" for a in ("JA-0001", "JA-0002", "ZH-0001", "EN-0001"))
        return sorted(ledger.recorded_letters(ids))
    finally:
        ledger.close()


def label_pool(folder: Path, count: int = 20, start: int = 0) -> Path:
    """A pre-printed label file a mixed batch can draw from: the sender's post office decides the
    service (Japan Post 12-digit for JP senders, S10 RR…CN for 挂号信, USPS Certified for US)."""
    from letters.carriers.numbers import make_jp, make_s10, make_usps

    labels = []
    for n in range(start, start + count):
        labels.append(make_jp(77700000000 + n).display)
        labels.append(make_s10("RR", 12345600 + n, "CN").display)
        labels.append(make_usps(f"9400100000000000{77700 + n:05d}").display)
    path = folder / f"labels-{start}.txt"
    path.write_text("\n".join(labels) + "\n", encoding="utf-8")
    return path
