"""An account id → its timeline from the ledger: letters (with archived PDFs), delivery events, holds
placed and released (with who and why), hold overrides, and payments received."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from letters.desk.config import HoldCheck
from letters.evidence.holds import list_holds, overrides_for
from letters.evidence.ledger import Ledger
from letters.evidence.payments import payments_since


@dataclass(frozen=True)
class Event:
    """One line of the timeline."""

    day: str
    what: str  # "letter", "delivery", "hold", "release", "override", "payment"
    text: str
    file: Path | None = None  # the archived PDF, when there is one


def archived_file(archive_root: Path, batch_id: str, name: str) -> Path | None:
    """The letter's PDF inside its batch's bag, or None; only plain file names are looked up."""
    if not name or Path(name).name != name:
        return None
    for bag in sorted(archive_root.glob(f"{batch_id}*")):
        for candidate in (bag / "data").rglob(name):
            if candidate.is_file():
                return candidate
    return None


def account_timeline(
    ledger: Ledger, account_id: str, archive_root: Path, hold_check: HoldCheck
) -> list[Event]:
    """Everything the ledger holds for the account, oldest first, and the hold in force today."""
    events: list[Event] = []
    for record in ledger.history(account_id):
        text = f"{record.kind} ({record.lang}) {record.letter_id}"
        if record.tracking_number:
            text += f" · {record.tracking_number}"
        events.append(
            Event(
                record.letter_date, "letter", text, archived_file(archive_root, record.batch_id, record.file)
            )
        )
        if record.tracking_number:
            for delivery in ledger.events_for(record.tracking_number):
                note = f" — {delivery.note}" if delivery.note else ""
                events.append(Event(delivery.event_date.isoformat(), "delivery", f"{delivery.event}{note}"))
    for row in list_holds(ledger, account_id=account_id, released=True):
        placed = row.hold
        text = f"{placed.reason}" + (f" until {placed.until}" if placed.until else "")
        text += "".join(
            f" · {part}" for part in (placed.note, placed.operator and f"by {placed.operator}") if part
        )
        events.append(Event(placed.since.isoformat(), "hold", text))
        if row.released_on is not None:
            note = f" · {row.release_note}" if row.release_note else ""
            events.append(
                Event(row.released_on.isoformat(), "release", f"{placed.reason} · by {row.released_by}{note}")
            )
    for override in overrides_for(ledger, account_id):
        events.append(
            Event(
                override.recorded_at.date().isoformat(),
                "override",
                f"{override.kind} {override.letter_id} · by {override.operator} · why: {override.why}",
            )
        )
    for paid_on, amount in payments_since(ledger, account_id, date.min):
        events.append(Event(paid_on.isoformat(), "payment", f"{amount:,}"))
    hold = hold_check(account_id)
    if hold is not None:
        events.append(Event("", "hold", hold))
    return sorted(events, key=lambda event: (event.day or "9999", event.what))
