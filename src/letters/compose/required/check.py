"""Find the ``data-required`` markers in a rendered letter and refuse one that lacks an element."""

from __future__ import annotations

from html.parser import HTMLParser

from letters.compose.required.element import Element, LetterFacts
from letters.compose.required.table import ELEMENTS, applicable
from letters.errors import RenderError

# Elements that never hold text; everything else opened inside a marker is closed by its end tag.
_VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}
)


class _Markers(HTMLParser):
    """Collects the text inside each data-required element (nested markers each get their text)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str | None] = []  # per open element: its marker key or None
        self.text: dict[str, list[str]] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        key = dict(attrs).get("data-required")
        if key:
            self.text.setdefault(key, [])
            self._image(tag, key, attrs)
        if tag not in _VOID:
            self.stack.append(key or None)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        key = dict(attrs).get("data-required")
        if key:
            self.text.setdefault(key, [])
            self._image(tag, key, attrs)

    def _image(self, tag: str, key: str, attrs: list[tuple[str, str | None]]) -> None:
        # A marked image (a lawyer's signature) is the element when it has a source to draw.
        if tag == "img" and (dict(attrs).get("src") or "").strip():
            self.text[key].append("[image]")

    def handle_endtag(self, tag: str) -> None:
        if tag not in _VOID and self.stack:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        for key in self.stack:
            if key:
                self.text[key].append(data)


def present_keys(html: str) -> frozenset[str]:
    """The markers in ``html`` whose element has visible (non-blank) text."""
    parser = _Markers()
    parser.feed(html)
    parser.close()
    return frozenset(k for k, parts in parser.text.items() if "".join(parts).strip())


def missing_elements(
    html: str, facts: LetterFacts, elements: tuple[Element, ...] = ELEMENTS
) -> tuple[Element, ...]:
    present = present_keys(html)
    return tuple(e for e in applicable(facts, elements) if e.key not in present)


def check_required(
    letter_id: str, html: str, facts: LetterFacts, elements: tuple[Element, ...] = ELEMENTS
) -> None:
    """Refuse the letter if an element its jurisdiction and kind require is missing or blank."""
    missing = missing_elements(html, facts, elements)
    if missing:
        named = "; ".join(f"{e.label} [{e.key}] ({e.source})" for e in missing)
        raise RenderError(
            f"letter {letter_id} ({facts.jurisdiction}, {facts.kind}) lacks what it must contain: {named}"
        )
