"""Fault injection for the crash-safety tests: die exactly as `kill -9` would, at a named point."""

from __future__ import annotations

import os
import signal


def crash_point(name: str) -> None:
    """SIGKILL this process when LETTERS_TEST_KILL_AT names this point; otherwise do nothing."""
    if os.environ.get("LETTERS_TEST_KILL_AT") == name:
        os.kill(os.getpid(), signal.SIGKILL)
