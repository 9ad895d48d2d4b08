"""Batch fonts keep CID = glyph index, so viewers that follow the PDF specification (Ghostscript,
and the print paths built on it) draw the same glyphs as poppler.

A HarfBuzz subset keeps each glyph's original CID in the CFF charset unless asked not to, while
WeasyPrint writes glyph indices as CIDs: Ghostscript then drew a box for every CJK character.
"""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import uharfbuzz as hb
from fontTools.ttLib import TTFont
from pypdf import PdfReader

from letters.batch.options import Options
from letters.batch.pipeline import run_batch
from letters.pdf import batch_fonts
from letters.pdf.batch_fonts import subset_face
from letters.pdf.fonts import find_face
from tests.helpers import ghostscript_difference, make_account

TEXT = "お支払いのお願い 山田太郎様 東京都新宿区西新宿 請求金額 ¥120,000 ABC-123 催告书 人民币 贰拾万元"


def _charset(font: bytes) -> list[str]:
    return list(TTFont(io.BytesIO(font), checkChecksums=2)["CFF "].cff.topDictIndex[0].charset)


@pytest.mark.parametrize("family", ["Noto Serif CJK JP", "Noto Serif CJK SC"])
@pytest.mark.parametrize("bold", [False, True])
def test_batch_subset_has_cid_equal_to_glyph_index(family: str, bold: bool) -> None:
    face = find_face(family, bold=bold)
    fixed = subset_face(face.path, face.index, TEXT)
    charset = _charset(fixed)  # checkChecksums=2: a stale table checksum fails here
    assert len(charset) > 40
    assert charset[1:] == [f"cid{gid:05d}" for gid in range(1, len(charset))]


def test_the_identity_charset_changes_nothing_but_the_cids(monkeypatch: pytest.MonkeyPatch) -> None:
    face = find_face("Noto Serif CJK JP")
    fixed = subset_face(face.path, face.index, TEXT)
    monkeypatch.setattr(batch_fonts, "_identity_charset_flag", lambda: hb.SubsetFlags.DEFAULT)
    kept = subset_face(face.path, face.index, TEXT)  # the subset as it was: original CIDs
    assert _charset(kept)[1:] != [f"cid{gid:05d}" for gid in range(1, len(_charset(kept)))]
    before, after = hb.Font(hb.Face(hb.Blob(kept))), hb.Font(hb.Face(hb.Blob(fixed)))
    for char in TEXT:
        gid = before.get_nominal_glyph(ord(char))
        assert gid == after.get_nominal_glyph(ord(char))
        assert before.get_glyph_extents(gid) == after.get_glyph_extents(gid)
        assert before.get_glyph_h_advance(gid) == after.get_glyph_h_advance(gid)


def _letter(tmp_path: Path, lang: str, *, batch_fonts: bool) -> Path:
    out = tmp_path / f"{lang}-{batch_fonts}"
    options = Options(
        as_of=date(2026, 11, 23), outdir=out, workers=1, batch_fonts=batch_fonts, archive=False,
        db=f"sqlite:///{out}.sqlite",
    )  # fmt: skip
    result = run_batch([make_account(lang)], options)
    assert not result.failed, result.failed
    return result.written[0].path


@pytest.mark.parametrize("lang", ["ja", "zh"])
def test_ghostscript_draws_a_batch_font_letter_like_one_with_the_full_fonts(
    tmp_path: Path, lang: str
) -> None:
    small = _letter(tmp_path, lang, batch_fonts=True)
    full = _letter(tmp_path, lang, batch_fonts=False)
    pages: Any = PdfReader(small).pages
    fonts = [f for page in pages for f in page["/Resources"]["/Font"].values()]
    assert any(
        "Subset" in str(f.get_object()["/DescendantFonts"][0]["/FontDescriptor"]["/FontFamily"])
        for f in fonts
    )
    ink, differing = ghostscript_difference(small, full)
    assert ink > 10_000
    assert differing <= ink // 100, f"{differing} of {ink} pixels differ"
