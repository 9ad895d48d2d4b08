"""Holds and hold overrides → rows in the ledger (tables in evidence/schema.py), and back.

Both are evidence (a letter sent while a dispute hold stood, or despite it with a recorded reason),
so every placed, released or overriding row is hash-chained in the same transaction that writes it
(evidence/chain_events.py); `ledger verify` names one edited, deleted or added behind letters' back.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Engine, Row, insert, select, update
from sqlalchemy.exc import SQLAlchemyError

from letters.decide.holds import HOLD_REASONS, Hold
from letters.evidence.chain_events import chain_rows
from letters.evidence.clock import now_utc
from letters.evidence.dburl import first_line
from letters.evidence.ledger import Ledger, LedgerError
from letters.evidence.schema import holds_table as holds_table
from letters.evidence.schema import metadata
from letters.evidence.schema import overrides_table as overrides_table
from letters.evidence.sqlsafe import create_tables


@dataclass(frozen=True)
class HoldRow:
    """A hold as the ledger keeps it, with its release if it was released."""

    id: int
    hold: Hold
    released_on: date | None
    released_by: str
    release_note: str


@dataclass(frozen=True)
class Override:
    """A letter sent despite a hold: which, why, by whom."""

    account_id: str
    letter_id: str
    kind: str
    holds: str
    why: str
    operator: str
    recorded_at: datetime


# Engines whose hold tables are known to exist; weak, so an id reused by a later engine never counts.
_READY: weakref.WeakSet[Engine] = weakref.WeakSet()


def _ready(ledger: Ledger) -> None:
    """Create the hold tables in a ledger made before they existed (once per engine)."""
    if ledger.engine in _READY:
        return
    try:
        # Under create_tables' lock: processes opening an older ledger at once create them once.
        create_tables(ledger.engine, metadata, tables=[holds_table, overrides_table])
    except SQLAlchemyError as exc:
        raise LedgerError(f"cannot create the hold tables: {first_line(exc)}") from None
    _READY.add(ledger.engine)


def place_hold(ledger: Ledger, hold: Hold) -> int:
    """Record a hold; returns its number."""
    if hold.reason not in HOLD_REASONS:
        raise LedgerError(f"unknown hold reason {hold.reason!r}; use {', '.join(HOLD_REASONS)}")
    _ready(ledger)
    with ledger.engine.begin() as conn:
        result = conn.execute(
            insert(holds_table).values(
                account_id=hold.account_id,
                reason=hold.reason,
                since=hold.since,
                until=hold.until,
                note=hold.note,
                operator=hold.operator,
                source=hold.source,
                placed_at=now_utc(),
            )
        )
        key = result.inserted_primary_key
        number = int(key[0]) if key else 0
        chain_rows(conn, holds_table.name, [(number,)])
        return number


def release_holds(
    ledger: Ledger, account_id: str, on: date, operator: str, note: str, reason: str | None = None
) -> list[Hold]:
    """Release the account's unreleased holds (of one reason, if given); returns those released."""
    _ready(ledger)
    query = select(holds_table).where(
        holds_table.c.account_id == account_id, holds_table.c.released_on.is_(None)
    )
    if reason is not None:
        query = query.where(holds_table.c.reason == reason)
    with ledger.engine.begin() as conn:
        rows = conn.execute(query).all()
        if rows:
            conn.execute(
                update(holds_table)
                .where(holds_table.c.id.in_([r.id for r in rows]))
                .values(released_on=on, released_by=operator, release_note=note)
            )
            chain_rows(conn, holds_table.name, [(r.id,) for r in rows], action="update")
    return [_hold(r) for r in rows]


def active_holds(ledger: Ledger, account_ids: Iterable[str]) -> dict[str, list[Hold]]:
    """Per account, its unreleased holds (the plan checks each one's dates against the as-of date)."""
    _ready(ledger)
    ids = list(dict.fromkeys(account_ids))
    found: dict[str, list[Hold]] = {}
    with ledger.engine.connect() as conn:
        for start in range(0, len(ids), 500):
            rows = conn.execute(
                select(holds_table)
                .where(holds_table.c.account_id.in_(ids[start : start + 500]))
                .where(holds_table.c.released_on.is_(None))
                .order_by(holds_table.c.since, holds_table.c.id)
            )
            for row in rows:
                found.setdefault(row.account_id, []).append(_hold(row))
    return found


def list_holds(
    ledger: Ledger, *, account_id: str | None = None, reason: str | None = None, released: bool = False
) -> list[HoldRow]:
    """Holds, oldest first; released ones only when asked for."""
    _ready(ledger)
    query = select(holds_table).order_by(holds_table.c.since, holds_table.c.id)
    if account_id is not None:
        query = query.where(holds_table.c.account_id == account_id)
    if reason is not None:
        query = query.where(holds_table.c.reason == reason)
    if not released:
        query = query.where(holds_table.c.released_on.is_(None))
    with ledger.engine.connect() as conn:
        return [
            HoldRow(r.id, _hold(r), r.released_on, r.released_by or "", r.release_note or "")
            for r in conn.execute(query)
        ]


def record_overrides(ledger: Ledger, overrides: Sequence[Override]) -> None:
    _ready(ledger)
    if not overrides:
        return
    with ledger.engine.begin() as conn:
        added = insert(overrides_table).returning(overrides_table.c.id, sort_by_parameter_order=True)
        ids = conn.scalars(added, [o.__dict__ for o in overrides]).all()
        chain_rows(conn, overrides_table.name, [(i,) for i in ids])


def overrides_for(ledger: Ledger, account_id: str) -> list[Override]:
    _ready(ledger)
    with ledger.engine.connect() as conn:
        rows = conn.execute(
            select(overrides_table)
            .where(overrides_table.c.account_id == account_id)
            .order_by(overrides_table.c.recorded_at, overrides_table.c.id)
        )
        return [
            Override(r.account_id, r.letter_id, r.kind, r.holds, r.why, r.operator, r.recorded_at)
            for r in rows
        ]


def _hold(r: Row[Any]) -> Hold:
    return Hold(r.account_id, r.reason, r.since, r.until, r.note, r.operator, r.source)
