"""Where letters keeps state between runs (the default SQLite ledger): one folder per user."""

from __future__ import annotations

import os
from pathlib import Path


def state_dir() -> Path:
    """$LETTERS_STATE_DIR, else $XDG_STATE_HOME/letters, else ~/.local/state/letters."""
    explicit = os.environ.get("LETTERS_STATE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(base) / "letters"
