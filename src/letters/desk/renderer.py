"""A letter → page 1 as PNG bytes, by one warm PdfWriter per process (WeasyPrint and fonts loaded once).

One render at a time: a lock serialises renders and a bounded number may wait; more are refused
(busy), so a held-down key cannot pile up work on the machine.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Callable
from typing import Any, TypeVar

from letters.batch.compose_step import letter_fields
from letters.batch.options import Options
from letters.compose.render_html import Letter, envelope_for, render_html
from letters.errors import LettersError
from letters.pdf.writer import PdfWriter

T = TypeVar("T")


class RendererBusyError(LettersError):
    """Too many previews are waiting for the renderer."""


class SupersededError(LettersError):
    """A newer preview of the same form arrived while this one waited: drawing it is wasted work."""


class PreviewRenderer:
    """Keeps one PdfWriter (FontConfiguration, parsed stylesheets, image cache) for every preview."""

    def __init__(self, options: Options, *, queue: int = 4, dpi: int = 72) -> None:
        self._options = options
        self._writer: PdfWriter | None = None
        self._lock = threading.Lock()
        self._slots = threading.BoundedSemaphore(queue + 1)  # the one rendering and those waiting
        self.dpi = dpi

    def warm(self) -> None:
        """Load WeasyPrint and parse the stylesheets now, not on the collector's first keystroke."""
        with self._lock:
            self._writer_now()

    def _writer_now(self) -> PdfWriter:
        if self._writer is None:
            self._writer = PdfWriter(self._options.templates, self._options.letterheads)
        return self._writer

    def exclusive(self, fn: Callable[..., T], *args: Any) -> T:
        """Run fn while no preview renders (a send renders too): one render at a time."""
        if not self._slots.acquire(blocking=False):
            raise RendererBusyError("the renderer is busy; try again in a moment")
        try:
            with self._lock:
                return fn(*args)
        finally:
            self._slots.release()

    def render_pdf(
        self, letter: Letter, *, wanted: Callable[[], bool] | None = None, draft: bool = False
    ) -> bytes:
        """The letter's PDF bytes, exactly as its template and stylesheets print it (no QR code).

        ``wanted`` is asked once the renderer is free: a collector typing on sends a preview per
        pause, and only the newest is worth drawing (the issue's 0.5 s is from the last keystroke).
        ``draft`` leaves the PDF's streams uncompressed: the same layout, for PDFium only.
        """
        if not self._slots.acquire(blocking=False):
            raise RendererBusyError("the preview renderer is busy; try again in a moment")
        try:
            with self._lock:
                if wanted is not None and not wanted():
                    raise SupersededError(f"preview of {letter.id} superseded by a newer one")
                return self._render(letter, draft=draft)
        finally:
            self._slots.release()

    def _render(self, letter: Letter, *, draft: bool = False) -> bytes:
        writer = self._writer_now()
        fields = letter_fields(letter.account)
        if letter.naiyo is not None:
            from letters.compose.naiyo import NAIYO_STYLESHEETS, render_naiyo_html

            html = render_naiyo_html(letter, self._options.templates, letter.naiyo)
            return writer.write_document(
                html, NAIYO_STYLESHEETS, lang="ja", name=f"letter {letter.id}", fields=fields, draft=draft
            ).data
        rendered = render_html(letter, self._options.templates)
        return writer.write(
            rendered.html,
            lang=letter.planned.lang,
            envelope=envelope_for(letter.sender.paper, letter.planned.lang),
            letter_id=letter.id,
            fields=fields,
            draft=draft,
        ).data

    def render_png(self, letter: Letter, *, wanted: Callable[[], bool] | None = None) -> bytes:
        """Page 1 of the letter as PNG bytes, drawn in this process by PDFium from a draft PDF."""
        return page_png(self.render_pdf(letter, wanted=wanted, draft=True), dpi=self.dpi)


def page_png(pdf: bytes, *, dpi: int = 72, page: int = 0) -> bytes:
    """One page of a PDF → PNG bytes (pypdfium2, no subprocess)."""
    import pypdfium2

    document = pypdfium2.PdfDocument(pdf)
    try:
        bitmap = document[page].render(scale=dpi / 72)
        image = bitmap.to_pil()
        out = io.BytesIO()
        # Level 1: a third of the default's encoding time for a few more KB sent to localhost.
        image.save(out, format="PNG", compress_level=1)
        return out.getvalue()
    finally:
        document.close()
