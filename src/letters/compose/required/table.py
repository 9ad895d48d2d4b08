"""All jurisdictions' tables together, and which rows apply to a letter."""

from __future__ import annotations

from letters.compose.required import cn, common, jp, uk, us
from letters.compose.required.element import Element, LetterFacts

ELEMENTS: tuple[Element, ...] = common.ELEMENTS + jp.ELEMENTS + cn.ELEMENTS + us.ELEMENTS + uk.ELEMENTS


def applicable(facts: LetterFacts, elements: tuple[Element, ...] = ELEMENTS) -> tuple[Element, ...]:
    return tuple(e for e in elements if e.applies(facts))


__all__ = ["ELEMENTS", "Element", "LetterFacts", "applicable"]
