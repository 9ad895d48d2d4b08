"""Letters the ledger holds for an account → how a later letter names them (督促状, 催告函, reminder)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

# What each kind of letter is called when a later letter refers to it, per language.
LABELS: dict[str, dict[str, str]] = {
    "ja": {
        "reminder": "督促状",
        "demand": "催告書",
        "lawyer": "通知書",
        "validation-notice": "債権確認通知",
        "payment-plan": "分割払いのご案内",
    },
    "zh": {
        "reminder": "催款通知书",
        "demand": "催告函",
        "lawyer": "律师函",
        "validation-notice": "债务确认通知",
        "payment-plan": "还款计划确认书",
    },
    "en": {
        "reminder": "payment reminder",
        "demand": "formal demand",
        "lawyer": "letter from our solicitors",
        "validation-notice": "validation notice",
        "payment-plan": "payment plan confirmation",
    },
}


@dataclass(frozen=True)
class EarlierLetter:
    """A letter sent before this one: its date, kind and what it is called in this letter's language."""

    date: dt.date
    kind: str
    label: str


def earlier_letters(sent: Sequence[tuple[str, dt.date]], lang: str) -> tuple[EarlierLetter, ...]:
    """The letters sent before, oldest first, each with its name in ``lang``."""
    labels = LABELS.get(lang, LABELS["en"])
    return tuple(
        EarlierLetter(day, kind, labels.get(kind, kind)) for kind, day in sorted(sent, key=lambda i: i[1])
    )
