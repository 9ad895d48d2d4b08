"""An account's letters, mailing-list pages and deliveries from the ledger and archive, SHA-256 checked."""

from __future__ import annotations

import hashlib
import io
import json
import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from sqlalchemy import select

from letters.carriers.services import SERVICES
from letters.carriers.table import CARRIERS
from letters.errors import InputError, LettersError
from letters.evidence.anchor import check_bag_tags
from letters.evidence.archive import ArchiveError
from letters.evidence.bundle.assemble import count_pages
from letters.evidence.chain_events import proven_keys, row_key
from letters.evidence.holds import Override, overrides_for
from letters.evidence.ledger import (
    BatchRecord,
    Ledger,
    LetterRecord,
    batch_hash,
    delivery_events,
    letters_table,
)


@dataclass(frozen=True)
class ArchivedLetter:
    """One letter sent to the account: its ledger row and the archived PDF's exact bytes (verified)."""

    record: LetterRecord
    path: Path
    pdf: bytes
    data: dict[str, Any]  # the letter's merged data (letter-data/<id>.json), verified too


@dataclass(frozen=True)
class MailingPages:
    """The pages of one archived mailing list that list the account's tracking numbers."""

    path: Path
    pdf: bytes
    sha256: str
    carrier: str
    mailing_date: date
    pages: tuple[int, ...]  # 0-based page indexes in the file
    total_pages: int
    tracking_numbers: tuple[str, ...]  # compact, in the order of the letters
    csv: bytes = b""  # the list's archived CSV (verified too): what a redacted copy is made from
    sender_id: str = ""
    batch_id: str = ""
    service: str = ""  # the mail service's key (carriers/services.py); "" on lists named before services


@dataclass(frozen=True)
class DeliveryRow:
    tracking_number: str  # compact
    event: str
    event_date: date
    note: str
    source: str  # the file name the event was imported from
    letter_id: str


@dataclass(frozen=True)
class AccountEvidence:
    account_id: str
    letters: tuple[ArchivedLetter, ...]  # in date order
    mailing: tuple[MailingPages, ...]  # in the order of the letters they list
    deliveries: tuple[DeliveryRow, ...]  # by date
    batches: tuple[BatchRecord, ...]  # the ledger batches the letters belong to, in chain order
    overrides: tuple[Override, ...] = ()  # letters sent despite a hold (--override-hold), by date


def collect_evidence(account_id: str, ledger: Ledger, archive_dirs: Sequence[Path]) -> AccountEvidence:
    """Every letter the ledger records for the account, each checked against the ledger and its bag."""
    records = ledger.history(account_id)
    if not records:
        raise LettersError(f"the ledger {ledger.url} records no letters for account {account_id!r}")
    bags: dict[str, _Bag] = {}
    for record in records:
        if record.batch_id not in bags:
            bags[record.batch_id] = _open_bag(record.batch_id, ledger, archive_dirs)
    letters = tuple(_archived_letter(record, bags[record.batch_id]) for record in records)
    mailing: list[MailingPages] = []
    for bag in bags.values():
        mailed = [r for r in records if r.batch_id == bag.batch.batch_id and r.tracking_number]
        if mailed:
            mailing.extend(_mailing_pages(bag, mailed))
    numbers = {r.tracking_number: r.letter_id for r in records if r.tracking_number}
    batches = tuple(sorted((bag.batch for bag in bags.values()), key=lambda b: b.seq))
    overrides = tuple(overrides_for(ledger, account_id))
    return AccountEvidence(
        account_id, letters, tuple(mailing), _deliveries(ledger, numbers), batches, overrides
    )


@dataclass(frozen=True)
class _Bag:
    path: Path
    batch: BatchRecord
    checksums: dict[str, str]  # BagIt manifest-sha256.txt: path under the bag → sha256
    manifest: dict[str, Any]  # our data/manifest.json


def find_bag(batch_id: str, archive_dirs: Sequence[Path]) -> Path:
    for root in archive_dirs:
        candidate = root / batch_id
        if (candidate / "bagit.txt").is_file():
            return candidate
    searched = ", ".join(str(root) for root in archive_dirs) or "(no --archive-dir given)"
    raise ArchiveError(f"batch {batch_id} is in the ledger but its bag is in none of: {searched}")


def _open_bag(batch_id: str, ledger: Ledger, archive_dirs: Sequence[Path]) -> _Bag:
    """The batch's bag, once its ledger rows still hash to the chain and its manifest is the one recorded."""
    record = ledger.batch(batch_id)
    if record is None:
        raise ArchiveError(f"ledger: batch {batch_id} has letters but no batch record")
    rows = batch_letters(ledger, batch_id)
    if batch_hash(record.prev_hash, asdict(record), rows) != record.hash:
        raise ArchiveError(
            f"ledger: batch {batch_id} (#{record.seq}): its record or one of its letter rows was changed "
            "since it was written; run `letters ledger verify`"
        )
    path = find_bag(batch_id, archive_dirs)
    # The same tag-file and seal check as `letters verify`: a bag whose bag-info.txt was edited or
    # whose tag manifest was deleted is not bundled. (No trust roots here: `verify` judges tokens.)
    tags = check_bag_tags(path, ledger, ())
    if tags.problems:
        refusal = f"refusing to bundle from batch {batch_id}'s bag (see `letters verify`)"
        raise ArchiveError("\n".join([*tags.problems, refusal]))
    checksums = _bag_checksums(path)
    manifest_path = path / "data" / "manifest.json"
    raw = _read(manifest_path)
    digest = hashlib.sha256(raw).hexdigest()
    if digest != record.manifest_sha256:
        raise ArchiveError(
            f"{manifest_path}: SHA-256 {digest} differs from the ledger's {record.manifest_sha256} "
            f"(batch {batch_id}); refusing to bundle from a changed archive"
        )
    manifest = json.loads(raw.decode("utf-8"))
    return _Bag(path, record, checksums, manifest)


def batch_letters(ledger: Ledger, batch_id: str) -> list[LetterRecord]:
    """Every ledger letter row of one batch (the rows its chain hash covers)."""
    with ledger.engine.connect() as conn:
        rows = conn.execute(select(letters_table).where(letters_table.c.batch_id == batch_id))
        return [LetterRecord(**row._asdict()) for row in rows]


def _bag_checksums(bag: Path) -> dict[str, str]:
    path = bag / "manifest-sha256.txt"
    checksums: dict[str, str] = {}
    for number, line in enumerate(_read(path).decode("utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        digest, sep, name = line.partition(" ")
        if not sep or len(digest) != 64:
            raise ArchiveError(f"{path}, line {number}: not a 'sha256  path' line")
        checksums[unquote(name.strip())] = digest.lower()  # BagIt percent-encodes CR, LF and %
    return checksums


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise ArchiveError(f"{path}: cannot be read ({exc.strerror or exc})") from None


def _verified(path: Path, data: bytes, expected: dict[str, str | None], what: str) -> str:
    """The SHA-256 of ``data``; an error naming the file and the record it disagrees with."""
    digest = hashlib.sha256(data).hexdigest()
    for source, recorded in expected.items():
        if recorded is None:
            raise ArchiveError(f"{path}: {what} is not listed in {source}; refusing to bundle it")
        if digest != recorded:
            raise ArchiveError(
                f"{path}: SHA-256 {digest} differs from {source} ({recorded}); {what} was changed "
                "after it was archived, refusing to bundle it"
            )
    return digest


def _archived_letter(record: LetterRecord, bag: _Bag) -> ArchivedLetter:
    inner = f"data/letters/{record.file}"
    path = bag.path / inner
    pdf = _read(path)
    _verified(
        path,
        pdf,
        {"the ledger": record.pdf_sha256, "the bag manifest": bag.checksums.get(inner)},
        f"letter {record.letter_id}",
    )
    data_path = bag.path / "data" / "letter-data" / f"{record.letter_id}.json"
    raw = _read(data_path)
    _verified(data_path, raw, {"the ledger": record.data_sha256}, f"the merged data of {record.letter_id}")
    return ArchivedLetter(record, path, pdf, json.loads(raw.decode("utf-8")))


# mailing_<carrier>[_<service>]_<sender>_<date>-<batch digest>.pdf (before: without the digest).
_MAILING = re.compile(r"mailing_(?P<rest>.+)_(?P<date>[0-9]{8})(?:-[0-9a-f]{12})?\.pdf")


def _mailing_pages(bag: _Bag, mailed: Sequence[LetterRecord]) -> list[MailingPages]:
    """The pages of the batch's mailing lists on which each of the letters' numbers appears."""
    from pypdf import PdfReader

    listed = {item["path"]: item["sha256"] for item in bag.manifest.get("batch_files", [])}
    found: list[MailingPages] = []
    missing = {r.tracking_number for r in mailed}
    for path in sorted((bag.path / "data" / "batch").glob("mailing_*.pdf")):
        match = _MAILING.fullmatch(path.name)
        carrier = next((c for c in CARRIERS if match and match["rest"].startswith(f"{c}_")), None)
        if match is None or carrier is None:
            continue
        inner = f"data/batch/{path.name}"
        pdf = _read(path)
        # Checked before it is read: a changed list could otherwise hide or invent a number.
        digest = _verified(
            path,
            pdf,
            {
                "the bag manifest": bag.checksums.get(inner),
                "manifest.json": listed.get(inner.removeprefix("data/")),
            },
            "the mailing list",
        )
        hits = listing_pages(pdf, [r.tracking_number for r in mailed])
        pages = sorted({page for found_on in hits.values() for page in found_on})
        numbers = [r.tracking_number for r in mailed if r.tracking_number in hits]
        missing -= set(hits)
        if not pages:
            continue
        day = date(int(match["date"][:4]), int(match["date"][4:6]), int(match["date"][6:]))
        total = len(PdfReader(io.BytesIO(pdf)).pages)
        csv_path = path.with_suffix(".csv")
        csv_inner = f"data/batch/{csv_path.name}"
        csv_data = _read(csv_path)
        _verified(
            csv_path,
            csv_data,
            {
                "the bag manifest": bag.checksums.get(csv_inner),
                "manifest.json": listed.get(csv_inner.removeprefix("data/")),
            },
            "the mailing list CSV",
        )
        sender = match["rest"].removeprefix(f"{carrier}_")
        # mailing_<carrier>_<service>_<sender>_<batch> since services were named; before, no service.
        head, _, tail = sender.partition("_")
        service = head if tail and head in SERVICES and SERVICES[head].carrier == carrier else ""
        sender = tail if service else sender
        found.append(
            MailingPages(
                path,
                pdf,
                digest,
                carrier,
                day,
                tuple(pages),
                total,
                tuple(numbers),
                csv_data,
                sender,
                bag.batch.batch_id,
                service,
            )
        )
    if missing:
        raise ArchiveError(
            f"{bag.path}: no mailing list in the bag lists tracking number(s) {', '.join(sorted(missing))}"
        )
    return found


def listing_pages(pdf: bytes, numbers: Sequence[str]) -> dict[str, tuple[int, ...]]:
    """The 0-based pages of a mailing list on which each (compact) number appears; absent: not listed."""
    from pypdf import PdfReader

    texts = [_compact(page.extract_text()) for page in PdfReader(io.BytesIO(pdf)).pages]
    found: dict[str, tuple[int, ...]] = {}
    for number in numbers:
        pages = tuple(i for i, text in enumerate(texts) if number in text)
        if pages:
            found[number] = pages
    return found


def _compact(text: str) -> str:
    # Numbers print grouped ("RR 123 456 785 JP", Japan Post "1234-5678-9013"); the ledger keeps them
    # compact.
    return re.sub(r"[\s\-‐]+", "", text)


def _deliveries(ledger: Ledger, numbers: dict[str, str]) -> tuple[DeliveryRow, ...]:
    if not numbers:
        return ()
    with ledger.engine.connect() as conn:
        rows = conn.execute(
            select(delivery_events)
            .where(delivery_events.c.tracking_number.in_(list(numbers)))
            .order_by(delivery_events.c.event_date, delivery_events.c.id)
        ).all()
        proven = proven_keys(conn, "delivery_events")
        unproven = [
            f"#{r.id} ({r.tracking_number} {r.event} {r.event_date})"
            for r in rows
            if row_key(r.id) not in proven
        ]
        if unproven:
            raise ArchiveError(
                f"delivery event(s) {', '.join(unproven)} are not as the evidence chain recorded them "
                "(changed or added outside letters); run `letters ledger verify`, refusing to bundle them"
            )
        return tuple(
            DeliveryRow(
                r.tracking_number,
                r.event,
                r.event_date,
                r.note,
                Path(r.source).name,
                numbers[r.tracking_number],
            )
            for r in rows
        )


@dataclass(frozen=True)
class Supplied:
    """A PDF the user adds to a bundle (a contract, a call log), read once and hashed."""

    path: Path
    pdf: bytes
    sha256: str
    pages: int


def read_supplied(path: Path) -> Supplied:
    # Read once: the bytes hashed for the digest page are the bytes that go into the bundle.
    try:
        pdf = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    return Supplied(path, pdf, hashlib.sha256(pdf).hexdigest(), count_pages(pdf, str(path)))
