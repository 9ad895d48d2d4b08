"""What a letter claims: the accounts file's balance, less the payments the ledger recorded after
it, plus interest as decide/interest.py computes it when the policy and the account give a rate.

Which recorded payments count (docs/policy.md, "Payments and balances"): a payment the ledger
holds (``letters payments import``) is subtracted when it was paid on or before the letter date
and after the account's ``balance_date`` column, the day the file's balance (its ``payments``
column) was drawn up; without that column every recorded payment is taken as not yet in the file.
Counting a payment the file already had would claim too little, leaving one out would claim too
much: the first is the debtor's side of doubt, and the operator can say otherwise by giving the
balance date. A recorded payment in another currency than the account's refuses the letter.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from letters.decide.interest import Interest, InterestSettings, compute_interest
from letters.errors import LettersError
from letters.intake.accounts import Account


class AmountsError(LettersError):
    """A balance that cannot be stated: a bad balance_date, a payment in another currency."""


@dataclass(frozen=True)
class Received:
    """A payment recorded in the ledger and subtracted from the balance a letter shows."""

    day: date
    amount: Decimal


def balance_date(account: Account) -> date | None:
    """The account's ``balance_date`` column: the day its balance was drawn up (None: not given)."""
    raw = account.extra.get("balance_date", "").strip()
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise AmountsError(
            f"account {account.account_id}: column balance_date: {raw!r} is not a date (YYYY-MM-DD)"
        ) from None


def received_payments(
    account: Account, recorded: Sequence[tuple[date, Decimal, str]], letter_date: date
) -> tuple[Received, ...]:
    """The recorded (day, amount, currency) payments the letter of ``letter_date`` subtracts."""
    since = balance_date(account)
    if since is not None and since > letter_date:
        raise AmountsError(
            f"account {account.account_id}: column balance_date {since.isoformat()} is after the "
            f"letter date {letter_date.isoformat()}"
        )
    counted: list[Received] = []
    for day, amount, currency in recorded:
        if day > letter_date or (since is not None and day <= since):
            continue
        if currency != account.currency:
            raise AmountsError(
                f"account {account.account_id}: a payment of {currency} {amount} on {day.isoformat()} "
                f"is recorded for an account in {account.currency}: correct the payments file"
            )
        counted.append(Received(day, amount))
    return tuple(sorted(counted, key=lambda r: r.day))


def less_payments(account: Account, received: Sequence[Received]) -> Account:
    """The account with the recorded payments added to its payments and credits."""
    if not received:
        return account
    return replace(account, payments=account.payments + sum((r.amount for r in received), Decimal(0)))


def with_interest(
    original: Account,
    account: Account,
    received: Sequence[Received],
    end: date,
    settings: InterestSettings,
) -> tuple[Account, Interest | None]:
    """``account`` with its interest computed to ``end`` when the policy claims a rate for it
    (InterestError when a cap refuses it). The computed interest replaces the file's ``interest``
    column, and a UK fixed sum is added to the fees."""
    if settings.claim == "none":
        return account, None
    if settings.claim == "contract" and not original.extra.get("interest_rate", "").strip():
        return account, None
    # The file's payments reduce the principal from the start, recorded ones from their day.
    paid = [(original.due_date, original.payments)] if original.payments > 0 else []
    paid += [(r.day, r.amount) for r in received]
    interest = compute_interest(original, end, settings, paid)
    if interest is None:
        return account, None
    return replace(account, interest=interest.amount, fees=account.fees + interest.fixed_sum), interest
