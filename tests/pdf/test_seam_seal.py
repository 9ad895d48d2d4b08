"""The 骑缝章: a zh lawyer's letter past one page carries a strip of the firm's seal at the right edge
of every page (page i of n: the i-th of n strips), and a one-page letter none (pdf/seam_seal.py)."""

from __future__ import annotations

import subprocess
from pathlib import Path

from PIL import Image

from letters.compose.render_html import Letter, render_html
from letters.pdf.seam_seal import DIAMETER_MM, INSET_MM
from tests.conftest import ROOT
from tests.render_helpers import letter_for, letter_pdf

DPI = 100
PX_PER_MM = DPI / 25.4


def _pages(letter: Letter, tmp_path: Path, name: str) -> list[Image.Image]:
    pdf = tmp_path / f"{name}.pdf"
    result = letter_pdf(letter, render_html(letter, ROOT / "templates").html)
    pdf.write_bytes(result.data)
    subprocess.run(["pdftoppm", "-r", str(DPI), "-png", str(pdf), str(tmp_path / name)], check=True)
    pages = [Image.open(p).convert("RGB") for p in sorted(tmp_path.glob(f"{name}-*.png"))]
    assert len(pages) == result.pages
    return pages


def _red_columns(page: Image.Image) -> tuple[int, int] | None:
    """(left, right) in px from the sheet's right edge of the seal-red ink in the right margin band
    halfway down, or None."""
    width, height = page.size
    band = page.crop(
        (
            round(width - (INSET_MM + DIAMETER_MM + 2) * PX_PER_MM),
            round(height / 2 - DIAMETER_MM / 2 * PX_PER_MM),
            width,
            round(height / 2 + DIAMETER_MM / 2 * PX_PER_MM),
        )
    )
    red = [
        x
        for x in range(band.width)
        for y in range(0, band.height, 2)
        if (px := band.getpixel((x, y)))[0] > 150 and px[1] < 120 and px[2] < 140  # type: ignore[index]
    ]
    if not red:
        return None
    return band.width - min(red), band.width - max(red)


def test_each_page_of_a_two_page_lawyers_letter_carries_half_the_seal(tmp_path: Path) -> None:
    pages = _pages(letter_for("zh", "lawyer"), tmp_path, "two")
    assert len(pages) == 2
    for page in pages:
        found = _red_columns(page)
        assert found is not None
        left, right = found
        # flush with the printable edge, half the seal wide
        assert abs(right / PX_PER_MM - INSET_MM) < 1.0
        assert abs((left - right) / PX_PER_MM - DIAMETER_MM / 2) < 1.5


def test_three_pages_three_strips(tmp_path: Path) -> None:
    refs = tuple(f"INV-2026-{n:04d}" for n in range(1, 200))
    pages = _pages(letter_for("zh", "lawyer", invoice_refs=refs), tmp_path, "three")
    assert len(pages) == 3
    for page in pages:
        found = _red_columns(page)
        assert found is not None
        assert abs((found[0] - found[1]) / PX_PER_MM - DIAMETER_MM / 3) < 1.5


def test_a_one_page_letter_and_other_kinds_have_no_seam_seal(tmp_path: Path) -> None:
    (page,) = _pages(letter_for("zh", "reminder"), tmp_path, "one")
    assert _red_columns(page) is None
    html = render_html(letter_for("zh", "demand"), ROOT / "templates").html
    assert "data-seam-seal" not in html  # a company's letter is sealed once, under its text
