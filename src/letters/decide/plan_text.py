"""How `letters plan` states a planned letter's amounts: the balance and where each part comes from."""

from __future__ import annotations

from decimal import Decimal

from letters.decide.plan import PlannedLetter


def percent(value: Decimal) -> str:
    """A rate as written in a letter: 3, 12.25, 3.9 (no trailing zeros, never an exponent)."""
    return format(value.normalize(), "f")


def amounts_text(planned: PlannedLetter) -> str:
    """principal + interest (rate, period, days, basis) + fees − payments (recorded ones dated)."""
    account = planned.account
    parts = [f"principal {account.principal:,}"]
    interest = planned.interest
    if interest is not None:
        to_pay_by = interest.end == planned.pay_by and interest.end != planned.letter_date
        to = " (pay-by date)" if to_pay_by else ""
        detail = (
            f"{percent(interest.rate.percent)}% a year, {interest.start.isoformat()} to "
            f"{interest.end.isoformat()}{to}, {interest.days} days; {interest.rate.source}"
        )
        if planned.file_interest:
            detail += f"; replaces the file's interest {planned.file_interest:,}"
        parts.append(f"+ interest {account.interest:,} ({detail})")
    elif account.interest:
        parts.append(f"+ interest {account.interest:,} (accounts file)")
    fixed = interest.fixed_sum if interest is not None else Decimal(0)
    if account.fees - fixed:
        parts.append(f"+ fees {account.fees - fixed:,}")
    if fixed:
        parts.append(f"+ fixed sum {fixed:,} ({interest.fixed_sum_source if interest else ''})")
    if account.payments:
        recorded = ", ".join(f"{r.amount:,} on {r.day.isoformat()}" for r in planned.received)
        parts.append(f"− payments {account.payments:,}" + (f" (recorded: {recorded})" if recorded else ""))
    return " ".join(parts)
