"""The 骑缝章 (cross-page seal) of a Chinese lawyer's letter that runs past one page.

A 律师函 of several sheets is sealed across the edges of all its pages, so that no page can be
swapped or taken out unseen: the sheets are fanned and the firm's seal is pressed once over their
right edges, each page keeping a vertical strip of it. The printed letter does the same: page *i*
of *n* carries the *i*-th of *n* strips of the seal (as wide as the seal over *n*), at the right
edge, halfway down. The strips sit at the printable edge, ``INSET_MM`` inside the sheet, because
nothing is printed within 5 mm of the edge (docs/layout.md); laid side by side, they make the seal.

The template asks for it by marking the seal image ``data-seam-seal``; a one-page letter has none.
"""

from __future__ import annotations

import base64
import io
import re
from dataclasses import dataclass
from typing import Any

from PIL import Image

from letters.errors import RenderError

DIAMETER_MM = 38.0  # the firm's 公章 as printed over its name (zh.css .seal-gongzhang)
INSET_MM = 6.0  # from the sheet's right edge: printers leave the outer 5 mm blank
PX_PER_MM = 96 / 25.4  # CSS px

_MARKED = re.compile(r'<img class="seal seal-gongzhang" data-seam-seal src="([^"]+)"')


def seam_seal_url(html: str) -> str | None:
    """The URL of the seal the letter asks to be sealed across its pages with, if any."""
    found = _MARKED.search(html)
    return found.group(1) if found else None


@dataclass(frozen=True)
class PageGeometry:
    """A laid-out page's height and top and right margins, in mm."""

    height: float
    top: float
    right: float


def page_geometry(rendered: Any) -> list[PageGeometry]:
    """Each laid-out page's geometry (WeasyPrint's page boxes, in CSS px)."""
    return [
        PageGeometry(
            float(page.height) / PX_PER_MM,
            float(page._page_box.margin_top) / PX_PER_MM,
            float(page._page_box.margin_right) / PX_PER_MM,
        )
        for page in rendered.pages
    ]


def seam_strips(seal_png: bytes, margins: list[PageGeometry], *, name: str) -> tuple[str, str]:
    """(CSS, HTML) that draw strip *i* of ``len(margins)`` strips of the seal on page *i*.

    Each strip is a running element shown in its page's right-middle margin box (a page
    background would be clipped to the page area), its right edge ``INSET_MM`` from the sheet's;
    a strip wider than the margin reaches into the text area, as a real 骑缝章 does.
    """
    try:
        seal = Image.open(io.BytesIO(seal_png))
        seal.load()
    except OSError as exc:
        raise RenderError(f"{name}: the seal for the 骑缝章 cannot be read ({exc})") from None
    pages = len(margins)
    width = DIAMETER_MM / pages
    css = [".seam-strip { display: block; margin: 0; }"]
    html = []
    for index, margin in enumerate(margins):
        strip = seal.crop((seal.width * index // pages, 0, seal.width * (index + 1) // pages, seal.height))
        buffer = io.BytesIO()
        strip.save(buffer, "PNG", optimize=True)
        url = "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")
        css.append(f".seam-{index + 1} {{ position: running(seam-{index + 1}); }}")
        # The margin box's content starts at the page area's top and ends INSET_MM from the
        # sheet's right edge; the strip's margins put it there, halfway down the sheet (a block
        # wider than its box would otherwise overflow to the right).
        top = (margin.height - DIAMETER_MM) / 2 - margin.top
        css.append(
            f".seam-{index + 1} img {{ display: block; width: {width:.3f}mm; height: {DIAMETER_MM}mm; "
            f"margin: {top:.3f}mm 0 0 {margin.right - INSET_MM - width:.3f}mm; }}"
        )
        css.append(
            f"@page :nth({index + 1}) {{ @right-middle {{ content: element(seam-{index + 1}); "
            f"vertical-align: top; padding-right: {INSET_MM}mm; }} }}"
        )
        html.append(f'<div class="seam-strip seam-{index + 1}"><img src="{url}" alt=""></div>')
    return "\n".join(css), "".join(html)
