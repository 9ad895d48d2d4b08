"""A large file's parts (pipeline.run_batch): their results gathered, their progress counted as the
whole file's, and the memory a finished part freed handed back to the system."""

from __future__ import annotations

from letters.batch.results import BatchResult, Progress
from letters.decide.plan import Plan


def give_back_memory() -> None:
    """Between parts: the freed part's memory handed back to the system (glibc's malloc_trim).

    glibc keeps freed memory for reuse, fragmented by what outlives a part (the ledger's and
    libraries' caches), so each part started a few MB higher (measured: ~3 MB a part without,
    ~0.7 MB with). Elsewhere (musl, macOS) there is nothing to call and nothing is done.
    """
    import ctypes
    import ctypes.util
    import gc

    gc.collect()
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name) if name else None
        if libc is not None and hasattr(libc, "malloc_trim"):
            libc.malloc_trim(0)
    except OSError:
        pass  # no C library to ask: memory is only kept a little longer


def offset_progress(progress: Progress | None, base: int, total: int) -> Progress | None:
    """A part's progress as the whole file's: its letters counted after the earlier parts' accounts."""
    if progress is None:
        return None
    return lambda done, _part_total: progress(base + done, total)


def gather(total: BatchResult, part: BatchResult, keep: bool) -> None:
    """A finished part's outcome added to the whole batch's; its written letters only if ``keep``."""
    letters = (*total.plan.letters, *part.plan.letters) if keep else ()
    total.plan = Plan(total.plan.as_of, letters, (*total.plan.skipped, *part.plan.skipped))
    if keep:
        total.written.extend(part.written)
    total.failed.extend(part.failed)
    total.print_files.extend(part.print_files)
    total.print_pages += part.print_pages
    total.mailing_lists.extend(part.mailing_lists)
    total.already_recorded.extend(part.already_recorded)
    total.warnings.extend(part.warnings)
    total.worker_deaths = part.worker_deaths  # the same workers throughout: a running count
    total.archive, total.batch, total.seal = part.archive, part.batch, part.seal
    total.part = part.part
