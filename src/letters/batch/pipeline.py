"""run_batch(): accounts → plan → letters → HTML → PDF files and the combined print PDF, in order."""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from letters.batch.options import Options
from letters.batch.workers import CHUNK, DIED, WorkerPool
from letters.compose.canonical import letterhead_identity
from letters.compose.letterhead import Letterhead, find_letterhead
from letters.compose.qr import qr_data_url, verification_payload
from letters.compose.render_html import Letter, envelope_for, render_html, safe_name
from letters.compose.templates import template_identity
from letters.decide.plan import Plan, PlannedLetter, plan_letters
from letters.decide.policy import Policy, load_policy
from letters.errors import ConfigError, LettersError, OutputError
from letters.evidence.archive import (
    MANIFEST_SCHEMA,
    ArchivedFile,
    letter_document,
    now_utc,
    sha256_file,
    tool_versions,
    write_archive,
)
from letters.faults import crash_point
from letters.files import atomic_write, atomic_write_with, inside, private_dir
from letters.intake.accounts import Account, AccountSet
from letters.pdf.batch_fonts import BATCH_LANGUAGES, BatchFonts, prepare_batch_fonts
from letters.pdf.fonts import check_glyphs, visible_text
from letters.pdf.writer import PdfWriter
from letters.post.mailing import MailingList, build_mailing_lists, write_mailing_lists
from letters.post.tracking import assign_tracking

if TYPE_CHECKING:
    from letters.docx.writer import DocxWriter
    from letters.evidence.ledger import BatchRecord, Ledger, LetterRecord

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class WrittenLetter:
    letter: Letter
    path: Path
    pages: int
    sha256: str
    size: int
    data_sha256: str  # of the letter's canonical merged data (what the QR code vouches for)
    qr_payload: str
    document: bytes  # the canonical merged data itself (archived as letter-data/<id>.json)
    extra_files: tuple[Path, ...] = ()  # other outputs of the same letter (DOCX, e内容証明 DOCX)


@dataclass(frozen=True)
class FailedLetter:
    letter_id: str
    account_id: str
    error: str


@dataclass
class BatchResult:
    plan: Plan
    written: list[WrittenLetter] = field(default_factory=list)
    failed: list[FailedLetter] = field(default_factory=list)
    print_files: list[Path] = field(default_factory=list)  # the duplex print file(s), in order
    print_pages: int = 0
    mailing_lists: list[Path] = field(default_factory=list)
    already_recorded: list[Letter] = field(default_factory=list)  # sent by an earlier run
    archive: Path | None = None
    batch: BatchRecord | None = None
    worker_deaths: int = 0  # worker processes that died; their letters were rendered again


def as_of_date(options: Options) -> date:
    return options.as_of or date.today()


def make_plan(
    accounts: Sequence[Account],
    options: Options,
    policy: Policy,
    history: Mapping[str, Sequence[LetterRecord]] | None = None,
) -> Plan:
    sent = {
        account_id: [(r.kind, date.fromisoformat(r.letter_date)) for r in rows]
        for account_id, rows in (history or {}).items()
    }
    return plan_letters(
        accounts,
        policy,
        as_of_date(options),
        force_kind=options.letter_kind,
        force_lang=options.lang,
        history=sent,
    )


class _Letterheads:
    """Letterheads loaded once per batch, by name."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._cache: dict[str, Letterhead] = {}

    def get(self, name: str) -> Letterhead:
        if name not in self._cache:
            self._cache[name] = find_letterhead(name, self.root)
        return self._cache[name]


def build_letters(
    plan: Plan, options: Options, policy: Policy, ledger: Ledger | None = None
) -> tuple[list[Letter], list[FailedLetter]]:
    """Give each planned letter its id, sender, client and reference; config problems fail that letter."""
    heads = _Letterheads(options.letterheads)
    era = policy.era_dates if options.era_dates is None else options.era_dates
    letters: list[Letter] = []
    failed: list[FailedLetter] = []
    used_ids: set[str] = set()
    pending: list[tuple[PlannedLetter, str, Letterhead, Letterhead | None]] = []
    for planned in plan.letters:
        letter_id = _unique_id(planned, plan.as_of, used_ids)
        country = planned.account.address.country
        try:
            company = heads.get(policy.sender_for(planned.lang, country, lawyer=False))
            if planned.kind == "lawyer":
                sender = heads.get(policy.sender_for(planned.lang, country, lawyer=True))
                client: Letterhead | None = company
            else:
                sender, client = company, None
            sender.text(planned.lang)  # fail now, naming the letterhead, if it lacks the language
        except LettersError as exc:
            failed.append(FailedLetter(letter_id, planned.account.account_id, f"letter {letter_id}: {exc}"))
            continue
        pending.append((planned, letter_id, sender, client))
    from letters.evidence.ledger import Ledger

    own = ledger is None
    book = ledger or Ledger(options.db)
    try:
        references = _references(pending, plan.as_of, book)
    finally:
        if own:
            book.close()
    for sequence, ((planned, letter_id, sender, client), reference) in enumerate(
        zip(pending, references, strict=True), start=1
    ):
        letters.append(
            Letter(
                id=letter_id,
                sequence=sequence,
                planned=planned,
                sender=sender,
                client=client,
                reference=reference,
                era_dates=era,
            )
        )
    return letters, failed


def _unique_id(planned: PlannedLetter, as_of: date, used: set[str]) -> str:
    base = f"{as_of:%Y%m%d}-{planned.kind}-{safe_name(planned.account.account_id, limit=40)}"
    candidate = base
    if candidate in used:
        # Two account ids that sanitise alike (a/b and a_b) must still get distinct letters.
        digest = hashlib.sha256(planned.account.account_id.encode()).hexdigest()[:8]
        candidate = f"{base}-{digest}"
    used.add(candidate)
    return candidate


def _references(
    pending: Sequence[tuple[PlannedLetter, str, Letterhead, Letterhead | None]], as_of: date, ledger: Ledger
) -> list[str]:
    """Letter references: law firms number their letters per year; others quote the account id.

    Serials live in the ledger keyed by letter id, so a re-run (after a crash) prints the same
    reference and a number once issued is never issued to another letter.
    """
    wanted: dict[str, list[str]] = {}
    for planned, letter_id, sender, _ in pending:
        if planned.kind == "lawyer":
            wanted.setdefault(f"{sender.id}-{as_of.year}", []).append(letter_id)
    serials: dict[str, int] = {}
    for counter, ids in wanted.items():
        serials.update(ledger.reference_serials(counter, ids))
    refs: list[str] = []
    for planned, letter_id, sender, _ in pending:
        if planned.kind != "lawyer":
            refs.append(planned.account.account_id)
            continue
        serial = serials[letter_id]
        prefix = sender.text(planned.lang).reference_prefix or sender.id.upper()
        if planned.lang == "zh":
            refs.append(f"（{as_of.year}）{prefix}第{serial:04d}号")
        else:
            refs.append(f"{prefix}-{as_of.year}-{serial:04d}")
    return refs


def file_name(letter: Letter, pattern: str) -> str:
    planned = letter.planned
    values = {
        "date": planned.letter_date.isoformat(),
        "lang": planned.lang,
        "kind": planned.kind,
        "account": safe_name(planned.account.account_id),
        "seq": f"{letter.sequence:05d}",
        "id": letter.id,
    }
    return safe_name(pattern.format(**values), limit=150) + ".pdf"


def _file_names(letters: Sequence[Letter], pattern: str) -> dict[str, str]:
    """File name per letter id; names that sanitise alike get a suffix instead of overwriting."""
    names: dict[str, str] = {}
    used: set[str] = set()
    for letter in letters:
        name = file_name(letter, pattern)
        if name.lower() in used:  # case-insensitive file systems would collide too
            digest = hashlib.sha256(letter.id.encode()).hexdigest()[:8]
            name = f"{name.removesuffix('.pdf')}-{digest}.pdf"
        used.add(name.lower())
        names[letter.id] = name
    return names


def letter_fields(account: Account) -> dict[str, str]:
    """The account's text fields by column name, so a missing glyph can be traced to its cell."""
    address = account.address
    fields = {
        "debtor_name": account.debtor_name,
        "attention": account.attention,
        "account_id": account.account_id,
        "contract_number": account.contract_number,
        "address_line1": address.line1,
        "address_line2": address.line2,
        "city": address.city,
        "region": address.region,
        "district": address.district,
        "invoice_refs": ";".join(account.invoice_refs),
        "creditor": account.creditor,
    }
    fields.update(account.extra)
    return fields


def run_batch(
    accounts: AccountSet | Sequence[Account], options: Options, *, progress: Progress | None = None
) -> BatchResult:
    """The whole job, stage by stage: plan (with history), letters, numbers, render, archive, record."""
    from letters.pdf.fonts import check_environment

    source = accounts if isinstance(accounts, AccountSet) else None
    records = accounts.accounts if isinstance(accounts, AccountSet) else tuple(accounts)
    check_environment({options.lang} if options.lang else {a.language for a in records})
    # The workers start first: each loads WeasyPrint (~0.4 s) while this process opens the ledger
    # (SQLAlchemy, ~0.3 s) and plans, and none inherits the ledger's database connection.
    try:
        with _pool_for_batch(options, len(records)) as workers:
            return _run(records, source, options, progress, workers)
    except OutputError as exc:
        raise OutputError(
            f"{exc}. The batch stopped and was not recorded; when the problem is fixed, run the same "
            "command again: it writes every letter once, and no letter is sent twice"
        ) from exc


def _run(
    records: Sequence[Account],
    source: AccountSet | None,
    options: Options,
    progress: Progress | None,
    workers: WorkerPool,
) -> BatchResult:
    from letters.evidence.ledger import Ledger

    policy = load_policy(options.policy)
    ledger = Ledger(options.db)
    try:
        history = ledger.last_letters(a.account_id for a in records)
        plan = make_plan(records, options, policy, history)
        letters, failed = build_letters(plan, options, policy, ledger)
        result = BatchResult(plan=plan, failed=failed)
        # A letter already in the ledger was sent by an earlier run (e.g. before a crash and a
        # re-run): it is reported, never produced or recorded a second time.
        recorded = ledger.recorded_letters(letter.id for letter in letters)
        result.already_recorded = [letter for letter in letters if letter.id in recorded]
        letters = [letter for letter in letters if letter.id not in recorded]
        if options.tracking is not None and letters:
            # Numbers are recorded before anything prints: a crash later never frees a used label.
            letters = assign_tracking(letters, options.tracking, ledger)
        letters = add_kind_context(letters, options, result)
        outdir = private_dir(options.outdir)
        remove_leftovers(outdir)
        render_letters(letters, options, outdir, result, progress, workers)
        mailed = [item.letter for item in result.written if item.letter.tracking_number]
        if mailed:
            lists = build_mailing_lists(mailed, plan.as_of, policy.postage)
            result.mailing_lists = workers.call(_write_mailing_lists, (lists, outdir, options))
        # The workers' last task is done: their memory is freed before the print file is merged.
        workers.close()
        result.worker_deaths = workers.deaths
        if not result.written:
            return result
        # A single letter is its own print file: no merge, and no PDF library to import for it.
        # 内容証明 sheets are printed single-sided, each copy on its own: not in the duplex print file.
        printable = [item for item in result.written if item.letter.naiyo is None]
        if options.combined and len(printable) > 1:
            batch_id = batch_id_for(plan.as_of, result.written)
            result.print_files, result.print_pages = write_combined(printable, outdir, batch_id)
            crash_point("combined")
        if options.archive:
            archive_batch(result, options, source, policy, ledger)
    finally:
        ledger.close()
    return result


def add_kind_context(letters: Sequence[Letter], options: Options, result: BatchResult) -> list[Letter]:
    """Kind-specific figures (validation notice, payment plan) and the 内容証明 grid, per letter."""
    from letters.compose import payment_plan, validation_notice
    from letters.compose.naiyo import NAIYO_KINDS

    ready: list[Letter] = []
    for letter in letters:
        kind = letter.planned.kind
        try:
            extra: dict[str, Any] = {}
            if kind == "validation-notice":
                extra = validation_notice.extra_context(
                    letter,
                    validation_days=options.validation_days,
                    spanish=options.spanish,
                    dispute_url=options.dispute_url,
                )
            elif kind == "payment-plan":
                if options.installments is None:
                    raise ConfigError("a payment-plan letter needs --installments N")
                extra = payment_plan.extra_context(
                    letter,
                    installments=options.installments,
                    first_due=options.first_due,
                    every=options.every,
                )
            naiyo = options.naiyo if letter.planned.lang == "ja" and kind in NAIYO_KINDS else None
            ready.append(replace(letter, extra_context=extra, naiyo=naiyo))
        except LettersError as exc:
            result.failed.append(FailedLetter(letter.id, letter.account.account_id, _message(letter, exc)))
    return ready


@dataclass(frozen=True)
class _Job:
    """One letter ready for a worker: everything but the PDF."""

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
) -> None:
    """Render and write each letter — in worker processes for a batch — failing letters one by one.

    Two rounds through the same workers: first each letter's HTML and QR code (the batch's
    characters come from them), then, with the batch's font subsets made, the PDFs.
    """
    names = _file_names(letters, options.name_pattern)
    context = _RenderContext(options, outdir, now_utc())
    jobs: list[_Job] = []
    charsets: dict[str, set[str]] = {}
    items = [(letter, names[letter.id]) for letter in letters]
    own = {letter.id: letter for letter in letters}
    prepared: list[tuple[int, _Job | FailedLetter]] = []
    for index, (chunk, chars) in workers.run(_prepare_chunk, (context,), items, _prepare_died):
        for offset, item in enumerate(chunk):
            if isinstance(item, _Job):
                # This process's own letter with the worker's QR code: the worker's copy (its own
                # letterhead and plan objects, ~5 KB a letter) would be held to the end of the batch.
                item = replace(item, letter=replace(own[item.letter.id], qr=item.letter.qr))
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
            fonts = prepare_batch_fonts(charsets, Path(font_dir)) if charsets else None
            by_id = {job.letter.id: job for job in jobs}
            for done, finished in enumerate(_render_all(workers, context, jobs, fonts), start=1):
                job = by_id[finished.letter_id]
                if finished.path is None:
                    result.failed.append(
                        FailedLetter(job.letter.id, job.letter.account.account_id, finished.error)
                    )
                else:
                    result.written.append(
                        WrittenLetter(
                            job.letter,
                            finished.path,
                            finished.pages,
                            finished.sha256,
                            finished.size,
                            job.data_sha256,
                            job.payload,
                            job.document,
                            finished.extra_files,
                        )
                    )
                if progress is not None:
                    progress(done, len(jobs))
        finally:
            # This process's writer goes with the batch's fonts (its copies of them live in
            # font_dir), also when the batch stops on an error.
            _drop_writers()
    result.written.sort(key=lambda item: item.letter.sequence)


@dataclass(frozen=True)
class _RenderContext:
    options: Options
    outdir: Path
    created: datetime


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


def _pool_for_batch(options: Options, accounts: int) -> WorkerPool:
    """Up to ``--workers`` processes, no more than the batch has chunks: a one-off letter gets one,
    which loads WeasyPrint while this process opens the ledger. ``--workers 1``: this process."""
    if options.workers <= 1:
        return WorkerPool(0)
    return WorkerPool(max(1, min(options.workers, (accounts + CHUNK - 1) // CHUNK)), initializer=_preload)


def _render_all(
    workers: WorkerPool, context: _RenderContext, jobs: Sequence[_Job], fonts: BatchFonts | None
) -> Iterator[_Done]:
    """Each job's outcome, as the workers finish them (in order when this process renders)."""
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
            done.append(job)
        except LettersError as exc:
            done.append(FailedLetter(letter.id, letter.account.account_id, _message(letter, exc)))
    return done, charsets


def _render_chunk(task: tuple[_RenderContext, BatchFonts | None, list[_Job]]) -> list[_Done]:
    context, fonts, jobs = task
    writers = _writers(context, fonts)
    return [_render_one(context, writers, job) for job in jobs]


def _write_mailing_lists(task: tuple[Sequence[MailingList], Path, Options]) -> list[Path]:
    lists, outdir, options = task
    writer = PdfWriter(options.templates, options.letterheads)
    return write_mailing_lists(lists, outdir, options.templates, writer)


def _render_one(context: _RenderContext, writers: _Writers, job: _Job) -> _Done:
    letter = job.letter
    options = context.options
    writer = writers.pdf
    crash_point(f"render:{letter.account.account_id}")
    try:
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
        atomic_write(path, pdf.data)
        return _Done(
            letter.id, path, pdf.pages, hashlib.sha256(pdf.data).hexdigest(), len(pdf.data), "", extra
        )
    except OutputError:
        raise  # a full disk fails every letter after this one too: the batch stops
    except LettersError as exc:
        return _Done(letter.id, None, 0, "", 0, _message(letter, exc))


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
    return _Done(letter.id, path, pdf.pages, hashlib.sha256(pdf.data).hexdigest(), len(pdf.data), "", extra)


def _message(letter: Letter, exc: LettersError) -> str:
    message = str(exc)
    return message if message.startswith(f"letter {letter.id}") else f"letter {letter.id}: {message}"


def remove_leftovers(outdir: Path) -> None:
    """Temp files of a run that was killed mid-write: never reused, removed before a new run."""
    for leftover in outdir.glob(".*.part"):
        leftover.unlink(missing_ok=True)


def batch_id_for(as_of: date, written: Sequence[WrittenLetter]) -> str:
    """Date plus a digest of the letters in it: the same letters always make the same batch id."""
    digest = hashlib.sha256("\n".join(sorted(w.letter.id for w in written)).encode()).hexdigest()
    return f"{as_of:%Y%m%d}-{digest[:12]}"


def archive_batch(
    result: BatchResult, options: Options, source: AccountSet | None, policy: Policy, ledger: Ledger
) -> None:
    """Manifest + BagIt bag for the batch, then one ledger transaction for the batch and its letters."""
    as_of = result.plan.as_of
    batch_id = batch_id_for(as_of, result.written)
    created = now_utc().isoformat()
    operator = options.operator or os.environ.get("LETTERS_OPERATOR") or os.environ.get("USER") or "unknown"
    files: list[ArchivedFile] = []
    entries: list[dict[str, Any]] = []
    for item in result.written:
        target = f"letters/{item.path.name}"
        files.append(ArchivedFile(item.path, target))
        files.extend(ArchivedFile(extra, f"letters/{extra.name}") for extra in item.extra_files)
        letter = item.letter
        identity = template_identity(options.templates, letter.planned.lang, letter.planned.kind)
        entries.append(
            {
                "letter_id": letter.id,
                "sequence": letter.sequence,
                "account_id": letter.account.account_id,
                "kind": letter.planned.kind,
                "lang": letter.planned.lang,
                "letter_date": letter.planned.letter_date.isoformat(),
                "template": {"name": identity.name, "files": [list(f) for f in identity.files]},
                "letterheads": [letterhead_identity(letter.sender)]
                + ([letterhead_identity(letter.client)] if letter.client else []),
                "data_sha256": item.data_sha256,
                "files": [{"path": target, "sha256": item.sha256, "size": item.size, "pages": item.pages}]
                + [
                    {
                        "path": f"letters/{extra.name}",
                        "sha256": sha256_file(extra),
                        "size": extra.stat().st_size,
                    }
                    for extra in item.extra_files
                ],
                "tracking_number": letter.tracking_number.replace(" ", ""),
                "qr_payload": item.qr_payload,
                "created": created,
            }
        )
    batch_files: list[dict[str, Any]] = []
    for path in [*result.print_files, *result.mailing_lists]:
        target = f"batch/{path.name}"
        files.append(ArchivedFile(path, target))
        batch_files.append({"path": target, "sha256": sha256_file(path), "size": path.stat().st_size})
    manifest: dict[str, Any] = {
        "schema": MANIFEST_SCHEMA,
        "batch": {
            "batch_id": batch_id,
            "created": created,
            "as_of": as_of.isoformat(),
            "operator": operator,
            "tools": tool_versions(),
            "input": {
                "name": source.source if source else "(in memory)",
                "sha256": source.sha256 if source else "",
                "format": source.format if source else "",
                "encoding": source.encoding if source else None,
            },
            "policy": {
                "source": policy.source,
                "sha256": sha256_file(options.policy) if options.policy else "",
                "stages": [[s.kind, s.min_days, s.max_days] for s in policy.stages],
                "pay_within_days": policy.pay_within_days,
                "cooldown_days": policy.cooldown_days,
            },
            "pdfa": options.pdfa,
        },
        "letters": entries,
        "batch_files": batch_files,
    }
    bag_info = {
        "Source-Organization": ", ".join(
            sorted({w.letter.sender.text(w.letter.planned.lang).name for w in result.written})
        ),
        "External-Identifier": batch_id,
        "External-Description": f"letters batch of {len(result.written)} letters as of {as_of.isoformat()}",
        "Bagging-Date": created[:10],
        "Contact-Name": operator,
    }
    documents = {w.letter.id: w.document for w in result.written}
    archive_root = options.archive_dir or (options.outdir / "archive")
    result.archive = write_archive(archive_root, batch_id, manifest, files, documents, bag_info)
    crash_point("archived")
    manifest_sha = sha256_file(result.archive / "data" / "manifest.json")
    from letters.evidence.ledger import LetterRecord

    rows = [
        LetterRecord(
            letter_id=w.letter.id,
            batch_id=batch_id,
            account_id=w.letter.account.account_id,
            kind=w.letter.planned.kind,
            lang=w.letter.planned.lang,
            letter_date=w.letter.planned.letter_date.isoformat(),
            data_sha256=w.data_sha256,
            pdf_sha256=w.sha256,
            docx_sha256=next(
                (sha256_file(f) for f in w.extra_files if f.suffix == ".docx" and "_e-naiyo" not in f.name),
                "",
            ),
            tracking_number=w.letter.tracking_number.replace(" ", ""),
            qr_payload=w.qr_payload,
            file=w.path.name,
        )
        for w in result.written
    ]
    existing = ledger.batch(batch_id)
    if existing is None:
        result.batch = ledger.record_batch(
            {
                "batch_id": batch_id,
                "created_at": created,
                "as_of": as_of.isoformat(),
                "input_sha256": source.sha256 if source else "",
                "manifest_sha256": manifest_sha,
                "letter_count": len(rows),
                "operator": operator,
            },
            rows,
        )
    else:
        result.batch = existing


# Letters per print file: printers and their spoolers choke on PDFs of hundreds of megabytes, and a
# bounded part keeps memory flat however large the batch (a part is built in memory).
PRINT_PART = 250


def write_combined(written: Sequence[WrittenLetter], outdir: Path, batch_id: str) -> tuple[list[Path], int]:
    """The batch's print PDF(s), in batch order; a blank page after any letter with an odd page
    count, so that on a duplex printer every letter starts on the front of a sheet. Batches of more
    than PRINT_PART letters get numbered parts (print_<batch>_part01.pdf …).

    Merged with pikepdf (qpdf): ~1.6 ms a letter where pypdf took ~13 ms, which at a thousand
    letters was ten seconds with one core idle.
    """
    import pikepdf

    parts = [written[i : i + PRINT_PART] for i in range(0, len(written), PRINT_PART)]
    paths: list[Path] = []
    pages = 0
    for number, part in enumerate(parts, start=1):
        with pikepdf.Pdf.new() as merged, contextlib.ExitStack() as sources:
            for item in part:
                letter = sources.enter_context(pikepdf.open(item.path))
                merged.pages.extend(letter.pages)
                if len(letter.pages) % 2 == 1:
                    box = letter.pages[-1].mediabox
                    merged.add_blank_page(page_size=(float(box[2] - box[0]), float(box[3] - box[1])))
            name = f"print_{batch_id}.pdf" if len(parts) == 1 else f"print_{batch_id}_part{number:02d}.pdf"
            path = inside(outdir, name)
            # Straight into the file, not through a buffer of the whole part (twice ~20 MB). The
            # file's id comes from its content: the same letters give the same print file.
            atomic_write_with(
                path,
                lambda handle: merged.save(
                    handle, deterministic_id=True, object_stream_mode=pikepdf.ObjectStreamMode.generate
                ),
            )
            pages += len(merged.pages)
        paths.append(path)
    return paths, pages
