"""Holds and hold overrides are hash-chained: `ledger verify` names an edited, deleted or fabricated
hold or override row, and a ledger with a released hold and an override verifies as intact."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import text

from letters.decide.holds import Hold
from letters.evidence.chain_events import evidence_chain, sealed_summary
from letters.evidence.holds import Override, active_holds, place_hold, record_overrides, release_holds
from letters.evidence.ledger import Ledger

WHEN = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


@pytest.fixture
def ledger(db_url: str) -> Ledger:
    """Two holds on A (a dispute, released, and a plan), a cease on B, one override for A."""
    book = Ledger(db_url)
    place_hold(book, Hold("A", "dispute", date(2026, 11, 1), None, "letter of 30 Oct", "alice"))
    place_hold(book, Hold("A", "plan", date(2026, 11, 5), date(2026, 12, 31), "", "bob"))
    place_hold(book, Hold("B", "cease", date(2026, 11, 2), None, "", "alice"))
    release_holds(book, "A", date(2026, 11, 20), "carol", "verification mailed", "dispute")
    record_overrides(book, [Override("A", "L-1", "demand", "plan hold #2", "court order", "dana", WHEN)])
    return book


def sql(ledger: Ledger, statement: str) -> None:
    with ledger.engine.begin() as conn:
        conn.execute(text(statement))


def verify(ledger: Ledger) -> list[str]:
    try:
        return ledger.verify_chain()
    finally:
        ledger.close()


def test_released_hold_and_override_verify(ledger: Ledger) -> None:
    assert [h.reason for h in active_holds(ledger, ["A"])["A"]] == ["plan"]
    assert verify(ledger) == []


def test_edited_hold_is_named(ledger: Ledger) -> None:
    # Undoing a release after the fact would make a letter sent meanwhile look held.
    sql(ledger, "UPDATE holds SET released_on = NULL, released_by = NULL WHERE id = 1")
    (problem,) = verify(ledger)
    assert problem.startswith("hold #1 (A dispute since 2026-11-01): changed since it was recorded")
    assert "released_by, released_on" in problem


def test_deleted_hold_is_named(ledger: Ledger) -> None:
    sql(ledger, "DELETE FROM holds WHERE id = 3")
    assert verify(ledger) == ["hold #3 (B cease since 2026-11-02): deleted from the ledger"]


def test_fabricated_hold_is_named(ledger: Ledger) -> None:
    sql(
        ledger,
        "INSERT INTO holds (account_id, reason, since, note, operator, source, placed_at) "
        "VALUES ('C', 'dispute', '2026-10-01', 'backdated', 'mallory', 'ledger', '2026-10-01 10:00:00')",
    )
    (problem,) = verify(ledger)
    assert (
        problem == "hold #4 (C dispute since 2026-10-01): not in the evidence chain (added outside letters)"
    )


def test_edited_override_is_named(ledger: Ledger) -> None:
    sql(ledger, "UPDATE hold_overrides SET why = 'collector insisted' WHERE id = 1")
    (problem,) = verify(ledger)
    assert problem.startswith("hold override #1 (A letter L-1): changed since it was recorded (why now")
    assert "'collector insisted'" in problem


def test_deleted_override_is_named(ledger: Ledger) -> None:
    sql(ledger, "DELETE FROM hold_overrides")
    assert verify(ledger) == ["hold override #1 (A letter L-1): deleted from the ledger"]


def test_fabricated_override_is_named(ledger: Ledger) -> None:
    sql(
        ledger,
        "INSERT INTO hold_overrides (account_id, letter_id, kind, holds, why, operator, recorded_at) "
        "VALUES ('B', 'L-7', 'demand', 'cease hold #3', 'approved', 'mallory', '2026-11-24 10:00:00')",
    )
    (problem,) = verify(ledger)
    assert problem == ("hold override #2 (B letter L-7): not in the evidence chain (added outside letters)")


def test_a_process_that_never_imports_holds_still_checks_them(ledger: Ledger, tmp_path: Path) -> None:
    """The hold tables are chained by every Ledger, not only once evidence/holds.py is imported."""
    sql(ledger, "DELETE FROM holds WHERE id = 2")
    url = str(ledger.url)
    ledger.close()
    script = (
        "import sys\n"
        "from letters.evidence.ledger import Ledger\n"
        "book = Ledger(sys.argv[1], read_only=True)\n"
        "assert 'letters.evidence.holds' not in sys.modules\n"
        "print('\\n'.join(book.verify_chain()))\n"
        "book.close()\n"
    )
    env = dict(os.environ, LETTERS_STATE_DIR=str(tmp_path / "state"))
    found = subprocess.run(
        [sys.executable, "-c", script, url], capture_output=True, text=True, env=env, check=True, timeout=60
    )
    assert found.stdout.splitlines() == ["hold #2 (A plan since 2026-11-05): deleted from the ledger"]


def test_holds_of_a_ledger_made_before_they_were_chained_are_sealed_then_protected(ledger: Ledger) -> None:
    url = str(ledger.url)
    # What a ledger written before holds were chained looks like: the same rows, no chain.
    evidence_chain.drop(ledger.engine)
    ledger.close()
    book = Ledger(url)
    with book.engine.connect() as conn:
        summary = sealed_summary(conn)
    assert any(line.startswith("holds: 3 row(s) recorded before") for line in summary)
    assert any(line.startswith("hold_overrides: 1 row(s) recorded before") for line in summary)
    sql(book, "UPDATE holds SET reason = 'plan' WHERE id = 3")
    (problem,) = verify(book)
    assert problem.startswith("hold #3 (B cease since 2026-11-02): changed since it was recorded (reason now")
