"""Fonts per language: find the installed faces, know their characters, refuse text they cannot show."""

from __future__ import annotations

import hashlib
import itertools
import os
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from html.parser import HTMLParser
from pathlib import Path

from letters.errors import RenderError, SetupError
from letters.pdf import fontconfig

# The same code point has different shapes in Japanese and Chinese (直, 骨, 写), so each language
# gets its own Noto CJK face.  English uses Liberation Serif (metric-compatible with Times New
# Roman, as Word users expect) and falls back to the JP face for a CJK name in an English letter.
FONT_STACKS: dict[str, tuple[str, ...]] = {
    "ja": ("Noto Serif CJK JP",),
    "zh": ("Noto Serif CJK SC",),
    "en": ("Liberation Serif", "Noto Serif CJK JP"),
}
_PACKAGES = {
    "Noto Serif CJK JP": "fonts-noto-cjk",
    "Noto Serif CJK SC": "fonts-noto-cjk",
    "Liberation Serif": "fonts-liberation2",
}


@dataclass(frozen=True)
class Face:
    family: str
    path: str
    index: int  # face index inside a .ttc collection


def find_face(family: str, *, bold: bool = False) -> Face:
    """The installed file of a font family; a SetupError naming the package when it is missing."""
    return _find_face(family, bold)


@cache  # keyed on positional arguments, so find_face(f) and find_face(f, bold=False) share it
def _find_face(family: str, bold: bool) -> Face:
    pattern = f"{family}:style={'Bold' if bold else 'Regular'}"
    try:
        found = fontconfig.match(pattern)
    except fontconfig.FontconfigError as exc:
        raise SetupError(f"cannot ask fontconfig for fonts ({exc}); install fontconfig") from None
    if found is None or family not in found.families:
        package = _PACKAGES.get(family, "the package that provides it")
        offered = ",".join(found.families) if found else "nothing"
        raise SetupError(
            f"font {family!r} is not installed (fontconfig offers {offered} instead); "
            f"install it: apt-get install {package}"
        )
    return Face(family, found.file, found.index)


@cache
def coverage(family: str) -> frozenset[int]:
    """Every code point the family's regular face has a glyph for.

    Reading a CJK collection's cmap takes ~0.2 s, a third of a one-off letter's budget, so the set
    is cached on disk, keyed by the font file's path, size and modification time.
    """
    face = find_face(family)
    stat = Path(face.path).stat()
    key = f"{face.path}:{face.index}:{stat.st_size}:{stat.st_mtime_ns}"
    cache_file = _cache_dir() / f"cmap-{hashlib.sha256(key.encode()).hexdigest()[:20]}.txt"
    try:
        return frozenset(int(cp, 16) for cp in cache_file.read_text(encoding="ascii").split())
    except (OSError, ValueError):
        pass
    from fontTools.ttLib import TTFont

    font = TTFont(face.path, fontNumber=face.index, lazy=True)
    try:
        cmap = frozenset(font.getBestCmap())
    finally:
        font.close()
    try:
        cache_file.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        temp = cache_file.with_suffix(f".{os.getpid()}.tmp")
        temp.write_text(" ".join(f"{cp:x}" for cp in sorted(cmap)), encoding="ascii")
        temp.replace(cache_file)
    except OSError:
        pass  # a cache we cannot write only costs time
    return cmap


@cache
def variation_sequences(family: str) -> frozenset[tuple[int, int]]:
    """The (base, selector) pairs the family's regular face draws as their own glyph (cmap format 14).

    Read only when a letter holds a variation selector: legal names need them (葛󠄀 = U+845B U+E0100),
    and HarfBuzz shapes the pair to the variant glyph when the face has it.
    """
    face = find_face(family)
    from fontTools.ttLib import TTFont

    font = TTFont(face.path, fontNumber=face.index, lazy=True)
    try:
        pairs = {
            (base, selector)
            for table in font["cmap"].tables
            if table.format == 14
            for selector, entries in table.uvsDict.items()
            for base, _glyph in entries
        }
    finally:
        font.close()
    return frozenset(pairs)


def _selector(char: str) -> bool:
    code = ord(char)
    return 0xFE00 <= code <= 0xFE0F or 0xE0100 <= code <= 0xE01EF


def _cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "letters"


def _ignorable(char: str) -> bool:
    # Line breaks, spaces and format characters are laid out, not drawn.
    return char.isspace() or unicodedata.category(char) in ("Cc", "Cf")


def missing_characters(text: str, lang: str) -> list[str]:
    """Characters of ``text`` that no font of the language's stack can draw, in order of appearance;
    a variation sequence (a base and its selector) the fonts have no variant glyph for counts as one."""
    stack = FONT_STACKS[lang]
    covered = [coverage(family) for family in stack]
    missing: list[str] = []
    for char in dict.fromkeys(text):
        if _ignorable(char) or _selector(char):
            continue
        if not any(ord(char) in cmap for cmap in covered):
            missing.append(char)
    pairs = {(base, sel) for base, sel in itertools.pairwise(text) if _selector(sel)}
    for base, sel in sorted(pairs, key=lambda pair: text.index(pair[0] + pair[1])):
        # Without the variant the face would draw the plain character and drop the selector: a
        # legal name printed with the wrong glyph is refused, as a missing character is.
        if not any((ord(base), ord(sel)) in variation_sequences(family) for family in stack):
            missing.append(base + sel)
    return missing


class _TextCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("style", "script", "title"):
            self._skip += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("style", "script", "title") and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def visible_text(html: str) -> str:
    collector = _TextCollector()
    collector.feed(html)
    collector.close()
    return "".join(collector.parts)


def check_glyphs(html: str, lang: str, name: str, fields: dict[str, str]) -> None:
    """Fail the letter when any character would print as a blank box (tofu); name its field."""
    missing = missing_characters(visible_text(html), lang)
    if not missing:
        return
    stack = " / ".join(FONT_STACKS[lang])
    details = []
    for char in missing:
        where = next((name for name, value in fields.items() if char in value), "the template text")
        codes = " ".join(f"U+{ord(c):04X}" for c in char)
        details.append(f"{char!r} ({codes}) in {where}")
    raise RenderError(f"{name}: no glyph in {stack} for " + ", ".join(details))


def check_environment(languages: Iterable[str] = tuple(FONT_STACKS)) -> None:
    """Start-up check: the languages' fonts are installed and HarfBuzz's subsetter is present
    (without it WeasyPrint silently falls back to a subsetter that takes ~20 s per CJK letter).

    The subsetter is looked for as WeasyPrint looks for it on Linux (its soname, then the linker
    cache), without importing WeasyPrint here: a batch's workers load it while this process plans.
    """
    from letters.pdf.weasy import open_library

    if open_library("libharfbuzz-subset.so.0", "harfbuzz-subset") is None:
        raise SetupError(
            "libharfbuzz-subset0 is not installed: WeasyPrint would fall back to a subsetter that takes "
            "~20 s per CJK letter; install it: apt-get install libharfbuzz-subset0"
        )
    for lang in languages:
        for family in FONT_STACKS[lang]:
            find_face(family)
