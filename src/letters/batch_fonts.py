"""The characters a batch uses → small per-batch subsets of the CJK faces, served to WeasyPrint.

Noto CJK faces are large CFF collections: subsetting one per letter costs ~0.3 s and, because
WeasyPrint keeps glyph slots, still leaves ~130 KB per face in every PDF. Subsetting once per batch
to the characters the batch really uses makes each letter's own subset cheap and small.
"""

from __future__ import annotations

import multiprocessing
import string
from collections.abc import Mapping
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

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


def _subset_one(job: tuple[str, int, str, str]) -> str:
    from fontTools import subset
    from fontTools.ttLib import TTFont

    path, index, text, target = job
    font = TTFont(path, fontNumber=index, lazy=True)
    options = subset.Options()
    # fontTools' default layout features are the ones HarfBuzz applies to horizontal text; "*"
    # would also drag in every alternate form (jp78, vert …) and double the time.
    options.notdef_outline = True
    options.hinting = False
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=text)
    subsetter.subset(font)
    font.save(target)
    font.close()
    return target


def prepare_batch_fonts(charsets: Mapping[str, set[str]], folder: Path, *, workers: int = 1) -> BatchFonts:
    """Subset the regular and bold face of each CJK language the batch uses, in parallel."""
    folder = folder.resolve()  # the stylesheet points at it with a file:// URL, which must be absolute
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    jobs: list[tuple[str, int, str, str]] = []
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
            jobs.append((face.path, face.index, text, str(target)))
            rules.append(
                f'@font-face {{ font-family: "{family_name(lang)}"; src: url("{target.as_uri()}"); '
                f"font-weight: {weight}; }}"
            )
        # The system face stays second in the stack only as a safety net; the glyph check has
        # already made sure every character is in the subset.
        rules.append(f'html {{ font-family: "{family_name(lang)}", "{family}", serif; }}')
        css[lang] = "\n".join(rules)
    # One helper process, one face at a time: loading a Noto CJK collection takes ~300 MB, so two at
    # once would push the batch's peak memory past its budget; the process returns it all when done.
    del workers
    if jobs:
        with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("fork")) as pool:
            list(pool.map(_subset_one, jobs))
    return BatchFonts(folder, css)
