"""A batch's worker processes: forked early, fed a few chunks at a time, and safe when one dies.

A worker can die without raising anything: the kernel's out-of-memory killer, a crash inside a C
library (Pango, HarfBuzz), an operator's `kill`. multiprocessing.Pool then waits for ever for the
lost chunk's result, so a morning's batch would hang before the post office's cut-off. Here the
chunks a dead worker and its neighbours had in hand are run again one letter at a time in fresh
workers; a letter that kills its worker even alone is reported as failed (the caller says how),
every other letter is written. A batch whose workers keep dying stops with an error.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from typing import Any, TypeVar

from letters.errors import RenderError

# Letters handed to a worker at a time: large enough that sending them costs little, small enough
# that a 1,000-letter batch is shared out evenly and a dead worker loses little work.
CHUNK = 16
# Worker deaths a batch survives; past this the machine, not a letter, is the problem.
MAX_DEATHS = 5
# Why an item failed when its worker died with it alone (twice, counting its first chunk).
DIED = (
    "its worker process died while rendering it, alone in a fresh process: killed (e.g. for lack "
    "of memory) or crashed inside a library"
)

Item = TypeVar("Item")
Result = TypeVar("Result")


def _nothing() -> None:
    """A first task: with the fork start method, the executor forks all its workers on the first."""


# prctl(2) option: the signal the kernel sends this process when its parent thread exits.
_PR_SET_PDEATHSIG = 1


def _die_with_parent(parent: int, initializer: Callable[[], None] | None) -> None:
    """First thing in every worker: be killed when the batch process dies, however it dies.

    A batch process killed with kill -9 (or by the out-of-memory killer) runs no clean-up, and its
    workers, each ~150 MB with WeasyPrint loaded, would wait for work for ever. On Linux the kernel
    sends them SIGKILL when their parent goes (PR_SET_PDEATHSIG). It fires when the *thread* that
    forked them exits: with the fork start method ProcessPoolExecutor forks all its workers in the
    thread that submits the first task (WorkerPool.start, in the thread running the batch), never
    in its management thread, so they live exactly as long as the batch's thread.
    """
    if sys.platform.startswith("linux"):
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        # The parent may have died between the fork and the prctl: then no signal will come.
        if os.getppid() != parent:
            os._exit(1)
    if initializer is not None:
        initializer()


def chunks(items: Sequence[Item], size: int = CHUNK) -> list[list[Item]]:
    """``items`` in the pieces handed to a worker at a time."""
    return [list(items[i : i + size]) for i in range(0, len(items), size)]


class WorkerPool:
    """``processes`` forked workers, or none: then every call runs in this process."""

    def __init__(self, processes: int, initializer: Callable[[], None] | None = None) -> None:
        self.processes = processes
        self.deaths = 0
        self._initializer = initializer
        self._executor: ProcessPoolExecutor | None = None

    def __enter__(self) -> WorkerPool:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def start(self) -> None:
        """Fork the workers now, so that they load what they need while this process goes on."""
        if self.processes and self._executor is None:
            self._executor = ProcessPoolExecutor(
                self.processes,
                mp_context=multiprocessing.get_context("fork"),
                initializer=_die_with_parent,
                initargs=(os.getpid(), self._initializer),
            )
            self._executor.submit(_nothing)

    def close(self) -> None:
        """Stop the workers (idle by now, or abandoned on an error): their memory is freed."""
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None

    def _restart(self) -> None:
        self.deaths += 1
        self.close()
        if self.deaths > MAX_DEATHS:
            raise RenderError(
                f"worker processes died {self.deaths} times in this batch (killed, e.g. for lack of "
                "memory, or crashing inside a library); stopped. Letters already written are kept; "
                "run the batch again to finish it"
            )
        self.start()

    def run(
        self,
        func: Callable[[tuple[Any, ...]], Result],
        fixed: tuple[Any, ...],
        items: Sequence[Item],
        crashed: Callable[[Item], Result],
    ) -> Iterator[tuple[int, Result]]:
        """``func((*fixed, chunk))`` for chunks of ``items``; yields (index of the chunk's first item,
        result) as results come. An item whose worker dies even when it is sent alone yields
        (its index, ``crashed(item)``) instead."""
        indexed = list(enumerate(items))
        if self._executor is None:
            for chunk in chunks(indexed):
                yield chunk[0][0], func((*fixed, [item for _, item in chunk]))
            return
        queue: deque[list[tuple[int, Item]]] = deque(chunks(indexed))
        suspects: deque[tuple[int, Item]] = deque()
        while queue or suspects:
            if suspects:
                # One at a time, so that a death is this item's and no other's.
                index, item = suspects.popleft()
                try:
                    yield index, self._submit(func, (*fixed, [item])).result()
                except BrokenProcessPool:
                    self._restart()
                    yield index, crashed(item)
                continue
            yield from self._run_queue(func, fixed, queue, suspects)

    def _submit(self, func: Callable[[Any], Result], task: Any) -> Future[Result]:
        assert self._executor is not None  # noqa: S101 - only called with workers running
        return self._executor.submit(func, task)

    def _run_queue(
        self,
        func: Callable[[tuple[Any, ...]], Result],
        fixed: tuple[Any, ...],
        queue: deque[list[tuple[int, Item]]],
        suspects: deque[tuple[int, Item]],
    ) -> Iterator[tuple[int, Result]]:
        """Chunks from ``queue``, a few in hand at a time, until it is empty or a worker dies; then the
        chunks in hand go to ``suspects`` (those that finished anyway yield their results)."""
        # Two chunks a worker keeps every worker busy; never more, so a death leaves few suspects.
        window = 2 * self.processes
        in_hand: dict[Future[Result], list[tuple[int, Item]]] = {}
        broken = False
        while (queue and not broken) or in_hand:
            while queue and not broken and len(in_hand) < window:
                chunk = queue.popleft()
                in_hand[self._submit(func, (*fixed, [item for _, item in chunk]))] = chunk
            done, _ = wait(in_hand, return_when=FIRST_COMPLETED)
            for future in sorted(done, key=lambda f: in_hand[f][0][0]):
                chunk = in_hand.pop(future)
                try:
                    result = future.result()
                except BrokenProcessPool:
                    broken = True
                    suspects.extend(chunk)
                    continue
                yield chunk[0][0], result
        if broken:
            self._restart()

    def compute(self, func: Callable[[Any], Result], arguments: Any) -> Result:
        """``func(arguments)`` on a worker wherever the pool has one, for work whose memory should
        not count in this process (the batch fonts); its result comes back here."""
        return self.call(func, arguments)

    def call(self, func: Callable[[Any], Result], arguments: Any) -> Result:
        """``func(arguments)`` in a worker (where WeasyPrint is loaded), or here; tried twice."""
        if self._executor is None:
            return func(arguments)
        for attempt in (1, 2):
            try:
                return self._submit(func, arguments).result()
            except BrokenProcessPool:
                self._restart()
                if attempt == 2:
                    raise RenderError(
                        f"the worker process running {func.__name__} died twice (killed, e.g. for "
                        "lack of memory, or crashed inside a library)"
                    ) from None
        raise AssertionError("unreachable")  # pragma: no cover
