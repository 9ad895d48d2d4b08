"""The ledger: a SQL record (SQLite by default, PostgreSQL by URL) of tracking numbers and deliveries."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    Engine,
    Integer,
    MetaData,
    String,
    Table,
    create_engine,
    event,
    insert,
    select,
)
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from letters.errors import LettersError
from letters.serials import state_dir

metadata = MetaData()

tracking = Table(
    "tracking",
    metadata,
    Column("number", String(40), primary_key=True),  # a number is assigned once, ever
    Column("scheme", String(8), nullable=False),
    Column("letter_id", String(200), nullable=False, unique=True),
    Column("account_id", String(200), nullable=False),
    Column("source", String(20), nullable=False),  # column / pool / range
    Column("assigned_at", DateTime(timezone=True), nullable=False),
)

delivery_events = Table(
    "delivery_events",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("tracking_number", String(40), nullable=False, index=True),
    Column("event", String(20), nullable=False),
    Column("event_date", Date, nullable=False),
    Column("note", String(500), nullable=False, default=""),
    Column("matched", Boolean, nullable=False),  # False: the number is not one we assigned
    Column("source", String(500), nullable=False),
    Column("imported_at", DateTime(timezone=True), nullable=False),
)


class LedgerError(LettersError):
    """The ledger database cannot be opened or refused a write."""


def default_url() -> str:
    return f"sqlite:///{state_dir() / 'ledger.sqlite'}"


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # WAL lets readers work during a batch; synchronous FULL makes every commit survive power loss.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


@dataclass(frozen=True)
class Assignment:
    number: str
    scheme: str
    letter_id: str
    account_id: str
    source: str


@dataclass(frozen=True)
class DeliveryEvent:
    tracking_number: str
    event: str
    event_date: date
    note: str
    matched: bool


class Ledger:
    """One database connection pool; every method is one transaction."""

    def __init__(self, url: str | None = None) -> None:
        self.url = url or default_url()
        if self.url.startswith("sqlite:///"):
            path = Path(self.url.removeprefix("sqlite:///"))
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        try:
            self.engine: Engine = create_engine(self.url, future=True)
        except (SQLAlchemyError, ImportError, ValueError) as exc:
            raise LedgerError(f"cannot open ledger {self.url!r}: {exc}") from None
        if self.engine.dialect.name == "sqlite":
            event.listen(self.engine, "connect", _sqlite_pragmas)
        try:
            metadata.create_all(self.engine)
        except SQLAlchemyError as exc:
            raise LedgerError(f"cannot open ledger {self.url!r}: {exc.__class__.__name__}: {exc}") from None
        if self.engine.dialect.name == "sqlite":
            path = Path(self.url.removeprefix("sqlite:///"))
            if path.exists():
                path.chmod(0o600)  # the ledger names debtors' accounts

    def close(self) -> None:
        self.engine.dispose()

    # -- tracking numbers -------------------------------------------------------------------------

    def assignments_for(self, letter_ids: Iterable[str]) -> dict[str, Assignment]:
        """Numbers already given to these letters (a re-run reuses them instead of taking new ones)."""
        ids = list(letter_ids)
        found: dict[str, Assignment] = {}
        with self.engine.connect() as conn:
            for start in range(0, len(ids), 500):
                rows = conn.execute(
                    select(tracking).where(tracking.c.letter_id.in_(ids[start : start + 500]))
                )
                for row in rows:
                    found[row.letter_id] = Assignment(
                        row.number, row.scheme, row.letter_id, row.account_id, row.source
                    )
        return found

    def used_numbers(self, numbers: Iterable[str]) -> set[str]:
        candidates = list(numbers)
        used: set[str] = set()
        with self.engine.connect() as conn:
            for start in range(0, len(candidates), 500):
                chunk = candidates[start : start + 500]
                used.update(conn.scalars(select(tracking.c.number).where(tracking.c.number.in_(chunk))))
        return used

    def record_assignments(self, assignments: Sequence[Assignment]) -> None:
        """Record numbers as used, all or none; a number used before (by any run) is refused."""
        if not assignments:
            return
        now = datetime.now(UTC)
        try:
            with self.engine.begin() as conn:
                conn.execute(
                    insert(tracking),
                    [
                        {
                            "number": a.number,
                            "scheme": a.scheme,
                            "letter_id": a.letter_id,
                            "account_id": a.account_id,
                            "source": a.source,
                            "assigned_at": now,
                        }
                        for a in assignments
                    ],
                )
        except IntegrityError as exc:
            raise LedgerError(
                f"a tracking number or letter is already recorded in the ledger ({exc.orig}); "
                "no number was assigned"
            ) from None

    def known_numbers(self, numbers: Iterable[str]) -> set[str]:
        return self.used_numbers(numbers)

    # -- delivery events --------------------------------------------------------------------------

    def record_events(self, events: Sequence[DeliveryEvent], source: str) -> None:
        now = datetime.now(UTC)
        with self.engine.begin() as conn:
            if events:
                conn.execute(
                    insert(delivery_events),
                    [
                        {
                            "tracking_number": e.tracking_number,
                            "event": e.event,
                            "event_date": e.event_date,
                            "note": e.note,
                            "matched": e.matched,
                            "source": source,
                            "imported_at": now,
                        }
                        for e in events
                    ],
                )

    def events_for(self, number: str) -> list[DeliveryEvent]:
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(delivery_events)
                .where(delivery_events.c.tracking_number == number)
                .order_by(delivery_events.c.event_date, delivery_events.c.id)
            )
            return [DeliveryEvent(r.tracking_number, r.event, r.event_date, r.note, r.matched) for r in rows]
