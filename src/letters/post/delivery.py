"""Import delivery events (delivered / returned / refused / unknown address) from a carrier CSV."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from sqlalchemy import func, select

from letters.carriers.numbers import parse_tracking
from letters.errors import InputError, Problem, ValidationError
from letters.evidence.ledger import DeliveryEvent, Ledger, letters_table
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


# The calendar date somewhere on earth is at most this far ahead of UTC (Kiribati, UTC+14): a
# delivery dated after that day has not happened anywhere yet, whatever the carrier's time zone.
_LATEST_ZONE = timezone(timedelta(hours=14))


@dataclass(frozen=True)
class ImportResult:
    recorded: int
    unknown: tuple[str, ...]  # numbers the ledger never assigned: recorded too, and reported
    already: int = 0  # events in the file that the ledger had already (the same file imported twice)


def latest_date_on_earth() -> date:
    return datetime.now(_LATEST_ZONE).date()


def sent_dates(ledger: Ledger, numbers: Iterable[str]) -> dict[str, date]:
    """The date of the letter each number was sent with (numbers with no letter recorded — a batch
    that stopped after assigning them — have no date to compare with and are left out)."""
    wanted = list(dict.fromkeys(numbers))
    found: dict[str, date] = {}
    with ledger.engine.connect() as conn:
        for start in range(0, len(wanted), 500):
            rows = conn.execute(
                select(letters_table.c.tracking_number, func.min(letters_table.c.letter_date))
                .where(letters_table.c.tracking_number.in_(wanted[start : start + 500]))
                .group_by(letters_table.c.tracking_number)
            )
            found.update((number, date.fromisoformat(day)) for number, day in rows)
    return found


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
    lines: list[int] = []  # the CSV line of each event, for messages
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
        lines.append(number)
    known = ledger.used_numbers(e.tracking_number for e in events)
    problems += _impossible_dates(path, events, lines, sent_dates(ledger, known))
    if problems:
        raise ValidationError(problems)
    marked = [
        DeliveryEvent(e.tracking_number, e.event, e.event_date, e.note, e.tracking_number in known)
        for e in events
    ]
    recorded = ledger.record_events(marked, str(path))
    unknown = tuple(dict.fromkeys(e.tracking_number for e in marked if not e.matched))
    return ImportResult(recorded, unknown, len(marked) - recorded)


def _impossible_dates(
    path: Path, events: list[DeliveryEvent], lines: list[int], sent: dict[str, date]
) -> list[Problem]:
    """A delivery cannot precede its letter nor come after today: such a date would move a limitation
    period on a fact that cannot be true, so the whole file is refused (fix the row and re-import)."""
    latest = latest_date_on_earth()
    problems = []
    for event, line in zip(events, lines, strict=True):
        value = event.event_date.isoformat()
        if event.event_date > latest:
            problems.append(Problem(str(path), line, "date", value, f"is in the future (today is {latest})"))
        posted = sent.get(event.tracking_number)
        if posted is not None and event.event_date < posted:
            problems.append(
                Problem(
                    str(path),
                    line,
                    "date",
                    value,
                    f"is before the letter with {event.tracking_number} was sent ({posted})",
                )
            )
    return problems
