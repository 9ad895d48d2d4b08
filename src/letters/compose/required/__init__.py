"""What a letter must contain, per jurisdiction and kind: data tables with their sources, and the check.

Templates mark the text that carries each element with ``data-required="KEY"`` on its element.
After rendering, ``check_required`` finds, for every element the tables say applies to the letter
(jurisdiction, kind and the facts in ``LetterFacts``), a marked element with some text; a letter
that lacks one is refused, naming the element and its source. Removing the data an element is
made of (a blank registration number, no creditor) therefore refuses the letter instead of
printing it without. docs/jurisdictions.md lists the same tables for people.

One module per jurisdiction (``common``, ``jp``, ``cn``, ``us``, ``uk``) holds its ``ELEMENTS``;
adding a rule is adding a row there, a marker in the template, and a test. The facts of a letter
come from ``compose.render_html.letter_facts``.
"""

from letters.compose.required.check import check_required, missing_elements, present_keys
from letters.compose.required.table import ELEMENTS, Element, LetterFacts, applicable

__all__ = [
    "ELEMENTS",
    "Element",
    "LetterFacts",
    "applicable",
    "check_required",
    "missing_elements",
    "present_keys",
]
