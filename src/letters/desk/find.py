"""A search text → matching accounts (loaded files and the ledger), each with balance, plan and limitation."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from letters.decide.limitation import expiry
from letters.decide.plan import plan_letters
from letters.decide.policy import Policy
from letters.desk.config import HoldCheck
from letters.intake.accounts import Account

MAX_RESULTS = 20


@dataclass(frozen=True)
class Found:
    """One account as the Find page shows it."""

    account: Account
    balance: Decimal
    days_overdue: int
    hold: str | None
    limitation: date
    plan: str  # the kind `letters plan` would send, or why nothing


def _matches(account: Account, needle: str) -> bool:
    digits = "".join(ch for ch in needle if ch.isdigit())
    phone = "".join(ch for ch in account.phone if ch.isdigit())
    return (
        needle.casefold() in account.account_id.casefold()
        or needle.casefold() in account.debtor_name.casefold()
        # A phone number is searched only for a query of digits (and separators), not for an id.
        or (len(digits) >= 4 and not any(ch.isalpha() for ch in needle) and digits in phone)
    )


def find_accounts(
    accounts: Sequence[Account],
    query: str,
    *,
    as_of: date,
    policy: Policy,
    hold_check: HoldCheck,
    history: Mapping[str, Sequence[tuple[str, date]]] | None = None,
) -> list[Found]:
    """Accounts whose id, name or phone contains the query, at most MAX_RESULTS."""
    needle = query.strip()
    if not needle:
        return []
    hits = [a for a in accounts if _matches(a, needle)][:MAX_RESULTS]
    plan = plan_letters(hits, policy, as_of, history=history)
    planned = {p.account.account_id: f"{p.kind} ({p.reason})" for p in plan.letters}
    planned.update({s.account.account_id: s.reason for s in plan.skipped})
    return [
        Found(
            account,
            account.total,
            (as_of - account.due_date).days,
            hold_check(account.account_id),
            expiry(account).expiry,
            planned.get(account.account_id, ""),
        )
        for account in hits
    ]
