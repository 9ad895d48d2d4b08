"""A payment plan's installments, the payments received and a date → is the plan kept, and until when.

An installment counts as missed once its due date plus the grace days has passed and the payments
received since the plan letter do not cover every installment due by then. A missed installment
ends the plan (DOMAIN.md: "a missed installment ends it"): the plan hold is released, and letters
resume. Kept, the hold runs to the next installment's due date plus the grace days.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal


@dataclass(frozen=True)
class Due:
    number: int
    due: date
    amount: Decimal


@dataclass(frozen=True)
class PlanStatus:
    """``kept`` with the hold's new end (None: the last installment is paid), or why it ended."""

    kept: bool
    until: date | None
    note: str


def plan_status(
    installments: Sequence[Due], paid: Sequence[tuple[date, Decimal]], as_of: date, grace_days: int
) -> PlanStatus:
    """Whether the plan is kept on ``as_of`` (see the module docstring)."""
    grace = timedelta(days=grace_days)
    ordered = sorted(installments, key=lambda item: item.number)
    owed = Decimal(0)
    for item in ordered:
        owed += item.amount
        deadline = item.due + grace
        if deadline >= as_of:
            return PlanStatus(
                True, deadline, f"kept: next installment {item.number} due {item.due.isoformat()}"
            )
        received = sum((amount for day, amount in paid if day <= deadline), Decimal(0))
        if received < owed:
            return PlanStatus(
                False,
                None,
                f"installment {item.number} due {item.due.isoformat()} missed: {received} received by "
                f"{deadline.isoformat()}, {owed} due by then",
            )
    return PlanStatus(True, None, "all installments paid")
