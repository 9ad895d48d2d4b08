"""A ledger URL → a read-only engine for runs that record nothing (preview, --no-archive drafts)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, MetaData, create_engine, inspect
from sqlalchemy.exc import SQLAlchemyError

from letters.errors import ConfigError
from letters.evidence.dburl import first_line, shown_url


def read_only_engine(url: str, metadata: MetaData) -> Engine:
    """The ledger for a run that records nothing (a preview, a --no-archive render): read if it
    exists, never created or changed. A ledger that does not exist yet has no history, so such a run
    reads an empty one in memory rather than leave a database file behind."""
    try:
        if url.startswith("sqlite:///"):
            path = Path(url.removeprefix("sqlite:///"))
            if not path.is_file():
                return _empty_engine(metadata)
            # mode=ro: SQLite itself refuses any write, whatever a caller tries.
            engine = create_engine(f"sqlite:///file:{path}?mode=ro&uri=true", future=True)
        else:
            engine = create_engine(url, future=True)
        present = set(inspect(engine).get_table_names())
    except (SQLAlchemyError, ImportError, ValueError) as exc:
        raise ConfigError(f"cannot open ledger {shown_url(url)}: {first_line(exc)}") from None
    if not {"letters", "batches"} <= present:
        engine.dispose()  # a database no batch was ever recorded in: no history either
        return _empty_engine(metadata)
    return engine


def _empty_engine(metadata: MetaData) -> Engine:
    engine = create_engine("sqlite://", future=True)  # in memory, one connection per thread
    metadata.create_all(engine)
    return engine
