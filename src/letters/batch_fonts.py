"""The characters a batch uses → small per-batch subsets of the CJK faces, served to WeasyPrint.

Noto CJK faces are large CFF collections: subsetting one per letter costs ~0.3 s and, because
WeasyPrint keeps glyph slots, still leaves ~130 KB per face in every PDF. Subsetting once per batch
to the characters the batch really uses makes each letter's own subset cheap and small.
"""

from __future__ import annotations

import string
import struct
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from letters.errors import SetupError
from letters.fonts import FONT_STACKS, find_face

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
    # past the glyph check shows as a box, not as nothing.
    request.flags = hb.SubsetFlags.NO_HINTING | hb.SubsetFlags.NOTDEF_OUTLINE
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
    return with_identity_cids(data)


def with_identity_cids(font: bytes) -> bytes:
    """The face with its CFF charset saying CID = glyph index, as in Noto's own files.

    HarfBuzz renumbers the glyphs of a subset but keeps each glyph's original CID in the charset;
    WeasyPrint writes glyph indices as the CIDs of the PDF's text. The PDF specification (9.7.4.2)
    has a viewer look a CID-keyed CFF glyph up by CID through the charset, so Ghostscript (and
    every RIP built on it) drew a box for every CJK character while poppler, which takes the CID as
    the glyph index, drew them right. An identity charset makes both readings the same glyph.
    The charset is rewritten in place (an identity charset is never longer), so no offset moves.
    """
    tables = _sfnt_tables(font)
    if "CFF " not in tables:
        return font
    start, length = tables["CFF "]
    cff = bytearray(font[start : start + length])
    if not _identity_charset(cff):
        return font
    out = bytearray(font)
    out[start : start + length] = cff
    _fix_checksums(out, tables)
    return bytes(out)


def _sfnt_tables(font: bytes) -> dict[str, tuple[int, int]]:
    """Table tag → (offset, length) from an OpenType file's table directory."""
    (count,) = struct.unpack_from(">H", font, 4)
    tables = {}
    for i in range(count):
        tag, _checksum, offset, length = struct.unpack_from(">4sIII", font, 12 + 16 * i)
        tables[tag.decode("latin-1")] = (offset, length)
    return tables


def _checksum(data: bytes) -> int:
    padded = data + b"\0" * (-len(data) % 4)
    return int(sum(struct.unpack(f">{len(padded) // 4}I", padded))) & 0xFFFFFFFF


def _fix_checksums(font: bytearray, tables: dict[str, tuple[int, int]]) -> None:
    """The table directory's checksums and head.checkSumAdjustment, after a table changed."""
    (count,) = struct.unpack_from(">H", font, 4)
    head = tables.get("head")
    if head is not None:
        struct.pack_into(">I", font, head[0] + 8, 0)
    for i in range(count):
        record = 12 + 16 * i
        _tag, _old, offset, length = struct.unpack_from(">4sIII", font, record)
        struct.pack_into(">I", font, record + 4, _checksum(bytes(font[offset : offset + length])))
    if head is not None:
        struct.pack_into(">I", font, head[0] + 8, (0xB1B0AFBA - _checksum(bytes(font))) & 0xFFFFFFFF)


def _index_end(cff: bytes | bytearray, offset: int) -> tuple[int, list[tuple[int, int]]]:
    """A CFF INDEX at ``offset``: where it ends and its items' (start, end) in ``cff``."""
    (count,) = struct.unpack_from(">H", cff, offset)
    if count == 0:
        return offset + 2, []
    size = cff[offset + 2]
    offsets = [
        int.from_bytes(cff[offset + 3 + i * size : offset + 3 + (i + 1) * size], "big")
        for i in range(count + 1)
    ]
    data = offset + 3 + (count + 1) * size - 1  # CFF offsets count from 1
    return data + offsets[-1], [(data + offsets[i], data + offsets[i + 1]) for i in range(count)]


def _dict_entries(cff: bytes | bytearray, start: int, end: int) -> dict[int, list[float]]:
    """A CFF DICT's operators (12 x as 1200 + x) and their operands."""
    entries: dict[int, list[float]] = {}
    operands: list[float] = []
    i = start
    while i < end:
        b0 = cff[i]
        if b0 <= 21:
            op = 1200 + cff[i + 1] if b0 == 12 else b0
            i += 2 if b0 == 12 else 1
            entries[op], operands = operands, []
        elif b0 == 28:
            operands.append(struct.unpack_from(">h", cff, i + 1)[0])
            i += 3
        elif b0 == 29:
            operands.append(struct.unpack_from(">i", cff, i + 1)[0])
            i += 5
        elif b0 == 30:  # a real number: nibbles up to an 0xf; never an offset, so its value is not needed
            i += 1
            while cff[i] & 0x0F != 0x0F and cff[i] >> 4 != 0x0F:
                i += 1
            i += 1
            operands.append(0.0)
        elif b0 <= 246:
            operands.append(b0 - 139)
            i += 1
        elif b0 <= 250:
            operands.append((b0 - 247) * 256 + cff[i + 1] + 108)
            i += 2
        else:
            operands.append(-(b0 - 251) * 256 - cff[i + 1] - 108)
            i += 2
    return entries


_ROS, _CHARSET, _CHARSTRINGS = 1230, 15, 17


def _identity_charset(cff: bytearray) -> bool:
    """Rewrite a CID-keyed CFF's charset so that glyph i has CID i; False when there is none to fix."""
    name_end, _ = _index_end(cff, cff[2])
    _, top_dicts = _index_end(cff, name_end)
    top = _dict_entries(cff, *top_dicts[0])
    if _ROS not in top or _CHARSET not in top:
        return False  # a name-keyed CFF: the PDF takes its CIDs as glyph indices already
    (count,) = struct.unpack_from(">H", cff, int(top[_CHARSTRINGS][0]))
    glyphs = count - 1  # the charset leaves out .notdef
    if glyphs < 1:
        return False
    offset = int(top[_CHARSET][0])
    fmt = cff[offset]
    if fmt == 0:
        struct.pack_into(f">{glyphs}H", cff, offset + 1, *range(1, glyphs + 1))
        return True
    covered, size = 0, 1
    while covered < glyphs:  # formats 1 and 2: ranges of (first CID, how many more)
        covered += 1 + (
            cff[offset + size + 2] if fmt == 1 else struct.unpack_from(">H", cff, offset + size + 2)[0]
        )
        size += 3 if fmt == 1 else 4
    if (4 if glyphs <= 256 else 5) > size:  # cannot happen: one range is the shortest charset
        raise SetupError(f"cannot rewrite a CFF charset of {size} bytes for {glyphs} glyphs")
    if glyphs <= 256:
        struct.pack_into(">BHB", cff, offset, 1, 1, glyphs - 1)  # format 1, one range: 4 bytes
    else:
        struct.pack_into(">BHH", cff, offset, 2, 1, glyphs - 1)  # format 2, one range: 5 bytes
    return True


def prepare_batch_fonts(charsets: Mapping[str, set[str]], folder: Path) -> BatchFonts:
    """Subset the regular and bold face of each CJK language the batch uses."""
    folder = folder.resolve()  # the stylesheet points at it with a file:// URL, which must be absolute
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    css: dict[str, str] = {}
    for lang in BATCH_LANGUAGES:
        chars = charsets.get(lang)
        if not chars:
            continue
        text = "".join(sorted(set(chars) | set(_ALWAYS)))
        family = FONT_STACKS[lang][0]
        rules = []
        for weight_name, bold, weight in WEIGHTS:
            face = find_face(family, bold=bold)
            target = folder / f"{lang}-{weight_name}.otf"
            # A scratch file in the batch's private (0700) folder, deleted with it: no fsync needed.
            target.write_bytes(subset_face(face.path, face.index, text))
            rules.append(
                f'@font-face {{ font-family: "{family_name(lang)}"; src: url("{target.as_uri()}"); '
                f"font-weight: {weight}; }}"
            )
        # The system face stays second in the stack only as a safety net; the glyph check has
        # already made sure every character is in the subset.
        rules.append(f'html {{ font-family: "{family_name(lang)}", "{family}", serif; }}')
        css[lang] = "\n".join(rules)
    return BatchFonts(folder, css)
