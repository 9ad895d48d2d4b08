"""Drop the empty glyph slots WeasyPrint leaves in a letter's CJK batch fonts.

WeasyPrint subsets a font for each PDF keeping the glyph numbers, so a letter set in a batch font
of N glyphs carries an empty slot (~3 bytes compressed) for every glyph below the highest one it
shows: a batch whose names use 3,000 more kanji made the same letter ~18 KB larger. Here each
such font is cut to the glyphs the letter shows, numbered from 1 (HarfBuzz, CID = glyph index),
and the glyph codes in the page content, the widths (W) and the ToUnicode map are renumbered to
match.

Only what WeasyPrint writes for our batch fonts is touched, and only when the page content is
in the plain form WeasyPrint gives it; anything else leaves the PDF exactly as it was.
"""

from __future__ import annotations

import io
import re
import struct
import zlib
from typing import Any

# Compacting costs ~10 ms a letter (~10 % of its time) and saves ~3 bytes a slot: done only for a
# font with at least this many empty slots. The sample batches (~870 glyphs a face) stay below it.
MIN_EMPTY_SLOTS = 1000

# A font selection ("/F1 12 Tf") or a hex string ("<0a1b>"), in WeasyPrint's page content.
_TOKEN = re.compile(rb"/([^\s/\[\]<>()%]+)\s+[-+.\d]+\s+Tf\b|<([0-9A-Fa-f]*)>")
# Content we do not rewrite: literal strings, dictionaries, inline images, marked content, other
# text operators. WeasyPrint writes none of them in a letter's pages.
_UNSAFE = re.compile(rb"[(]|<<|\bBI\b|\bTj\b|\bBDC\b|\bBMC\b|'|\"")
_BFCHAR = re.compile(rb"^<([0-9A-Fa-f]{4})> <", re.MULTILINE)


def compact_fonts(data: bytes) -> bytes:
    """The PDF with its CID-keyed CFF fonts cut to the glyphs it shows; unchanged if not safe."""
    import pikepdf

    pdf = pikepdf.open(io.BytesIO(data))
    pages = list(pdf.pages)
    contents: list[bytes] = []
    for page in pages:
        stream = page.obj.get("/Contents")
        if not isinstance(stream, pikepdf.Stream):
            return data
        raw = stream.read_bytes()
        if _UNSAFE.search(raw) or _forms_use_fonts(page):
            return data
        contents.append(raw)
    shown = _shown_codes(pages, contents)
    if shown is None:
        return data
    used, runs = shown
    mappings: dict[tuple[int, int], dict[int, int]] = {}
    for key, (font, codes) in used.items():
        mapping = _compact_font(font, codes)
        if mapping is not None:
            mappings[key] = mapping
    if not mappings:
        return data
    for page, raw, page_runs in zip(pages, contents, runs, strict=True):
        page.obj.Contents.write(
            zlib.compress(_renumber(raw, page_runs, mappings)), filter=pikepdf.Name.FlateDecode
        )
    out = io.BytesIO()
    pdf.save(out, deterministic_id=True)  # the same letter gives the same bytes
    return out.getvalue()


def _forms_use_fonts(page: Any) -> bool:
    """Whether a form XObject on the page shows text (its text is not rewritten here). WeasyPrint's
    forms share the page's resources, fonts included, but draw only images and shapes."""
    xobjects = page.obj.get("/Resources", {}).get("/XObject", {})
    return any(
        str(xobject.get("/Subtype")) == "/Form" and re.search(rb"\bBT\b", xobject.read_bytes())
        for xobject in xobjects.values()
    )


def _candidate(font: Any) -> bool:
    """A font as WeasyPrint writes an OpenType CFF face: Type0, Identity-H, CIDFontType0, no CIDSet."""
    if str(font.get("/Subtype")) != "/Type0" or str(font.get("/Encoding")) != "/Identity-H":
        return False
    descendant = font.DescendantFonts[0]
    descriptor = descendant.get("/FontDescriptor", {})
    font_file = descriptor.get("/FontFile3")
    return (
        str(descendant.get("/Subtype")) == "/CIDFontType0"
        and font_file is not None
        and str(font_file.get("/Subtype")) == "/OpenType"
        and "/CIDSet" not in descriptor
        and "/ToUnicode" in font
    )


# A hex string of the page content shown in a candidate font: (start, end, font id, codes).
_Run = tuple[int, int, tuple[int, int], tuple[int, ...]]


def _shown_codes(
    pages: list[Any], contents: list[bytes]
) -> tuple[dict[tuple[int, int], tuple[Any, set[int]]], list[list[_Run]]] | None:
    """Each candidate font (by object id) with the glyph codes the pages show in it, and where."""
    used: dict[tuple[int, int], tuple[Any, set[int]]] = {}
    runs: list[list[_Run]] = []
    for page, raw in zip(pages, contents, strict=True):
        fonts = page.obj.get("/Resources", {}).get("/Font", {})
        current: Any = None
        page_runs: list[_Run] = []
        hex_strings = 0
        for match in _TOKEN.finditer(raw):
            if match.group(1) is not None:
                font = fonts.get("/" + match.group(1).decode("latin-1"))
                if font is None:
                    return None  # a font from elsewhere (inherited resources): not ours to renumber
                current = font if _candidate(font) else None
                continue
            hex_strings += 1
            if current is not None:
                digits = match.group(2)
                if len(digits) % 4:
                    return None
                codes = struct.unpack(f">{len(digits) // 4}H", bytes.fromhex(digits.decode("ascii")))
                used.setdefault(current.objgen, (current, set()))[1].update(codes)
                page_runs.append((match.start(), match.end(), current.objgen, codes))
        if raw.count(b"<") != hex_strings:
            return None  # a hex string the pattern did not read (e.g. with spaces): leave it all
        runs.append(page_runs)
    if _shared_font_files(
        pages, {font.DescendantFonts[0].FontDescriptor.FontFile3.objgen for font, _ in used.values()}
    ):
        return None  # one font file behind two fonts: cutting it for one would break the other
    return used, runs


def _shared_font_files(pages: list[Any], files: set[tuple[int, int]]) -> bool:
    """Whether any of ``files`` is the font program of more than one font on the pages."""
    owners: dict[tuple[int, int], set[tuple[int, int]]] = {}
    for page in pages:
        for font in page.obj.get("/Resources", {}).get("/Font", {}).values():
            for descendant in font.get("/DescendantFonts", []):
                font_file = descendant.get("/FontDescriptor", {}).get("/FontFile3")
                if font_file is not None and font_file.objgen in files:
                    owners.setdefault(font_file.objgen, set()).add(font.objgen)
    return any(len(fonts) > 1 for fonts in owners.values())


def _compact_font(font: Any, codes: set[int]) -> dict[int, int] | None:
    """Cut one font to ``codes``: new font file, widths and ToUnicode; the old → new glyph codes."""
    import pikepdf
    import uharfbuzz as hb

    descendant = font.DescendantFonts[0]
    font_file = descendant.FontDescriptor.FontFile3
    to_unicode = font.ToUnicode.read_bytes()
    widths = _widths(descendant.W)
    if b"beginbfrange" in to_unicode or not codes <= widths.keys():
        return None
    # Every glyph the PDF names anywhere is kept: shown, given a width or a Unicode value.
    keep = codes | widths.keys() | {int(code, 16) for code in _BFCHAR.findall(to_unicode)}
    face = hb.Face(hb.Blob(font_file.read_bytes()))
    if face.glyph_count - len(keep) - 1 < MIN_EMPTY_SLOTS or max(keep) >= face.glyph_count:
        return None
    request = hb.SubsetInput()
    for code in {0, *keep}:
        request.glyph_set.add(code)
    request.flags = (
        hb.SubsetFlags.CFF_IDENTITY_CHARSET
        | hb.SubsetFlags.NOTDEF_OUTLINE
        | hb.SubsetFlags.PASSTHROUGH_UNRECOGNIZED  # keep every table WeasyPrint kept
    )
    plan = hb.SubsetPlan(face, request)
    mapping = {old: new for old, new in dict(plan.old_to_new_glyph_mapping).items() if old in keep}
    if len(mapping) != len(keep):
        return None
    subset = plan.execute()
    if subset is None:
        return None
    font_file.write(zlib.compress(subset.blob.data), filter=pikepdf.Name.FlateDecode)
    renumbered = _BFCHAR.sub(lambda m: b"<%04x> <" % mapping[int(m.group(1), 16)], to_unicode)
    font.ToUnicode.write(zlib.compress(renumbered), filter=pikepdf.Name.FlateDecode)
    descendant.W = _width_array({mapping[code]: width for code, width in widths.items()})
    return mapping


def _widths(array: Any) -> dict[int, Any]:
    """A CIDFont's W array (``c [w1 w2 …]`` and ``c_first c_last w``) as code → width."""
    import pikepdf

    items = list(array)
    widths: dict[int, Any] = {}
    i = 0
    while i < len(items):
        first = int(items[i])
        if isinstance(items[i + 1], pikepdf.Array):
            for offset, width in enumerate(items[i + 1]):
                widths[first + offset] = width
            i += 2
        else:
            for code in range(first, int(items[i + 1]) + 1):
                widths[code] = items[i + 2]
            i += 3
    return widths


def _width_array(widths: dict[int, Any]) -> Any:
    """Code → width as a W array, consecutive codes sharing one ``c [w1 w2 …]`` entry."""
    import pikepdf

    array: list[Any] = []
    run: list[Any] = []
    previous = None
    for code in sorted(widths):
        if previous is None or code != previous + 1:
            run = []
            array.extend([code, run])
        run.append(widths[code])
        previous = code
    return pikepdf.Array([item if not isinstance(item, list) else pikepdf.Array(item) for item in array])


def _renumber(raw: bytes, runs: list[_Run], mappings: dict[tuple[int, int], dict[int, int]]) -> bytes:
    """The page content with the hex strings of compacted fonts renumbered."""
    out: list[bytes] = []
    done = 0
    for start, end, key, codes in runs:
        mapping = mappings.get(key)
        if mapping is None:
            continue
        out.append(raw[done:start])
        out.append(
            b"<" + struct.pack(f">{len(codes)}H", *[mapping[code] for code in codes]).hex().encode() + b">"
        )
        done = end
    out.append(raw[done:])
    return b"".join(out)
