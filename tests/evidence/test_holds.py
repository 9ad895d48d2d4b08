"""Holds and overrides in the ledger, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime

from letters.decide.holds import Hold
from letters.evidence.holds import (
    Override,
    active_holds,
    list_holds,
    overrides_for,
    place_hold,
    record_overrides,
    release_holds,
)
from letters.evidence.ledger import Ledger


def test_place_release_list_and_overrides(db_url: str) -> None:
    book = Ledger(db_url)
    try:
        first = place_hold(book, Hold("A", "dispute", date(2026, 11, 1), None, "letter", "alice"))
        place_hold(book, Hold("A", "plan", date(2026, 11, 5), date(2026, 12, 31), "", "bob"))
        place_hold(book, Hold("B", "cease", date(2026, 11, 2), None, "", "alice"))
        assert first >= 1
        held = active_holds(book, ["A", "B", "C"])
        assert [h.reason for h in held["A"]] == ["dispute", "plan"]
        assert held["B"][0] == Hold("B", "cease", date(2026, 11, 2), None, "", "alice", "ledger")
        assert "C" not in held
        released = release_holds(book, "A", date(2026, 11, 20), "carol", "verification mailed", "dispute")
        assert [h.reason for h in released] == ["dispute"]
        assert [h.reason for h in active_holds(book, ["A"])["A"]] == ["plan"]
        rows = list_holds(book, account_id="A", released=True)
        assert [(r.hold.reason, r.released_on, r.released_by, r.release_note) for r in rows] == [
            ("dispute", date(2026, 11, 20), "carol", "verification mailed"),
            ("plan", None, "", ""),
        ]
        assert [r.hold.account_id for r in list_holds(book, reason="cease")] == ["B"]
        when = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
        record_overrides(book, [Override("A", "L-1", "demand", "plan hold …", "court order", "dana", when)])
        (override,) = overrides_for(book, "A")
        assert (override.letter_id, override.why, override.operator) == ("L-1", "court order", "dana")
        assert overrides_for(book, "B") == []
    finally:
        book.close()
