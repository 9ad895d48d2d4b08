"""Run text → w:t elements that Word and LibreOffice will not break inside a token.

The PDF never breaks a contract, invoice or account number, a phone number or a 大写 amount
(zh.css: ``.capital { white-space: nowrap }``); a Word file reflows on the reader's machine, so the
DOCX must say where it may not break:

- a hyphen inside a token that holds a digit (SK-2024-00123, INV-2026-0831, 03-5555-0100) is
  written as w:noBreakHyphen (Word's non-breaking hyphen; LibreOffice reads it as U+2011);
- in text set nowrap, every space becomes U+00A0 (no-break space) and a U+2060 WORD JOINER sits
  between two characters a line could break between (CJK text breaks between any two characters;
  UAX #14 rule LB11 forbids a break on either side of U+2060, and the joiner draws nothing).
  LibreOffice 7.4 breaks CJK text between any two characters whatever stands between them (U+2060,
  U+200D, U+FEFF and U+00A0 tried): there a 大写 amount may still wrap.
"""

from __future__ import annotations

import re
from html import escape

from letters.errors import RenderError

_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# A token of letters and digits joined by hyphens, holding at least one digit.
_TOKEN = re.compile(r"(?<![\w-])(?=[\w-]*\d)\w+(?:-\w+)+(?![\w-])")
WORD_JOINER = "\u2060"
NO_BREAK_SPACE = "\u00a0"


def escape_text(text: str) -> str:
    bad = _XML_INVALID.search(text)
    if bad:
        raise RenderError(f"character U+{ord(bad.group()):04X} cannot be written to a DOCX file")
    return escape(text, quote=False)


def unbreakable(text: str) -> str:
    """Text that no line may break inside: spaces kept as no-break spaces, joiners between the rest."""
    out: list[str] = []
    for char in text:
        if out and out[-1] != NO_BREAK_SPACE and char != " ":
            out.append(WORD_JOINER)
        out.append(NO_BREAK_SPACE if char == " " else char)
    return "".join(out)


def _t(text: str) -> str:
    return f'<w:t xml:space="preserve">{escape_text(text)}</w:t>' if text else ""


def text_xml(text: str, nowrap: bool = False) -> str:
    """The content of one run: its text, hyphens inside number tokens made non-breaking."""
    if nowrap:
        text = unbreakable(text)
    out: list[str] = []
    last = 0
    for token in _TOKEN.finditer(text):
        out.append(_t(text[last : token.start()]))
        out.append("<w:noBreakHyphen/>".join(_t(part) for part in token.group().split("-")))
        last = token.end()
    out.append(_t(text[last:]))
    return "".join(out)
