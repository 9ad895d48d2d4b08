"""The ledger's rows as values (letters, batches, tracking assignments, deliveries) and a batch's hash."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any


@dataclass(frozen=True)
class Assignment:
    number: str
    scheme: str
    letter_id: str
    account_id: str
    source: str


@dataclass(frozen=True)
class DeliveryEvent:
    tracking_number: str
    event: str
    event_date: date
    note: str
    matched: bool


GENESIS = "0" * 64


@dataclass(frozen=True)
class LetterRecord:
    """One letter as the ledger remembers it."""

    letter_id: str
    batch_id: str
    account_id: str
    kind: str
    lang: str
    letter_date: str
    data_sha256: str
    pdf_sha256: str
    docx_sha256: str
    tracking_number: str
    qr_payload: str
    file: str


@dataclass(frozen=True)
class BatchRecord:
    seq: int
    batch_id: str
    created_at: str
    as_of: str
    input_sha256: str
    manifest_sha256: str
    letter_count: int
    operator: str
    prev_hash: str
    hash: str


def batch_hash(prev_hash: str, batch: dict[str, Any], letters: Sequence[LetterRecord]) -> str:
    """SHA-256 over the previous link, the batch's fields and every letter's fields, canonically."""
    import hashlib
    import json
    from dataclasses import asdict

    body = {
        "prev": prev_hash,
        "batch": {k: batch[k] for k in sorted(batch) if k not in ("hash", "prev_hash", "seq")},
        "letters": [asdict(r) for r in sorted(letters, key=lambda r: r.letter_id)],
    }
    text = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
