"""A letter's render → stopped when it runs past the batch's per-letter time limit (--letter-timeout)."""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

from letters.errors import RenderError


class LetterTimeoutError(RenderError):
    """One letter took longer than the limit: it fails, named, and the batch goes on."""


@contextmanager
def time_limit(seconds: float, what: str) -> Iterator[None]:
    """Raise LetterTimeoutError in this thread when the block runs past ``seconds`` (0: no limit).

    SIGALRM, so only in a process's main thread: the batch's own process and its forked workers.
    Elsewhere (a Dask worker's task thread, the desk's thread pool) the block runs unlimited.
    """
    if seconds <= 0 or threading.current_thread() is not threading.main_thread():
        yield
        return

    def fire(_signum: int, _frame: FrameType | None) -> None:
        raise LetterTimeoutError(
            f"{what}: took longer than {seconds:g} s to render (--letter-timeout); not written"
        )

    previous = signal.signal(signal.SIGALRM, fire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
