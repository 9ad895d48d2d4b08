"""Layout in every language and kind (issue 18.6), read back from the PDFs with pdftotext: a later
page never starts with only the end of the letter (payment box, closing, signature), the
continuation header keeps the letter id whole, the id is printed once in the footer, and the
letterhead's lines share one right edge."""

from __future__ import annotations

import re
import subprocess
from functools import cache
from pathlib import Path

import pytest

from letters.compose.render_html import render_html
from tests.conftest import ROOT
from tests.render_helpers import letter_for, letter_pdf

LANGS = ("ja", "zh", "en")
KINDS = ("reminder", "demand", "lawyer")
# Invoice references lengthen the facts before the amounts: 0 keeps most letters on one page, 40 and
# 80 push the payment box, the closing and the signature towards and over the page break.
LENGTHS = (0, 40, 80)
# What a page that holds only the end of a letter starts with: the payment box's first line, a
# closing, or the sender's signature block.
END_STARTS = (
    "お支払期限",
    "支払期限：",
    "以上",
    "敬具",
    "草々",
    "付款期限：",
    "特此函告",
    "此致",
    "Amount due",
    "Sincerely",
    "Yours faithfully",
    "Yours sincerely",
)


@cache
def _pdf(lang: str, kind: str, refs: int, folder: Path) -> tuple[Path, str, str]:
    letter = letter_for(lang, kind, invoice_refs=tuple(f"INV-2026-{n:04d}" for n in range(refs)))
    path = folder / f"{lang}_{kind}_{refs}.pdf"
    path.write_bytes(letter_pdf(letter, render_html(letter, ROOT / "templates").html).data)
    return path, letter.id, letter.sender.text(lang).name


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("layout")


def _pages(path: Path) -> list[list[str]]:
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    )
    pages = [[line.strip() for line in page.splitlines() if line.strip()] for page in text.stdout.split("\f")]
    return [page for page in pages if page]


@pytest.mark.parametrize("refs", LENGTHS)
@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("lang", LANGS)
def test_pages_header_and_footer(lang: str, kind: str, refs: int, folder: Path) -> None:
    path, letter_id, sender = _pdf(lang, kind, refs, folder)
    pages = _pages(path)
    for number, lines in enumerate(pages, start=1):
        footer = [line for line in lines if re.search(rf"{number}\s*/\s*{len(pages)}$", line)]
        assert len(footer) == 1, (number, lines[-3:])
        assert footer[0].count(letter_id) == 1  # the footer prints the id once
        text = "\n".join(lines)
        if number == 1:
            assert text.count(letter_id) == 1, f"page 1 prints {letter_id} more than once"
            continue
        # continuation header: sender and the whole id, first on the page (the name may wrap)
        head = " ".join(lines[:2])
        assert sender in head and letter_id in head, (number, lines[:2])
        assert text.count(letter_id) == 2  # header + footer
        body = [line for line in lines if letter_id not in line and sender != line]
        assert body, f"page {number} is empty"
        assert not body[0].startswith(END_STARTS), f"page {number} holds only the letter's end: {body[:4]}"


def test_some_letters_do_run_to_a_second_page(folder: Path) -> None:
    """The matrix above reaches the case it guards: letters whose end falls near the page break."""
    counts = {
        (lang, kind, refs): len(_pages(_pdf(lang, kind, refs, folder)[0]))
        for lang in LANGS
        for kind in KINDS
        for refs in LENGTHS
    }
    assert {lang for (lang, _, _), pages in counts.items() if pages > 1} == set(LANGS)
    assert any(pages == 1 for pages in counts.values())


@pytest.mark.parametrize("lang", LANGS)
def test_the_letterhead_lines_share_one_right_edge(lang: str, folder: Path) -> None:
    path, _, _ = _pdf(lang, "demand", 0, folder)
    html = subprocess.run(
        ["pdftotext", "-bbox-layout", "-f", "1", "-l", "1", str(path), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    width = float(re.search(r'<page width="([\d.]+)"', html).group(1))  # type: ignore[union-attr]
    mm = 72 / 25.4
    edges = [
        float(x_max)
        for x_min, y_min, x_max in re.findall(r'<line xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)"', html)
        # the letterhead: the right half of the page's top 45 mm (the window block is on the left)
        if float(x_min) > width / 2 and float(y_min) < 45 * mm
    ]
    assert len(edges) >= 5, edges  # name, address lines, phone, e-mail / registration
    assert max(edges) - min(edges) < 0.5 * mm, sorted(edges)
