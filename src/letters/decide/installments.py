"""A total owed → a schedule of installments that adds up to it exactly (the payment plan's arithmetic).

Rules:

- the amounts are Decimal in the currency's minor unit (JPY 0 decimals, CNY and USD 2; from CLDR);
- every installment but the last is the total divided by the number of installments, rounded DOWN
  to the minor unit; the last one takes the remainder, so the schedule always sums to the total
  exactly and the last installment is never smaller than the others;
- monthly due dates keep the first due date's day of the month, clamped to the length of each month
  (Jan 31 → Feb 28 (29 in a leap year) → Mar 31 → Apr 30); weekly and biweekly add 7 and 14 days;
- refused (ValueError): fewer than 1 or more than MAX_INSTALLMENTS installments, a total that is not
  positive or has more decimals than the currency, and more installments than the total has minor
  units (an installment of zero: 0.01 USD in 2, 1 JPY in 2).

A payment plan counts only once the debtor confirms it in writing: the letter (templates/<lang>/
payment-plan.html) carries a confirmation the debtor signs, dates and returns by ``return_by``.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_DOWN, Decimal
from typing import Literal

from letters.decide.business_days import next_business_day
from letters.intake.parse import known_currency, minor_digits

Frequency = Literal["monthly", "biweekly", "weekly"]
FREQUENCIES: tuple[Frequency, ...] = ("monthly", "biweekly", "weekly")
MAX_INSTALLMENTS = 120  # ten years of monthly payments: more is a typo, not a plan


@dataclass(frozen=True)
class Installment:
    number: int  # from 1
    due: date
    amount: Decimal


@dataclass(frozen=True)
class PaymentPlan:
    """What templates/<lang>/payment-plan.html shows as ``plan``."""

    total: Decimal
    currency: str
    every: Frequency
    installments: tuple[Installment, ...]
    first_due: date
    last_due: date
    return_by: date  # the signed confirmation must be back by then
    regular: Decimal  # the amount of every installment but the last
    last: Decimal
    # The date the schedule counts from (the first due date before a move to a business day): its
    # day of the month or weekday is what the letter names (毎月7日, every Friday).
    anchor: date | None = None


def add_months(day: date, months: int, *, anchor_day: int | None = None) -> date:
    """``day`` moved by whole months, keeping ``anchor_day`` (default: day's own) clamped to the month."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    wanted = anchor_day if anchor_day is not None else day.day
    return date(year, month + 1, min(wanted, calendar.monthrange(year, month + 1)[1]))


def due_dates(first_due: date, n: int, every: str = "monthly") -> list[date]:
    """The due dates of ``n`` installments from ``first_due``."""
    if every == "monthly":
        return [add_months(first_due, k, anchor_day=first_due.day) for k in range(n)]
    if every in ("weekly", "biweekly"):
        step = timedelta(days=7 if every == "weekly" else 14)
        return [first_due + step * k for k in range(n)]
    raise ValueError(f"unknown installment frequency {every!r}; use {', '.join(FREQUENCIES)}")


def schedule(
    total: Decimal,
    currency: str,
    n: int,
    first_due: date,
    every: str = "monthly",
    business_days: str | None = None,
) -> list[Installment]:
    """``n`` installments of ``total``, equal but for the last, which absorbs the remainder; with a
    ``business_days`` calendar (a decide/business_days.py key), a due date on a closed day moves to the next
    business day (the next dates still count from the first due date's day of the month)."""
    if not known_currency(currency):
        raise ValueError(f"unknown currency code {currency!r}")
    if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= MAX_INSTALLMENTS:
        raise ValueError(
            f"the number of installments must be a whole number from 1 to {MAX_INSTALLMENTS}, not {n!r}"
        )
    if not isinstance(total, Decimal) or not total.is_finite() or total <= 0:
        raise ValueError(f"the total must be a positive Decimal amount, not {total!r}")
    places = minor_digits(currency)
    if -int(total.as_tuple().exponent) > places:
        raise ValueError(f"{total} has more decimal places than {currency} ({places})")
    unit = Decimal(1).scaleb(-places)  # 1 for JPY, 0.01 for CNY and USD
    minor_units = int(total / unit)  # exact: total has at most `places` decimals
    if n > minor_units:
        raise ValueError(
            f"{n} installments of {total} {currency} would include installments of zero "
            f"(the total is only {minor_units} × {unit} {currency})"
        )
    regular = (total / n).quantize(unit, rounding=ROUND_DOWN)
    last = total - regular * (n - 1)
    amounts = [regular] * (n - 1) + [last]
    dates = due_dates(first_due, n, every)
    if business_days is not None:
        dates = [next_business_day(day, business_days).day for day in dates]
    return [
        Installment(number, due, amount)
        for number, (due, amount) in enumerate(zip(dates, amounts, strict=True), 1)
    ]


def payment_plan(
    total: Decimal,
    currency: str,
    n: int,
    first_due: date,
    every: str = "monthly",
    *,
    return_by: date | None = None,
    business_days: str | None = None,
) -> PaymentPlan:
    """The schedule with what the letter says about it; the confirmation is due by the first payment."""
    if every not in FREQUENCIES:
        raise ValueError(f"unknown installment frequency {every!r}; use {', '.join(FREQUENCIES)}")
    items = schedule(total, currency, n, first_due, every, business_days)
    confirm_by = return_by if return_by is not None else first_due
    if confirm_by > first_due:
        raise ValueError(
            f"the signed confirmation (return by {confirm_by.isoformat()}) must come back no later than "
            f"the first installment ({first_due.isoformat()})"
        )
    frequency: Frequency = "weekly" if every == "weekly" else "biweekly" if every == "biweekly" else "monthly"
    return PaymentPlan(
        total=total,
        currency=currency,
        every=frequency,
        installments=tuple(items),
        first_due=items[0].due,
        last_due=items[-1].due,
        return_by=confirm_by,
        regular=items[0].amount,
        last=items[-1].amount,
        anchor=first_due,
    )
