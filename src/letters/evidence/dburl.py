"""A ledger URL and its errors → text fit for a message (no password, one line); SQLite's busy wait."""

from __future__ import annotations

import os

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from letters.errors import ConfigError


def shown_url(url: str) -> str:
    """A database URL fit for a message: never its password."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except (ArgumentError, ValueError):
        return "(unparsable database URL)"


def first_line(exc: BaseException) -> str:
    """SQLAlchemy's messages run to several lines (statement, parameters, a link): keep the cause."""
    text = str(getattr(exc, "orig", None) or exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def busy_seconds() -> float:
    raw = os.environ.get("LETTERS_LEDGER_BUSY_SECONDS", "60")
    try:
        value = float(raw)
    except ValueError:
        raise ConfigError(f"LETTERS_LEDGER_BUSY_SECONDS={raw!r} is not a number of seconds") from None
    if not 0 <= value <= 3600:
        raise ConfigError(f"LETTERS_LEDGER_BUSY_SECONDS={raw!r}: use 0 to 3600 seconds")
    return value
