"""Which characters a cell may hold, and how long it may be: what is printed must be what was read."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from letters.intake.limits import InputLimits, env_variable

# Bidi controls reorder what is printed around them, so a letter can show a different name, amount
# or address than the data holds (the "Trojan Source" trick).  LRM, RLM and ALM are included: they
# are invisible marks with the same effect on neutral characters such as digits and punctuation.
_BIDI = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")
# Invisible characters that make two equal-looking names compare unequal (and match no search).
_INVISIBLE = frozenset("\u200b\u200c\u200d\u2060\ufeff")
# Line and paragraph separators break a line like a newline does, where a field must stay one line.
_SEPARATORS = frozenset("\u2028\u2029")

# How much of an over-long value a message shows: enough to find the cell, not the 400 MB.
_SHOWN = 40


@dataclass(frozen=True)
class CellProblem:
    reason: str
    value: str  # the value as shown in the message, shortened when the cell is too long


def cell_problem(text: str, limits: InputLimits) -> CellProblem | None:
    """Why a text cell cannot go into a letter as written, or None.

    Ideographic variation sequences (葛󠄀 = U+845B U+E0100) are kept: variation selectors are
    combining marks (Mn) that choose a glyph, not format characters, and no rule here refuses them.
    """
    if len(text) > limits.field_chars:
        return CellProblem(
            f"{len(text):,} characters, more than the {limits.field_chars:,} a field may hold "
            f"(set {env_variable('field_chars')} to raise the limit)",
            text[:_SHOWN] + ("…" if len(text) > _SHOWN else ""),
        )
    for char in text:
        reason = _character_problem(char)
        if reason:
            return CellProblem(reason, text)
    return None


def _character_problem(char: str) -> str | None:
    code = f"U+{ord(char):04X}"
    if char in _BIDI:
        name = unicodedata.name(char, "bidi control")
        return f"contains {code} {name}, a bidi control that can reorder the printed text; remove it"
    if char in _INVISIBLE:
        name = unicodedata.name(char, "invisible character")
        return f"contains {code} {name}, an invisible character; remove it"
    if char in _SEPARATORS:
        name = unicodedata.name(char)
        return f"contains {code} {name}, which breaks the line; remove it (use address_line2)"
    category = unicodedata.category(char)
    if category == "Cc":
        # DOCX XML refuses control characters outright; the rest would print as boxes.
        return f"contains control character {code}; remove it (line breaks too: use address_line2)"
    if char == "\ufffd":
        return "contains U+FFFD, the mark of text that was already garbled before it reached letters"
    if category == "Cs" or char in "\ufffe\uffff":
        return f"contains {code}, which is not a character"
    return None
