"""Turn a letter's HTML into PDF bytes with WeasyPrint: shared fonts, locked fetcher, warnings fatal."""

from __future__ import annotations

import hashlib
import logging
import mimetypes
import os
import re
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote_to_bytes, urlparse

from letters.errors import RenderError, SetupError
from letters.pdf.compact_fonts import MIN_EMPTY_SLOTS, compact_fonts
from letters.pdf.fonts import check_glyphs
from letters.pdf.seam_seal import PageGeometry, page_geometry, seam_seal_url, seam_strips
from letters.pdf.weasy import load
from letters.pdf.windows import check_window

if TYPE_CHECKING:
    from letters.pdf.batch_fonts import BatchFonts

# Data URLs we create ourselves (QR codes); anything else must be a file inside an allowed root.
_DATA_PREFIXES = ("data:image/png;base64,", "data:image/svg+xml")


@dataclass(frozen=True)
class PdfResult:
    data: bytes
    pages: int


def _weasyprint() -> Any:
    try:
        return load()
    except (ImportError, OSError) as exc:
        raise SetupError(
            f"WeasyPrint cannot be loaded ({exc}); install its libraries: "
            "apt-get install libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0"
        ) from None


# Images read from our own asset files (seals, signatures), by WeasyPrint's image id (the MD5 of
# the URL): their PDF image streams are the same in every letter, so they are encoded once.
_ASSET_IMAGE_IDS: set[str] = set()
_X_OBJECTS: dict[tuple[str, bool, float], Any] = {}


def _copy_x_object(stream: Any) -> Any:
    """A fresh PDF stream object around the same bytes: WeasyPrint numbers each object it writes
    and replaces its soft mask by a reference, so one object must never serve two documents."""
    import pydyf

    extra = pydyf.Dictionary(stream.extra)
    if isinstance(extra.get("SMask"), pydyf.Stream):
        extra["SMask"] = _copy_x_object(extra["SMask"])
    return pydyf.Stream(list(stream.stream), extra, stream.compress)


def _cache_asset_images() -> None:
    """Make WeasyPrint encode each asset image once per process, not once per letter.

    WeasyPrint re-encodes every PNG for every document (a seal with transparency: decode, split
    the alpha channel, two PNG encodes, ~7 ms a letter). Only images from asset files are cached
    (QR codes differ per letter); the source files are read-only inputs, hashed into the manifest.
    """
    load()
    from weasyprint.images import RasterImage

    original = RasterImage.get_x_object
    if getattr(original, "letters_cached", False):
        return

    def get_x_object(self: Any, interpolate: bool, dpi_ratio: float) -> Any:
        if self.id not in _ASSET_IMAGE_IDS:
            return original(self, interpolate, dpi_ratio)
        key = (self.id, interpolate, dpi_ratio)
        if key not in _X_OBJECTS:
            _X_OBJECTS[key] = original(self, interpolate, dpi_ratio)
        return _copy_x_object(_X_OBJECTS[key])

    get_x_object.letters_cached = True  # type: ignore[attr-defined]
    RasterImage.get_x_object = get_x_object


@cache
def _font_configuration_class() -> Any:
    """WeasyPrint's FontConfiguration, keeping its copies of @font-face fonts inside our font folder.

    WeasyPrint copies each @font-face font (our batch subsets) into a folder of its own in /tmp and
    removes it only when the configuration is garbage collected, which never happens in a forked
    worker (it leaves by ``os._exit``): 126 such folders of ~1.3 MB had piled up on this machine.
    Inside the batch's font folder, they are removed with it however a process ends.
    """
    from weasyprint.text.fonts import FontConfiguration

    class ScratchFontConfiguration(FontConfiguration):  # type: ignore[misc]  # WeasyPrint is untyped
        def __init__(self, scratch: Path | None) -> None:
            super().__init__()
            self._scratch = scratch

        def add_font_face(self, rule_descriptors: Any, url_fetcher: Any) -> Any:
            # ``_folder`` is where WeasyPrint 70 puts the copies (made on the first @font-face).
            if getattr(self, "_folder", None) is None and self._scratch is not None:
                self._folder = Path(tempfile.mkdtemp(prefix="weasyprint-", dir=self._scratch))
            return super().add_font_face(rule_descriptors, url_fetcher)

    return ScratchFontConfiguration


def make_fetcher(roots: tuple[Path, ...]) -> Any:
    """A URL fetcher that serves only files under ``roots`` (templates, letterheads) and our data URLs.

    Everything else (http, https, ftp, file:// elsewhere, a missing file) stops the render: a letter
    missing its logo or seal is an error, not a blank.
    """
    load()
    from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

    allowed = tuple(root.resolve() for root in roots)

    class RefusalError(FatalURLFetchingError):  # type: ignore[misc]  # WeasyPrint is untyped
        """Fatal on purpose: WeasyPrint would otherwise log the failure and leave a blank."""

    class LockedFetcher(URLFetcher):  # type: ignore[misc]  # WeasyPrint is untyped
        def fetch(self, url: str, headers: Any = None) -> Any:
            if url.startswith(_DATA_PREFIXES):
                return super().fetch(url, headers)
            parsed = urlparse(url)
            if parsed.scheme != "file" or parsed.netloc not in ("", "localhost"):
                raise RefusalError(f"refused to fetch {url!r}: only the project's own assets may be loaded")
            # Bytes, then the file system's own decoding: a folder named with non-UTF-8 bytes
            # (out\xff) is still the folder the letters asked for, not a U+FFFD look-alike.
            path = Path(os.fsdecode(unquote_to_bytes(parsed.path))).resolve()
            if not any(path.is_relative_to(root) for root in allowed):
                raise RefusalError(f"refused to fetch {url!r}: outside the templates and letterheads folders")
            if not path.is_file():
                raise RefusalError(f"missing asset {path}")
            content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            _ASSET_IMAGE_IDS.add(hashlib.md5(url.encode(), usedforsecurity=False).hexdigest())
            return URLFetcherResponse(path.as_uri(), path.read_bytes(), {"Content-Type": content_type})

    return LockedFetcher(fail_on_errors=True, allowed_protocols=("file", "data"))


@contextmanager
def _fetch_errors(what: str) -> Iterator[None]:
    """A refused fetch while parsing CSS → RenderError: the fetcher's own error class is local to
    make_fetcher, so a worker process could not send it back to the batch (unpicklable)."""
    from weasyprint.urls import FatalURLFetchingError

    try:
        yield
    except FatalURLFetchingError as exc:
        raise RenderError(f"{what}: {exc.__cause__ or exc}") from None


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@contextmanager
def _weasyprint_warnings() -> Iterator[list[str]]:
    """Collect WeasyPrint's warnings (ignored CSS, failed images) so they can fail the letter."""
    logger = logging.getLogger("weasyprint")
    handler = _Collect()
    logger.addHandler(handler)
    try:
        yield handler.messages
    finally:
        logger.removeHandler(handler)


class PdfWriter:
    """Renders many letters in one process with one FontConfiguration, stylesheet set and fetcher.

    One FontConfiguration per letter leaks (1.2 GB after 300 letters on this machine), so a
    writer is made once per process and reused for every letter it renders.
    """

    def __init__(
        self,
        templates_root: Path,
        letterheads_root: Path,
        *,
        fonts: BatchFonts | None = None,
    ) -> None:
        weasyprint = _weasyprint()
        _cache_asset_images()
        self.templates_root = templates_root.resolve()
        self.font_config = _font_configuration_class()(fonts.folder if fonts else None)
        roots = [self.templates_root, letterheads_root.resolve()]
        if fonts is not None:
            roots.append(fonts.folder.resolve())  # the batch's own subset fonts, nothing else
        self.fetcher = make_fetcher(tuple(roots))
        self.image_cache: dict[str, Any] = {}
        self._weasyprint = weasyprint
        self._font_css = dict(fonts.css) if fonts else {}
        # Fonts too small to carry MIN_EMPTY_SLOTS empty slots are not even looked at (~4 ms a letter).
        self._compact = fonts is not None and fonts.most_glyphs > MIN_EMPTY_SLOTS
        self._font_sheets: dict[str, Any] = {}
        self._stylesheets: dict[tuple[str, ...], tuple[Any, ...]] = {}

    def font_sheet(self, lang: str) -> list[Any]:
        """The batch-font stylesheet for a language (parsed once), or nothing."""
        if lang not in self._font_css:
            return []
        if lang not in self._font_sheets:
            with _fetch_errors(f"batch fonts ({lang})"):
                self._font_sheets[lang] = self._weasyprint.CSS(
                    string=self._font_css[lang], url_fetcher=self.fetcher, font_config=self.font_config
                )
        return [self._font_sheets[lang]]

    def stylesheets(self, names: tuple[str, ...]) -> tuple[Any, ...]:
        """Parsed stylesheets (paths relative to the templates folder), parsed once per writer.

        Kept on the writer, not in a cache on the method: that held every writer ever made (with
        its FontConfiguration) for the life of the process.
        """
        if names not in self._stylesheets:
            self._stylesheets[names] = self._parse_stylesheets(names)
        return self._stylesheets[names]

    def _parse_stylesheets(self, names: tuple[str, ...]) -> tuple[Any, ...]:
        sheets = []
        for name in names:
            path = self.templates_root / name
            if not path.is_file():
                raise RenderError(f"stylesheet {path} is missing")
            with _fetch_errors(f"stylesheet {name}"):
                sheets.append(
                    self._weasyprint.CSS(
                        filename=str(path), url_fetcher=self.fetcher, font_config=self.font_config
                    )
                )
        return tuple(sheets)

    def _forget_data_images(self) -> None:
        """Drop data: images from the cache, with the encoded streams WeasyPrint keyed by their id."""
        for key in [k for k in self.image_cache if str(k).startswith("data:")]:
            del self.image_cache[key]
            derived = hashlib.md5(key.encode(), usedforsecurity=False).hexdigest() + "-"
            for stream_key in [k for k in self.image_cache if str(k).startswith(derived)]:
                del self.image_cache[stream_key]

    @staticmethod
    def letter_stylesheets(lang: str, envelope: str) -> tuple[str, ...]:
        return ("letter.css", f"{lang}/{lang}.css", f"envelopes/{envelope}.css")

    def write(
        self,
        html: str,
        *,
        lang: str,
        envelope: str,
        letter_id: str,
        fields: dict[str, str],
        strict: bool = True,
        pdfa: bool = False,
        attachment: bytes | None = None,
        created: datetime | None = None,
        draft: bool = False,
    ) -> PdfResult:
        """A letter's HTML → PDF bytes; a missing glyph, refused fetch or WeasyPrint warning fails it."""
        name = f"letter {letter_id}"

        margins: list[PageGeometry] = []

        def check(rendered: Any) -> None:
            # Measured on the laid-out page, not estimated: the address must show in the window.
            check_window(rendered.pages[0], envelope, name)
            margins[:] = page_geometry(rendered)

        def render(source: str, extra: list[Any]) -> PdfResult:
            return self.write_document(
                source,
                self.letter_stylesheets(lang, envelope),
                extra=[*self.font_sheet(lang), *extra],
                lang=lang,
                name=name,
                check=check,
                fields=fields,
                strict=strict,
                pdfa=pdfa,
                attachment=attachment,
                created=created,
                draft=draft,
            )

        result = render(html, [])
        seal_url = seam_seal_url(html)
        if seal_url is None or result.pages < 2:
            return result
        # The 骑缝章 needs the page count, known only after layout: a second pass draws its strips in
        # the pages' margins, which take no room in the text, so the pages break as in the first.
        with _fetch_errors(f"{name}: 骑缝章"):
            seal_png = self.fetcher.fetch(seal_url).read()
        css, strips = seam_strips(seal_png, list(margins), name=name)
        sheet = self._weasyprint.CSS(string=css, url_fetcher=self.fetcher, font_config=self.font_config)
        # Running elements are shown from the page they occur on: they go first in the body.
        body = re.search(r"<body[^>]*>", html)
        if body is None:
            raise RenderError(f"{name}: no <body> to put the 骑缝章 in")
        sealed = render(html[: body.end()] + strips + html[body.end() :], [sheet])
        if sealed.pages != result.pages:
            raise RenderError(f"{name}: the 骑缝章 changed the page count ({result.pages} → {sealed.pages})")
        return sealed

    def write_document(
        self,
        html: str,
        stylesheets: tuple[str, ...],
        *,
        extra: list[Any] | None = None,
        lang: str,
        name: str,
        fields: dict[str, str],
        strict: bool = True,
        pdfa: bool = False,
        attachment: bytes | None = None,
        created: datetime | None = None,
        check: Callable[[Any], None] | None = None,
        draft: bool = False,
    ) -> PdfResult:
        """Any of our HTML documents (letters, mailing lists) → PDF bytes, with the same safeguards.

        ``draft``: streams left uncompressed, for a preview drawn at once and thrown away (the desk).
        """
        check_glyphs(html, lang, name, fields)
        from weasyprint.urls import FatalURLFetchingError

        document = self._weasyprint.HTML(
            string=html, base_url=self.templates_root.as_uri() + "/", url_fetcher=self.fetcher
        )
        try:
            with _weasyprint_warnings() as warnings:
                rendered = document.render(
                    font_config=self.font_config,
                    stylesheets=[*self.stylesheets(stylesheets), *(extra or [])],
                    cache=self.image_cache,
                )
                if check is not None:
                    check(rendered)
                stamp = (created or datetime.now(UTC)).strftime("%Y-%m-%dT%H:%M:%SZ")
                # Fixed dates (SOURCE_DATE_EPOCH, via `created`) make identical input give identical bytes.
                rendered.metadata.created = stamp
                rendered.metadata.modified = stamp
                options: dict[str, Any] = {"uncompressed_pdf": True} if draft else {}
                if pdfa:
                    options["pdf_variant"] = "pdf/a-3b"
                    options["pdf_identifier"] = (
                        hashlib.md5(html.encode("utf-8"), usedforsecurity=False).hexdigest().encode("ascii")
                    )
                if attachment is not None:
                    when = created or datetime.now(UTC)
                    options["attachments"] = [
                        self._weasyprint.Attachment(
                            string=attachment.decode("utf-8"),
                            name="letter-data.json",
                            description="The letter's merged data (canonical JSON)",
                            relationship="Source",
                            created=when,
                            modified=when,
                        )
                    ]
                data = rendered.write_pdf(**options)
        except RenderError:
            raise
        except FatalURLFetchingError as exc:
            cause = exc.__cause__ or exc
            raise RenderError(f"{name}: {cause}") from None
        except Exception as exc:  # e.g. an unreadable image: fail this letter, not the whole batch
            raise RenderError(f"{name}: WeasyPrint failed: {type(exc).__name__}: {exc}") from None
        finally:
            # Each letter's QR code is a data: URL seen once; kept in the shared image cache, they
            # would grow a worker's memory with every letter. Logos and seals stay cached.
            self._forget_data_images()
        if strict and warnings:
            raise RenderError(f"{name}: WeasyPrint: " + "; ".join(dict.fromkeys(warnings)))
        if self._compact and not pdfa:
            # Batch fonts: a letter would otherwise carry an empty slot for every batch glyph.
            # PDF/A letters keep WeasyPrint's file exactly as it made it conform.
            data = compact_fonts(bytes(data))
        return PdfResult(bytes(data), len(rendered.pages))
