"""Cells for CSV files people open in Excel: text that a spreadsheet would run as a formula is defused.

Excel, LibreOffice and Google Sheets treat a cell beginning with ``=``, ``+``, ``-`` or ``@`` as a
formula, and tab or carriage return can start one after the cell is split ("CSV injection", OWASP).
An addressee named ``=HYPERLINK("http://x")`` must arrive as that text, not as a live link.  Such
text cells get a leading ``'``, which the spreadsheet shows as text and hides.

Only *text* is changed.  Numbers are passed as numbers (int, Decimal) and written unchanged: ``-5``
from a Decimal is a negative number, not a formula, and must stay readable as one.
"""

from __future__ import annotations

from decimal import Decimal

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

Cell = str | int | Decimal


def safe_cell(value: Cell) -> Cell:
    """The value to write for one CSV cell: text that could start a formula is prefixed with '."""
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def safe_row(values: list[Cell]) -> list[Cell]:
    return [safe_cell(value) for value in values]
