"""Evidence rows (delivery events, tracking numbers, reference serials, holds …) → a hash chain in the ledger.

The batches' chain (ledger.py) covers letters. Everything else a court may rely on — a delivery
event moves a limitation date, a tracking number ties a letter to a receipt — is chained here: every
insert or change of a registered table's row appends an entry holding the row's canonical JSON, and
each entry's hash covers the one before it. ``verify_chained`` then names a row that was changed,
deleted or added behind letters' back.

This module knows no table but its own: evidence/schema.py registers the tables to chain with
``register_chained`` (all of them, there, so every Ledger chains the same set whatever a process
imported first), and the dependency runs one way.

Rows that were in a table before the chain began covering it are *sealed*: one "sealed" entry each,
then a "begin" entry for the table. From then on an unchained row is an error; before it, nothing
proves those rows were not edited, and ``ledger verify`` says when the seal was made.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    Column,
    Connection,
    Engine,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    and_,
    func,
    insert,
    inspect,
    select,
    text,
    tuple_,
)
from sqlalchemy.exc import SQLAlchemyError

from letters.evidence.clock import now_utc
from letters.evidence.sqlsafe import create_tables

GENESIS = "0" * 64

chain_metadata = MetaData()

evidence_chain = Table(
    "evidence_chain",
    chain_metadata,
    Column("seq", Integer, primary_key=True, autoincrement=False),  # 1, 2, 3 … in chain order
    Column("table_name", String(60), nullable=False),
    Column("row_key", String(400), nullable=False),  # the row's key columns as a JSON list
    Column("action", String(10), nullable=False),  # insert / update / sealed / begin
    Column("body", Text, nullable=False),  # the row's canonical JSON (begin: the sealed count)
    Column("recorded_at", String(40), nullable=False),  # ISO 8601 UTC, hashed as text
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
)

Describe = Callable[[Mapping[str, Any]], str]


@dataclass(frozen=True)
class Chained:
    """A table whose rows are chained: its key columns, and how a message names one of its rows."""

    table: Table
    key: tuple[str, ...]
    describe: Describe


_CHAINED: dict[str, Chained] = {}


def register_chained(table: Table, key: Sequence[str], describe: Describe) -> None:
    """Chain ``table``'s rows from now on (call once, where the table is defined)."""
    _CHAINED[table.name] = Chained(table, tuple(key), describe)


def chained_tables() -> tuple[str, ...]:
    return tuple(_CHAINED)


def _plain(value: Any) -> Any:
    """A column value as canonical JSON: dates ISO, times UTC (SQLite hands them back naive, in UTC)."""
    if isinstance(value, datetime):
        moment = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
        return moment.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def row_fields(chained: Chained, row: Mapping[Any, Any]) -> dict[str, Any]:
    return {column.name: _plain(row[column.name]) for column in chained.table.columns}


def canonical(fields: Mapping[str, Any]) -> str:
    return json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _key_text(chained: Chained, row: Mapping[Any, Any]) -> str:
    return row_key(*(row[k] for k in chained.key))


def row_key(*values: Any) -> str:
    """A row's key columns as the chain writes them (``row_key``): a JSON list."""
    return json.dumps([_plain(v) for v in values], separators=(",", ":"), ensure_ascii=False)


def entry_hash(prev: str, seq: int, table: str, key: str, action: str, recorded_at: str, body: str) -> str:
    text_ = canonical(
        {
            "prev": prev,
            "seq": seq,
            "table": table,
            "key": key,
            "action": action,
            "at": recorded_at,
            "body": body,
        }
    )
    return hashlib.sha256(text_.encode("utf-8")).hexdigest()


def _append(conn: Connection, items: Sequence[tuple[str, str, str, str]]) -> None:
    """Append (table, key, action, body) entries after the chain's last one, in this transaction."""
    if not items:
        return
    if conn.dialect.name == "postgresql":
        # One writer at a time extends the chain, so two entries never share a prev_hash.
        conn.execute(text("LOCK TABLE evidence_chain IN EXCLUSIVE MODE"))
    last = conn.execute(select(evidence_chain).order_by(evidence_chain.c.seq.desc()).limit(1)).first()
    prev = last.hash if last else GENESIS
    seq = last.seq if last else 0
    now = now_utc().isoformat()
    rows = []
    for table, key, action, body in items:
        seq += 1
        digest = entry_hash(prev, seq, table, key, action, now, body)
        rows.append(
            {
                "seq": seq,
                "table_name": table,
                "row_key": key,
                "action": action,
                "body": body,
                "recorded_at": now,
                "prev_hash": prev,
                "hash": digest,
            }
        )
        prev = digest
    conn.execute(insert(evidence_chain), rows)


def _rows_by_key(conn: Connection, chained: Chained, keys: Sequence[tuple[Any, ...]]) -> list[Any]:
    columns = [chained.table.c[k] for k in chained.key]
    found: list[Any] = []
    for start in range(0, len(keys), 500):
        chunk = list(keys[start : start + 500])
        where = columns[0].in_([k[0] for k in chunk]) if len(columns) == 1 else tuple_(*columns).in_(chunk)
        found += conn.execute(select(chained.table).where(where)).mappings().all()
    return found


def chain_rows(conn: Connection, table: str, keys: Sequence[tuple[Any, ...]], action: str = "insert") -> None:
    """Chain the rows with these keys as they now stand in the database (call in the writing
    transaction, after the insert or update: the entry holds what was committed, as read back)."""
    chained = _CHAINED[table]
    _begin_tables(conn)
    rows = _rows_by_key(conn, chained, keys)
    if len(rows) != len(set(keys)):
        raise LookupError(f"{table}: {len(set(keys)) - len(rows)} row(s) to chain are not in the table")
    items = [
        (table, _key_text(chained, row), action, canonical(row_fields(chained, row)))
        for row in sorted(rows, key=lambda r: _key_text(chained, r))
    ]
    _append(conn, items)


def _begun(conn: Connection) -> set[str]:
    return set(conn.scalars(select(evidence_chain.c.table_name).where(evidence_chain.c.action == "begin")))


def _begin_tables(conn: Connection) -> None:
    """Seal the rows of every registered table the chain does not cover yet, then mark it begun."""
    begun = _begun(conn)
    for name, chained in _CHAINED.items():
        if name in begun:
            continue
        rows = conn.execute(select(chained.table)).mappings().all()
        items = [
            (name, _key_text(chained, row), "sealed", canonical(row_fields(chained, row)))
            for row in sorted(rows, key=lambda r: _key_text(chained, r))
        ]
        _append(conn, [*items, (name, "[]", "begin", canonical({"sealed": len(items)}))])


def create_chain(engine: Engine) -> None:
    """Create the chain table, and seal the rows of tables it does not cover yet (an older ledger).

    On read-only storage the seal is left for the next writer; ``verify_chained`` reports it.
    """

    def seal(conn: Connection) -> None:
        if _begun(conn) != set(_CHAINED):
            _begin_tables(conn)

    # Under create_tables' lock: processes opening a new (or older) ledger at once create the chain
    # table and seal the older rows once, not once each. A read-only ledger may not be written:
    # verification says what is unsealed.
    with contextlib.suppress(SQLAlchemyError):
        create_tables(engine, chain_metadata, seal)


def unrecorded(
    conn: Connection, table: Table, rows: Sequence[dict[str, Any]], same: Sequence[str]
) -> list[dict[str, Any]]:
    """The rows whose ``same`` columns match no row in ``table`` nor an earlier one of ``rows``:
    the same fact imported twice is recorded once."""
    if not rows:
        return []
    if conn.dialect.name == "postgresql":
        # Taken now rather than when the entries are appended: two imports of one file at once
        # would otherwise both find the events new. (SQLite lets one writer in at a time anyway.)
        conn.execute(text("LOCK TABLE evidence_chain IN EXCLUSIVE MODE"))
    first = table.c[same[0]]
    present = conn.execute(
        select(*(table.c[c] for c in same)).where(first.in_({r[same[0]] for r in rows}))
    ).all()
    seen = {tuple(_plain(v) for v in row) for row in present}
    fresh = []
    for row in rows:
        marker = tuple(_plain(row[c]) for c in same)
        if marker not in seen:
            seen.add(marker)
            fresh.append(row)
    return fresh


def proven_keys(conn: Connection, table: str) -> set[str]:
    """The keys (as ``row_key`` text) of the table's rows that are exactly as last chained: what a
    limitation date or a bundle may rely on. Nothing is proven in a table the chain has not begun."""
    chained = _CHAINED[table]
    latest: dict[str, str] = {}
    begun = False
    for key, action, body in conn.execute(
        select(evidence_chain.c.row_key, evidence_chain.c.action, evidence_chain.c.body)
        .where(evidence_chain.c.table_name == table)
        .order_by(evidence_chain.c.seq)
    ):
        if action == "begin":
            begun = True
        else:
            latest[key] = body
    if not begun:
        return set()
    proven = set()
    for row in conn.execute(select(chained.table)).mappings():
        key = _key_text(chained, row)
        if latest.get(key) == canonical(row_fields(chained, row)):
            proven.add(key)
    return proven


def chain_head(conn: Connection) -> tuple[int, str]:
    """The last entry's sequence number and hash (0 and GENESIS for an empty chain), to anchor elsewhere."""
    last = conn.execute(select(evidence_chain).order_by(evidence_chain.c.seq.desc()).limit(1)).first()
    return (last.seq, last.hash) if last else (0, GENESIS)


def verify_chained(conn: Connection) -> list[str]:
    """Every broken entry and every registered row that differs from its last chained state."""
    problems: list[str] = []
    prev = GENESIS
    latest: dict[tuple[str, str], str] = {}
    begun: set[str] = set()
    for expected, entry in enumerate(conn.execute(select(evidence_chain).order_by(evidence_chain.c.seq)), 1):
        what = f"evidence chain entry #{entry.seq} ({entry.table_name} {entry.row_key})"
        if entry.seq != expected:
            problems.append(f"{what}: sequence {entry.seq}, expected {expected} (an entry was removed)")
        if entry.prev_hash != prev:
            problems.append(f"{what}: does not link to the entry before it")
        recomputed = entry_hash(
            entry.prev_hash,
            entry.seq,
            entry.table_name,
            entry.row_key,
            entry.action,
            entry.recorded_at,
            entry.body,
        )
        if recomputed != entry.hash:
            problems.append(f"{what}: the entry was changed after it was written")
        if entry.action == "begin":
            begun.add(entry.table_name)
        else:
            latest[(entry.table_name, entry.row_key)] = entry.body
        prev = entry.hash
    # A ledger opened read-only may predate a registered table (nothing created it yet): no rows.
    present = set(inspect(conn).get_table_names())
    for name, chained in _CHAINED.items():
        rows = conn.execute(select(chained.table)).mappings().all() if name in present else []
        if name not in begun:
            if rows:
                problems.append(
                    f"{name}: {len(rows)} row(s) recorded before the evidence chain and not sealed yet "
                    "(open the ledger once with write access)"
                )
            continue
        current = {_key_text(chained, row): row_fields(chained, row) for row in rows}
        for (table, key), body in latest.items():
            if table != name:
                continue
            recorded = json.loads(body)
            if key not in current:
                problems.append(f"{chained.describe(recorded)}: deleted from the ledger")
            elif canonical(current[key]) != body:
                changed = sorted(k for k in current[key] if current[key][k] != recorded.get(k))
                problems.append(
                    f"{chained.describe(recorded)}: changed since it was recorded ({', '.join(changed)} "
                    f"now {', '.join(repr(current[key][k]) for k in changed)})"
                )
        for key, fields in current.items():
            if (name, key) not in latest:
                problems.append(
                    f"{chained.describe(fields)}: not in the evidence chain (added outside letters)"
                )
    return problems


def sealed_summary(conn: Connection) -> list[str]:
    """When each table's older rows were sealed, for `ledger verify` to say what the chain cannot prove."""
    lines = []
    rows = conn.execute(
        select(evidence_chain.c.table_name, evidence_chain.c.body, evidence_chain.c.recorded_at).where(
            and_(evidence_chain.c.action == "begin")
        )
    )
    for name, body, at in rows:
        count = json.loads(body).get("sealed", 0)
        if count:
            lines.append(f"{name}: {count} row(s) recorded before {at} were sealed then, unproven before")
    return lines


def chain_length(conn: Connection) -> int:
    return int(conn.scalar(select(func.count()).select_from(evidence_chain)) or 0)
