"""Render one letter and turn its first page into a PNG (poppler's pdftoppm) for a quick look."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from dataclasses import replace
from pathlib import Path

from letters.batch.options import Options
from letters.batch.pipeline import run_batch
from letters.errors import InputError, LettersError, SetupError
from letters.intake.accounts import AccountSet


def preview_letter(
    accounts: AccountSet, options: Options, output: Path, *, account_id: str | None = None, dpi: int = 110
) -> Path:
    """Write page 1 of one letter (the chosen account's, or the first planned) to ``output``."""
    if shutil.which("pdftoppm") is None:
        raise SetupError("pdftoppm is not installed; install it: apt-get install poppler-utils")
    records = accounts.accounts
    if account_id is not None:
        records = tuple(a for a in records if a.account_id == account_id)
        if not records:
            raise InputError(f"no account {account_id!r} in {accounts.source}")
    # A preview sends nothing, so it records nothing: no archive or ledger row (the next batch would
    # skip the account as already written to), no law-firm serial, no registered-mail number; and it
    # leaves nothing behind but ``output``: the letter is written in a private folder removed after.
    # An --override-hold lets a held account's letter be looked at: it is marked as a held draft
    # on its face and the override is not recorded (nothing is sent).
    draft = replace(options, combined=False, archive=False, archive_dir=None, tracking=None)
    with tempfile.TemporaryDirectory(prefix="letters-preview-") as tmp:
        result = run_batch(records, replace(draft, outdir=Path(tmp) / "out"))
        if result.failed:
            raise LettersError(result.failed[0].error)
        if not result.written:
            reasons = "; ".join(f"{s.account.account_id}: {s.reason}" for s in result.plan.skipped[:3])
            hint = "use --letter to force one"
            if any(s.reason.startswith("on hold") for s in result.plan.skipped):
                hint += ", --override-hold WHY to look at a held account's letter (nothing is recorded)"
            raise LettersError(f"no letter to preview ({reasons}); {hint}")
        pdf = result.written[0].path
        stem = Path(tmp) / "page"
        subprocess.run(
            ["pdftoppm", "-png", "-r", str(dpi), "-f", "1", "-l", "1", "-singlefile", str(pdf), str(stem)],
            check=True,
            capture_output=True,
        )
        output.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(stem.with_suffix(".png"), output)
        output.chmod(0o600)
    return output
