"""Bundle parts → one PDF with pypdf: pages in order, a bookmark each, index links, page and Bates stamps."""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from pypdf import PdfReader, PdfWriter
from pypdf.annotations import Link
from pypdf.constants import PageLabelStyle
from pypdf.errors import PdfReadError
from pypdf.generic import ArrayObject, NameObject, TextStringObject

from letters.errors import InputError, RenderError
from letters.evidence.bundle.pages import INDEX_LINK


@dataclass(frozen=True)
class Part:
    """Pages of one PDF going into the bundle, and the bookmark that points at the first of them."""

    pdf: bytes
    pages: tuple[int, ...]  # 0-based page indexes of ``pdf``, in the order they go in
    bookmark: str


@dataclass(frozen=True)
class PageBox:
    """The visible area of a bundle page, in points, where a stamp overlay of its size is placed."""

    left: float
    bottom: float
    width: float
    height: float


def assemble(parts: Sequence[Part]) -> tuple[PdfWriter, list[int]]:
    """The parts' pages one after another, with a bookmark per part; the 0-based first page of each."""
    writer = PdfWriter()
    firsts: list[int] = []
    for part in parts:
        first = len(writer.pages)
        # The parts' own bookmarks (WeasyPrint makes them from headings) would clutter the outline.
        writer.append(PdfReader(io.BytesIO(part.pdf)), pages=list(part.pages), import_outline=False)
        writer.add_outline_item(title=part.bookmark, page_number=first)
        firsts.append(first)
    return writer, firsts


def link_index(writer: PdfWriter, index_pages: range, targets: Mapping[int, int]) -> set[int]:
    """Turn the index's placeholder links (INDEX_LINK + number) into jumps to each document's first
    page (``targets``: index number → 0-based page); returns the numbers that got a link."""
    linked: set[int] = set()
    for page_index in index_pages:
        page = writer.pages[page_index]
        kept = ArrayObject()
        found: list[tuple[tuple[float, float, float, float], int]] = []
        for ref in page.get("/Annots", ArrayObject()):
            annotation = ref.get_object()
            action = annotation.get("/A")
            uri = str(action.get_object().get("/URI", "")) if action is not None else ""
            if not uri.startswith(INDEX_LINK):
                kept.append(ref)
                continue
            number = int(uri.removeprefix(INDEX_LINK))
            if number not in targets:
                raise RenderError(f"the index links to document {number}, which the bundle does not have")
            x1, y1, x2, y2 = (float(v) for v in annotation["/Rect"])
            found.append(((min(x1, x2), min(y1, y2), max(x1, x2), max(y1, y2)), number))
        page[NameObject("/Annots")] = kept
        for rect, number in found:
            writer.add_annotation(page_index, Link(rect=rect, target_page_index=targets[number]))
            linked.add(number)
    return linked


def page_boxes(writer: PdfWriter) -> list[PageBox]:
    """Each page's visible box, with any /Rotate first folded into the content so that "bottom right"
    is where a reader sees it (scans are often stored sideways and rotated for display)."""
    boxes = []
    for page in writer.pages:
        if page.rotation % 360:
            page.transfer_rotation_to_content()
        box = page.cropbox
        boxes.append(PageBox(float(box.left), float(box.bottom), float(box.width), float(box.height)))
    return boxes


def stamp_pages(writer: PdfWriter, overlay: bytes, boxes: Sequence[PageBox]) -> None:
    """Lay overlay page i (same size as bundle page i) over bundle page i."""
    stamps = PdfReader(io.BytesIO(overlay)).pages
    if len(stamps) != len(writer.pages):
        raise RenderError(f"{len(stamps)} stamp pages were rendered for {len(writer.pages)} bundle pages")
    for page, stamp, box in zip(writer.pages, stamps, boxes, strict=True):
        page.merge_translated_page(stamp, box.left, box.bottom, over=True)


def finish(writer: PdfWriter, *, title: str, author: str, subject: str, lang: str) -> bytes:
    """Metadata, page labels 1…N (so a viewer's page numbers are the printed ones), outline shown."""
    count = len(writer.pages)
    writer.set_page_label(0, count - 1, style=PageLabelStyle.DECIMAL, start=1)
    writer.page_mode = "/UseOutlines"
    writer.root_object[NameObject("/Lang")] = TextStringObject(lang)
    writer.add_metadata({"/Title": title, "/Author": author, "/Subject": subject, "/Creator": "letters"})
    writer.compress_identical_objects()
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def count_pages(pdf: bytes, name: str) -> int:
    """Pages of a PDF we are given; an InputError naming it when pypdf cannot read it."""
    try:
        reader = PdfReader(io.BytesIO(pdf))
        encrypted = reader.is_encrypted
        count = 0 if encrypted else len(reader.pages)
    except (PdfReadError, ValueError, KeyError, TypeError) as exc:
        raise InputError(f"{name}: not a readable PDF ({exc})") from None
    if encrypted:
        raise InputError(f"{name}: the PDF is encrypted; give an unencrypted copy")
    if count == 0:
        raise InputError(f"{name}: the PDF has no pages")
    return count
