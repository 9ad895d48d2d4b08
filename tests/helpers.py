"""Test helpers: accounts built in code, and poppler and Ghostscript run on PDFs."""

from __future__ import annotations

import subprocess
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

from letters.evidence.ledger import LetterRecord
from letters.intake.accounts import Account, Address

_BASE = {
    "ja": Account(
        account_id="JA-0001",
        debtor_name="山田 太郎",
        debtor_type="person",
        gender="m",
        attention="",
        address=Address("JP", "160-0023", "東京都", "新宿区", "", "西新宿2丁目8番1号", "新宿ビル 12階"),
        language="ja",
        currency="JPY",
        principal=Decimal("120000"),
        interest=Decimal("1500"),
        fees=Decimal("880"),
        payments=Decimal("20000"),
        due_date=date(2026, 9, 30),
        contract_number="SK-2024-00123",
        contract_date=date(2024, 4, 1),
        period_start=date(2026, 8, 1),
        period_end=date(2026, 8, 31),
        invoice_refs=("INV-2026-0831",),
    ),
    "zh": Account(
        account_id="ZH-0001",
        debtor_name="张伟",
        debtor_type="person",
        gender="m",
        attention="",
        address=Address("CN", "200120", "上海市", "上海市", "浦东新区", "世纪大道100号", "A座1203室"),
        language="zh",
        currency="CNY",
        principal=Decimal("16000.00"),
        interest=Decimal("409.02"),
        fees=Decimal("0"),
        payments=Decimal("0"),
        due_date=date(2026, 9, 30),
        contract_number="HX-2025-0456",
        contract_date=date(2025, 3, 15),
        period_start=date(2026, 8, 1),
        period_end=date(2026, 8, 31),
        invoice_refs=(),
    ),
    "en": Account(
        account_id="EN-0001",
        debtor_name="Jane Doe",
        debtor_type="person",
        gender="f",
        attention="",
        address=Address("US", "10001", "NY", "New York", "", "350 Fifth Avenue", "Apt 4B"),
        language="en",
        currency="USD",
        principal=Decimal("1250.00"),
        interest=Decimal("12.34"),
        fees=Decimal("25"),
        payments=Decimal("100"),
        due_date=date(2026, 9, 30),
        contract_number="HR-7781",
        # A US consumer's letters come from a debt collector (hudson-recovery), which must name the
        # creditor (FDCPA §1692g(a)(2)).
        creditor="Empire Harbor Bank, N.A.",
        contract_date=date(2025, 1, 10),
        period_start=date(2026, 8, 1),
        period_end=date(2026, 8, 31),
        invoice_refs=("INV-88123",),
    ),
}


def notice_sent(*account_ids: str, on: date = date(2026, 1, 5)) -> dict[str, list[LetterRecord]]:
    """Ledger history with a validation notice sent long ago, so that a US debt collector's other
    letters to these consumers may be planned (the first letter must be the notice)."""
    return {
        account_id: [
            LetterRecord(
                f"{on:%Y%m%d}-validation-notice-{account_id}",
                "earlier-batch",
                account_id,
                "validation-notice",
                "en",
                on.isoformat(),
                "",
                "",
                "",
                "",
                "",
                "",
            )
        ]
        for account_id in account_ids
    }


def make_account(lang: str, **changes: object) -> Account:
    """A valid account in a language, with any fields replaced."""
    return replace(_BASE[lang], **changes)  # type: ignore[arg-type]  # test-only convenience


def pdftotext(path: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def pdffonts(path: Path) -> list[dict[str, str]]:
    """pdffonts' table as dicts: name, type, emb, sub, uni."""
    lines = subprocess.run(
        ["pdffonts", str(path)], capture_output=True, text=True, check=True
    ).stdout.splitlines()
    rows = []
    for line in lines[2:]:
        parts = line.split()
        # name type... encoding emb sub uni objectID gen: the last 5 columns are fixed.
        rows.append({"name": parts[0], "emb": parts[-5], "sub": parts[-4], "uni": parts[-3], "line": line})
    return rows


def ghostscript_difference(drawn: Path, expected: Path) -> tuple[int, int]:
    """(black pixels of ``expected``, pixels that differ) when Ghostscript draws every page of both
    PDFs at 100 dpi in black and white. Ghostscript looks CID-font glyphs up as the PDF
    specification says (through the font's charset), where poppler takes the CID as the glyph."""
    import tempfile

    from PIL import Image, ImageChops

    def pages(pdf: Path, folder: Path) -> list[Image.Image]:
        pattern = folder / f"{pdf.stem}-%03d.png"
        subprocess.run(
            ["gs", "-q", "-dSAFER", "-dNOPAUSE", "-dBATCH", "-sDEVICE=pnggray", "-r100",
             f"-sOutputFile={pattern}", str(pdf)],
            check=True,
            capture_output=True,
        )  # fmt: skip
        files = sorted(folder.glob(f"{pdf.stem}-*.png"))
        return [Image.open(f).convert("L").point(lambda v: 0 if v < 128 else 255) for f in files]

    with tempfile.TemporaryDirectory() as tmp:
        first, second = Path(tmp) / "a", Path(tmp) / "b"
        first.mkdir()
        second.mkdir()
        ours, theirs = pages(drawn, first), pages(expected, second)
        assert len(ours) == len(theirs), (len(ours), len(theirs))
        ink = sum(page.histogram()[0] for page in theirs)
        differing = 0
        for a, b in zip(ours, theirs, strict=True):
            difference = ImageChops.difference(a, b)
            differing += difference.width * difference.height - difference.histogram()[0]
    return ink, differing


# PDFs a test broke on purpose (a flipped byte, a file that only starts like a PDF): the session's
# check of every PDF the tests wrote (tests/conftest.py) leaves these out, and only these.
DELIBERATELY_BROKEN: set[Path] = set()

# Lines the tools print about themselves, whatever the file: Debian's MuPDF is built without ICC
# colour management and says so once a run.
_TOOL_NOISE = frozenset({"warning: ICC support is not available"})


def deliberately_broken(path: Path) -> Path:
    """Mark a PDF a test damages on purpose, so that the session-end PDF check skips it."""
    DELIBERATELY_BROKEN.add(path.resolve())
    return path


def pdf_problems(path: Path) -> list[str]:
    """Every line Ghostscript and MuPDF print while drawing every page of ``path`` (each tool is
    quiet about a sound PDF): a print shop's RIP is one of them or as strict. [] when both are happy."""
    runs = {
        "gs": ["gs", "-q", "-dSAFER", "-dNOPAUSE", "-dBATCH", "-sDEVICE=nullpage", str(path)],
        # Without -q: mutool's -q silences its warnings too; its progress lines are left out below.
        "mutool": ["mutool", "draw", "-o", "/dev/null", str(path)],
    }
    progress = f"page {path} "
    problems: list[str] = []
    for tool, command in runs.items():
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        problems += [
            f"{tool}: {line.strip()}"
            for line in (done.stdout + done.stderr).splitlines()
            if line.strip() and line.strip() not in _TOOL_NOISE and not line.startswith(progress)
        ]
        if done.returncode != 0:
            problems.append(f"{tool}: exit status {done.returncode}")
    return problems


def bad_pdfs(root: Path) -> dict[Path, list[str]]:
    """pdf_problems of every *.pdf under ``root`` but the deliberately broken ones; a file whose
    bytes were already checked (a letter copied into a bag, a print file) is checked once."""
    import hashlib
    import os
    from concurrent.futures import ThreadPoolExecutor

    unique: dict[str, Path] = {}
    for path in sorted(root.rglob("*.pdf")):
        if path.is_file() and path.resolve() not in DELIBERATELY_BROKEN:
            unique.setdefault(hashlib.sha256(path.read_bytes()).hexdigest(), path)
    # The tools run as processes: threads keep every core busy (a full run writes ~300 PDFs).
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        checked = zip(unique.values(), pool.map(pdf_problems, unique.values()), strict=True)
        return {path: problems for path, problems in checked if problems}


def record_notices(*account_ids: str, db: str | None = None, on: date = date(2026, 1, 5)) -> None:
    """Record in the ledger (default: the test's) a batch of validation notices sent long ago to these
    US consumers, so a batch may then write them other letters (tests about layout, not the FDCPA)."""
    from letters.evidence.ledger import Ledger

    book = Ledger(db)
    try:
        records = [r for rows in notice_sent(*account_ids, on=on).values() for r in rows]
        batch_id = f"notices-{'-'.join(account_ids)}"[:100]
        if book.batch(batch_id) is not None:
            return
        records = [replace(r, batch_id=batch_id) for r in records]
        book.record_batch(
            {
                "batch_id": batch_id,
                "created_at": f"{on.isoformat()}T09:00:00+00:00",
                "as_of": on.isoformat(),
                "input_sha256": "0" * 64,
                "manifest_sha256": "0" * 64,
                "letter_count": len(records),
                "operator": "test",
            },
            records,
        )
    finally:
        book.close()
