"""A batch's outcome: the letters written and failed, print files, mailing lists, archive and record."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from letters.batch.options import Options
from letters.compose.render_html import Letter
from letters.decide.plan import Plan
from letters.errors import LettersError

if TYPE_CHECKING:
    from letters.evidence.anchor import Seal
    from letters.evidence.ledger import BatchRecord

Progress = Callable[[int, int], None]
# Hears each letter as it is written, with its canonical merged data (which is not kept): the
# batch's bag takes both then, so the batch process holds neither to the end (issue #22).
OnWritten = Callable[["WrittenLetter", bytes], None]


@dataclass(frozen=True)
class WrittenLetter:
    letter: Letter
    path: Path
    pages: int
    sha256: str
    size: int
    data_sha256: str  # of the letter's canonical merged data (what the QR code vouches for)
    qr_payload: str
    extra_files: tuple[Path, ...] = ()  # other outputs of the same letter (DOCX, e内容証明 DOCX)


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
    print_files: list[Path] = field(default_factory=list)  # the duplex print file(s), in order
    print_pages: int = 0
    mailing_lists: list[Path] = field(default_factory=list)
    already_recorded: list[Letter] = field(default_factory=list)  # sent by an earlier run
    archive: Path | None = None
    batch: BatchRecord | None = None
    seal: Seal | None = None  # the bag's chain anchor and RFC 3161 timestamp (or why there is none)
    # Letters written but with something the operator must check (a 内容証明 value the counter may
    # refuse, compose/naiyo_doubts.py): printed as warnings, never a silent pass.
    warnings: list[str] = field(default_factory=list)
    worker_deaths: int = 0  # worker processes that died; their letters were rendered again
    part: tuple[int, int] = (1, 1)  # (this part, of how many): a large batch runs in parts


def as_of_date(options: Options) -> date:
    return options.as_of or date.today()


def failure_message(letter: Letter, exc: LettersError) -> str:
    """Why a letter failed, naming the letter once."""
    message = str(exc)
    return message if message.startswith(f"letter {letter.id}") else f"letter {letter.id}: {message}"
