"""Ideographic variation sequences in legal names: drawn with the variant glyph, or refused by name."""

from __future__ import annotations

import subprocess
from datetime import date
from pathlib import Path

import pytest
from PIL import Image, ImageChops

from letters.batch.options import Options
from letters.batch.pipeline import run_batch
from letters.errors import RenderError
from letters.pdf.fonts import check_glyphs, missing_characters, variation_sequences
from tests.helpers import make_account, pdftotext

KATSURAGI_VARIANT = "葛\U000e0100城 太郎"  # 葛 with the Adobe-Japan1 variant (the 匂 form under 艹)
KATSURAGI_PLAIN = "葛城 太郎"


def test_the_japanese_face_has_the_variant() -> None:
    assert (0x845B, 0xE0100) in variation_sequences("Noto Serif CJK JP")


def test_a_sequence_the_font_has_is_not_missing() -> None:
    assert missing_characters(KATSURAGI_VARIANT, "ja") == []


def test_a_sequence_the_font_lacks_is_refused_naming_both_code_points() -> None:
    name = "あ\U000e0100"  # hiragana has no variation sequences: the selector would be dropped
    assert missing_characters(name, "ja") == [name]
    with pytest.raises(RenderError) as refused:
        check_glyphs(f"<p>{name}</p>", "ja", "letter L", {"debtor_name": name})
    assert "(U+3042 U+E0100) in debtor_name" in str(refused.value)


def _page(tmp_path: Path, name: str, folder: str) -> tuple[str, Image.Image]:
    # Two letters: a batch, so the per-batch font subsets (HarfBuzz) must keep the variant too.
    account = make_account("ja", debtor_name=name)
    other = make_account("ja", account_id="JA-OTHER", debtor_name="佐藤 花子")
    options = Options(
        outdir=tmp_path / folder, as_of=date(2026, 11, 23), letter_kind="demand", qr=False, archive=False
    )
    result = run_batch([account, other], options)
    assert result.failed == [] and len(result.written) == 2
    pdf = next(w.path for w in result.written if w.letter.account.account_id == account.account_id)
    subprocess.run(
        ["pdftoppm", "-r", "100", "-f", "1", "-l", "1", "-png", str(pdf), str(tmp_path / folder)], check=True
    )
    return pdftotext(pdf), Image.open(next(tmp_path.glob(f"{folder}-*.png"))).convert("L")


@pytest.mark.slow
def test_the_variant_glyph_is_drawn(tmp_path: Path) -> None:
    variant_text, variant = _page(tmp_path, KATSURAGI_VARIANT, "variant")
    plain_text, plain = _page(tmp_path, KATSURAGI_PLAIN, "plain")
    assert KATSURAGI_VARIANT in variant_text  # the text layer keeps the sequence (search, copy)
    assert "".join(variant_text.replace("\U000e0100", "").split()) == "".join(plain_text.split())
    # The same letter but for the selector: the pages differ only where 葛 is drawn, so the face
    # drew its variant glyph instead of dropping the selector.
    box = ImageChops.difference(variant, plain).getbbox()
    assert box is not None
    assert (box[2] - box[0]) * (box[3] - box[1]) < variant.width * variant.height / 4
