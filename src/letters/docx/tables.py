"""The stylesheets' tables in Word's terms: widths, rules, padding and alignment per table class.

These mirror templates/letter.css (.pp-schedule, .pp-sign: the payment plan) and templates/en/en.css
(.vn-items, .vn-form: the validation notice's itemisation and tear-off form).  Lengths in mm, rule
widths in eighths of a point (Word's w:sz for borders).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import pairwise

Padding = tuple[float, float, float, float]  # top, right, bottom, left (mm)


@dataclass(frozen=True)
class CellLook:
    border: int = 0  # a rule on every side (a box to fill in)
    bottom: int = 0  # a rule below only (a line to sign on)
    padding: Padding | None = None  # else the table's
    valign: str = "top"


@dataclass(frozen=True)
class TableLook:
    width: float = 1.0  # of the enclosing column
    align: str = "left"  # of the table on the page
    indent: float = 0.0
    columns: tuple[float | None, ...] = ()  # mm; None shares what the others leave
    shares: tuple[float, ...] = ()  # instead: fractions of the table's width
    lines: int = 0  # every cell's border
    padding: Padding = (0.0, 0.0, 0.0, 0.0)
    head_fill: str = ""  # th shading
    head_align: str = ""  # th alignment (else left)
    data_align: str = ""  # td alignment (else left)
    total_rows: frozenset[str] = frozenset()  # row classes set bold below a rule
    total_rule: int = 0
    cells: dict[str, CellLook] = field(default_factory=dict)  # by cell class or tag
    fit: tuple[int, ...] = ()  # columns widened to hold their longest text on one line

    def grid(self, width: float, columns: int, least: dict[int, float] | None = None) -> tuple[float, ...]:
        """Column widths (mm) for a table of this look that is ``width`` wide; a fixed column is at
        least as wide as ``least`` says (its text on one line, as CSS's table layout widens it)."""
        if self.shares:
            return tuple(width * share for share in self.shares)
        fixed = list(self.columns[:columns]) + [None] * (columns - len(self.columns))
        for index, at_least in (least or {}).items():
            known = fixed[index]
            if known is not None:
                fixed[index] = max(known, at_least)
        free = [c for c in fixed if c is None]
        rest = (width - sum(c for c in fixed if c is not None)) / max(1, len(free))
        return tuple(rest if c is None else c for c in fixed)

    def cell(self, tag: str, classes: frozenset[str]) -> CellLook:
        for name in sorted(classes):
            if name in self.cells:
                return self.cells[name]
        return self.cells.get(tag, CellLook())


TABLE_LOOKS: dict[str, TableLook] = {
    # en.css .en-pay: bold 24 mm labels (+ 2 mm padding), the instructions beside them.
    "en-pay": TableLook(
        columns=(26, None),
        padding=(0.3, 0, 0.3, 0),
        cells={"th": CellLook(padding=(0.3, 2, 0.3, 0))},
    ),
    # en.css .vn-items: 86 % wide, 4 mm in, amounts in a 30 mm column, a 0.8 pt rule over the total.
    "vn-items": TableLook(
        width=0.86,
        indent=4,
        columns=(None, 30),
        padding=(0.4, 2, 0.4, 0),
        data_align="right",
        total_rows=frozenset({"vn-total"}),
        total_rule=6,
        cells={"td": CellLook(padding=(0.4, 0, 0.4, 0))},
    ),
    # letter.css .pp-schedule: 70 % wide and centred, 0.5 pt grid, shaded head, 1.2 pt over the total.
    "pp-schedule": TableLook(
        width=0.7,
        align="center",
        columns=(14, None, None),
        lines=4,
        padding=(0.4, 3, 0.4, 3),
        head_fill="F1F1F1",
        head_align="center",
        total_rows=frozenset({"total"}),
        total_rule=10,
        fit=(0,),
    ),
    # en.css .vn-form: addresses in 44 %, the answers boxed (1 pt) beside them.
    "vn-form": TableLook(
        shares=(0.44, 0.56),
        cells={
            "vn-addresses": CellLook(padding=(0, 4, 0, 0)),
            "vn-respond": CellLook(border=8, padding=(2, 3, 2, 3)),
        },
    ),
    # letter.css .pp-sign: a 32 mm label, then a 0.6 pt line to write on.
    "pp-sign": TableLook(
        columns=(32, None),
        padding=(3, 0, 0.5, 0),
        data_align="right",
        cells={"th": CellLook(padding=(3, 2, 0.5, 0), valign="bottom"), "td": CellLook(bottom=5)},
        fit=(0,),  # .pp-sign th { white-space: nowrap }
    ),
}


def text_width(text: str, size: float) -> float:
    """About how wide (mm) a line of text is: CJK and full-width characters 1 em, others 0.55 em,
    and 0.2 em where CJK meets Latin (the gap LibreOffice puts there, see styles.STYLES)."""
    wide = [ord(char) >= 0x2E80 for char in text.strip()]
    ems = sum(1.0 if cjk else 0.55 for cjk in wide)
    ems += 0.2 * sum(1 for before, after in pairwise(wide) if before != after)
    return ems * size * 25.4 / 72


def table_look(classes: tuple[str, ...]) -> TableLook | None:
    return next((TABLE_LOOKS[name] for name in classes if name in TABLE_LOOKS), None)


def cell_align(look: TableLook | None, tag: str, classes: frozenset[str], default: str) -> str:
    """A cell's text alignment: amounts right, numbers of installments centred, else by look."""
    if "amount" in classes:
        return "right"
    if look is None:
        return default
    if "pp-no" in classes:
        return "center"
    chosen = look.head_align if tag == "th" else look.data_align
    return chosen or "left"
