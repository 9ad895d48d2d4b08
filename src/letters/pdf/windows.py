"""A laid-out first page → the address block's measured box, checked against the envelope window."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from letters.errors import RenderError

MM_PER_PX = 25.4 / 96  # WeasyPrint lays out in CSS pixels, 96 to the inch
INCH = 25.4

# No carrier other than USPS publishes a clearance we could find; we keep USPS's 1/8 in for every
# window, which keeps the address readable when the folded sheet slides in the envelope (the rule
# exists for exactly that) and protects the sender from an unreadable, returned letter.
_USPS_CLEARANCE = 0.125 * INCH
_NO_PUBLISHED_CLEARANCE = "no published clearance found; USPS's 1/8 in kept (protects the sender)"


@dataclass(frozen=True)
class Window:
    """An envelope's address window where it falls on the folded sheet (mm from the sheet's top-left
    corner), and the clear space the carrier wants between the address and the window's edges."""

    envelope: str
    left: float
    top: float
    width: float
    height: float
    clearance: float
    source: str

    @property
    def right(self) -> float:
        return self.left + self.width

    @property
    def bottom(self) -> float:
        return self.top + self.height


WINDOWS: dict[str, Window] = {
    # 長形3号 (120 × 235 mm), the common window of about 90 × 45 mm at 23 mm / 12 mm (docs/layout.md).
    "naga3": Window(
        "naga3", 23, 12, 90, 45, _USPS_CLEARANCE, f"長形3号 窓付き封筒; {_NO_PUBLISHED_CLEARANCE}"
    ),
    # DL (110 × 220 mm), window 90 × 45 mm at 20 mm from the left, 45 mm from the top of the sheet
    # (ISO 269 / DIN 5008 form B); used by China Post and Royal Mail letters.
    "dl": Window("dl", 20, 45, 90, 45, _USPS_CLEARANCE, f"DL, DIN 5008 form B; {_NO_PUBLISHED_CLEARANCE}"),
    # #10 (4⅛ × 9½ in), standard 4½ × 1⅛ in window ⅞ in from the left, 2 in from the sheet's top.
    "us10": Window(
        "us10",
        0.875 * INCH,
        2 * INCH,
        4.5 * INCH,
        1.125 * INCH,
        _USPS_CLEARANCE,
        "USPS DMM 601.6.3.2b: 1/8 in clear space between the address and every edge of the window",
    ),
}

# What each part of the window block holds, for the error message.
_FIELDS = {"recipient": "recipient", "address": "address", "en-address": "address block"}


@dataclass(frozen=True)
class Line:
    """One laid-out line of the address block, in mm from the sheet's top-left corner."""

    field: str
    text: str
    left: float
    top: float
    right: float
    bottom: float


def _classes(box: Any) -> list[str]:
    element = getattr(box, "element", None)
    if element is None or getattr(box, "element_tag", None) is None:
        return []
    return str(element.get("class") or "").split()


def _texts(box: Any) -> Iterator[Any]:
    """The text boxes on a line, leaving out the registered-mail mark (an inline block)."""
    from weasyprint.formatting_structure import boxes

    if "mail-mark" in _classes(box):
        return
    if isinstance(box, boxes.TextBox):
        yield box
    for child in getattr(box, "children", None) or ():
        yield from _texts(child)


def _lines(box: Any, field: str | None, inside: bool) -> Iterator[Line]:
    from weasyprint.formatting_structure import boxes

    classes = _classes(box)
    if "mail-mark" in classes:  # the registered-mail number above the address, not the address
        return
    inside = inside or "window" in classes
    field = next((_FIELDS[c] for c in classes if c in _FIELDS), field)
    if inside and isinstance(box, boxes.LineBox):
        texts = [t for t in _texts(box) if t.text.strip()]
        if texts:
            yield Line(
                field or "address block",
                "".join(t.text for t in texts).strip(),
                min(t.position_x for t in texts) * MM_PER_PX,
                min(t.position_y for t in texts) * MM_PER_PX,
                max(t.position_x + t.width for t in texts) * MM_PER_PX,
                max(t.position_y + t.height for t in texts) * MM_PER_PX,
            )
        return
    for child in getattr(box, "children", None) or ():
        yield from _lines(child, field, inside)


def address_lines(page: Any) -> list[Line]:
    """The address block's lines as laid out on a rendered page (WeasyPrint's Page), top to bottom."""
    return sorted(_lines(page._page_box, None, False), key=lambda line: line.top)


def check_window(page: Any, envelope: str, name: str) -> None:
    """Raise RenderError naming the line and the overflow in mm when the address block on the first
    page does not sit inside the envelope window with the carrier's clearance."""
    window = WINDOWS.get(envelope)
    if window is None:
        raise RenderError(f"{name}: no window geometry for envelope {envelope!r}")
    lines = address_lines(page)
    if not lines:
        raise RenderError(f"{name}: the first page has no address block in the {envelope} window")
    c = window.clearance
    problems: list[str] = []
    for number, line in enumerate(lines, start=1):
        what = f"line {number} ({line.field}) {line.text!r}"
        if line.right > window.right - c:
            problems.append(f"{what} runs {line.right - (window.right - c):.1f} mm past the right edge")
        if line.left < window.left + c:
            problems.append(f"{what} starts {window.left + c - line.left:.1f} mm left of the left edge")
    top, bottom = lines[0], lines[-1]
    if top.top < window.top + c:
        problems.append(
            f"line 1 ({top.field}) {top.text!r} is {window.top + c - top.top:.1f} mm above the top edge"
        )
    if bottom.bottom > window.bottom - c:
        problems.append(
            f"line {len(lines)} ({bottom.field}) {bottom.text!r} is "
            f"{bottom.bottom - (window.bottom - c):.1f} mm below the bottom edge"
        )
    if problems:
        raise RenderError(
            f"{name}: the address does not fit the {envelope} envelope window "
            f"({window.width:.0f} × {window.height:.0f} mm less {c:.1f} mm clearance): " + "; ".join(problems)
        )
