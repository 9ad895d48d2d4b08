"""Durable, locked counters (law-firm letter references): a number once issued is never issued again."""

from __future__ import annotations

import fcntl
import json
import os
from pathlib import Path

from letters.errors import ConfigError


def state_dir() -> Path:
    """Where letters keeps state between runs: $LETTERS_STATE_DIR, else $XDG_STATE_HOME/letters."""
    explicit = os.environ.get("LETTERS_STATE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(base) / "letters"


def next_serials(name: str, count: int, *, folder: Path | None = None) -> list[int]:
    """Reserve ``count`` consecutive serials of counter ``name`` (e.g. ``mingli-law-2026``)."""
    if count <= 0:
        return []
    root = folder or state_dir()
    root.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = root / "serials.json"
    lock_path = root / "serials.lock"
    with lock_path.open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # other letters processes wait here, so no number is issued twice
        try:
            counters = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
        except json.JSONDecodeError as exc:
            raise ConfigError(f"{path}: counter file is damaged ({exc}); restore it from a backup") from None
        first = int(counters.get(name, 0)) + 1
        counters[name] = first + count - 1
        temp = path.with_suffix(".tmp")
        with temp.open("w", encoding="utf-8") as handle:
            json.dump(counters, handle, sort_keys=True, indent=1)
            handle.flush()
            os.fsync(handle.fileno())
        temp.replace(path)
    return list(range(first, first + count))
