"""A finished batch → its evidence archive (manifest + BagIt bag) and one ledger record."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from letters.batch.options import Options
from letters.batch.results import BatchResult, WrittenLetter
from letters.carriers.numbers import compact_number
from letters.compose.canonical import letterhead_identity
from letters.compose.templates import template_identity
from letters.decide.policy import Policy
from letters.evidence.archive import (
    MANIFEST_SCHEMA,
    ArchivedFile,
    sha256_file,
    tool_versions,
)
from letters.evidence.bag_stream import BagBuilder
from letters.faults import crash_point
from letters.files import part_writer, process_alive
from letters.intake.accounts import AccountSet

if TYPE_CHECKING:
    from letters.evidence.ledger import Ledger


def remove_leftovers(outdir: Path) -> None:
    """Temp files of a run that was killed mid-write: never reused, removed before a new run.

    Only a dead writer's (or this process's): another run writing into the same folder right now
    keeps its half-written files. A file whose writer is unknown is from an older version: stale.
    """
    for leftover in outdir.glob(".*.part"):
        writer = part_writer(leftover)
        if writer is None or writer == os.getpid() or not process_alive(writer):
            leftover.unlink(missing_ok=True)


def batch_id_for(as_of: date, written: Sequence[WrittenLetter]) -> str:
    """Date plus a digest of the letters in it: the same letters always make the same batch id."""
    digest = hashlib.sha256("\n".join(sorted(w.letter.id for w in written)).encode()).hexdigest()
    return f"{as_of:%Y%m%d}-{digest[:12]}"


def open_bag(options: Options) -> BagBuilder:
    """The batch's bag, filled as letters finish (see evidence/bag_stream)."""
    return BagBuilder(options.archive_dir or (options.outdir / "archive"))


def archive_letter(
    bag: BagBuilder, item: WrittenLetter, document: bytes, options: Options, created: str
) -> None:
    """A finished letter into the bag: its files, its merged data and its manifest entry."""
    target = f"letters/{item.path.name}"
    files = [ArchivedFile(item.path, target)]
    files.extend(ArchivedFile(extra, f"letters/{extra.name}") for extra in item.extra_files)
    letter = item.letter
    identity = template_identity(options.templates, letter.planned.lang, letter.planned.kind)
    entry = {
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
            {"path": f"letters/{extra.name}", "sha256": sha256_file(extra), "size": extra.stat().st_size}
            for extra in item.extra_files
        ],
        **({"reviewed_by": letter.reviewed_by} if letter.reviewed_by else {}),
        "tracking_number": compact_number(letter.tracking_number),
        "qr_payload": item.qr_payload,
        "created": created,
    }
    bag.add_letter(letter.sequence, files, (letter.id, document), entry)


def archive_batch(
    result: BatchResult,
    options: Options,
    source: AccountSet | None,
    policy: Policy,
    ledger: Ledger,
    bag: BagBuilder,
    created: str,
) -> None:
    """The bag finished (print files, mailing lists, manifest.json, BagIt files), then one ledger
    transaction for the batch and its letters. The letters are in the bag already (archive_letter)."""
    as_of = result.plan.as_of
    batch_id = batch_id_for(as_of, result.written)
    operator = options.operator or os.environ.get("LETTERS_OPERATOR") or os.environ.get("USER") or "unknown"
    batch_files: list[dict[str, Any]] = []
    for path in [*result.print_files, *result.mailing_lists]:
        target = f"batch/{path.name}"
        bag.add_file(ArchivedFile(path, target))
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
    result.archive = bag.finish(batch_id, manifest, bag_info)
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
            tracking_number=compact_number(w.letter.tracking_number),
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
    reviews = {w.letter.id: w.letter.reviewed_by for w in result.written if w.letter.reviewed_by}
    if reviews:
        ledger.record_reviews(reviews)
    from letters.evidence.anchor import seal_batch

    # After the ledger commit: the anchor names the chain head this batch made.
    result.seal = seal_batch(result.archive, result.batch, ledger, policy.timestamps)
