"""run_batch(): accounts → plan → letters → HTML → PDF files and the combined print PDF, in order."""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

from letters.accounts import Account, AccountSet
from letters.canonical import data_sha256
from letters.errors import LettersError
from letters.files import atomic_write, inside, private_dir
from letters.ledger import Ledger
from letters.letterhead import Letterhead, find_letterhead
from letters.mailing import build_mailing_lists, write_mailing_lists
from letters.options import Options
from letters.plan import Plan, PlannedLetter, plan_letters
from letters.policy import Policy, load_policy
from letters.qr import qr_data_url, verification_payload
from letters.render_html import Letter, envelope_for, render_html, safe_name
from letters.serials import next_serials
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


def as_of_date(options: Options) -> date:
    return options.as_of or date.today()


def make_plan(accounts: Sequence[Account], options: Options, policy: Policy) -> Plan:
    return plan_letters(
        accounts, policy, as_of_date(options), force_kind=options.letter_kind, force_lang=options.lang
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


def build_letters(plan: Plan, options: Options, policy: Policy) -> tuple[list[Letter], list[FailedLetter]]:
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
    references = _references(pending, plan.as_of)
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
    pending: Sequence[tuple[PlannedLetter, str, Letterhead, Letterhead | None]], as_of: date
) -> list[str]:
    """Letter references: law firms number their letters per year; others quote the account id."""
    refs: list[str] = []
    counters: dict[str, list[int]] = {}
    needed: dict[str, int] = {}
    for planned, _, sender, _ in pending:
        if planned.kind == "lawyer":
            key = f"{sender.id}-{as_of.year}"
            needed[key] = needed.get(key, 0) + 1
    for key, count in needed.items():
        counters[key] = next_serials(key, count)
    for planned, _, sender, _ in pending:
        if planned.kind != "lawyer":
            refs.append(planned.account.account_id)
            continue
        serial = counters[f"{sender.id}-{as_of.year}"].pop(0)
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
    """The whole job, stage by stage: plan, build letters, render each, write files, combine."""
    from letters.fonts import check_environment
    from letters.pdf import PdfWriter

    check_environment()
    records = accounts.accounts if isinstance(accounts, AccountSet) else tuple(accounts)
    policy = load_policy(options.policy)
    plan = make_plan(records, options, policy)
    letters, failed = build_letters(plan, options, policy)
    if options.tracking is not None and letters:
        # Numbers are recorded before anything is printed: a crash later never frees a used label.
        ledger = Ledger(options.db)
        try:
            letters = assign_tracking(letters, options.tracking, ledger)
        finally:
            ledger.close()
    result = BatchResult(plan=plan, failed=failed)
    outdir = private_dir(options.outdir)
    writer = PdfWriter(options.templates, options.letterheads)
    names = _file_names(letters, options.name_pattern)
    total = len(letters)
    for done, letter in enumerate(letters, start=1):
        try:
            data_digest = data_sha256(letter, options.templates)
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
            )
            path = inside(outdir, names[letter.id])
            atomic_write(path, pdf.data)
            digest = hashlib.sha256(pdf.data).hexdigest()
            result.written.append(
                WrittenLetter(letter, path, pdf.pages, digest, len(pdf.data), data_digest, payload)
            )
        except LettersError as exc:
            message = str(exc)
            if not message.startswith(f"letter {letter.id}"):
                message = f"letter {letter.id}: {message}"
            result.failed.append(FailedLetter(letter.id, letter.account.account_id, message))
        if progress is not None:
            progress(done, total)
    if options.combined and result.written:
        result.combined, result.combined_pages = write_combined(result.written, outdir, plan.as_of)
    mailed = [item.letter for item in result.written if item.letter.tracking_number]
    if mailed:
        lists = build_mailing_lists(mailed, plan.as_of, policy.postage)
        result.mailing_lists = write_mailing_lists(lists, outdir, options.templates, writer)
    return result


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
