"""Tokens a reader copies or checks as one — account numbers, references, amounts — kept on one line.

A bank account number broken after its first group (``1001`` / ``2345 6789 …``) is misread and
mistyped; an amount in capitals split across lines can be altered at the break. The templates wrap
such tokens in ``<span class="nobreak">`` (``white-space: nowrap`` in the stylesheet); the DOCX
writer sees the same class. Account data stays data: every piece is escaped here.
"""

from __future__ import annotations

import re

from markupsafe import Markup, escape

# A run that holds a digit and may continue with digit groups after single spaces (1001 2345 6789),
# hyphens or slashes (HT-2026-15234, 021-5555-0188): what bank account numbers, contract numbers and
# phone numbers look like in every language the letters use.
_TOKEN = re.compile(r"(?<![0-9A-Za-z\-./])[0-9A-Za-z][0-9A-Za-z\-./]*(?:[ \u00a0][0-9][0-9\-]*)*")
_MIN_LENGTH = 5  # a day number or a floor (18楼) may break anywhere; a short token cannot break anyway


def nobreak(text: object) -> Markup:
    """The whole text as one unbreakable span (a reference number, an amount)."""
    return Markup('<span class="nobreak">{}</span>').format(text)


def nobreak_numbers(text: object) -> Markup:
    """The text with each number-like run (account, contract, phone number) as an unbreakable span."""
    value = str(text)
    out: list[Markup] = []
    last = 0
    for match in _TOKEN.finditer(value):
        token = match.group(0).rstrip(".-/")
        if len(token) < _MIN_LENGTH or not any(ch.isdigit() for ch in token):
            continue
        start = match.start()
        out.append(escape(value[last:start]))
        out.append(nobreak(token))
        last = start + len(token)
    out.append(escape(value[last:]))
    return Markup("").join(out)
