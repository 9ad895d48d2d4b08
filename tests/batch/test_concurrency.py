"""Runs at once on one ledger: the same batch twice sends it once; a new ledger, serials, leftovers."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from letters.batch.archive_step import remove_leftovers
from letters.evidence import claims
from letters.evidence.ledger import Ledger
from tests.batch_helpers import accounts_file, label_pool
from tests.conftest import JA_ROW, CsvWriter

pytestmark = pytest.mark.slow


def _render(source: Path, out: Path, db: str) -> list[str]:
    return [
        sys.executable,
        "-m",
        "letters",
        "render",
        str(source),
        "-o",
        str(out),
        "--as-of",
        "2026-11-23",
        "--letter",
        "demand",
        "--db",
        db,
        "--silent",
        "--workers",
        "1",
        "--tracking-pool",
        str(label_pool(out.parent)),  # the same labels for every run in a test's folder
    ]


def _fresh(db_url: str) -> str:
    """The fixture empties the ledger's tables; the claims table is emptied too."""
    if db_url.startswith("postgresql"):
        engine = create_engine(db_url)
        claims.metadata.drop_all(engine)
        engine.dispose()
    return db_url


def _together(commands: list[list[str]]) -> list[subprocess.CompletedProcess[str]]:
    """Start every command at once (no waiting for one before the next) and collect each."""
    procs = [
        subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=dict(os.environ))
        for cmd in commands
    ]
    done = []
    for cmd, proc in zip(commands, procs, strict=True):
        out, err = proc.communicate(timeout=300)
        done.append(subprocess.CompletedProcess(cmd, proc.returncode, out, err))
    return done


def test_the_same_batch_started_twice_at_once_is_sent_once(
    db_url: str, tmp_path: Path, write_csv: CsvWriter
) -> None:
    db = _fresh(db_url)
    source = accounts_file(write_csv)
    out = tmp_path / "out"  # both runs write into one folder: the harder case
    first, second = _together([_render(source, out, db), _render(source, out, db)])
    for run in (first, second):
        assert run.returncode == 0, run.stderr
        assert "Traceback" not in run.stderr, run.stderr
    written = [line for run in (first, second) for line in run.stdout.splitlines() if ".pdf\t" in line]
    assert len(written) == 4, written  # each letter written by exactly one of the runs
    already = first.stderr.count("already sent") + second.stderr.count("already sent")
    assert already == 4, (first.stderr, second.stderr)  # the other run found every letter sent
    assert len(list(out.glob("0*.pdf"))) == 4
    assert not list(out.glob(".*.part"))
    ledger = Ledger(db)
    try:
        with ledger.engine.connect() as conn:
            ids = [row[0] for row in conn.execute(text("SELECT letter_id FROM letters"))]
            numbers = [row[0] for row in conn.execute(text("SELECT tracking_number FROM letters"))]
            batches = conn.execute(text("SELECT count(*) FROM batches")).scalar()
            held = conn.execute(text("SELECT count(*) FROM claims")).scalar()
        assert len(ids) == len(set(ids)) == 4
        assert len(set(numbers)) == 4
        assert batches == 1
        assert held == 0  # both runs let go of their claims
    finally:
        ledger.close()
    bags = [p for p in (out / "archive").iterdir() if not p.name.startswith(".")]
    assert len(bags) == 1
    mailing = list(out.glob("mailing_*.pdf"))
    assert mailing and all(p.stem.endswith(bags[0].name) for p in mailing)  # named by the one batch
    for bag in bags:
        check = subprocess.run(
            [sys.executable, "-m", "letters", "verify", str(bag), "--db", db], capture_output=True, text=True
        )
        assert check.returncode == 0, check.stderr


def test_two_batches_at_once_into_one_folder_keep_their_files_and_numbers(
    db_url: str, tmp_path: Path, write_csv: CsvWriter
) -> None:
    db = _fresh(db_url)
    # One sender each day: by date alone both batches' mailing lists would have one name.
    first = write_csv([JA_ROW], name="first.csv")
    second = write_csv([JA_ROW | {"account_id": "JA-0002", "debtor_name": "佐藤 花子"}], name="second.csv")
    out = tmp_path / "out"
    runs = _together([_render(first, out, db), _render(second, out, db)])
    for run in runs:
        assert run.returncode == 0, run.stderr
        assert "Traceback" not in run.stderr, run.stderr
    assert len(list(out.glob("0*.pdf"))) == 2
    assert len(list(out.glob("mailing_*.pdf"))) == 2  # one per batch, none overwritten
    ledger = Ledger(db)
    try:
        with ledger.engine.connect() as conn:
            numbers = conn.execute(text("SELECT tracking_number FROM letters")).scalars().all()
        assert len(numbers) == len(set(numbers)) == 2  # one range, a number each
    finally:
        ledger.close()
    bags = [p for p in (out / "archive").iterdir() if not p.name.startswith(".")]
    assert len(bags) == 2
    for bag in bags:
        check = subprocess.run(
            [sys.executable, "-m", "letters", "verify", str(bag), "--db", db], capture_output=True, text=True
        )
        assert check.returncode == 0, check.stderr


_OPEN_AND_NUMBER = """
import sys, time
from letters.evidence.ledger import Ledger
url, start, me = sys.argv[1], float(sys.argv[2]), sys.argv[3]
while time.time() < start:
    time.sleep(0.005)
ledger = Ledger(url)
serials = ledger.reference_serials("firm-2026", [f"{me}-{i}" for i in range(3)])
print(" ".join(str(s) for s in serials.values()))
ledger.close()
"""


def test_a_new_ledger_opened_and_numbered_by_several_processes_at_once(db_url: str) -> None:
    db = _fresh(db_url)
    start = time.time() + 2.0  # every process imports first, then all open the ledger together
    runs = _together([[sys.executable, "-c", _OPEN_AND_NUMBER, db, str(start), f"P{n}"] for n in range(6)])
    serials: list[int] = []
    for run in runs:
        assert run.returncode == 0 and run.stderr == "", run.stderr
        serials += [int(s) for s in run.stdout.split()]
    assert sorted(serials) == list(range(1, 19))  # no serial twice, none skipped


def test_leftovers_of_a_live_writer_are_kept_and_a_dead_ones_removed(tmp_path: Path) -> None:
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    try:
        live = tmp_path / f".00001_ja_demand_X.pdf.{sleeper.pid}.abc123.part"
        stale = tmp_path / f".00002_ja_demand_Y.pdf.{int(dead.stdout)}.def456.part"
        old = tmp_path / ".00003_ja_demand_Z.pdf.ghi789.part"  # an older version's name: no pid
        for path in (live, stale, old):
            path.write_bytes(b"half")
        remove_leftovers(tmp_path)
        assert live.exists()
        assert not stale.exists() and not old.exists()
    finally:
        sleeper.kill()
        sleeper.wait()


_CLAIM_AND_DIE = """
import os, sys
from letters.evidence.claims import Run
from letters.evidence.ledger import Ledger
run = Run(Ledger(sys.argv[1]))
run.claim([("L1", "A-1")])
print(run.id, flush=True)
os.kill(os.getpid(), 9)
"""


def test_a_live_runs_claim_is_waited_for_and_a_killed_ones_taken_over(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import threading

    db = _fresh(db_url)
    monkeypatch.setattr(claims, "POLL_SECONDS", 0.05)
    ledger = Ledger(db)
    try:
        holder = claims.Run(ledger)
        holder.claim([("L1", "A-1")])
        waiter = claims.Run(ledger)
        heard: list[str] = []
        # The waiter blocks while the holder lives; the holder's end (here: release) frees it.
        thread = threading.Thread(target=waiter.claim, args=([("L1", "A-1")], heard.append))
        thread.start()
        time.sleep(0.5)
        assert thread.is_alive() and heard and "being sent by another run" in heard[0]
        holder.release()
        thread.join(timeout=5)
        assert not thread.is_alive()
        waiter.release()
        killed = subprocess.run([sys.executable, "-c", _CLAIM_AND_DIE, db], capture_output=True, text=True)
        assert killed.returncode == -9, killed.stderr
        with ledger.engine.connect() as conn:
            holders = conn.execute(text("SELECT run_id FROM claims")).scalars().all()
        assert holders == [killed.stdout.strip()]  # the dead run's claim is still there …
        rerun = claims.Run(ledger)
        rerun.claim([("L1", "A-1")], heard.append)  # … and does not block: no second notice
        assert len(heard) == 1
        rerun.release()
    finally:
        ledger.close()
