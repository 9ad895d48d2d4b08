"""run_batch(): accounts → plan → letters → HTML → PDF files and the combined print PDF, in order."""

from __future__ import annotations

import hashlib
import io
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

from letters.accounts import Account, AccountSet
from letters.archive import (
    MANIFEST_SCHEMA,
    ArchivedFile,
    letter_document,
    now_utc,
    sha256_file,
    tool_versions,
    write_archive,
)
from letters.canonical import letterhead_identity
from letters.errors import LettersError
from letters.faults import crash_point
from letters.files import atomic_write, inside, private_dir
from letters.ledger import BatchRecord, Ledger, LetterRecord
from letters.letterhead import Letterhead, find_letterhead
from letters.mailing import build_mailing_lists, write_mailing_lists
from letters.options import Options
from letters.pdf import PdfWriter
from letters.plan import Plan, PlannedLetter, plan_letters
from letters.policy import Policy, load_policy
from letters.qr import qr_data_url, verification_payload
from letters.render_html import Letter, envelope_for, render_html, safe_name
from letters.templates import template_identity
from letters.tracking import assign_tracking

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
    combined: Path | None = None
    combined_pages: int = 0
    mailing_lists: list[Path] = field(default_factory=list)
    already_recorded: list[Letter] = field(default_factory=list)  # sent by an earlier run
    archive: Path | None = None
    batch: BatchRecord | None = None


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
    from letters.fonts import check_environment

    check_environment()
    source = accounts if isinstance(accounts, AccountSet) else None
    records = accounts.accounts if isinstance(accounts, AccountSet) else tuple(accounts)
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
        outdir = private_dir(options.outdir)
        remove_leftovers(outdir)
        writer = _writer(options)
        render_letters(letters, options, writer, outdir, result, progress)
        if not result.written:
            return result
        if options.combined:
            result.combined, result.combined_pages = write_combined(result.written, outdir, plan.as_of)
            crash_point("combined")
        mailed = [item.letter for item in result.written if item.letter.tracking_number]
        if mailed:
            lists = build_mailing_lists(mailed, plan.as_of, policy.postage)
            result.mailing_lists = write_mailing_lists(lists, outdir, options.templates, writer)
        if options.archive:
            archive_batch(result, options, source, policy, ledger)
    finally:
        ledger.close()
    return result


def _writer(options: Options) -> PdfWriter:
    return PdfWriter(options.templates, options.letterheads)


def render_letters(
    letters: Sequence[Letter],
    options: Options,
    writer: PdfWriter,
    outdir: Path,
    result: BatchResult,
    progress: Progress | None,
) -> None:
    """Render and write each letter; a failing letter is recorded as failed, the batch goes on."""
    names = _file_names(letters, options.name_pattern)
    total = len(letters)
    created = now_utc()
    for done, letter in enumerate(letters, start=1):
        try:
            document = letter_document(letter, options.templates)
            data_digest = hashlib.sha256(document).hexdigest()
            payload = verification_payload(letter.id, data_digest, options.qr_pattern)
            if options.qr:
                letter = replace(letter, qr=qr_data_url(payload))
            rendered = render_html(letter, options.templates)
            pdf = writer.write(
                rendered.html,
                lang=letter.planned.lang,
                envelope=envelope_for(letter.sender.paper, letter.planned.lang),
                letter_id=letter.id,
                fields=letter_fields(letter.account),
                strict=options.strict,
                pdfa=options.pdfa,
                attachment=document if options.pdfa else None,
                created=created,
            )
            path = inside(outdir, names[letter.id])
            atomic_write(path, pdf.data)
            digest = hashlib.sha256(pdf.data).hexdigest()
            result.written.append(
                WrittenLetter(letter, path, pdf.pages, digest, len(pdf.data), data_digest, payload, document)
            )
        except LettersError as exc:
            message = str(exc)
            if not message.startswith(f"letter {letter.id}"):
                message = f"letter {letter.id}: {message}"
            result.failed.append(FailedLetter(letter.id, letter.account.account_id, message))
        if progress is not None:
            progress(done, total)
        crash_point(f"letter:{done}")


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
                "files": [{"path": target, "sha256": item.sha256, "size": item.size, "pages": item.pages}],
                "tracking_number": letter.tracking_number.replace(" ", ""),
                "qr_payload": item.qr_payload,
                "created": created,
            }
        )
    batch_files: list[dict[str, Any]] = []
    for path in ([result.combined] if result.combined else []) + list(result.mailing_lists):
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
            docx_sha256="",
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


def write_combined(written: Sequence[WrittenLetter], outdir: Path, as_of: date) -> tuple[Path, int]:
    """One print PDF for the batch, in batch order; a blank page after any letter with an odd page
    count, so that on a duplex printer every letter starts on the front of a sheet."""
    from pypdf import PdfReader, PdfWriter

    merged = PdfWriter()
    for item in written:
        reader = PdfReader(item.path)
        merged.append(reader)
        if len(reader.pages) % 2 == 1:
            box = reader.pages[-1].mediabox
            merged.add_blank_page(width=box.width, height=box.height)
    buffer = io.BytesIO()
    merged.write(buffer)
    path = inside(outdir, f"print_{as_of:%Y%m%d}.pdf")
    atomic_write(path, buffer.getvalue())
    return path, len(merged.pages)
