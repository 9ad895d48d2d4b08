"""An account id → its timeline from the ledger: letters (with archived PDFs), delivery events, holds."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from letters.desk.config import HoldCheck
from letters.evidence.ledger import Ledger


@dataclass(frozen=True)
class Event:
    """One line of the timeline."""

    day: str
    what: str  # "letter", "delivery", "hold"
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
    """The account's letters and their delivery events, oldest first, and its hold today."""
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
    hold = hold_check(account_id)
    if hold is not None:
        events.append(Event("", "hold", hold))
    return sorted(events, key=lambda event: (event.day or "9999", event.what))
