"""Elements letters to England & Wales (and, where noted, the rest of the UK) must carry.

Rows are added with their sources; see docs/jurisdictions.md.
"""

from __future__ import annotations

from letters.compose.required.element import Element

ELEMENTS: tuple[Element, ...] = ()
