"""Written letter PDFs → the batch's duplex print files: one job per sender and paper size, in batch order."""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from pathlib import Path

from letters.batch.results import WrittenLetter
from letters.files import atomic_write_with, inside

# Letters per print file: printers and their spoolers choke on PDFs of hundreds of megabytes, and a
# bounded part keeps memory flat however large the batch (a part is built in memory).
PRINT_PART = 250


# What the print files need of a written letter: its letterhead id, paper size and PDF.
PrintItem = tuple[str, str, Path]


def print_items(written: Sequence[WrittenLetter]) -> list[PrintItem]:
    """The letters as the print files need them: small enough to hand to a worker process."""
    return [(item.letter.sender.id, item.letter.sender.paper, item.path) for item in written]


def print_jobs(items: Sequence[PrintItem]) -> dict[tuple[str, str], list[Path]]:
    """The letters by (letterhead id, paper size), each group in batch order, groups in the order of
    their first letter. A print shop loads one paper and one letterhead stock per job: a job that
    mixes A4 and US Letter is refused by the printer or printed scaled onto the wrong paper."""
    jobs: dict[tuple[str, str], list[Path]] = {}
    for sender, paper, path in items:
        jobs.setdefault((sender, paper), []).append(path)
    return jobs


def print_files_job(task: tuple[Sequence[PrintItem], Path, str]) -> tuple[list[Path], int]:
    """write_combined as a worker's task: merging a part of 250 letters holds them all open in
    qpdf (~10–15 MB), which then counts in that worker, not in the batch process (issue #22)."""
    return write_combined(*task)


def write_combined(written: Sequence[PrintItem], outdir: Path, batch_id: str) -> tuple[list[Path], int]:
    """The batch's print PDFs, one per sender and paper size (print_<batch>_<sender>_<A4|Letter>.pdf),
    each in batch order; a blank page after any letter with an odd page count, so that on a duplex
    printer every letter starts on the front of a sheet. A job of more than PRINT_PART letters gets
    numbered parts (…_A4_part01.pdf …).

    Merged with pikepdf (qpdf): ~1.6 ms a letter where pypdf took ~13 ms, which at a thousand
    letters was ten seconds with one core idle.
    """
    paths: list[Path] = []
    pages = 0
    for (sender, paper), job in print_jobs(written).items():
        parts = [job[i : i + PRINT_PART] for i in range(0, len(job), PRINT_PART)]
        for number, part in enumerate(parts, start=1):
            stem = f"print_{batch_id}_{sender}_{paper}"
            name = f"{stem}.pdf" if len(parts) == 1 else f"{stem}_part{number:02d}.pdf"
            path = inside(outdir, name)
            pages += _write_part(part, path)
            paths.append(path)
    return paths, pages


def _write_part(part: Sequence[Path], path: Path) -> int:
    import pikepdf

    with pikepdf.Pdf.new() as merged, contextlib.ExitStack() as sources:
        for letter_path in part:
            letter = sources.enter_context(pikepdf.open(letter_path))
            merged.pages.extend(letter.pages)
            if len(letter.pages) % 2 == 1:
                box = letter.pages[-1].mediabox
                merged.add_blank_page(page_size=(float(box[2] - box[0]), float(box[3] - box[1])))
                # pikepdf gives the blank page an empty stream marked /FlateDecode, which is not
                # valid Flate data: Ghostscript and MuPDF report an error on every such page. A
                # page without /Contents is a valid blank page.
                del merged.pages[-1].obj.Contents
        # Straight into the file, not through a buffer of the whole part (twice ~20 MB). The
        # file's id comes from its content: the same letters give the same print file.
        atomic_write_with(
            path,
            lambda handle: merged.save(
                handle, deterministic_id=True, object_stream_mode=pikepdf.ObjectStreamMode.generate
            ),
        )
        return len(merged.pages)
