"""A run's hold on its letters while it sends them: two runs of one batch never both send a letter.

Before anything is rendered a run claims its letters: one row per letter id in ``claims``, naming
the run. A second run that wants a letter another live run holds waits until that run is done
(and then finds the letter recorded: "already sent"). Claims are all or nothing, so two runs
never each hold part of what the other needs.

A claim is live only while its run is: each run holds a lock for its whole life, which the
operating system or the database server drops when the process dies (kill -9 included):

- SQLite: ``fcntl.flock`` on ``<ledger>.runs/<run id>.lock``;
- PostgreSQL: a session advisory lock on a connection the run keeps open.

A claim whose run's lock is free is stale and is taken over, so a crashed run never blocks the
re-run that finishes its batch.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import socket
import time
import uuid
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    Column,
    Connection,
    DateTime,
    MetaData,
    String,
    Table,
    delete,
    insert,
    select,
    text,
)

from letters.evidence.identity import check_owner
from letters.evidence.sqlsafe import create_tables, serialized

if TYPE_CHECKING:
    from letters.evidence.ledger import Ledger

metadata = MetaData()

claims = Table(
    "claims",
    metadata,
    Column("letter_id", String(200), primary_key=True),  # one run holds a letter at a time
    Column("account_id", String(200), nullable=False),
    Column("run_id", String(32), nullable=False, index=True),
    Column("holder", String(300), nullable=False),  # host and process, for the waiting run's notice
    Column("claimed_at", DateTime(timezone=True), nullable=False),
)

# pg_advisory_lock(int, int) namespace of run locks ("LTRN"); the second key comes from the run id.
_PG_NAMESPACE = 0x4C54524E
# How often a waiting run looks again whether the letters it wants are free.
POLL_SECONDS = 0.5

# Run lock files this process holds: a forked worker closes its copies, so that a worker outliving
# its killed parent does not keep the parent's claims alive.
_HELD_FDS: set[int] = set()


def _close_in_child() -> None:
    for fd in list(_HELD_FDS):
        with contextlib.suppress(OSError):
            os.close(fd)
    _HELD_FDS.clear()


os.register_at_fork(after_in_child=_close_in_child)


def _pg_key(run_id: str) -> int:
    return int.from_bytes(hashlib.sha256(run_id.encode()).digest()[:4], "big") & 0x7FFFFFFF


def _sqlite_file(url: str) -> Path | None:
    """The database file of a SQLite URL; None for an in-memory database (this process's alone)."""
    path = url.removeprefix("sqlite:///")
    return None if path in ("", ":memory:", url) else Path(path)


class _Liveness:
    """Holds this run's lock and tells whether another run's lock is still held."""

    def __init__(self, ledger: Ledger, run_id: str) -> None:
        self.engine = ledger.engine
        self.run_id = run_id
        self._fd: int | None = None
        self._conn: Connection | None = None
        self._folder: Path | None = None
        dialect = self.engine.dialect.name
        database = _sqlite_file(ledger.url) if dialect == "sqlite" else None
        if dialect == "postgresql":
            self._conn = self.engine.connect()
            self._conn.execute(
                text("SELECT pg_advisory_lock(:a, :b)"), {"a": _PG_NAMESPACE, "b": _pg_key(run_id)}
            )
            self._conn.commit()  # the session lock stays; no transaction stays open with it
        elif database is not None:
            self._folder = database.parent / f"{database.name}.runs"
            self._folder.mkdir(mode=0o700, exist_ok=True)
            fd = os.open(self._folder / f"{run_id}.lock", os.O_CREAT | os.O_RDWR, 0o600)
            fcntl.flock(fd, fcntl.LOCK_EX)  # a new file: no one else has it
            self._fd = fd
            _HELD_FDS.add(fd)

    def alive(self, conn: Connection, run_id: str) -> bool:
        if run_id == self.run_id:
            return True
        if self._conn is not None:
            found = conn.scalar(
                text(
                    "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted "
                    "AND classid::bigint = :a AND objid::bigint = :b AND objsubid = 2"
                ),
                {"a": _PG_NAMESPACE, "b": _pg_key(run_id)},
            )
            return bool(found)
        if self._folder is None:
            return True  # an in-memory ledger is this process's alone
        path = self._folder / f"{run_id}.lock"
        try:
            fd = os.open(path, os.O_RDWR)
        except FileNotFoundError:
            return False
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        finally:
            os.close(fd)  # also drops the lock just taken, if it was free
        path.unlink(missing_ok=True)  # the run died: its lock file goes with its claims
        return False

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()  # ends the session: the advisory lock goes with it
            self._conn = None
        if self._fd is not None and self._folder is not None:
            (self._folder / f"{self.run_id}.lock").unlink(missing_ok=True)
            _HELD_FDS.discard(self._fd)
            os.close(self._fd)
            self._fd = None


class Run:
    """One run's life in the ledger: its liveness lock and the letters it has claimed."""

    def __init__(self, ledger: Ledger) -> None:
        self.engine = ledger.engine
        self.id = uuid.uuid4().hex
        self.holder = f"process {os.getpid()} on {socket.gethostname()}"
        create_tables(self.engine, metadata)
        self._liveness = _Liveness(ledger, self.id)

    def __enter__(self) -> Run:
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()

    def claim(self, letters: Sequence[tuple[str, str]], on_wait: Callable[[str], None] | None = None) -> None:
        """Hold every one of these (letter id, exact account id), waiting while a live run holds any."""
        wanted = dict(letters)
        told = False
        while True:
            blocker = self._try_claim(wanted)
            if blocker is None:
                return
            if on_wait is not None and not told:
                on_wait(blocker)
                told = True
            time.sleep(POLL_SECONDS)

    def _try_claim(self, wanted: dict[str, str]) -> str | None:
        """None when all are now held by this run; else who holds one (nothing is claimed then)."""
        ids = list(wanted)
        with serialized(self.engine, "claims") as conn:
            held: list[Any] = []
            for start in range(0, len(ids), 500):
                held.extend(
                    conn.execute(select(claims).where(claims.c.letter_id.in_(ids[start : start + 500])))
                )
            alive: dict[str, bool] = {}
            stale: list[str] = []
            for row in held:
                check_owner("claim", row.letter_id, row.account_id, wanted[row.letter_id])
                if row.run_id == self.id:
                    continue
                if row.run_id not in alive:
                    alive[row.run_id] = self._liveness.alive(conn, row.run_id)
                if alive[row.run_id]:
                    return f"letter {row.letter_id} is being sent by another run ({row.holder})"
                stale.append(row.letter_id)
            for start in range(0, len(stale), 500):
                conn.execute(delete(claims).where(claims.c.letter_id.in_(stale[start : start + 500])))
            mine = {row.letter_id for row in held if row.run_id == self.id}
            now = datetime.now(UTC)
            rows = [
                {
                    "letter_id": lid,
                    "account_id": acc,
                    "run_id": self.id,
                    "holder": self.holder,
                    "claimed_at": now,
                }
                for lid, acc in wanted.items()
                if lid not in mine
            ]
            if rows:
                conn.execute(insert(claims), rows)
        return None

    def release(self) -> None:
        """Let go of every claim (recorded letters are then "already sent"; failed ones are free)."""
        try:
            with self.engine.begin() as conn:
                conn.execute(delete(claims).where(claims.c.run_id == self.id))
        finally:
            self._liveness.close()
