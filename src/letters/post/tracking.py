"""Give letters registered-mail numbers (from the accounts file, a label pool or a range), durably."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from letters.carriers.numbers import S10_MAX_SERIAL, TrackingNumber, make_s10, parse_tracking
from letters.compose.render_html import Letter
from letters.errors import ConfigError, LettersError

if TYPE_CHECKING:  # the ledger (and SQLAlchemy, ~0.3 s) is imported when a batch opens it
    from letters.evidence.ledger import Assignment, Ledger

Source = Literal["column", "pool", "range"]
Service = Literal["registered", "simple-registered", "certified", "ems"]
SERVICES: tuple[Service, ...] = ("registered", "simple-registered", "certified", "ems")


@dataclass(frozen=True)
class TrackingSetup:
    """Where numbers come from for one batch."""

    source: Source
    service: Service = "registered"
    pool: Path | None = None  # one number per line, in the order the labels will be used
    range_prefix: str = ""  # S10 range: service indicator (RR, RB, EE …)
    range_start: int = 0  # first serial to try
    range_country: str = ""  # S10 country code (JP, CN, GB …)


def parse_range(spec: str) -> tuple[str, int, str]:
    """``RR:12345600:JP`` → ("RR", 12345600, "JP")."""
    parts = spec.split(":")
    if len(parts) != 3 or not parts[1].isdigit():
        raise ConfigError(
            f"--tracking-range {spec!r}: expected PREFIX:FIRST_SERIAL:COUNTRY, e.g. RR:12345600:JP"
        )
    return parts[0].upper(), int(parts[1]), parts[2].upper()


def label_for(lang: str, number: TrackingNumber, service: Service) -> str:
    """How the number is introduced on the letter, in the letter's language."""
    ems = service == "ems" or (number.scheme == "s10" and number.number.startswith("E"))
    if lang == "ja":
        if ems:
            return "EMS 引受番号"
        return "簡易書留 引受番号" if service == "simple-registered" else "一般書留 引受番号"
    if lang == "zh":
        return "EMS 编号" if ems else "挂号信 编号"
    if ems:
        return "EMS No."
    if number.scheme == "usps" or service == "certified":
        return "Certified Mail No."
    return "Registered Mail No."


def load_pool(path: Path) -> list[TrackingNumber]:
    """A label pool file: one number per line (blank lines and # comments ignored), all valid."""
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such tracking pool file") from None
    numbers: list[TrackingNumber] = []
    problems: list[str] = []
    seen: dict[str, int] = {}
    for line_number, line in enumerate(lines, start=1):
        text = line.split("#", 1)[0].strip()
        if not text:
            continue
        try:
            number = parse_tracking(text)
        except ValueError as exc:
            problems.append(f"{path}, line {line_number}: {exc}")
            continue
        if number.number in seen:
            problems.append(f"{path}, line {line_number}: {number.number} repeats line {seen[number.number]}")
            continue
        seen[number.number] = line_number
        numbers.append(number)
    if problems:
        raise ConfigError("bad tracking pool:\n  " + "\n  ".join(problems))
    return numbers


# Times a run picks again when another run recorded one of its chosen numbers first.
PICK_ATTEMPTS = 5


def assign_tracking(letters: Sequence[Letter], setup: TrackingSetup, ledger: Ledger) -> list[Letter]:
    """Every letter with its number; new numbers are recorded in the ledger before anything prints.

    A letter that already has a number in the ledger (the same letter id, e.g. a re-run after a
    crash) keeps it, so a re-run neither wastes labels nor prints a second number. Two batches
    drawing on one pool or range at once: the one that records second picks again.
    """
    from letters.evidence.ledger import NumberTakenError

    for _ in range(PICK_ATTEMPTS - 1):
        try:
            return _assign_once(letters, setup, ledger)
        except NumberTakenError:
            if setup.source == "column":
                raise  # the accounts file's own number is taken: picking again cannot help
    return _assign_once(letters, setup, ledger)


def _assign_once(letters: Sequence[Letter], setup: TrackingSetup, ledger: Ledger) -> list[Letter]:
    from letters.evidence.identity import check_owner

    existing = ledger.assignments_for(letter.id for letter in letters)
    for letter in letters:
        if letter.id in existing:
            # A number is reused only for the very account it was given to, never for another
            # account whose id once mapped to the same letter id.
            owner = existing[letter.id].account_id
            check_owner("tracking number", letter.id, owner, letter.account.account_id)
    numbers: dict[str, TrackingNumber] = {
        letter_id: parse_tracking(a.number, a.scheme) for letter_id, a in existing.items()
    }
    needing = [letter for letter in letters if letter.id not in numbers]
    new: list[Assignment] = []
    if setup.source == "column":
        missing = [letter.account.account_id for letter in needing if not letter.account.tracking_number]
        if missing:
            raise LettersError(
                f"{len(missing)} account(s) have no tracking_number: {', '.join(missing[:10])}"
                + (" …" if len(missing) > 10 else "")
            )
        candidates = [parse_tracking(letter.account.tracking_number) for letter in needing]
        used = ledger.used_numbers(n.number for n in candidates)
        if used:
            raise LettersError(
                f"tracking number(s) already used by other letters: {', '.join(sorted(used)[:10])}"
            )
        for letter, number in zip(needing, candidates, strict=True):
            numbers[letter.id] = number
            new.append(_assignment(letter, number, "column"))
    elif setup.source == "pool":
        if setup.pool is None:
            raise ConfigError("a tracking pool needs a file (--tracking-pool FILE)")
        pool = load_pool(setup.pool)
        used = ledger.used_numbers(n.number for n in pool)
        free = [n for n in pool if n.number not in used]
        if len(free) < len(needing):
            raise LettersError(
                f"tracking pool {setup.pool} is exhausted: {len(needing)} letters need numbers, "
                f"{len(free)} unused numbers left (of {len(pool)}); add labels to the pool"
            )
        for letter, number in zip(needing, free, strict=False):
            numbers[letter.id] = number
            new.append(_assignment(letter, number, "pool"))
    else:
        serial = setup.range_start
        pending: list[TrackingNumber] = []
        while len(pending) < len(needing):
            want = len(needing) - len(pending)
            if serial + want - 1 > S10_MAX_SERIAL:
                raise LettersError(
                    f"tracking range {setup.range_prefix}…{setup.range_country} runs past serial 99999999"
                )
            try:
                batch = [
                    make_s10(setup.range_prefix, s, setup.range_country) for s in range(serial, serial + want)
                ]
            except ValueError as exc:
                raise ConfigError(f"--tracking-range: {exc}") from None
            used = ledger.used_numbers(n.number for n in batch)
            pending.extend(n for n in batch if n.number not in used)
            serial += want
        for letter, number in zip(needing, pending, strict=True):
            numbers[letter.id] = number
            new.append(_assignment(letter, number, "range"))
    ledger.record_assignments(new)
    return [
        replace(
            letter,
            tracking_number=numbers[letter.id].display,
            tracking_label=label_for(letter.planned.lang, numbers[letter.id], setup.service),
        )
        for letter in letters
    ]


def _assignment(letter: Letter, number: TrackingNumber, source: str) -> Assignment:
    from letters.evidence.ledger import Assignment

    return Assignment(number.number, number.scheme, letter.id, letter.account.account_id, source)
