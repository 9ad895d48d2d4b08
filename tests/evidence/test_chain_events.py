"""Delivery events, tracking numbers and reference serials are hash-chained: edits, deletions and
fabrications are named by `ledger verify`; `mail import` is idempotent and refuses impossible dates."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from letters.carriers.numbers import make_s10
from letters.errors import ValidationError
from letters.evidence.chain_events import chain_head, evidence_chain, sealed_summary
from letters.evidence.deliveries import delivered_demands
from letters.evidence.ledger import Assignment, Ledger, LetterRecord
from letters.post.delivery import import_events

ACCOUNT = "A-1"
NUMBERS = [make_s10("RR", 12345600 + i, "JP").number for i in range(3)]


def letter(i: int) -> LetterRecord:
    return LetterRecord(
        letter_id=f"L-{i}",
        batch_id="B1",
        account_id=ACCOUNT if i == 0 else f"A-{i + 1}",
        kind="demand",
        lang="ja",
        letter_date="2026-11-02",
        data_sha256="d" * 64,
        pdf_sha256="p" * 64,
        docx_sha256="",
        tracking_number=NUMBERS[i],
        qr_payload="LETTERS:1:x:y",
        file=f"L-{i}.pdf",
    )


def sent_batch(ledger: Ledger) -> None:
    """Three demands sent by registered mail on 2026-11-02, with reference serials."""
    ledger.record_assignments(
        [Assignment(n, "s10", f"L-{i}", f"A-{i + 1}", "range") for i, n in enumerate(NUMBERS)]
    )
    ledger.reference_serials("firm-2026", [f"L-{i}" for i in range(3)])
    batch = {
        "batch_id": "B1",
        "created_at": "2026-11-02T09:00:00+00:00",
        "as_of": "2026-11-02",
        "input_sha256": "i" * 64,
        "manifest_sha256": "m" * 64,
        "letter_count": 3,
        "operator": "tester",
    }
    ledger.record_batch(batch, [letter(i) for i in range(3)])


def events_file(folder: Path, rows: list[str], name: str = "events.csv") -> Path:
    path = folder / name
    path.write_text("tracking_number,event,date,note\n" + "".join(r + "\n" for r in rows), encoding="utf-8")
    return path


@pytest.fixture
def ledger(db_url: str, tmp_path: Path) -> Ledger:
    book = Ledger(db_url)
    sent_batch(book)
    import_events(
        events_file(
            tmp_path,
            [f"{NUMBERS[0]},delivered,2026-11-04,signed", f"{NUMBERS[1]},returned,2026-11-10,away"],
        ),
        book,
    )
    return book


def sql(ledger: Ledger, statement: str, **params: object) -> None:
    with ledger.engine.begin() as conn:
        conn.execute(text(statement), params)


def test_untouched_ledger_verifies_and_has_a_head(ledger: Ledger) -> None:
    assert ledger.verify_chain() == []
    with ledger.engine.connect() as conn:
        seq, head = chain_head(conn)
    # 6 begin markers (tracking, delivery events, references, holds, hold overrides, attorney reviews:
    # every Ledger chains all six whatever the process imported), 3 tracking numbers, 3 serials, 2 events
    assert seq == 14 and len(head) == 64
    ledger.close()


def test_edited_delivery_event_is_named(ledger: Ledger) -> None:
    sql(
        ledger,
        "UPDATE delivery_events SET event_date = '2026-11-20' WHERE tracking_number = :n",
        n=NUMBERS[0],
    )
    assert delivered_demands(ledger, [ACCOUNT]) == {}  # an edited event counts no more
    problems = ledger.verify_chain()
    assert len(problems) == 1
    assert f"delivery event #1 ({NUMBERS[0]} delivered 2026-11-04)" in problems[0]
    assert "changed" in problems[0] and "event_date" in problems[0] and "2026-11-20" in problems[0]
    ledger.close()


def test_deleted_delivery_event_is_named(ledger: Ledger) -> None:
    sql(ledger, "DELETE FROM delivery_events WHERE tracking_number = :n", n=NUMBERS[1])
    assert ledger.verify_chain() == [
        f"delivery event #2 ({NUMBERS[1]} returned 2026-11-10): deleted from the ledger"
    ]
    ledger.close()


def test_fabricated_delivery_is_named_and_does_not_move_the_limitation_date(ledger: Ledger) -> None:
    assert delivered_demands(ledger, [ACCOUNT]) == {ACCOUNT: [date(2026, 11, 4)]}  # a chained event counts
    sql(
        ledger,
        "INSERT INTO delivery_events (tracking_number, event, event_date, note, matched, source, imported_at) "
        "VALUES (:n, 'delivered', '2026-11-06', '', true, 'forged.csv', '2026-11-06 10:00:00')",
        n=NUMBERS[2],
    )
    assert delivered_demands(ledger, ["A-3"]) == {}  # the forged delivery interrupts nothing
    (problem,) = ledger.verify_chain()
    assert problem.startswith(f"delivery event #3 ({NUMBERS[2]} delivered 2026-11-06)")
    assert "not in the evidence chain" in problem
    ledger.close()


def test_edited_tracking_number_and_deleted_serial_are_named(ledger: Ledger) -> None:
    sql(ledger, "UPDATE tracking SET account_id = 'A-9' WHERE number = :n", n=NUMBERS[1])
    sql(ledger, "DELETE FROM \"references\" WHERE letter_id = 'L-2'")
    problems = ledger.verify_chain()
    assert any(p.startswith(f"tracking number {NUMBERS[1]} (letter L-1): changed") for p in problems)
    assert "reference firm-2026/3 (L-2): deleted from the ledger" in problems
    assert len(problems) == 2
    ledger.close()


def test_rewritten_chain_entry_is_named(ledger: Ledger) -> None:
    sql(ledger, "UPDATE evidence_chain SET body = replace(body, '2026-11-04', '2026-11-03') WHERE seq = 13")
    problems = ledger.verify_chain()
    assert any("evidence chain entry #13 (delivery_events [1]): the entry was changed" in p for p in problems)
    ledger.close()


def test_import_twice_is_one_event(ledger: Ledger, tmp_path: Path) -> None:
    again = events_file(
        tmp_path,
        [f"{NUMBERS[0]},delivered,2026-11-04,signed", f"{NUMBERS[0]},delivered,2026-11-04,duplicate line"],
        "again.csv",
    )
    result = import_events(again, ledger)
    assert (result.recorded, result.already) == (0, 2)
    assert len(ledger.events_for(NUMBERS[0])) == 1
    assert ledger.verify_chain() == []
    ledger.close()


def test_delivery_before_the_letter_or_in_the_future_is_refused(ledger: Ledger, tmp_path: Path) -> None:
    future = (date.today() + timedelta(days=3)).isoformat()
    bad = events_file(
        tmp_path,
        [f"{NUMBERS[2]},delivered,2026-11-01,", f"{NUMBERS[2]},refused,{future},"],
        "bad.csv",
    )
    with pytest.raises(ValidationError) as caught:
        import_events(bad, ledger)
    message = str(caught.value)
    assert "row 2, column date" in message and "before the letter" in message and "2026-11-02" in message
    assert "row 3, column date" in message and "is in the future" in message
    assert ledger.events_for(NUMBERS[2]) == []  # nothing half-imported
    ledger.close()


def test_older_ledger_is_sealed_on_opening_and_protected_from_then_on(db_url: str, tmp_path: Path) -> None:
    book = Ledger(db_url)
    sent_batch(book)
    import_events(events_file(tmp_path, [f"{NUMBERS[0]},delivered,2026-11-04,"]), book)
    # What a ledger written before the evidence chain looks like: the same rows, no chain.
    evidence_chain.drop(book.engine)
    book.close()
    book = Ledger(db_url)
    assert book.verify_chain() == []
    with book.engine.connect() as conn:
        summary = sealed_summary(conn)
    assert any(line.startswith("delivery_events: 1 row(s) recorded before") for line in summary)
    assert any(line.startswith("tracking: 3 row(s)") for line in summary)
    sql(book, "UPDATE delivery_events SET event = 'refused'")
    (problem,) = book.verify_chain()
    assert problem.startswith(f"delivery event #1 ({NUMBERS[0]} delivered 2026-11-04): changed")
    book.close()
