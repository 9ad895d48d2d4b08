"""A large file's parts (pipeline.run_batch): their results gathered, their progress counted as the
whole file's, and the memory a finished part freed handed back to the system."""

from __future__ import annotations

from letters.batch.malloc import set_thresholds, trim
from letters.batch.results import BatchResult, Progress
from letters.decide.plan import Plan

# Between parts: buffers of 128 KiB and more mapped on their own, and free memory above 128 KiB at
# the top of the heap returned (glibc's starting values, kept from changing; see give_back_memory).
_THRESHOLD = 128 * 1024


def give_back_memory() -> None:
    """Between parts: the freed part's memory handed back to the system (glibc's malloc_trim).

    glibc keeps freed memory for reuse, fragmented by what outlives a part (the ledger's and
    libraries' caches), so each part started a few MB higher (measured: ~3 MB a part without,
    ~0.7 MB with). Its thresholds are pinned too: by default, freeing a large buffer (a part's
    spooled accounts, a print file) raises the size below which buffers come from the heap, so the
    next part's large buffers fragment the heap instead of being mapped and unmapped (measured:
    the step from part 1 to part 2 went from +5 to +3 MB). Elsewhere (musl, macOS) there is
    nothing to call and nothing is done.
    """
    import gc

    gc.collect()
    set_thresholds(mmap=_THRESHOLD, trim=_THRESHOLD)
    trim()


def offset_progress(progress: Progress | None, base: int, total: int) -> Progress | None:
    """A part's progress as the whole file's: its letters counted after the earlier parts' accounts."""
    if progress is None:
        return None
    return lambda done, _part_total: progress(base + done, total)


def gather(total: BatchResult, part: BatchResult, keep: bool) -> None:
    """A finished part's outcome added to the whole batch's. Its letters (written, planned, found
    already recorded) and its skipped accounts only if ``keep``: a caller that heard the part has
    them, and for a large file (or a re-run of one, where every letter is already recorded) they
    would be the whole file again."""
    if keep:
        total.plan = Plan(
            total.plan.as_of,
            (*total.plan.letters, *part.plan.letters),
            (*total.plan.skipped, *part.plan.skipped),
        )
        total.written.extend(part.written)
        total.already_recorded.extend(part.already_recorded)
    total.failed.extend(part.failed)
    total.print_files.extend(part.print_files)
    total.print_pages += part.print_pages
    total.mailing_lists.extend(part.mailing_lists)
    total.warnings.extend(part.warnings)
    total.worker_deaths = part.worker_deaths  # the same workers throughout: a running count
    total.archive, total.batch, total.seal = part.archive, part.batch, part.seal
    total.part = part.part
