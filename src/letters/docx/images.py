"""Image URLs → image bytes for Word: only our own files and data URLs, as the PDF's URL fetcher allows."""

from __future__ import annotations

import base64
import binascii
import hashlib
import io
import subprocess
import tempfile
from html import escape
from pathlib import Path
from urllib.parse import unquote, urljoin, urlparse

from letters.errors import RenderError, SetupError

_RASTERS: dict[tuple[str, float, float], bytes] = {}  # SVG → PNG, once per process


def _rasterise_svg(url: str, digest: str, width: float, height: float, roots: tuple[Path, ...]) -> bytes:
    """An SVG drawn at its box size as a 300 dpi PNG: WeasyPrint draws it (as in the PDF), poppler's
    pdftocairo rasterises it with a transparent background.  Word cannot take the SVG alone."""
    key = (digest, width, height)
    if key in _RASTERS:
        return _RASTERS[key]
    from PIL import Image

    from letters.pdf.weasy import load
    from letters.pdf.writer import make_fetcher

    weasyprint = load()

    page = (
        f"<style>@page {{ size: {width}mm {height}mm; margin: 0 }} html, body {{ margin: 0 }}"
        f"img {{ display: block; width: {width}mm; height: {height}mm }}</style>"
        f'<img src="{escape(url)}">'
    )
    pdf = weasyprint.HTML(string=page, url_fetcher=make_fetcher(roots)).write_pdf()
    with tempfile.TemporaryDirectory(prefix="letters-svg-") as tmp:
        source, target = Path(tmp) / "image.pdf", Path(tmp) / "image"
        source.write_bytes(pdf)
        command = ["pdftocairo", "-png", "-transp", "-singlefile", "-r", "300", str(source), str(target)]
        try:
            subprocess.run(command, capture_output=True, check=True)
        except FileNotFoundError:
            raise SetupError(
                "pdftocairo is not installed; install it: apt-get install poppler-utils"
            ) from None
        except subprocess.CalledProcessError as exc:
            raise RenderError(f"cannot rasterise {url!r}: {exc.stderr.decode(errors='replace')}") from None
        png = target.with_suffix(".png").read_bytes()
    with Image.open(io.BytesIO(png)) as image:
        if image.getbbox() is None:
            raise RenderError(f"image {url!r} drew nothing (a broken SVG?)")
    _RASTERS[key] = png
    return png


class Images:
    """Image bytes by URL, each file read once; refuses anything but our folders and our data URLs."""

    def __init__(self, templates_root: Path, roots: tuple[Path, ...]) -> None:
        self.base = templates_root.as_uri() + "/"  # relative URLs resolve as in the PDF
        self.roots = roots
        self.files: dict[tuple[str, float, float], bytes] = {}  # by URL and box size

    def load(self, src: str, width: float, height: float) -> bytes:
        url = urljoin(self.base, src.strip())
        if url.startswith("data:"):
            return self._data(url, width, height)
        key = (url, width, height)
        if key not in self.files:  # checked once per URL: the folders do not move during a batch
            self.files[key] = self._file(url, width, height)
        return self.files[key]

    def _file(self, url: str, width: float, height: float) -> bytes:
        parsed = urlparse(url)
        if parsed.scheme != "file" or parsed.netloc not in ("", "localhost"):
            raise RenderError(f"refused to fetch {url!r}: only the project's own assets may be loaded")
        path = Path(unquote(parsed.path)).resolve()
        if not any(path.is_relative_to(root) for root in self.roots):
            raise RenderError(f"refused to fetch {url!r}: outside the templates and letterheads folders")
        if not path.is_file():
            raise RenderError(f"missing asset {path}")
        blob = path.read_bytes()
        if path.suffix.lower() == ".svg":
            return _rasterise_svg(path.as_uri(), hashlib.sha256(blob).hexdigest(), width, height, self.roots)
        return blob

    def _data(self, url: str, width: float, height: float) -> bytes:
        head, _, payload = url.partition(",")
        if head == "data:image/png;base64":
            try:
                return base64.b64decode(payload, validate=True)
            except binascii.Error:
                raise RenderError(f"bad base64 in image URL {url[:40]!r}…") from None
        if head.startswith("data:image/svg+xml"):
            return _rasterise_svg(url, hashlib.sha256(url.encode()).hexdigest(), width, height, self.roots)
        raise RenderError(f"refused to fetch {url[:40]!r}…: only PNG and SVG data URLs are allowed")
