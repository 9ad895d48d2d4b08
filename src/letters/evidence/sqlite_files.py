"""SQLite connection hooks → read-only ledgers and private -wal / -shm files."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from letters.errors import LettersError


class MissingLedgerError(LettersError):
    """A read-only command was pointed at a ledger file that does not exist."""


def sqlite_engine_url(path: Path, read_only: bool) -> str:
    """The URL to open a SQLite ledger with; a writer's file is made 0600 first, a reader's must exist."""
    if read_only:
        if not path.is_file():
            raise MissingLedgerError(f"no ledger at {path} (nothing was recorded there, or it was deleted)")
        if not os.access(path.parent, os.W_OK) or not os.access(path, os.W_OK):
            # Read-only storage: SQLite cannot make the -shm file WAL readers need; immutable=1
            # reads the file as it is (a closed ledger has its WAL checkpointed into it).
            return f"sqlite:///file:{path}?mode=ro&immutable=1&uri=true"
        return f"sqlite:///{path}"
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    if not path.exists():
        # Made 0600 before SQLite opens it: SQLite gives -wal and -shm the database file's mode.
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
    return f"sqlite:///{path}"


def sqlite_read_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def private_sidecars(cursor: Any) -> None:
    # -wal and -shm hold the same rows as the ledger: 0600 whatever the folder's umask.
    for _seq, _name, file in cursor.execute("PRAGMA database_list").fetchall():
        for suffix in ("-wal", "-shm"):
            sidecar = Path(f"{file}{suffix}") if file else None
            if sidecar is not None and sidecar.exists():
                sidecar.chmod(0o600)
