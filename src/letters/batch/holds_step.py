"""Accounts + ledger → the holds a batch plans with; overridden holds → ledger rows."""

from __future__ import annotations

import os
from collections.abc import Sequence
from datetime import date

from letters.batch.options import Options
from letters.batch.results import BatchResult
from letters.decide.holds import Hold, column_hold
from letters.decide.plan_keeping import Due
from letters.evidence.clock import now_utc
from letters.evidence.holds import Override, active_holds, place_hold, record_overrides
from letters.evidence.ledger import Ledger
from letters.evidence.payments import PLAN_SOURCE, record_installments
from letters.intake.accounts import Account


def operator_of(options: Options) -> str:
    return options.operator or os.environ.get("LETTERS_OPERATOR") or os.environ.get("USER") or "unknown"


def load_holds(
    ledger: Ledger, accounts: Sequence[Account], options: Options, as_of: date
) -> dict[str, list[Hold]]:
    """The ledger's unreleased holds per account; a real batch (one that is archived) first records
    the accounts file's hold/status column as holds, so they outlive the file."""
    holds = active_holds(ledger, (a.account_id for a in accounts))
    if not options.archive:
        return holds
    operator = operator_of(options)
    for account in accounts:
        wanted = column_hold(account, as_of)
        if wanted is None:
            continue
        known = holds.get(wanted.account_id, ())
        if any(h.reason == wanted.reason and h.source == wanted.source for h in known):
            continue  # imported by an earlier batch and not released since
        recorded = Hold(
            wanted.account_id, wanted.reason, wanted.since, None, wanted.note, operator, wanted.source
        )
        place_hold(ledger, recorded)
        holds.setdefault(wanted.account_id, []).append(recorded)
    return holds


def record_hold_overrides(ledger: Ledger, result: BatchResult, options: Options) -> None:
    """Each letter written despite a hold, with the operator's reason, into the ledger; a run that
    records nothing (a preview, a --no-archive draft) records no override either."""
    if ledger.read_only:
        return
    operator = operator_of(options)
    now = now_utc()
    rows = [
        Override(
            item.letter.account.account_id,
            item.letter.id,
            item.letter.planned.kind,
            "; ".join(h.describe() for h in item.letter.planned.overridden),
            item.letter.planned.override_why,
            operator,
            now,
        )
        for item in result.written
        if item.letter.planned.overridden
    ]
    record_overrides(ledger, rows)


def record_plan_holds(ledger: Ledger, result: BatchResult, options: Options, grace_days: int) -> list[Hold]:
    """A ``plan`` hold for each account that was sent a payment-plan letter, until its first
    installment's due date + the policy's grace days: no demand while the plan is being kept."""
    from datetime import timedelta

    operator = operator_of(options)
    placed: list[Hold] = []
    for item in result.written:
        letter = item.letter
        plan = letter.extra_context.get("plan")
        if letter.planned.kind != "payment-plan" or plan is None:
            continue
        until = plan.first_due + timedelta(days=grace_days)
        hold = Hold(
            letter.account.account_id,
            "plan",
            letter.planned.letter_date,
            until,
            f"payment plan {letter.id}: first installment due {plan.first_due.isoformat()}",
            operator,
            PLAN_SOURCE,
        )
        place_hold(ledger, hold)
        placed.append(hold)
        dues = [Due(i.number, i.due, i.amount) for i in plan.installments]
        record_installments(ledger, letter.id, letter.account.account_id, letter.account.currency, dues)
    return placed
