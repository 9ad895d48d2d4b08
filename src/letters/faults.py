"""Fault injection for the crash-safety tests: die exactly as `kill -9` would, at a named point."""

from __future__ import annotations

import os
import signal


def crash_point(name: str) -> None:
    """SIGKILL this process when LETTERS_TEST_KILL_AT names this point; otherwise do nothing.

    With LETTERS_TEST_KILL_ONCE naming a file, only the first process to reach the point dies (it
    creates the file): a worker killed once, as by the out-of-memory killer, not a letter that
    kills every process that renders it.
    """
    if os.environ.get("LETTERS_TEST_KILL_AT") != name:
        return
    once = os.environ.get("LETTERS_TEST_KILL_ONCE")
    if once:
        try:
            os.close(os.open(once, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
        except FileExistsError:
            return
    os.kill(os.getpid(), signal.SIGKILL)
