"""The `letters payments` group: record payments received and check payment plans against them."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import click

from letters.cli.errors import LettersGroup
from letters.cli.options import CONTEXT, as_of_option, policy_option


@click.group(context_settings=CONTEXT, cls=LettersGroup)
def payments() -> None:
    """Payments received: recorded in the ledger, and checked against payment plans."""


@payments.command("import", context_settings=CONTEXT)
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@as_of_option
@policy_option
@click.option("--operator", help="Who imports (default: $LETTERS_OPERATOR or $USER), for released holds.")
@click.option("--db", metavar="URL", help="Ledger database URL (default: SQLite in the state folder).")
def payments_import(
    file: Path, as_of: date | None, policy: Path | None, operator: str | None, db: str | None
) -> None:
    """Record payments from a CSV (account_id, date, amount, currency); a payment plan whose
    installment was missed ends (its plan hold is released), a kept one keeps its hold."""
    from letters.decide.policy import load_policy
    from letters.evidence.ledger import Ledger
    from letters.evidence.payments import check_plans, record_payments
    from letters.intake.payments_file import read_payments

    rows = read_payments(file)
    grace = load_policy(policy).plan_grace_days
    who = operator or os.environ.get("LETTERS_OPERATOR") or os.environ.get("USER") or "unknown"
    book = Ledger(db)
    try:
        new = record_payments(book, rows, str(file))
        again = f" ({len(rows) - new} already recorded from this file)" if new < len(rows) else ""
        click.echo(f"{new} payment(s) recorded{again}")
        accounts = list(dict.fromkeys(r.account_id for r in rows))
        for account, line in check_plans(book, accounts, as_of or date.today(), grace, who):
            click.echo(f"{account}\t{line}")
    finally:
        book.close()
