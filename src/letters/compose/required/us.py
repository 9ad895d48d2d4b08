"""Elements letters to United States must carry (rows added with their sources; see docs/jurisdictions.md)."""

from __future__ import annotations

from letters.compose.required.element import Element

ELEMENTS: tuple[Element, ...] = ()
