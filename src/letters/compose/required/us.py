"""Elements letters to the United States must carry (see docs/jurisdictions.md).

The state notices are rows of compose/required/us_states.py's table (state, text, which letters,
source); each notice key becomes one element here, applying where any of its rows applies, so the
template printing them and this check read the same table.
"""

from __future__ import annotations

from collections.abc import Callable

from letters.compose.required.element import Element, LetterFacts
from letters.compose.required.us_states import STATE_NOTICES, StateNotice, applies


def _any(notices: tuple[StateNotice, ...]) -> Callable[[LetterFacts], bool]:
    def when(facts: LetterFacts) -> bool:
        return any(applies(n, facts) for n in notices)

    return when


def _state_elements() -> tuple[Element, ...]:
    rows: dict[str, list[StateNotice]] = {}
    for notice in STATE_NOTICES:
        rows.setdefault(notice.key, []).append(notice)
    elements = []
    for key, notices in rows.items():
        source = "; ".join(dict.fromkeys(n.source for n in notices))
        elements.append(
            Element(key, notices[0].label, source, (notices[0].state,), when=_any(tuple(notices)))
        )
    return tuple(elements)


ELEMENTS: tuple[Element, ...] = (
    Element(
        "us.vn.phone_hours",
        "the hours the validation notice's phone number is answered (letterhead [en] hours)",
        "12 CFR §1006.34(c)(1) and model form B-1 (the debt collector's contact information: one "
        "telephone number with the hours it can be reached)",
        ("US",),
        kinds=frozenset({"validation-notice"}),
    ),
    Element(
        "us.attorney.review",
        "the attorney who reviewed the account, or the statement that no attorney has",
        "FDCPA §1692e(3); Clomon v. Jackson, 988 F.2d 1314 (2d Cir. 1993); Greco v. Trauner, Cohen & "
        "Thomas, 412 F.3d 360 (2d Cir. 2005) (compose/attorney_review.py)",
        ("US",),
        kinds=frozenset({"lawyer"}),
        when=lambda facts: facts.debtor_type == "person",
    ),
    *_state_elements(),
)
