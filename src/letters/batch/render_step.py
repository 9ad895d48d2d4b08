"""Letters → PDF (and DOCX) files, in worker processes: the render step of a batch."""

from __future__ import annotations

import contextlib
import hashlib
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from letters.batch.compose_step import file_names, letter_fields
from letters.batch.options import Options
from letters.batch.results import (
    BatchResult,
    FailedLetter,
    OnWritten,
    Progress,
    WrittenLetter,
    failure_message,
)
from letters.batch.sign_step import sign_letter
from letters.batch.time_limit import time_limit
from letters.batch.workers import CHUNK, DIED, WorkerPool
from letters.compose.qr import qr_data_url, verification_payload
from letters.compose.render_html import Letter, envelope_for, render_html
from letters.decide.signing_policy import SigningPolicy
from letters.errors import LettersError, OutputError, RenderError
from letters.evidence.archive import letter_document, now_utc
from letters.faults import crash_point
from letters.files import atomic_write, inside
from letters.pdf.batch_fonts import BATCH_LANGUAGES, BatchFonts, subset_batch_fonts, write_batch_fonts
from letters.pdf.fonts import check_glyphs, visible_text
from letters.pdf.writer import PdfWriter
from letters.post.mailing import MailingList, write_mailing_lists

if TYPE_CHECKING:
    from letters.docx.writer import DocxWriter


@dataclass(frozen=True)
class _Job:
    """One letter ready for a worker: everything but the PDF.

    As the batch process holds it (for every letter of the batch), without the merged data and the
    QR code (~10 KB a letter together): the worker makes them again, the same, when it renders.
    """

    letter: Letter
    name: str
    document: bytes
    data_sha256: str
    payload: str


@dataclass(frozen=True)
class _Done:
    letter_id: str
    path: Path | None
    pages: int
    sha256: str
    size: int
    error: str
    extra_files: tuple[Path, ...] = ()
    document: bytes = b""  # the letter's canonical merged data, for the archive


def _prepare(letter: Letter, options: Options, name: str) -> _Job:
    document = letter_document(letter, options.templates)
    digest = hashlib.sha256(document).hexdigest()
    payload = verification_payload(letter.id, digest, options.qr_pattern)
    # Nothing may be added to a 内容証明 sheet beyond the certified text: no QR code there.
    if options.qr and letter.naiyo is None:
        letter = replace(letter, qr=qr_data_url(payload))
    return _Job(letter, name, document, digest, payload)


def _letter_html(letter: Letter, options: Options) -> str:
    """The HTML a letter prints: its template, or for 内容証明 the grid sheets."""
    if letter.naiyo is not None:
        from letters.compose.naiyo import render_naiyo_html

        return render_naiyo_html(letter, options.templates, letter.naiyo)
    return render_html(letter, options.templates).html


def render_letters(
    letters: Sequence[Letter],
    options: Options,
    outdir: Path,
    result: BatchResult,
    progress: Progress | None,
    workers: WorkerPool,
    signing: SigningPolicy | None = None,
    on_written: OnWritten | None = None,
) -> None:
    """Render and write each letter — in worker processes for a batch — failing letters one by one.

    Two rounds through the same workers: first each letter's HTML and QR code (the batch's
    characters come from them), then, with the batch's font subsets made, the PDFs. ``on_written``
    hears each letter as it is written, with its merged data.
    """
    names = file_names(letters, options.name_pattern)
    context = _RenderContext(options, outdir, now_utc(), signing if options.sign_with else None)
    jobs: list[_Job] = []
    charsets: dict[str, set[str]] = {}
    items = [(letter, names[letter.id]) for letter in letters]
    own = {letter.id: letter for letter in letters}
    prepared: list[tuple[int, _Job | FailedLetter]] = []
    for index, (chunk, chars) in workers.run(_prepare_chunk, (context,), items, _prepare_died):
        for offset, item in enumerate(chunk):
            if isinstance(item, _Job):
                # This process's own letter: the worker's copy (its own letterhead and plan
                # objects, ~5 KB a letter) would be held to the end of the batch.
                item = replace(item, letter=own[item.letter.id])
            prepared.append((index + offset, item))
        for lang, found in chars.items():
            charsets.setdefault(lang, set()).update(found)
    # In batch order (results come as workers finish), so that failures are listed in that order.
    for _, item in sorted(prepared, key=lambda pair: pair[0]):
        if isinstance(item, FailedLetter):
            result.failed.append(item)
        else:
            jobs.append(item)
    del prepared, own
    with tempfile.TemporaryDirectory(prefix=".fonts-", dir=outdir) as font_dir:
        try:
            fonts = _batch_fonts(workers, charsets, Path(font_dir)) if charsets else None
            by_id = {job.letter.id: job for job in jobs}
            for done, finished in enumerate(_render_all(workers, context, jobs, fonts), start=1):
                job = by_id[finished.letter_id]
                if finished.path is None:
                    result.failed.append(
                        FailedLetter(job.letter.id, job.letter.account.account_id, finished.error)
                    )
                else:
                    written = WrittenLetter(
                        job.letter,
                        finished.path,
                        finished.pages,
                        finished.sha256,
                        finished.size,
                        job.data_sha256,
                        job.payload,
                        finished.extra_files,
                    )
                    if on_written is not None:
                        on_written(written, finished.document)
                    result.written.append(written)
                if progress is not None:
                    progress(done, len(jobs))
        finally:
            # This process's writer goes with the batch's fonts (its copies of them live in
            # font_dir), also when the batch stops on an error.
            _drop_writers()
    result.written.sort(key=lambda item: item.letter.sequence)


def _batch_fonts(workers: WorkerPool, charsets: dict[str, set[str]], folder: Path) -> BatchFonts:
    """The batch fonts, cut by a worker where there is one: the font pages HarfBuzz touches then
    count in that worker's memory, not in this process's, whose peak must not grow with a large
    batch's parts (issue #22). Written here, into the batch's private folder."""
    return write_batch_fonts(workers.compute(subset_batch_fonts, charsets), folder)


@dataclass(frozen=True)
class _RenderContext:
    options: Options
    outdir: Path
    created: datetime
    signing: SigningPolicy | None = None  # None: nothing is signed


@dataclass
class _Writers:
    """One PDF writer (FontConfiguration, parsed CSS, image cache) and DOCX writer per process."""

    pdf: PdfWriter
    docx: DocxWriter | None


# Each process's writers, kept from one chunk to the next: made on the first letter once the
# batch's fonts are known, and made again only for another batch or other fonts.
_WRITERS: tuple[tuple[_RenderContext, BatchFonts | None], _Writers] | None = None


def _writers(context: _RenderContext, fonts: BatchFonts | None) -> _Writers:
    global _WRITERS
    if _WRITERS is None or _WRITERS[0] != (context, fonts):
        _WRITERS = ((context, fonts), _make_writer(context, fonts))
    return _WRITERS[1]


def _drop_writers() -> None:
    global _WRITERS
    _WRITERS = None


def _make_writer(context: _RenderContext, fonts: BatchFonts | None) -> _Writers:
    options = context.options
    pdf = PdfWriter(options.templates, options.letterheads, fonts=fonts)
    docx = None
    if "docx" in options.formats:
        from letters.docx.writer import DocxWriter  # python-docx and lxml only when DOCX is asked for

        docx = DocxWriter(options.templates, options.letterheads)
    return _Writers(pdf, docx)


def _preload() -> None:
    """A worker's first act, while the main process opens the ledger and plans: load WeasyPrint.

    It must not raise: a worker whose initializer fails breaks the pool before any letter is
    rendered. A failure here happens again, as a SetupError, when the worker makes its writer.
    """
    from letters.pdf.weasy import load

    with contextlib.suppress(Exception):
        load()


def pool_for_batch(options: Options, accounts: int) -> WorkerPool:
    """Up to ``--workers`` processes, no more than the batch has chunks: a one-off letter gets one,
    which loads WeasyPrint while this process opens the ledger. ``--workers 1``: this process."""
    if options.cluster:
        from letters.batch.cluster import ClusterPool, parse_cluster

        return ClusterPool(*parse_cluster(options.cluster))
    if options.workers <= 1:
        return WorkerPool(0)
    return WorkerPool(max(1, min(options.workers, (accounts + CHUNK - 1) // CHUNK)), initializer=_preload)


def _render_all(
    workers: WorkerPool, context: _RenderContext, jobs: Sequence[_Job], fonts: BatchFonts | None
) -> Iterator[_Done]:
    """Each job's outcome, as the workers finish them (in order when this process renders)."""
    from letters.batch.cluster import ClusterPool

    if isinstance(workers, ClusterPool):  # a Dask cluster (--cluster): bytes back, files written here
        yield from workers.render(_render_chunk, context, fonts, jobs, _render_died)
        return
    if not workers.processes:
        for number, job in enumerate(jobs, start=1):
            yield _render_one(context, _writers(context, fonts), job)
            crash_point(f"letter:{number}")
        return
    for _, finished in workers.run(_render_chunk, (context, fonts), jobs, _render_died):
        yield from finished


def _prepare_died(item: tuple[Letter, str]) -> tuple[list[_Job | FailedLetter], dict[str, set[str]]]:
    letter = item[0]
    return [FailedLetter(letter.id, letter.account.account_id, _died(letter))], {}


def _render_died(job: _Job) -> list[_Done]:
    return [_Done(job.letter.id, None, 0, "", 0, _died(job.letter))]


def _died(letter: Letter) -> str:
    """Why a letter failed whose worker died with it even when it was rendered alone."""
    return f"letter {letter.id}: {DIED}"


def _prepare_chunk(
    task: tuple[_RenderContext, list[tuple[Letter, str]]],
) -> tuple[list[_Job | FailedLetter], dict[str, set[str]]]:
    """Jobs for a chunk of letters, and the characters their CJK letters print (for the batch fonts).

    The HTML itself is not sent back: held for every letter of a 10,000-letter batch it would grow
    the main process by ~50 MB, and rendering it again in the worker costs ~5 ms.
    """
    context, items = task
    options = context.options
    done: list[_Job | FailedLetter] = []
    charsets: dict[str, set[str]] = {}
    for letter, name in items:
        crash_point(f"prepare:{letter.account.account_id}")
        try:
            job = _prepare(letter, options, name)
            if options.batch_fonts and job.letter.planned.lang in BATCH_LANGUAGES:
                html = _letter_html(job.letter, options)
                charsets.setdefault(job.letter.planned.lang, set()).update(visible_text(html))
            # Only the digests go back; _render_one makes the data and QR code again (see _Job).
            done.append(replace(job, letter=letter, document=b""))
        except LettersError as exc:
            done.append(FailedLetter(letter.id, letter.account.account_id, failure_message(letter, exc)))
    return done, charsets


def _render_chunk(task: tuple[_RenderContext, BatchFonts | None, list[_Job]]) -> list[_Done]:
    context, fonts, jobs = task
    writers = _writers(context, fonts)
    return [_render_one(context, writers, job) for job in jobs]


def write_mailing_lists_job(task: tuple[Sequence[MailingList], Path, Options, str]) -> list[Path]:
    """The post office's mailing lists, as the workers' last task (WeasyPrint is loaded there)."""
    lists, outdir, options, batch_id = task
    writer = PdfWriter(options.templates, options.letterheads)
    return write_mailing_lists(lists, outdir, options.templates, writer, batch_id=batch_id, created=now_utc())


def _render_one(context: _RenderContext, writers: _Writers, job: _Job) -> _Done:
    letter = job.letter
    options = context.options
    writer = writers.pdf
    crash_point(f"render:{letter.account.account_id}")
    try:
        job = _full_job(job, options)
        letter = job.letter
        # A letter that hangs WeasyPrint (a pathological input) fails alone, named; the batch goes on.
        with time_limit(options.letter_timeout, f"letter {letter.id}"):
            if letter.naiyo is not None:
                return _render_naiyo(context, writer, job)
            rendered = render_html(letter, options.templates)
            extra: tuple[Path, ...] = ()
            if writers.docx is not None:
                # The same rendered HTML as the PDF: one template, two outputs that say the same.
                check_glyphs(
                    rendered.html, letter.planned.lang, f"letter {letter.id}", letter_fields(letter.account)
                )
                docx_path = inside(context.outdir, job.name.removesuffix(".pdf") + ".docx")
                atomic_write(docx_path, writers.docx.write_rendered(rendered))
                extra = (docx_path,)
            pdf = writer.write(
                rendered.html,
                lang=letter.planned.lang,
                envelope=envelope_for(letter.sender.paper, letter.planned.lang),
                letter_id=letter.id,
                fields=letter_fields(letter.account),
                strict=options.strict,
                pdfa=options.pdfa,
                attachment=job.document if options.pdfa else None,
                created=context.created,
            )
        path = inside(context.outdir, job.name)
        data = sign_letter(pdf.data, letter, context.options, context.signing)
        atomic_write(path, data)
        digest = hashlib.sha256(data).hexdigest()
        return _Done(letter.id, path, pdf.pages, digest, len(data), "", extra, job.document)
    except OutputError:
        raise  # a full disk fails every letter after this one too: the batch stops
    except LettersError as exc:
        return _Done(letter.id, None, 0, "", 0, failure_message(letter, exc))


def _full_job(job: _Job, options: Options) -> _Job:
    """The job as the first round made it, with its merged data and QR code made again here; data
    that comes out different (it must not: the same letter, the same templates) fails the letter."""
    if job.document:
        return job
    full = _prepare(job.letter, options, job.name)
    if full.data_sha256 != job.data_sha256:
        raise RenderError(
            f"letter {job.letter.id}: its merged data changed between the batch's two rounds "
            "(templates or letterheads edited while the batch ran?)"
        )
    return full


def _render_naiyo(context: _RenderContext, writer: PdfWriter, job: _Job) -> _Done:
    """内容証明: the grid pages (cover sheet + three copies) and, if asked, the e内容証明 DOCX."""
    from letters.compose.naiyo import NAIYO_STYLESHEETS
    from letters.docx.naiyo import write_naiyo_docx

    letter, options = job.letter, context.options
    assert letter.naiyo is not None  # noqa: S101 - only called for 内容証明 letters
    pdf = writer.write_document(
        _letter_html(letter, options),
        NAIYO_STYLESHEETS,
        extra=writer.font_sheet("ja"),
        lang="ja",
        name=f"letter {letter.id}",
        fields=letter_fields(letter.account),
        strict=options.strict,
        pdfa=options.pdfa,
        attachment=job.document if options.pdfa else None,
        created=context.created,
    )
    path = inside(context.outdir, job.name)
    atomic_write(path, pdf.data)
    extra: tuple[Path, ...] = ()
    if options.naiyo_docx:
        docx_path = inside(context.outdir, job.name.removesuffix(".pdf") + "_e-naiyo.docx")
        atomic_write(docx_path, write_naiyo_docx(letter, letter.naiyo))
        extra = (docx_path,)
    digest = hashlib.sha256(pdf.data).hexdigest()
    return _Done(letter.id, path, pdf.pages, digest, len(pdf.data), "", extra, job.document)
