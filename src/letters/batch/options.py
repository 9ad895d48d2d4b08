"""The one options object shared by the CLI and the library API, with its defaults in one place."""

from __future__ import annotations

import os
import string
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from letters.compose.qr import check_pattern
from letters.errors import ConfigError
from letters.intake.parse import check_letter_date
from letters.post.tracking import TrackingSetup

FORMATS = ("pdf", "docx")
NAME_FIELDS = frozenset({"date", "lang", "kind", "account", "seq", "id"})
DEFAULT_NAME_PATTERN = "{seq}_{lang}_{kind}_{account}"


def project_root() -> Path:
    """Where templates/ and letterheads/ live: $LETTERS_HOME, else the source checkout, else cwd."""
    explicit = os.environ.get("LETTERS_HOME")
    if explicit:
        return Path(explicit)
    checkout = Path(__file__).resolve().parents[3]
    if (checkout / "templates").is_dir() and (checkout / "letterheads").is_dir():
        return checkout
    return Path.cwd()


def available_cores(cgroup: Path = Path("/sys/fs/cgroup")) -> int:
    """The cores this process may use: its CPU affinity, capped by a cgroup v2 CPU quota.

    os.cpu_count() is the host's: in a container limited to 2 CPUs on a 32-core host it would fork
    32 workers of ~150 MB each, and the out-of-memory killer would end the batch.
    """
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # not on Linux
        cores = os.cpu_count() or 1
    try:
        quota, period = (cgroup / "cpu.max").read_text(encoding="ascii").split()[:2]
        if quota != "max":
            cores = min(cores, max(1, -(-int(quota) // int(period))))  # rounded up: 1.5 CPUs → 2
    except (OSError, ValueError):
        pass  # no cgroup v2 quota: the affinity stands
    return max(1, cores)


@dataclass(frozen=True)
class Options:
    """Everything a batch run can be told; the CLI builds one of these and nothing else."""

    outdir: Path = Path("out")
    templates: Path = field(default_factory=lambda: project_root() / "templates")
    letterheads: Path = field(default_factory=lambda: project_root() / "letterheads")
    policy: Path | None = None
    as_of: date | None = None  # None: today
    letter_kind: str | None = None  # force one kind for every account (--letter)
    lang: str | None = None  # force one language (--lang)
    override_hold: str | None = None  # send despite holds, for this recorded reason (--override-hold)
    formats: tuple[str, ...] = ("pdf",)
    name_pattern: str = DEFAULT_NAME_PATTERN
    combined: bool = True  # also write one print PDF for the batch (duplex: letters start on odd pages)
    era_dates: bool | None = None  # None: as the policy says
    strict: bool = True  # WeasyPrint warnings fail the letter
    qr: bool = True  # print a verification QR code (letter id + SHA-256 of its data) on each letter
    qr_pattern: str = "LETTERS:1:{id}:{sha256}"  # or a URL such as https://verify.example/{id}?h={sha256}
    tracking: TrackingSetup | None = None  # registered-mail numbers: None = not sent registered
    db: str | None = None  # ledger URL (default: SQLite in the state folder)
    new_ledger: bool = False  # start over on purpose where the state folder remembers more (recorded)
    archive: bool = True  # BagIt bag + manifest + ledger record per batch
    archive_dir: Path | None = None  # default: OUTDIR/archive
    pdfa: bool = False  # PDF/A-3b with the letter's canonical data embedded
    operator: str | None = None  # who ran the batch (default: $LETTERS_OPERATOR, then $USER)
    workers: int = field(default_factory=available_cores)  # render processes
    # Seconds one letter may take to render before it fails (0: no limit): a letter of pathological
    # input (a name of megabytes) must not hold up the morning's batch.
    letter_timeout: float = 120.0
    cluster: str | None = None  # Dask: tcp://HOST:PORT or local:N (--cluster); None = local workers
    # Accounts per part of a large batch (--part-size): each part is planned, rendered, archived and
    # recorded as a batch of its own, so the batch process holds one part's letters at a time and
    # its memory stays flat however many accounts the file has (issue #22).
    part_size: int = 1000
    batch_fonts: bool = True  # subset the CJK faces once per batch (small, fast PDFs)
    naiyo: tuple[int, int] | None = None  # 内容証明 grid for ja demand / lawyer letters (--naiyo)
    naiyo_docx: bool = False  # also write the e内容証明 Word file
    installments: int | None = None  # payment-plan letters: number of installments
    first_due: date | None = None  # payment-plan: first installment (default: the pay-by date)
    every: str = "monthly"  # payment-plan: monthly, biweekly or weekly
    validation_days: int | None = None  # validation notice: end no earlier than letter date + this
    spanish: bool = True  # validation notice: the Spanish-language offer line
    dispute_url: str = ""  # validation notice: where to dispute online, if anywhere
    sign_with: Path | None = None  # PKCS#12 keystore: sign the kinds the policy's [signing] names
    sign_password_file: Path | None = None  # else $LETTERS_SIGN_PASSWORD
    # The company's letterhead by name instead of the policy's (for a lawyer's letter: the client).
    letterhead: str | None = None
    # US attorney letters (compose/attorney_review.py): the attorney who reviewed the accounts
    # (--reviewed-by), or the disclaimer that none has, chosen on purpose (--no-attorney-review).
    reviewed_by: str | None = None
    no_attorney_review: bool = False

    def __post_init__(self) -> None:
        if not self.formats:
            raise ConfigError("no output format: choose pdf, docx or pdf,docx")
        if "pdf" not in self.formats:
            # The PDF is the letter that is printed, mailed, hashed and archived; DOCX comes with it.
            raise ConfigError("pdf is always written: use --format pdf or --format pdf,docx")
        unknown = [f for f in self.formats if f not in FORMATS]
        if unknown:
            raise ConfigError(
                f"unknown output format(s) {', '.join(unknown)}; choose from {', '.join(FORMATS)}"
            )
        check_name_pattern(self.name_pattern)
        if self.reviewed_by is not None and not self.reviewed_by.strip():
            raise ConfigError("--reviewed-by needs the reviewing attorney's name")
        if self.reviewed_by and self.no_attorney_review:
            raise ConfigError("choose --reviewed-by NAME or --no-attorney-review, not both")
        check_pattern(self.qr_pattern)
        if self.workers < 1:
            raise ConfigError(f"workers must be at least 1, not {self.workers}")
        if self.part_size < 1:
            raise ConfigError(f"part size must be at least 1 account, not {self.part_size}")
        if not 0 <= self.letter_timeout <= 86400:
            raise ConfigError(f"letter timeout must be 0 (none) to 86400 seconds, not {self.letter_timeout}")
        if self.as_of is not None:
            try:
                check_letter_date(self.as_of)
            except ValueError as exc:
                raise ConfigError(f"as-of date: {exc}") from None
        for label, folder in (("output folder", self.outdir), ("archive folder", self.archive_dir)):
            try:
                str(folder or "").encode("utf-8")
            except UnicodeEncodeError:
                # WeasyPrint and fontconfig take font paths (kept in the output folder) as UTF-8.
                raise ConfigError(
                    f"{label} {os.fsencode(folder or '')!r} is not valid UTF-8: choose a name in UTF-8"
                ) from None


def check_name_pattern(pattern: str) -> None:
    """Only the documented fields may appear in a file-name pattern, and no path separators."""
    if "/" in pattern or "\\" in pattern:
        raise ConfigError(f"name pattern {pattern!r} may not contain / or \\")
    try:
        fields = [name for _, name, _, _ in string.Formatter().parse(pattern) if name is not None]
    except ValueError as exc:
        raise ConfigError(f"name pattern {pattern!r}: {exc}") from None
    unknown = sorted(set(fields) - NAME_FIELDS)
    if unknown:
        raise ConfigError(
            f"name pattern {pattern!r}: unknown field(s) {', '.join(unknown)}; "
            f"use {', '.join('{' + f + '}' for f in sorted(NAME_FIELDS))}"
        )
    if not fields:
        raise ConfigError(f"name pattern {pattern!r} has no field, so every letter would get the same name")
