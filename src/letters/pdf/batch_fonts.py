"""The characters a batch uses → small per-batch subsets of the CJK faces, served to WeasyPrint.

Noto CJK faces are large CFF collections: subsetting one per letter costs ~0.3 s and, because
WeasyPrint keeps glyph slots, still leaves ~130 KB per face in every PDF. Subsetting once per batch
to the characters the batch really uses makes each letter's own subset cheap and small.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from letters.errors import SetupError
from letters.pdf.fonts import FONT_STACKS, find_face

# Characters that may appear without being in any letter's text (generated content such as page
# numbers "1 / 2"): always kept.
_ALWAYS = string.digits + string.ascii_letters + string.punctuation + " \u3000"
WEIGHTS = (("regular", False, 400), ("bold", True, 700))
BATCH_LANGUAGES = ("ja", "zh")  # English uses Liberation Serif, a small TrueType face already


@dataclass(frozen=True)
class BatchFonts:
    """Subset font files for a batch and the stylesheet text that points WeasyPrint at them."""

    folder: Path
    css: Mapping[str, str]  # language → CSS (only for languages that got subsets)
    most_glyphs: int = 0  # glyphs of the largest subset: bounds the empty slots a letter can carry


def family_name(lang: str) -> str:
    # pdffonts shows this name, so it still says which face (JP or SC glyph shapes) was used.
    return f"{FONT_STACKS[lang][0]} Subset"


# HarfBuzz's default horizontal features: the ones Pango applies to our text. Vertical forms (vert,
# vrt2) and the JIS78/83 alternates would only add glyph slots every letter's font then carries.
_FEATURES = ("ccmp", "locl", "rvrn", "liga", "clig", "calt", "rlig", "kern", "mark", "mkmk")
# Vertical metrics are never used by horizontal letters; WeasyPrint passes every table it does not
# know through to each PDF, so dropping them here saves ~0.7 KB per face per letter.
_DROP_TABLES = ("vhea", "vmtx", "VORG", "BASE", "DSIG")


def _tag(name: str) -> int:
    return int.from_bytes(name.encode("ascii"), "big")


def subset_face(path: str, index: int, text: str) -> bytes:
    """A face cut down to ``text`` by HarfBuzz's subsetter (~20 ms for a Noto CJK face).

    fontTools took 3–8 s and ~300 MB a face for the same job; HarfBuzz maps the file and keeps
    the CFF subroutines, so the result stays small and WeasyPrint's own per-letter subset is cheap.
    """
    import uharfbuzz as hb

    face = hb.Face(hb.Blob.from_file_path(path), index)
    request = hb.SubsetInput()
    for char in text:
        request.unicode_set.add(ord(char))
    # No hints (WeasyPrint drops them in the PDF anyway); a drawn .notdef, so a glyph that slips
    # past the glyph check shows as a box, not as nothing; CID = glyph index (_identity_charset_flag).
    request.flags = hb.SubsetFlags.NO_HINTING | hb.SubsetFlags.NOTDEF_OUTLINE | _identity_charset_flag()
    features = request.sets(hb.SubsetInputSets.LAYOUT_FEATURE_TAG)
    features.clear()
    for feature in _FEATURES:
        features.add(_tag(feature))
    drop = request.sets(hb.SubsetInputSets.DROP_TABLE_TAG)
    for table in _DROP_TABLES:
        drop.add(_tag(table))
    result = hb.subset(face, request)
    if result is None:
        raise SetupError(f"HarfBuzz could not subset the font {path} (face {index})")
    data: bytes = result.blob.data
    return data


def _identity_charset_flag() -> Any:
    """HarfBuzz's flag for a CFF charset of CID = glyph index (HarfBuzz >= 14.3, uharfbuzz >= 0.57).

    A subset otherwise keeps each glyph's original CID, while WeasyPrint writes glyph indices as
    the CIDs of the PDF's text. The PDF specification (9.7.4.2) has a viewer look a CID-keyed CFF
    glyph up by CID through the charset, so Ghostscript (and the CUPS printing built on it) drew
    a box for every CJK character; poppler takes the CID as the glyph index and drew them right.
    """
    import uharfbuzz as hb

    flag = getattr(hb.SubsetFlags, "CFF_IDENTITY_CHARSET", None)
    if flag is None:
        raise SetupError(
            f"uharfbuzz {hb.__version__} bundles HarfBuzz {hb.version_string()}, which cannot give a font "
            "subset CIDs equal to its glyph indices (HarfBuzz 14.3 can); pip install 'uharfbuzz>=0.57'"
        )
    return flag


def prepare_batch_fonts(charsets: Mapping[str, set[str]], folder: Path) -> BatchFonts:
    """Subset the regular and bold face of each CJK language the batch uses."""
    return write_batch_fonts(subset_batch_fonts(charsets), folder)


def subset_batch_fonts(charsets: Mapping[str, set[str]]) -> dict[str, bytes]:
    """The regular and bold subsets (``ja-regular.otf`` …) of each CJK language the batch uses.

    Apart from writing them so that a batch process can have this done by one of its workers:
    HarfBuzz maps the CJK collections (20–27 MB each) and the pages it touches count in the
    resident memory of the process that cuts them, ~10–18 MB, every part of a large batch.
    """
    files: dict[str, bytes] = {}
    for lang in BATCH_LANGUAGES:
        chars = charsets.get(lang)
        if not chars:
            continue
        text = "".join(sorted(set(chars) | set(_ALWAYS)))
        for weight_name, bold, _ in WEIGHTS:
            face = find_face(FONT_STACKS[lang][0], bold=bold)
            files[f"{lang}-{weight_name}.otf"] = subset_face(face.path, face.index, text)
    return files


def write_batch_fonts(files: Mapping[str, bytes], folder: Path) -> BatchFonts:
    """The subsets written into the batch's private folder, and the stylesheet naming them."""
    folder = folder.resolve()  # the stylesheet points at it with a file:// URL, which must be absolute
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    css: dict[str, str] = {}
    most_glyphs = 0
    for lang in BATCH_LANGUAGES:
        family = FONT_STACKS[lang][0]
        rules = []
        for weight_name, _, weight in WEIGHTS:
            data = files.get(f"{lang}-{weight_name}.otf")
            if data is None:
                continue
            target = folder / f"{lang}-{weight_name}.otf"
            # A scratch file in the batch's private (0700) folder, deleted with it: no fsync needed.
            target.write_bytes(data)
            most_glyphs = max(most_glyphs, _glyph_count(data))
            rules.append(
                f'@font-face {{ font-family: "{family_name(lang)}"; src: url("{target.as_uri()}"); '
                f"font-weight: {weight}; }}"
            )
        if not rules:
            continue
        # The system face stays second in the stack only as a safety net; the glyph check has
        # already made sure every character is in the subset.
        rules.append(f'html {{ font-family: "{family_name(lang)}", "{family}", serif; }}')
        css[lang] = "\n".join(rules)
    return BatchFonts(folder, css, most_glyphs)


def _glyph_count(font: bytes) -> int:
    import uharfbuzz as hb

    count: int = hb.Face(hb.Blob(font)).glyph_count
    return count
