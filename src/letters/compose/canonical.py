"""A letter's merged data as canonical JSON bytes: the thing its SHA-256 (and QR code) vouches for."""

from __future__ import annotations

import hashlib
import json
from dataclasses import fields, is_dataclass
from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from letters.compose.letterhead import Letterhead
from letters.compose.render_html import Letter
from letters.compose.templates import template_identity

SCHEMA = "letters.letter-data/1"


def _plain(value: Any) -> Any:
    """JSON-ready form: Decimals and dates as exact strings (never floats), mappings sorted."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, dict) or hasattr(value, "items"):
        return {str(k): _plain(v) for k, v in dict(value).items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def canonical_json(document: Any) -> bytes:
    """Sorted keys, no insignificant whitespace, UTF-8: equal data gives equal bytes."""
    return json.dumps(_plain(document), sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode(
        "utf-8"
    )


@cache
def _file_sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def letterhead_identity(letterhead: Letterhead) -> dict[str, Any]:
    """The letterhead's files with their SHA-256, so a changed logo or seal shows in the record."""
    files = sorted(p for p in letterhead.folder.iterdir() if p.is_file() and not p.name.startswith("."))
    return {"id": letterhead.id, "files": [[p.name, _file_sha256(p)] for p in files]}


def letter_data(letter: Letter, templates_root: Path) -> dict[str, Any]:
    """Everything that decides what a letter says: account, dates, sender, template identity."""
    planned = letter.planned
    identity = template_identity(templates_root, planned.lang, planned.kind)
    data = {
        "schema": SCHEMA,
        "letter_id": letter.id,
        "kind": planned.kind,
        "lang": planned.lang,
        "letter_date": planned.letter_date,
        "pay_by": planned.pay_by,
        "days_past_due": planned.days_past_due,
        "reference": letter.reference,
        "era_dates": letter.era_dates,
        "tracking_number": letter.tracking_number,
        "account": planned.account,
        "total": planned.account.total,
        "sender": letterhead_identity(letter.sender),
        "client": letterhead_identity(letter.client) if letter.client else None,
        "template": {"name": identity.name, "files": [list(f) for f in identity.files]},
        "extra": letter.extra_context,
        "naiyo": list(letter.naiyo) if letter.naiyo else None,
        # Only when given, so the data (and its hash) of every other letter stays as it was.
        **({"reviewed_by": letter.reviewed_by} if letter.reviewed_by else {}),
    }
    if planned.interest is not None or planned.received:
        # How the amounts were found (rate, basis, period; payments subtracted): only when there is
        # something, so a letter without them hashes as it always did.
        data["amounts"] = {"interest": planned.interest, "received": list(planned.received)}
    return data


def data_sha256(letter: Letter, templates_root: Path) -> str:
    return hashlib.sha256(canonical_json(letter_data(letter, templates_root))).hexdigest()
