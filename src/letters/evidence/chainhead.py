"""A ledger's last chain head, kept in the state folder → a ledger that lost batches is refused.

A truncated, deleted or swapped ledger.sqlite would otherwise be recreated empty and verify as an
intact (empty) chain, and with it every cool-down and used tracking number would be forgotten.
The head file lives outside the database, so losing one does not lose the other.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from letters.errors import LettersError
from letters.evidence.state import state_dir

HEADS_FILE = "chain-heads.json"
RETIRED_FILE = "chain-heads-retired.jsonl"


class MissingHistoryError(LettersError):
    """The ledger holds less than the chain head recorded for it says it should."""


@dataclass(frozen=True)
class Head:
    seq: int
    batch_id: str
    hash: str


def ledger_key(shown_url: str) -> str:
    """One key per ledger: the URL without its password (SQLite: the resolved file path)."""
    if shown_url.startswith("sqlite:///"):
        return "sqlite:///" + str(Path(shown_url.removeprefix("sqlite:///")).resolve())
    return shown_url


def _read(path: Path) -> dict[str, dict[str, object]]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        raise MissingHistoryError(f"{path}: unreadable chain-head file ({exc})") from None
    return data if isinstance(data, dict) else {}


def remembered_head(key: str) -> Head | None:
    entry = _read(state_dir() / HEADS_FILE).get(key)
    if not isinstance(entry, dict):
        return None
    return Head(int(str(entry["seq"])), str(entry["batch_id"]), str(entry["hash"]))


def remember_head(key: str, head: Head) -> None:
    """Written after each committed batch; a write that fails leaves an older head, which only
    ever under-claims (a shorter ledger is still caught up to that head)."""
    folder = state_dir()
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = folder / HEADS_FILE
    heads = _read(path)
    heads[key] = {"seq": head.seq, "batch_id": head.batch_id, "hash": head.hash}
    temporary = path.with_suffix(f".tmp-{os.getpid()}")
    temporary.write_text(json.dumps(heads, sort_keys=True, indent=1) + "\n", encoding="utf-8")
    temporary.chmod(0o600)
    temporary.replace(path)


def missing_history(key: str, shown: str, count: int, hash_at_seq: dict[int, str]) -> str | None:
    """Why the ledger disagrees with its remembered head, or None. `hash_at_seq`: the ledger's hash
    at the remembered sequence number (absent if that batch is gone)."""
    head = remembered_head(key)
    if head is None:
        return None
    found = hash_at_seq.get(head.seq)
    if found == head.hash:
        return None
    if found is None:
        lost = head.seq - count
        return (
            f"ledger {shown} has {count} batch(es), but its chain head in {state_dir() / HEADS_FILE} is "
            f"batch {head.batch_id} (#{head.seq}, hash {head.hash[:16]}…): {lost} batch(es) missing "
            "(restore the ledger from a backup, or pass --new-ledger to start a new one on purpose)"
        )
    return (
        f"ledger {shown}: batch #{head.seq} has hash {found[:16]}…, but its chain head in "
        f"{state_dir() / HEADS_FILE} says batch {head.batch_id} with hash {head.hash[:16]}… "
        "(the ledger was replaced or rewritten; restore it, "
        "or pass --new-ledger to start a new one on purpose)"
    )


def retire_head(key: str, reason: str) -> None:
    """--new-ledger: the old head moves to the retired log (kept, with when and why), then is dropped."""
    folder = state_dir()
    head = remembered_head(key)
    if head is None:
        return
    record = {
        "ledger": key,
        "retired_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "reason": reason,
        "seq": head.seq,
        "batch_id": head.batch_id,
        "hash": head.hash,
        "user": os.environ.get("LETTERS_OPERATOR") or os.environ.get("USER") or "unknown",
    }
    retired = folder / RETIRED_FILE
    with retired.open("a", encoding="utf-8") as handle:
        handle.write(json.dumps(record, sort_keys=True) + "\n")
    retired.chmod(0o600)
    path = folder / HEADS_FILE
    heads = _read(path)
    heads.pop(key, None)
    temporary = path.with_suffix(f".tmp-{os.getpid()}")
    temporary.write_text(json.dumps(heads, sort_keys=True, indent=1) + "\n", encoding="utf-8")
    temporary.chmod(0o600)
    temporary.replace(path)


def check_head(engine: Engine, key: str, shown: str) -> None:
    """An empty or shorter ledger than its remembered chain head is an error, never a fresh start."""
    head = remembered_head(key)
    if head is None:
        return
    try:
        with engine.connect() as conn:
            count = conn.scalar(text("SELECT count(*) FROM batches")) or 0
            found = conn.scalar(text("SELECT hash FROM batches WHERE seq = :seq"), {"seq": head.seq})
    except SQLAlchemyError:
        count, found = 0, None  # no batches table at all: everything is missing
    problem = missing_history(key, shown, count, {head.seq: found} if found else {})
    if problem:
        engine.dispose()
        raise MissingHistoryError(problem)
