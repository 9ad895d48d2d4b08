"""The ledger: a SQL record (SQLite by default, PostgreSQL by URL) of tracking numbers and deliveries."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Connection,
    Engine,
    create_engine,
    event,
    func,
    insert,
    inspect,
    select,
    text,
)
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from letters.errors import LettersError
from letters.evidence.chain_events import (
    chain_rows,
    create_chain,
    unrecorded,
    verify_chained,
)
from letters.evidence.chainhead import (
    Head,
    check_head,
    ledger_key,
    remember_head,
    retire_head,
)
from letters.evidence.clock import now_utc
from letters.evidence.dburl import busy_seconds, first_line, shown_url
from letters.evidence.identity import check_owner
from letters.evidence.readonly import read_only_engine
from letters.evidence.records import GENESIS as GENESIS
from letters.evidence.records import Assignment as Assignment
from letters.evidence.records import BatchRecord as BatchRecord
from letters.evidence.records import DeliveryEvent as DeliveryEvent
from letters.evidence.records import LetterRecord as LetterRecord
from letters.evidence.records import batch_hash as batch_hash
from letters.evidence.schema import attorney_reviews as attorney_reviews
from letters.evidence.schema import batches as batches
from letters.evidence.schema import delivery_events as delivery_events
from letters.evidence.schema import letters_table as letters_table
from letters.evidence.schema import metadata as metadata
from letters.evidence.schema import references as references
from letters.evidence.schema import tracking as tracking
from letters.evidence.sqlite_files import sqlite_engine_url, sqlite_read_pragmas
from letters.evidence.sqlsafe import create_tables, serialized, sqlite_pragmas
from letters.evidence.state import state_dir


class LedgerError(LettersError):
    """The ledger database cannot be opened or refused a write."""


class NumberTakenError(LedgerError):
    """A tracking number (or letter) was recorded by another run between choosing and recording."""


def default_url() -> str:
    return f"sqlite:///{state_dir() / 'ledger.sqlite'}"


def _upgrade(conn: Connection) -> None:
    """Columns added since a ledger was created (run under create_tables' lock)."""
    columns = {c["name"] for c in inspect(conn).get_columns("references")}
    if "account_id" not in columns:
        conn.execute(text('ALTER TABLE "references" ADD COLUMN account_id VARCHAR(200)'))


class _LedgerCore:
    """One database connection pool; every method is one transaction."""

    def __init__(
        self,
        url: str | None = None,
        *,
        read_only: bool = False,
        new_ledger: bool = False,
        draft: bool = False,
    ) -> None:
        """read_only: never create, chmod or migrate (verify, history); draft: a run that records nothing
        (a preview, a --no-archive render) reads the history if there is a ledger, else an empty one in
        memory, and leaves no file; new_ledger: start over on purpose (recorded)."""
        self.url = url or default_url()
        self.read_only = read_only or draft
        self.head_key = ledger_key(shown_url(self.url))
        if draft:
            self.engine: Engine = read_only_engine(self.url, metadata)
            return
        sqlite_path = Path(self.url.removeprefix("sqlite:///")) if self.url.startswith("sqlite:///") else None
        engine_url = sqlite_engine_url(sqlite_path, read_only) if sqlite_path else self.url
        # SQLite: a writer waits (a minute by default) for another process's write lock instead of
        # failing; LETTERS_LEDGER_BUSY_SECONDS changes it (tests of a busy ledger use 1).
        connect_args = {"timeout": busy_seconds()} if self.url.startswith("sqlite") else {}
        try:
            self.engine = create_engine(engine_url, future=True, connect_args=connect_args)
        except (SQLAlchemyError, ImportError, ValueError) as exc:
            raise LedgerError(f"cannot open ledger {shown_url(self.url)}: {first_line(exc)}") from None
        if self.engine.dialect.name == "sqlite":
            pragmas = sqlite_read_pragmas if "mode=ro" in engine_url else sqlite_pragmas
            event.listen(self.engine, "connect", pragmas)
        try:
            if read_only:
                self.engine.connect().close()  # an unreachable database is named here, as below
            else:
                create_tables(self.engine, metadata, _upgrade)
        except SQLAlchemyError as exc:
            raise LedgerError(
                f"cannot open ledger {shown_url(self.url)}: {exc.__class__.__name__}: {first_line(exc)}"
            ) from None
        if not read_only:
            create_chain(self.engine)
        if sqlite_path is not None and not read_only and sqlite_path.exists():
            sqlite_path.chmod(0o600)  # the ledger names debtors' accounts
        if new_ledger:
            retire_head(self.head_key, "started a new ledger on purpose (--new-ledger)")
        else:
            check_head(self.engine, self.head_key, shown_url(self.url))

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
        now = now_utc()
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
                chain_rows(conn, "tracking", [(a.number,) for a in assignments])
        except IntegrityError as exc:
            raise NumberTakenError(
                f"a tracking number or letter is already recorded in the ledger ({exc.orig}); "
                "no number was assigned"
            ) from None

    # -- delivery events --------------------------------------------------------------------------

    def record_events(self, events: Sequence[DeliveryEvent], source: str) -> int:
        """Record the events not recorded before (same number, event and date); returns how many."""
        now = now_utc()
        rows = [
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
        ]
        with self.engine.begin() as conn:
            rows = unrecorded(conn, delivery_events, rows, ("tracking_number", "event", "event_date"))
            if rows:
                added = insert(delivery_events).returning(delivery_events.c.id, sort_by_parameter_order=True)
                ids = conn.scalars(added, rows).all()
                chain_rows(conn, "delivery_events", [(i,) for i in ids])
        return len(rows)

    def events_for(self, number: str) -> list[DeliveryEvent]:
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(delivery_events)
                .where(delivery_events.c.tracking_number == number)
                .order_by(delivery_events.c.event_date, delivery_events.c.id)
            )
            return [DeliveryEvent(r.tracking_number, r.event, r.event_date, r.note, r.matched) for r in rows]


class _Extras:
    """Ledger methods for references, batches and letters (mixed into Ledger below)."""

    engine: Engine
    head_key: str

    def reference_serials(
        self, counter: str, letter_ids: Sequence[str], accounts: dict[str, str] | None = None
    ) -> dict[str, int]:
        """A serial per letter for a counter; letters that have one keep it, others take the next.

        ``accounts`` (letter id → exact account id) is recorded with new serials and checked
        against kept ones. One writer at a time: two runs never both take max + 1.
        """
        owners = accounts or {}
        with serialized(self.engine, "references") as conn:
            existing: dict[str, int] = {}
            for row in conn.execute(select(references).where(references.c.letter_id.in_(list(letter_ids)))):
                if row.letter_id in owners:
                    check_owner("reference serial", row.letter_id, row.account_id, owners[row.letter_id])
                existing[row.letter_id] = row.serial
            top = (
                conn.scalar(select(func.max(references.c.serial)).where(references.c.counter == counter)) or 0
            )
            fresh = [lid for lid in letter_ids if lid not in existing]
            new = {lid: top + i for i, lid in enumerate(fresh, 1)}
            if new:
                conn.execute(
                    insert(references),
                    [
                        dict(letter_id=lid, counter=counter, serial=serial, account_id=owners.get(lid))
                        for lid, serial in new.items()
                    ],
                )
            existing.update(new)
            if new:
                chain_rows(conn, "references", [(lid,) for lid in new])
        return existing

    def record_reviews(self, reviews: Mapping[str, str]) -> None:
        """Letter id → the attorney who reviewed it; a letter recorded before keeps its row."""
        with serialized(self.engine, "attorney_reviews") as conn:
            known = set(
                conn.scalars(
                    select(attorney_reviews.c.letter_id).where(
                        attorney_reviews.c.letter_id.in_(list(reviews))
                    )
                )
            )
            new = [(lid,) for lid in reviews if lid not in known]
            if new:
                conn.execute(
                    insert(attorney_reviews), [dict(letter_id=k, attorney=reviews[k]) for (k,) in new]
                )
                chain_rows(conn, "attorney_reviews", new)

    def reviews(self, letter_ids: Iterable[str]) -> dict[str, str]:
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(attorney_reviews).where(attorney_reviews.c.letter_id.in_(list(letter_ids)))
            )
            return {r.letter_id: r.attorney for r in rows}

    def recorded_letters(self, letter_ids: Iterable[str]) -> dict[str, LetterRecord]:
        ids = list(letter_ids)
        found: dict[str, LetterRecord] = {}
        with self.engine.connect() as conn:
            for start in range(0, len(ids), 500):
                chunk = ids[start : start + 500]
                for row in conn.execute(select(letters_table).where(letters_table.c.letter_id.in_(chunk))):
                    found[row.letter_id] = LetterRecord(**row._asdict())
        return found

    def batch(self, batch_id: str) -> BatchRecord | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(batches).where(batches.c.batch_id == batch_id)).first()
        return BatchRecord(**row._asdict()) if row else None

    def record_batch(self, batch: dict[str, Any], letters: Sequence[LetterRecord]) -> BatchRecord:
        """Append a batch and its letters to the chain in one transaction; all or nothing."""
        try:
            # One writer at a time extends the chain, so two batches never share a prev_hash.
            with serialized(self.engine) as conn:
                if conn.dialect.name == "postgresql":
                    conn.execute(text("LOCK TABLE batches IN EXCLUSIVE MODE"))
                last = conn.execute(select(batches).order_by(batches.c.seq.desc()).limit(1)).first()
                prev = last.hash if last else GENESIS
                seq = (last.seq if last else 0) + 1
                digest = batch_hash(prev, batch, letters)
                row = dict(batch, seq=seq, prev_hash=prev, hash=digest)
                conn.execute(insert(batches), [row])
                if letters:
                    conn.execute(insert(letters_table), [r.__dict__ for r in letters])
        except IntegrityError as exc:
            raise LedgerError(f"the ledger refused batch {batch.get('batch_id')}: {exc.orig}") from None
        remember_head(self.head_key, Head(seq, batch["batch_id"], digest))
        return BatchRecord(**row)

    def history(self, account_id: str) -> list[LetterRecord]:
        """The account's letters in the order they were sent (see _in_order_sent)."""
        with self.engine.connect() as conn:
            rows = conn.execute(_in_order_sent(letters_table.c.account_id == account_id))
            return [LetterRecord(**row._asdict()) for row in rows]

    def verify_chain(self) -> list[str]:
        """Every broken link, first one first: a changed batch or letter row, a removed or reordered batch."""
        problems: list[str] = []
        with self.engine.connect() as conn:
            chain = [
                BatchRecord(**r._asdict()) for r in conn.execute(select(batches).order_by(batches.c.seq))
            ]
            prev = GENESIS
            for expected_seq, record in enumerate(chain, start=1):
                rows = [
                    LetterRecord(**r._asdict())
                    for r in conn.execute(
                        select(letters_table).where(letters_table.c.batch_id == record.batch_id)
                    )
                ]
                if record.seq != expected_seq:
                    problems.append(
                        f"batch {record.batch_id}: sequence {record.seq}, expected {expected_seq} "
                        "(a batch was removed)"
                    )
                if record.prev_hash != prev:
                    problems.append(
                        f"batch {record.batch_id} (#{record.seq}): does not link to the batch before it"
                    )
                fields = {k: v for k, v in record.__dict__.items()}
                if batch_hash(record.prev_hash, fields, rows) != record.hash:
                    problems.append(
                        f"batch {record.batch_id} (#{record.seq}): its record or one of its "
                        f"{len(rows)} letter rows was changed"
                    )
                if len(rows) != record.letter_count:
                    problems.append(
                        f"batch {record.batch_id} (#{record.seq}): {len(rows)} letter rows, "
                        f"the batch recorded {record.letter_count}"
                    )
                prev = record.hash
            orphans = conn.scalars(
                select(letters_table.c.letter_id).where(
                    letters_table.c.batch_id.not_in([b.batch_id for b in chain])
                )
            ).all()
            for orphan in orphans:
                problems.append(f"letter {orphan}: belongs to no batch in the chain")
            problems += verify_chained(conn)
        return problems

    def last_letters(self, account_ids: Iterable[str]) -> dict[str, list[LetterRecord]]:
        ids = list(dict.fromkeys(account_ids))
        found: dict[str, list[LetterRecord]] = {}
        with self.engine.connect() as conn:
            for start in range(0, len(ids), 500):
                chunk = ids[start : start + 500]
                rows = conn.execute(_in_order_sent(letters_table.c.account_id.in_(chunk)))
                for row in rows:
                    found.setdefault(row.account_id, []).append(LetterRecord(**row._asdict()))
        return found


def _in_order_sent(where: Any) -> Any:
    """Letter rows in the order they were recorded: by their batch's place in the chain, then by id.

    Not by date: a reminder, a demand and a lawyer's letter sent on one day (three runs) share it,
    and their ids sort demand < lawyer < reminder. An account has one letter per batch, so the
    batch's seq orders an account's letters with no column added (existing ledgers need no
    migration); the id only keeps the order fixed for rows of one batch. A row whose batch is not in
    the chain (a damaged ledger, which verify_chain names) comes last.
    """
    return (
        select(letters_table)
        .select_from(letters_table.outerjoin(batches, batches.c.batch_id == letters_table.c.batch_id))
        .where(where)
        .order_by(batches.c.seq.asc().nulls_last(), letters_table.c.letter_date, letters_table.c.letter_id)
    )


class Ledger(_Extras, _LedgerCore):
    """The ledger API: tracking numbers, deliveries, references, batches and letters."""
