"""The ledger on SQLite and PostgreSQL: hash chain, tamper detection, history, references."""

from __future__ import annotations

from sqlalchemy import text

from letters.evidence.ledger import GENESIS, Ledger, LetterRecord


def record(letter_id: str, batch_id: str, account: str = "A-1", kind: str = "demand") -> LetterRecord:
    return LetterRecord(
        letter_id=letter_id,
        batch_id=batch_id,
        account_id=account,
        kind=kind,
        lang="ja",
        letter_date="2026-11-23",
        data_sha256="d" * 64,
        pdf_sha256="p" * 64,
        docx_sha256="",
        tracking_number="",
        qr_payload="LETTERS:1:x:y",
        file=f"{letter_id}.pdf",
    )


def batch(batch_id: str, count: int) -> dict[str, object]:
    return {
        "batch_id": batch_id,
        "created_at": "2026-11-23T09:00:00+00:00",
        "as_of": "2026-11-23",
        "input_sha256": "i" * 64,
        "manifest_sha256": "m" * 64,
        "letter_count": count,
        "operator": "tester",
    }


def three_batches(ledger: Ledger) -> None:
    for n in range(1, 4):
        rows = [record(f"L{n}-{i}", f"B{n}", account=f"A-{i}") for i in range(2)]
        ledger.record_batch(batch(f"B{n}", 2), rows)


def test_chain_links_and_verifies(db_url: str) -> None:
    ledger = Ledger(db_url)
    three_batches(ledger)
    first, second = ledger.batch("B1"), ledger.batch("B2")
    assert first is not None and second is not None
    assert first.prev_hash == GENESIS
    assert second.prev_hash == first.hash
    assert ledger.verify_chain() == []
    ledger.close()


def test_edited_letter_row_is_named(db_url: str) -> None:
    ledger = Ledger(db_url)
    three_batches(ledger)
    with ledger.engine.begin() as conn:
        conn.execute(text("UPDATE letters SET pdf_sha256 = :v WHERE letter_id = 'L2-1'"), {"v": "e" * 64})
    problems = ledger.verify_chain()
    assert problems == ["batch B2 (#2): its record or one of its 2 letter rows was changed"]
    ledger.close()


def test_deleted_letter_row_and_removed_batch(db_url: str) -> None:
    ledger = Ledger(db_url)
    three_batches(ledger)
    with ledger.engine.begin() as conn:
        conn.execute(text("DELETE FROM letters WHERE letter_id = 'L3-0'"))
    assert ledger.verify_chain()[0] == "batch B3 (#3): its record or one of its 1 letter rows was changed"
    with ledger.engine.begin() as conn:
        conn.execute(text("DELETE FROM letters WHERE batch_id = 'B1'"))
        conn.execute(text("DELETE FROM batches WHERE batch_id = 'B1'"))
    problems = ledger.verify_chain()
    assert problems[0] == "batch B2: sequence 2, expected 1 (a batch was removed)"
    assert "batch B2 (#2): does not link to the batch before it" in problems
    ledger.close()


def test_each_letter_once(db_url: str) -> None:
    import pytest

    from letters.evidence.ledger import LedgerError

    ledger = Ledger(db_url)
    ledger.record_batch(batch("B1", 1), [record("L1", "B1")])
    with pytest.raises(LedgerError):
        ledger.record_batch(batch("B2", 1), [record("L1", "B2")])
    assert ledger.batch("B2") is None  # all or nothing: no batch without its letters
    assert ledger.verify_chain() == []
    ledger.close()


def test_history_and_references(db_url: str) -> None:
    ledger = Ledger(db_url)
    ledger.record_batch(
        batch("B1", 2), [record("L1", "B1", kind="reminder"), record("L2", "B1", account="Z")]
    )
    ledger.record_batch(batch("B2", 1), [record("L3", "B2", kind="demand")])
    assert [r.letter_id for r in ledger.history("A-1")] == ["L1", "L3"]
    first = ledger.reference_serials("firm-2026", ["x", "y"])
    again = ledger.reference_serials("firm-2026", ["y", "z"])
    assert first == {"x": 1, "y": 2}
    assert again == {"y": 2, "z": 3}  # y keeps its serial; z takes the next
    ledger.close()


def test_history_is_in_the_order_sent_also_read_only(db_url: str) -> None:
    # Three letters on one day, in three batches; by id they would sort demand, lawyer, reminder.
    kinds = ["reminder", "demand", "lawyer"]
    ledger = Ledger(db_url)
    for n, kind in enumerate(kinds, start=1):
        ledger.record_batch(batch(f"B{n}", 1), [record(f"20261123-{kind}-A-1", f"B{n}", kind=kind)])
    assert [r.kind for r in ledger.history("A-1")] == kinds
    assert [r.kind for r in ledger.last_letters(["A-1"])["A-1"]] == kinds
    ledger.close()
    reader = Ledger(db_url, read_only=True)  # as a preview or a --no-archive render reads it
    try:
        assert [r.kind for r in reader.history("A-1")] == kinds
    finally:
        reader.close()
