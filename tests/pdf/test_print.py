"""What the print shop gets: one print job per sender and paper size, valid blank filler pages, and
nothing printed within 5 mm of a sheet's edge."""

from __future__ import annotations

import re
import subprocess
from datetime import date
from pathlib import Path

import pikepdf
import pytest

from letters.batch import print_file
from letters.batch.options import Options
from letters.batch.pipeline import run_batch
from letters.intake.accounts import Account, Address
from tests.helpers import deliberately_broken, make_account, pdf_problems

pytestmark = pytest.mark.slow
AS_OF = date(2026, 11, 23)
MM = 72 / 25.4
SIZES = {"A4": (595.28, 841.89), "Letter": (612.0, 792.0)}


def _uk(account_id: str = "EN-GB-1") -> Account:
    """An English letter on A4 (a UK creditor, DL window envelope)."""
    return make_account(
        "en",
        account_id=account_id,
        currency="GBP",
        address=Address("GB", "SW1A 2AA", "", "London", "", "10 Downing Street", ""),
    )


def _page_boxes(path: Path) -> list[tuple[float, float, float, float]]:
    """Ghostscript's bounding box of everything drawn, per page (llx, lly, urx, ury in points)."""
    done = subprocess.run(
        ["gs", "-q", "-dSAFER", "-dNOPAUSE", "-dBATCH", "-sDEVICE=bbox", str(path)],
        capture_output=True,
        text=True,
        check=True,
    )
    found = re.findall(r"%%HiResBoundingBox: ([\d.]+) ([\d.]+) ([\d.]+) ([\d.]+)", done.stderr)
    return [(float(a), float(b), float(c), float(d)) for a, b, c, d in found]


@pytest.fixture(scope="module")
def every_kind(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], Path]:
    """A reminder, a demand and a lawyer's letter in ja, zh, en on US Letter and en on A4."""
    out = tmp_path_factory.mktemp("every-kind")
    accounts = [
        make_account("ja"),
        make_account("zh"),
        make_account("en", debtor_type="organisation", debtor_name="Doe Trading LLC", gender=""),
        _uk(),
    ]
    paths: dict[tuple[str, str], Path] = {}
    for kind in ("reminder", "demand", "lawyer"):
        result = run_batch(accounts, Options(outdir=out / kind, as_of=AS_OF, letter_kind=kind, archive=False))
        assert result.failed == []
        for item in result.written:
            paths[(item.letter.account.account_id, kind)] = item.path
    assert len(paths) == 12
    return paths


def test_nothing_is_printed_within_5_mm_of_a_sheet_edge(every_kind: dict[tuple[str, str], Path]) -> None:
    narrow: list[str] = []
    for (account, kind), path in every_kind.items():
        with pikepdf.open(path) as pdf:
            sizes = [(float(p.mediabox[2]), float(p.mediabox[3])) for p in pdf.pages]
        boxes = _page_boxes(path)
        assert len(boxes) == len(sizes), path
        for page, ((llx, lly, urx, ury), (width, height)) in enumerate(zip(boxes, sizes, strict=True), 1):
            margins = {"left": llx, "bottom": lly, "right": width - urx, "top": height - ury}
            narrow += [
                f"{account} {kind} p.{page}: {side} {points / MM:.1f} mm"
                for side, points in margins.items()
                if points < 5 * MM
            ]
    assert narrow == []


def test_one_print_job_per_sender_and_paper_size(tmp_path: Path) -> None:
    # Reminders are one page: every letter is followed by a blank filler page in its print file.
    accounts = [
        make_account(
            "en", account_id="EN-1", debtor_type="organisation", debtor_name="Doe Trading LLC", gender=""
        ),
        make_account("ja", account_id="JA-1"),
        _uk("GB-1"),
        make_account(
            "en", account_id="EN-2", debtor_type="organisation", debtor_name="Doe Trading LLC", gender=""
        ),
        make_account("ja", account_id="JA-2"),
    ]
    result = run_batch(accounts, Options(outdir=tmp_path / "out", as_of=AS_OF, letter_kind="reminder"))
    assert result.failed == [] and result.batch is not None
    batch = result.batch.batch_id
    assert [p.name for p in result.print_files] == [
        f"print_{batch}_hudson-recovery_Letter.pdf",
        f"print_{batch}_sakura-finance_A4.pdf",
        f"print_{batch}_thames-credit_A4.pdf",
    ]
    expected = {
        "hudson-recovery": ["EN-1", "EN-2"],
        "sakura-finance": ["JA-1", "JA-2"],
        "thames-credit": ["GB-1"],
    }
    for path in result.print_files:
        sender, paper = path.stem.split("_")[2:4]
        with pikepdf.open(path) as pdf:
            sizes = {(round(float(p.mediabox[2]), 2), round(float(p.mediabox[3]), 2)) for p in pdf.pages}
            assert sizes == {SIZES[paper]}, (path.name, sizes)
            assert len(pdf.pages) == 2 * len(expected[sender])
            fillers = pdf.pages[1::2]
            assert all("/Contents" not in page.obj for page in fillers)
        assert pdf_problems(path) == []
    assert result.print_pages == 10
    manifest = (
        (result.archive / "data" / "manifest.json").read_text(encoding="utf-8") if result.archive else ""
    )
    for path in result.print_files:
        assert f'"batch/{path.name}"' in manifest


def test_a_large_job_is_split_into_numbered_parts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(print_file, "PRINT_PART", 2)
    accounts = [make_account("ja", account_id=f"JA-{i}") for i in range(3)] + [
        make_account("en", debtor_type="organisation", debtor_name="Doe Trading LLC", gender="")
    ]
    result = run_batch(
        accounts, Options(outdir=tmp_path / "out", as_of=AS_OF, letter_kind="reminder", archive=False)
    )
    names = [p.name.split("_", 2)[2] for p in result.print_files]
    assert names == [
        "sakura-finance_A4_part01.pdf",
        "sakura-finance_A4_part02.pdf",
        "hudson-recovery_Letter.pdf",
    ]


def test_the_pdf_check_catches_an_undecodable_blank_page(tmp_path: Path) -> None:
    # The filler page pikepdf makes, kept as it comes: its empty content stream is saved as
    # /FlateDecode with no valid Flate data in it.
    broken = tmp_path / "filler.pdf"
    with pikepdf.Pdf.new() as pdf:
        pdf.add_blank_page(page_size=SIZES["A4"])
        pdf.save(broken)
    problems = pdf_problems(deliberately_broken(broken))
    assert any(line.startswith("gs: ") for line in problems), problems
    assert any("flate" in line for line in problems), problems
