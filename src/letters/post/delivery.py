"""Import delivery events (delivered / returned / refused / unknown address) from a carrier CSV."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from letters.carriers.numbers import parse_tracking
from letters.errors import InputError, Problem, ValidationError
from letters.evidence.ledger import DeliveryEvent, Ledger
from letters.intake.parse import parse_date

EVENTS = {
    "delivered": "delivered",
    "returned": "returned",
    "refused": "refused",
    "unknown_address": "unknown_address",
    "unknown address": "unknown_address",
    "配達済み": "delivered",
    "お届け済み": "delivered",
    "返送": "returned",
    "受取拒否": "refused",
    "宛所尋ねあたらず": "unknown_address",
    "妥投": "delivered",
    "已签收": "delivered",
    "退回": "returned",
    "拒收": "refused",
    "地址不详": "unknown_address",
}


@dataclass(frozen=True)
class ImportResult:
    recorded: int
    unknown: tuple[str, ...]  # numbers the ledger never assigned: recorded too, and reported


def import_events(path: Path, ledger: Ledger) -> ImportResult:
    """Read ``tracking_number,event,date[,note]`` rows; every bad row is reported, none half-imported."""
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except UnicodeDecodeError:
        raise InputError(f"{path}: not UTF-8; save the delivery report as CSV UTF-8") from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    needed = {"tracking_number", "event", "date"}
    if reader.fieldnames is None or not needed <= set(reader.fieldnames):
        raise InputError(
            f"{path}: the header must have tracking_number, event and date (and optionally note)"
        )
    events: list[DeliveryEvent] = []
    problems: list[Problem] = []
    for number, row in enumerate(reader, start=2):
        try:
            tracking = parse_tracking(row["tracking_number"] or "").number
        except ValueError as exc:
            problems.append(Problem(str(path), number, "tracking_number", row["tracking_number"], str(exc)))
            continue
        kind = EVENTS.get((row["event"] or "").strip().lower())
        if kind is None:
            problems.append(
                Problem(
                    str(path),
                    number,
                    "event",
                    row["event"],
                    "must be delivered, returned, refused or unknown_address",
                )
            )
            continue
        try:
            when = parse_date(row["date"] or "")
        except ValueError as exc:
            problems.append(Problem(str(path), number, "date", row["date"], str(exc)))
            continue
        events.append(DeliveryEvent(tracking, kind, when, (row.get("note") or "").strip(), True))
    if problems:
        raise ValidationError(problems)
    known = ledger.used_numbers(e.tracking_number for e in events)
    marked = [
        DeliveryEvent(e.tracking_number, e.event, e.event_date, e.note, e.tracking_number in known)
        for e in events
    ]
    ledger.record_events(marked, str(path))
    unknown = tuple(dict.fromkeys(e.tracking_number for e in marked if not e.matched))
    return ImportResult(len(marked), unknown)
