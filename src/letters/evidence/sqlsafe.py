"""Race-free SQL for several processes on one ledger: table creation and one-writer transactions.

SQLite: ``BEGIN IMMEDIATE`` takes the database's write lock before the first read, so a
read-then-write (max + 1, the chain's last link) never interleaves with another writer's; the busy
timeout makes the second writer wait instead of failing. PostgreSQL: the tables are locked in SHARE
ROW EXCLUSIVE mode (readers go on, such writers queue), and creation runs under a transaction-level
advisory lock.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection, Engine, MetaData, Table, text
from sqlalchemy.exc import IntegrityError, OperationalError, ProgrammingError

from letters.evidence.sqlite_files import private_sidecars

# pg_advisory_xact_lock key for "creating or upgrading the ledger's tables" ("LTRS" in ASCII).
_CREATE_LOCK = 0x4C545253


@contextmanager
def serialized(engine: Engine, *tables: str) -> Iterator[Connection]:
    """One transaction that no other serialized writer of these tables runs beside."""
    with engine.begin() as conn:
        if conn.dialect.name == "sqlite":
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        elif conn.dialect.name == "postgresql":
            for table in tables:
                conn.execute(text(f'LOCK TABLE "{table}" IN SHARE ROW EXCLUSIVE MODE'))
        yield conn


def create_tables(
    engine: Engine,
    metadata: MetaData,
    upgrade: Callable[[Connection], None] | None = None,
    *,
    tables: Sequence[Table] | None = None,
) -> None:
    """The tables (and any upgrade of older ones), once, even when processes open a new ledger at once.

    Serialized as above, so the second process finds the first one's tables instead of failing to
    create them again; an error that still comes from a concurrent creator is retried.
    """
    for attempt in range(5):
        try:
            with engine.begin() as conn:
                if conn.dialect.name == "sqlite":
                    conn.exec_driver_sql("BEGIN IMMEDIATE")
                elif conn.dialect.name == "postgresql":
                    conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _CREATE_LOCK})
                metadata.create_all(conn, tables=tables)
                if upgrade is not None:
                    upgrade(conn)
            return
        except (IntegrityError, OperationalError, ProgrammingError):
            if attempt == 4:
                raise
            time.sleep(0.1 * (attempt + 1))


def sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # WAL lets readers work during a batch; synchronous FULL makes every commit survive power loss.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA foreign_keys=ON")
    private_sidecars(cursor)
    cursor.close()
