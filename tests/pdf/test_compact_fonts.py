"""A letter's batch fonts cut to the glyphs it shows: the size no longer grows with the batch,
and the letter reads and draws exactly as before."""

from __future__ import annotations

import subprocess
from datetime import date
from functools import cache
from pathlib import Path

import pytest

from letters.batch.compose_step import build_letters, letter_fields, make_plan
from letters.batch.options import Options
from letters.compose.render_html import Letter, envelope_for, render_html
from letters.decide.policy import Policy
from letters.pdf import compact_fonts
from letters.pdf.batch_fonts import prepare_batch_fonts
from letters.pdf.fonts import coverage, visible_text
from letters.pdf.writer import PdfWriter
from tests.helpers import ghostscript_difference, make_account

AS_OF = date(2026, 11, 23)


@cache
def _letter(lang: str) -> tuple[Letter, str]:
    options = Options(as_of=AS_OF)
    letters, failed = build_letters(make_plan([make_account(lang)], options, Policy()), options, Policy())
    assert failed == []
    return letters[0], render_html(letters[0], options.templates).html


def _pdf(tmp_path: Path, lang: str, extra_chars: int) -> bytes:
    """The letter with batch fonts for its own text plus ``extra_chars`` other ideographs."""
    letter, html = _letter(lang)
    family = {"ja": "Noto Serif CJK JP", "zh": "Noto Serif CJK SC"}[lang]
    covered = coverage(family)
    others = [chr(c) for c in range(0x4E00, 0x9FFF) if c in covered][:extra_chars]
    folder = tmp_path / f"fonts-{lang}-{extra_chars}"
    fonts = prepare_batch_fonts({lang: set(visible_text(html)) | set(others)}, folder)
    options = Options(as_of=AS_OF)
    writer = PdfWriter(options.templates, options.letterheads, fonts=fonts)
    return writer.write(
        html,
        lang=lang,
        envelope=envelope_for(letter.sender.paper, lang),
        letter_id=letter.id,
        fields=letter_fields(letter.account),
    ).data


def _save(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def _text(path: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def _same_drawing(a: Path, b: Path) -> None:
    ink, differing = ghostscript_difference(a, b)
    assert ink > 10_000  # there is text to compare
    assert differing == 0


@pytest.mark.parametrize("lang", ["ja", "zh"])
def test_a_letter_from_a_large_batch_is_as_small_and_reads_and_draws_the_same(
    tmp_path: Path, lang: str
) -> None:
    small = _save(tmp_path, "small.pdf", _pdf(tmp_path, lang, 0))
    large = _save(tmp_path, "large.pdf", _pdf(tmp_path, lang, 3000))
    # Without compacting, 3,000 more batch glyphs made the letter ~18 KB larger.
    assert large.stat().st_size <= small.stat().st_size + 1024, (small.stat().st_size, large.stat().st_size)
    assert _text(large) == _text(small)
    _same_drawing(large, small)
    check = subprocess.run(["qpdf", "--check", str(large)], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout
    fonts = subprocess.run(["pdffonts", str(large)], capture_output=True, text=True, check=True).stdout
    subsets = [line for line in fonts.splitlines() if "Subset" in line]
    assert len(subsets) == 2 and all(" yes yes yes " in line for line in subsets), fonts


def test_compacting_a_letter_keeps_its_text_and_drawing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = _pdf(tmp_path, "ja", 0)
    monkeypatch.setattr(compact_fonts, "MIN_EMPTY_SLOTS", 0)
    compacted = compact_fonts.compact_fonts(data)
    assert len(compacted) < len(data) - 1024  # this batch font is only the letter: ~600 empty slots
    assert compact_fonts.compact_fonts(data) == compacted  # the same letter, the same bytes
    before, after = _save(tmp_path, "before.pdf", data), _save(tmp_path, "after.pdf", compacted)
    assert _text(after) == _text(before)
    _same_drawing(after, before)
    assert subprocess.run(["qpdf", "--check", str(after)], capture_output=True).returncode == 0


@pytest.mark.parametrize(
    "extra", [b"BT /{font} 12 Tf (literal) Tj ET", b"BT /{font} 12 Tf [<0001 0002>] TJ ET"]
)
def test_content_it_does_not_understand_is_left_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, extra: bytes
) -> None:
    import io

    import pikepdf

    pdf = pikepdf.open(io.BytesIO(_pdf(tmp_path, "ja", 0)))
    monkeypatch.setattr(compact_fonts, "MIN_EMPTY_SLOTS", 0)  # after the letter: it would compact it
    page = pdf.pages[0]
    font = next(iter(page.obj.Resources.Font.keys())).lstrip("/")
    page.obj.Contents.write(
        page.obj.Contents.read_bytes() + b"\n" + extra.replace(b"{font}", font.encode()) + b"\n"
    )
    out = io.BytesIO()
    pdf.save(out)
    assert compact_fonts.compact_fonts(out.getvalue()) == out.getvalue()
