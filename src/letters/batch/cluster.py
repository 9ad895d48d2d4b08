"""Chunks of letters → a Dask cluster's workers, PDF bytes back → files written here (--cluster).

The coordinator (this process) plans, numbers and builds the batch fonts as for a local batch;
the workers render and send back each letter's bytes, so storage stays here and no shared
filesystem is needed. Dask reruns the tasks of a dead worker (at least once); each chunk's
result is taken here once (one future, one result), and a file already written with other bytes
is an error, not a second letter. What runs on a worker is in cluster_worker.
"""

from __future__ import annotations

import contextlib
import importlib
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, TypeVar

from letters.batch.cluster_worker import (
    LOCAL_CLUSTER_CONFIG,
    check_files,
    plugin,
    render_remote,
    tree_digest,
)
from letters.batch.workers import CHUNK, WorkerPool, chunks
from letters.errors import ConfigError, RenderError, SetupError

Item = TypeVar("Item")
Result = TypeVar("Result")

__all__ = ["ClusterPool", "check_files", "parse_cluster", "tree_digest"]

# Chunks in flight per worker: keeps every worker busy while few results wait here in memory.
_WINDOW_PER_WORKER = 3

# Dask keeps each connection's last N messages, transitions and events for its developers to
# debug with (default 1,000). A message to a worker carries a chunk's letters (~200 KB), so the
# coordinator held ~14 MB more with every 1,000 letters until 1,000 messages had been sent on each
# connection: the log, not the batch, set its memory. A few are enough to debug with.
DEBUG_LOG_LENGTH = 10
_COORDINATOR_CONFIG = {"distributed.admin.low-level-log-length": DEBUG_LOG_LENGTH}


def parse_cluster(value: str) -> tuple[str, int]:
    """``local:N`` → ("local", N); ``tcp://host:port`` → (address, 0); anything else is refused."""
    if value.startswith("local:"):
        count = value.removeprefix("local:")
        if not count.isdigit() or not 1 <= int(count) <= 64:
            raise ConfigError(f"--cluster {value!r}: local:N needs N between 1 and 64")
        return "local", int(count)
    if value.startswith(("tcp://", "tls://")) and ":" in value.split("://", 1)[1]:
        return value, 0
    raise ConfigError(f"--cluster {value!r}: use tcp://HOST:PORT (a Dask scheduler) or local:N")


class ClusterPool(WorkerPool):
    """The WorkerPool interface over a Dask client: ``run`` maps chunks over the cluster's workers."""

    def __init__(self, address: str, workers: int = 0) -> None:
        super().__init__(0)
        self.address = address
        self.processes = workers or 1
        self.dashboard = ""
        self._local_workers = workers if address == "local" else 0
        self._client: Any = None
        self._cluster: Any = None
        self._starting: _Starting | None = None
        # A process of this machine for the mailing lists and print files (see call).
        self._helper = WorkerPool(1)

    def __enter__(self) -> ClusterPool:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def client(self) -> Any:
        return self._ready()

    def start(self) -> None:
        """Connect to the scheduler; a LocalCluster is started beside this thread (see _ready)."""
        if self._client is not None or self._starting is not None:
            return
        # Forked first, while this process has no thread but its own (Dask's come next).
        self._helper.start()
        if self._local_workers:
            # Its worker processes spawn and import WeasyPrint (~1.5 s) while this thread opens the
            # ledger and plans, as the local pool's forked workers do; the batch waits for them
            # only when it sends its first chunk.
            self._starting = _Starting(self._connect)
        else:
            self._connect()
            self._announce()

    def _ready(self) -> Any:
        """The client, once the cluster started in start() is up (its error raised here)."""
        if self._starting is not None:
            starting, self._starting = self._starting, None
            starting.wait()
            self._announce()
        return self._client

    def _connect(self) -> None:
        # distributed has no type hints: taken as Any rather than ignoring each call.
        dask: Any = importlib.import_module("distributed")
        Client, LocalCluster = dask.Client, dask.LocalCluster  # noqa: N806 - the library's names
        # For good, not for a block: the scheduler opens a connection to a worker that the nanny
        # restarts (after a crash) when the worker comes back, reading the setting then.
        importlib.import_module("dask").config.set(_COORDINATOR_CONFIG)
        try:
            if self._local_workers:
                # The nannies read the config when they are made and keep it for a worker they
                # restart: the settings hold for the whole batch.
                with importlib.import_module("dask").config.set(LOCAL_CLUSTER_CONFIG):
                    self._cluster = LocalCluster(
                        n_workers=self._local_workers,
                        threads_per_worker=1,
                        processes=True,
                        dashboard_address=":0",
                        silence_logs=40,
                    )
                self._client = Client(self._cluster)
                # Every worker up before the batch fonts are scattered to all of them: a copy held by
                # one worker alone would be lost with it (Dask: "lose scattered data").
                self._client.wait_for_workers(self._local_workers, timeout=120)
            else:
                self._client = Client(self.address, timeout="15s")
        except OSError as exc:
            raise SetupError(f"--cluster {self.address}: cannot reach the Dask scheduler ({exc})") from None
        self._client.register_plugin(plugin())
        self.processes = max(1, len(self._client.scheduler_info().get("workers", {})))

    def _announce(self) -> None:
        self.dashboard = str(self._client.dashboard_link or "")
        print(f"Dask dashboard: {self.dashboard}", file=sys.stderr)

    def close(self) -> None:
        self._helper.close()
        if self._starting is not None:
            # Stopped before the first chunk (an error, Ctrl-C): the cluster is closed once it is
            # up; why it failed to start, if it did, matters no more.
            starting, self._starting = self._starting, None
            with contextlib.suppress(Exception):
                starting.wait()
        if self._client is not None:
            self._client.close()
            self._client = None
        if self._cluster is not None:
            self._cluster.close()
            self._cluster = None

    def run(
        self,
        func: Callable[[tuple[Any, ...]], Result],
        fixed: tuple[Any, ...],
        items: Sequence[Item],
        crashed: Callable[[Item], Result],
    ) -> Iterator[tuple[int, Result]]:
        """``func((*fixed, chunk))`` on the cluster, a window of chunks at a time; yields (index of the
        chunk's first item, result) as they finish. A chunk whose workers keep dying (Dask's
        KilledWorker) is sent again one item at a time; an item whose workers keep dying alone
        yields ``crashed(item)``."""
        dask: Any = importlib.import_module("distributed")
        KilledWorker = importlib.import_module("distributed.scheduler").KilledWorker  # noqa: N806

        client = self._ready()
        pending = list(chunks(list(enumerate(items)), CHUNK))
        pending.reverse()
        window = _WINDOW_PER_WORKER * self.processes
        # Each future's chunk and the copy of the scattered data it uses (its generation).
        in_hand: dict[Any, tuple[list[tuple[int, Item]], int]] = {}
        completed = dask.as_completed()
        # Sent once to every worker (the batch fonts are ~1 MB), not once per chunk. Once workers
        # have died it goes inside each task instead (a new generation): a task submitted while
        # Dask has not yet noticed that the workers holding the scattered copy are gone could
        # wait for that copy for ever (seen with a letter that kills every worker).
        shipped: list[Any] = [_broadcast(client, fixed) if fixed else None]
        losses: dict[tuple[int, int], int] = {}  # a chunk's tasks cancelled for lost data
        # Letters given up while other tasks ran beside them: Dask counts a worker's death against
        # every task it held, so an innocent letter queued behind a poison one can be given up too.
        # These go again at the end, one at a time with nothing else on the cluster.
        isolated: list[list[tuple[int, Item]]] = []
        alone: set[Any] = set()

        def send(chunk: list[tuple[int, Item]]) -> Any:
            future = client.submit(
                _call, func, shipped[-1], [item for _, item in chunk], pure=False, retries=0
            )
            in_hand[future] = (chunk, len(shipped))
            completed.add(future)
            return future

        def submit() -> None:
            while pending and len(in_hand) < window:
                send(pending.pop())
            if not in_hand and isolated:
                alone.add(send(isolated.pop()))

        def given_up(chunk: list[tuple[int, Item]], was_alone: bool) -> Iterator[tuple[int, Result]]:
            self.deaths += 1
            if fixed and len(shipped) == 1:
                shipped.append(fixed)
            if len(chunk) == 1 and not was_alone:
                isolated.insert(0, chunk)
            elif len(chunk) == 1:
                yield chunk[0][0], crashed(chunk[0][1])
            else:
                # One letter may kill every worker that takes it (a crash inside a C library):
                # each letter of the chunk goes again alone, next, so that only that one fails and
                # the others are written.
                pending.extend([pair] for pair in reversed(chunk))

        submit()
        try:
            for future in completed:
                chunk, generation = in_hand.pop(future)
                was_alone = future in alone
                alone.discard(future)
                try:
                    result = future.result()
                except KilledWorker:
                    yield from given_up(chunk, was_alone)
                except Exception as exc:
                    # The workers that held the scattered batch data died (Dask cancels every task
                    # that needs it): ship it again, once for all the chunks that used that copy,
                    # and redo the chunk. Its task is a new one for Dask, which then counts its
                    # deaths from zero, so they are counted here: a chunk that keeps losing its
                    # workers is given up as if Dask had (KilledWorker).
                    if type(exc).__name__ not in _LOST_DATA or not fixed:
                        raise
                    if generation == len(shipped):
                        self.deaths += 1
                        shipped.append(fixed)
                    key = (chunk[0][0], len(chunk))
                    losses[key] = losses.get(key, 0) + 1
                    if losses[key] > _RESCATTERS:
                        yield from given_up(chunk, was_alone)
                    else:
                        pending.append(chunk)
                else:
                    yield chunk[0][0], result
                future.release()
                submit()
        finally:
            # Ctrl-C or an error: nothing more is rendered for this batch; the same command finishes it.
            if in_hand:
                client.cancel(list(in_hand))

    def call(self, func: Callable[[Any], Result], arguments: Any) -> Result:
        """The mailing lists and print files: on this machine, where the files are (a Dask worker
        may be on another), in a helper process. Merging a print part holds its 250 letters open
        in qpdf (~10–15 MB), which in this process stayed as a higher heap part after part (a
        6,000-letter run: +6 MB from part 1 to part 2)."""
        return self._helper.call(func, arguments)

    def compute(self, func: Callable[[Any], Result], arguments: Any) -> Result:
        """On a Dask worker (the same fonts are installed there), its result sent back."""
        result: Result = self._ready().submit(func, arguments, pure=False).result()
        return result

    def render(
        self,
        render_chunk: Callable[[Any], list[Any]],
        context: Any,
        fonts: Any,
        jobs: Sequence[Any],
        died: Callable[[Any], list[Any]],
    ) -> Iterator[Any]:
        """Each job's outcome (render_step's _Done), rendered on the cluster and written here once.

        A letter that comes back twice (which one future per chunk should prevent) is taken once if
        its bytes are the same, and stops the batch if they differ.
        """
        options = context.options
        fixed = (
            render_chunk,
            context,
            fonts,
            ship_fonts(fonts.folder if fonts else None),
            tree_digest(options.templates, options.letterheads),
        )
        seen: dict[str, str] = {}

        def crashed(job: Any) -> list[tuple[Any, dict[str, bytes]]]:
            return [(item, {}) for item in died(job)]

        for _, outcomes in self.run(render_remote, fixed, jobs, crashed):
            for item, files in outcomes:
                if item.letter_id in seen:
                    if seen[item.letter_id] != item.sha256:
                        raise RenderError(
                            f"letter {item.letter_id}: rendered twice with different bytes "
                            "(the same input must give the same PDF)"
                        )
                    continue
                seen[item.letter_id] = item.sha256
                yield write_returned(context.outdir, item, files)


class _Starting:
    """``start()`` run in a thread of its own; ``wait()`` joins it and raises what it raised."""

    def __init__(self, start: Callable[[], None]) -> None:
        self._start = start
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="letters-cluster-start", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            self._start()
        except BaseException as exc:  # whatever it is: raised in the batch's thread by wait()
            self._error = exc

    def wait(self) -> None:
        self._thread.join()
        if self._error is not None:
            raise self._error


def _broadcast(client: Any, data: Any) -> Any:
    """``data`` scattered to every worker; tried again when a worker dies while receiving it (its
    connection closes: OSError), as it does right after the losses that make it needed again."""
    import time

    for attempt in range(_SCATTER_TRIES):
        try:
            return client.scatter([data], broadcast=True)[0]
        except OSError:
            if attempt == _SCATTER_TRIES - 1:
                raise
            time.sleep(1 + attempt)
    raise AssertionError("unreachable")  # pragma: no cover


_SCATTER_TRIES = 5
# Dask's errors for a task whose input (scattered data) was lost with a worker.
_LOST_DATA = frozenset({"FutureCancelledError", "CancelledError"})
_RESCATTERS = 3


def _call(
    func: Callable[[tuple[Any, ...]], Result], fixed: tuple[Any, ...] | None, chunk: list[Any]
) -> Result:
    return func((*(fixed or ()), chunk))


# --- the render round in bytes: rendered into a worker's scratch folder, sent back, written here ---


def ship_fonts(folder: Path | None) -> dict[str, bytes]:
    """The batch font files, to send once to every worker."""
    if folder is None:
        return {}
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir()) if path.is_file()}


def write_returned(outdir: Path, item: Any, files: dict[str, bytes]) -> Any:
    """Here: a worker's files written atomically into the batch folder, its outcome pointed at them.

    A file already there (a batch being finished by the same command) is replaced, as locally.
    """
    from dataclasses import replace

    from letters.files import atomic_write, inside

    written: dict[str, Path] = {}
    for name, data in files.items():
        path = inside(outdir, name)
        atomic_write(path, data)
        written[name] = path
    if item.path is None:
        return item
    return replace(
        item,
        path=written[item.path.name],
        extra_files=tuple(written[path.name] for path in item.extra_files),
    )
