"""run_batch(): accounts → plan → letters → HTML → PDF files and the combined print PDF, in order.

The stages live in their own modules: compose_step (plan → letters), render_step (letters → files,
in worker processes), print_file (the duplex print files, one per letterhead and paper size),
archive_step (evidence archive and ledger record); results holds what a batch returns.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Sequence

from letters.batch.archive_step import archive_batch, archive_letter, batch_id_for, open_bag, remove_leftovers
from letters.batch.compose_step import add_kind_context, build_letters, make_plan
from letters.batch.options import Options
from letters.batch.parts import gather, give_back_memory, offset_progress
from letters.batch.print_file import print_files_job, print_items
from letters.batch.render_step import pool_for_batch, render_letters, write_mailing_lists_job
from letters.batch.results import BatchResult, FailedLetter, OnWritten, Progress, WrittenLetter, as_of_date
from letters.batch.sign_step import check_signing
from letters.batch.workers import WorkerPool
from letters.compose.attorney_review import applies as review_applies
from letters.decide.plan import Plan
from letters.decide.policy import load_policy
from letters.errors import OutputError
from letters.evidence.archive import now_utc
from letters.evidence.bag_stream import BagBuilder
from letters.faults import crash_point
from letters.files import private_dir
from letters.intake.accounts import Account, AccountSet
from letters.post.mailing import build_mailing_lists
from letters.post.tracking import assign_tracking

# The batch's face; the stages' own names are imported from their modules.
__all__ = ["BatchResult", "FailedLetter", "Progress", "WrittenLetter", "make_plan", "run_batch"]


def run_batch(
    accounts: AccountSet | Sequence[Account],
    options: Options,
    *,
    progress: Progress | None = None,
    notice: Callable[[str], None] | None = None,
    on_part: Callable[[BatchResult], None] | None = None,
) -> BatchResult:
    """The whole job, stage by stage: plan (with history), letters, numbers, render, archive, record.

    ``notice`` hears, once, that the batch waits for another run that is sending its letters.

    More accounts than ``options.part_size`` run in parts, one after another through the same
    workers: each part is planned, numbered, rendered, archived and recorded as a batch of its own
    (its print files, mailing lists, bag and ledger record), so this process holds one part's
    letters at a time. ``on_part`` hears each part's result as it finishes, and then the part's
    letters (written, already recorded) and skipped accounts are not kept here (memory stays flat
    however large the file); without it they are gathered into the result returned.
    """
    from letters.pdf.fonts import check_environment

    source = accounts if isinstance(accounts, AccountSet) else None
    records = accounts.accounts if isinstance(accounts, AccountSet) else tuple(accounts)
    check_environment({options.lang} if options.lang else {a.language for a in records})
    size = options.part_size
    # Where each part starts; its accounts are read (from the spool, for a large file) only when
    # its turn comes, so that one part's accounts are in memory at a time.
    starts = range(0, len(records), size) or range(1)
    count = len(starts)
    finished = reviews = 0
    # The workers start first: each loads WeasyPrint (~0.4 s) while this process opens the ledger
    # (SQLAlchemy, ~0.3 s) and plans, and none inherits the ledger's database connection.
    try:
        with pool_for_batch(options, len(records)) as workers:
            total = BatchResult(plan=Plan(as_of_date(options), (), ()))
            for number, base in enumerate(starts, start=1):
                part = records[base : base + size]
                step = progress if count == 1 else offset_progress(progress, base, len(records))
                last = number == count
                result = _run(part, source, options, step, workers, notice, base + 1, last, reviews)
                del part
                # A bulk of US attorney letters without a review is refused across the whole file,
                # not part by part (compose/attorney_review.py).
                reviews += sum(1 for item in result.written if review_applies(item.letter.planned))
                result.part = (number, count)
                finished = number
                if on_part is not None:
                    on_part(result)
                if count == 1:
                    return result
                gather(total, result, keep=on_part is None)
                del result
                give_back_memory()
            return total
    except OutputError as exc:
        done = f" (parts 1–{finished} of {count} were written and recorded)" if finished else ""
        raise OutputError(
            f"{exc}. The batch stopped and was not recorded{done}; when the problem is fixed, run the "
            "same command again: it writes every letter once, and no letter is sent twice"
        ) from exc


def _run(
    records: Sequence[Account],
    source: AccountSet | None,
    options: Options,
    progress: Progress | None,
    workers: WorkerPool,
    notice: Callable[[str], None] | None,
    start: int = 1,
    last: bool = True,
    earlier_reviews: int = 0,
) -> BatchResult:
    """One batch (or one part of a large one): its letters numbered from ``start``; the workers
    are closed after the ``last`` part's final task."""
    from letters.batch.holds_step import load_holds, record_hold_overrides, record_plan_holds
    from letters.evidence.claims import Run
    from letters.evidence.identity import check_owner
    from letters.evidence.ledger import Ledger
    from letters.evidence.payments import recorded_payments

    policy = load_policy(options.policy)
    check_signing(options, policy.signing)  # a keystore that will not open stops the batch before it starts
    # A run that records nothing (a preview, a --no-archive render without registered-mail numbers)
    # reads the history and never writes: no table, no serial, no file where the ledger would be.
    ledger = Ledger(
        options.db, draft=not options.archive and options.tracking is None, new_ledger=options.new_ledger
    )
    run: Run | None = None
    stack = contextlib.ExitStack()
    try:
        history = ledger.last_letters(a.account_id for a in records)
        holds = load_holds(ledger, records, options, as_of_date(options))
        payments = recorded_payments(ledger, (a.account_id for a in records))
        plan = make_plan(records, options, policy, history, holds, payments)
        letters, failed = build_letters(plan, options, policy, ledger, start, earlier_reviews)
        result = BatchResult(plan=plan, failed=failed)
        # The letters are this run's before anything is looked up or printed: a second run of the
        # same batch waits here until the first is done, then finds them recorded.
        if not ledger.read_only:  # a run that records nothing claims nothing either
            run = Run(ledger)
            run.claim([(letter.id, letter.account.account_id) for letter in letters], notice)
        # A letter already in the ledger was sent by an earlier run (e.g. before a crash and a
        # re-run): it is reported, never produced or recorded a second time.
        recorded = ledger.recorded_letters(letter.id for letter in letters)
        for letter in letters:
            if letter.id in recorded:
                check_owner("letter", letter.id, recorded[letter.id].account_id, letter.account.account_id)
        result.already_recorded = [letter for letter in letters if letter.id in recorded]
        letters = [letter for letter in letters if letter.id not in recorded]
        if options.tracking is not None and letters:
            # Numbers are recorded before anything prints: a crash later never frees a used label.
            letters = assign_tracking(letters, options.tracking, ledger, policy)
        letters = add_kind_context(letters, options, result)
        outdir = private_dir(options.outdir)
        remove_leftovers(outdir)
        if options.archive:  # a real batch, not a preview: each letter goes into the bag as it is written
            created = now_utc().isoformat()
            bag = stack.enter_context(_building(open_bag(options)))
            on_written: OnWritten | None = lambda item, document: archive_letter(  # noqa: E731
                bag, item, document, options, created
            )
        else:
            on_written = None
        render_letters(letters, options, outdir, result, progress, workers, policy.signing, on_written)
        mailed = [item.letter for item in result.written if item.letter.tracking_number]
        if mailed:
            pages = {item.letter.id: item.pages for item in result.written}
            lists = build_mailing_lists(mailed, plan.as_of, policy.rates, pages)
            batch_id = batch_id_for(plan.as_of, result.written)
            result.mailing_lists = workers.call(write_mailing_lists_job, (lists, outdir, options, batch_id))
        result.worker_deaths = workers.deaths
        if not result.written:
            return result
        record_hold_overrides(ledger, result, options)
        if options.archive:  # a real batch, not a preview
            record_plan_holds(ledger, result, options, policy.plan_grace_days)
        # A single letter is its own print file: no merge, and no PDF library to import for it.
        # 内容証明 sheets are printed single-sided, each copy on its own: not in the duplex print file.
        printable = [item for item in result.written if item.letter.naiyo is None]
        if options.combined and len(printable) > 1:
            batch_id = batch_id_for(plan.as_of, result.written)
            task = (print_items(printable), outdir, batch_id)
            # Merged by a worker (a local one): qpdf holds a print part's 250 letters open at once.
            result.print_files, result.print_pages = workers.call(print_files_job, task)
            crash_point("combined")
        # The workers' last task is done: their memory is freed before the archive is finished.
        if last:
            workers.close()
        result.worker_deaths = workers.deaths
        if options.archive:
            archive_batch(result, options, source, policy, ledger, bag, created)
    finally:
        stack.close()
        if run is not None:
            run.release()
        ledger.close()
    return result


@contextlib.contextmanager
def _building(bag: BagBuilder) -> Iterator[BagBuilder]:
    """The bag, removed unless the batch finished it (an error, no letter written)."""
    try:
        yield bag
    finally:
        if bag.building.exists():
            bag.discard()
