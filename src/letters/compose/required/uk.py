"""Elements letters to England & Wales (and, where noted, the rest of the UK) must carry.

The letter before claim to an individual in England and Wales follows the Pre-Action Protocol for
Debt Claims (CPR, in force 2017-10-01): what its §3.1 lists, and the Annex 1 enclosures in the same
PDF (compose/pre_action.py says when it applies). See docs/jurisdictions.md.
"""

from __future__ import annotations

from letters.compose.required.element import Element, LetterFacts

_PAP = "Pre-Action Protocol for Debt Claims"
_LBC = frozenset({"lawyer"})


def _protocol(facts: LetterFacts) -> bool:
    return facts.pre_action_protocol


def _row(key: str, label: str, source: str) -> Element:
    return Element(key, label, f"{_PAP} {source}", ("GB",), kinds=_LBC, when=_protocol)


ELEMENTS: tuple[Element, ...] = (
    _row(
        "uk.pap.interest",
        "whether interest or other charges are continuing",
        "§3.1(a)(ii)",
    ),
    _row(
        "uk.pap.agreement",
        "the written agreement's date and parties, and that a copy can be requested",
        "§3.1(a)(iv)",
    ),
    _row(
        "uk.pap.payment",
        "how the debt can be paid (the creditor's payment details)",
        "§3.1(a)(vii)",
    ),
    _row(
        "uk.pap.reply_address",
        "the address the Reply Form is sent to",
        "§3.1(a)(viii)",
    ),
    _row(
        "uk.pap.response",
        "the 30 days to reply with the Reply Form, and time for debt advice",
        "§3.1(c), §4 (reply within 30 days), §7.1 (time to obtain debt advice)",
    ),
    _row(
        "uk.pap.information_sheet",
        "the Information Sheet (Annex 1), enclosed",
        "§3.1(c) and Annex 1",
    ),
    _row(
        "uk.pap.advice",
        "where to get free, independent debt advice",
        "Annex 1, Information Sheet (National Debtline, StepChange, Citizens Advice, MoneyHelper)",
    ),
    _row(
        "uk.pap.reply_form",
        "the Reply Form (Annex 1), enclosed",
        "§3.1(c) and Annex 1",
    ),
    _row(
        "uk.pap.financial_statement",
        "the Financial Statement form (Annex 1), enclosed",
        "§3.1(d) and Annex 1",
    ),
)
