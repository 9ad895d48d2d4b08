"""The `letters validate` and `letters plan` commands: read an accounts file and decide its letters."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import click

from letters.batch.options import Options
from letters.cli.holds import override_hold_option
from letters.cli.options import (
    CONTEXT,
    _limitation_rows,
    as_of_option,
    encoding_option,
    format_option,
    letter_option,
    policy_option,
)
from letters.decide.policy import load_policy
from letters.intake.sources import Format


@click.command(context_settings=CONTEXT)
@click.argument("file", type=click.Path(dir_okay=False, allow_dash=True))
@encoding_option
@format_option
def validate(file: str, encoding: str | None, fmt: Format | None) -> None:
    """Check an accounts FILE (CSV, XLSX, JSON, JSON Lines; - for stdin) and report every problem."""
    from letters.intake.validate import validate_file

    report = validate_file(file, encoding=encoding, fmt=fmt)
    table = report.table
    click.echo(
        f"{table.name}: {len(table.rows)} rows ({table.format}"
        + (f", {table.encoding}" if table.encoding else "")
        + ")"
    )
    click.echo(f"valid accounts: {len(report.accounts)}")
    if report.languages:
        langs = ", ".join(f"{lang} {n}" for lang, n in sorted(report.languages.items()))
        click.echo(f"languages: {langs}")
    for currency, total in sorted(report.totals.items()):
        click.echo(f"total owed {currency}: {total:,}")
    if report.problems:
        count = len(report.problems)
        click.echo(f"{count} problem{'s' if count != 1 else ''}:", err=True)
        for problem in report.problems:
            click.echo(f"  {problem}", err=True)
        sys.exit(1)
    click.echo("no problems found")


@click.command(context_settings=CONTEXT)
@click.argument("file", type=click.Path(dir_okay=False, allow_dash=True))
@encoding_option
@format_option
@as_of_option
@policy_option
@letter_option
@click.option("--db", metavar="URL", help="Ledger with the letters already sent (default: local SQLite).")
@override_hold_option
def plan(
    file: str,
    encoding: str | None,
    fmt: Format | None,
    as_of: date | None,
    policy: Path | None,
    letter_kind: str | None,
    db: str | None,
    override_hold: str | None,
) -> None:
    """Show which letter each account in FILE gets and why, the balance and the pay-by date (moved
    to a business day in the debtor's country, naming the calendar), or why it gets none."""
    from letters.batch.pipeline import make_plan
    from letters.compose.attorney_review import applies as review_applies
    from letters.compose.attorney_review import bulk_refusal
    from letters.compose.required.us_states import state_notice_warning
    from letters.decide.plan_text import amounts_text
    from letters.evidence.holds import active_holds
    from letters.evidence.ledger import Ledger
    from letters.evidence.payments import recorded_payments
    from letters.intake.validate import load_accounts

    accounts = load_accounts(file, encoding=encoding, fmt=fmt)
    options = Options(as_of=as_of, policy=policy, letter_kind=letter_kind, db=db, override_hold=override_hold)
    book = Ledger(db)
    try:
        history = book.last_letters(a.account_id for a in accounts.accounts)
        holds = active_holds(book, (a.account_id for a in accounts.accounts))
        payments = recorded_payments(book, (a.account_id for a in accounts.accounts))
    finally:
        book.close()
    result = make_plan(accounts.accounts, options, load_policy(policy), history, holds, payments)
    click.echo(
        f"as of {result.as_of.isoformat()}: {len(result.letters)} letters, {len(result.skipped)} skipped"
    )
    for planned in result.letters:
        account = planned.account
        if planned.refused:
            click.echo(f"{account.account_id}\t{planned.lang}\t-\trefused: {planned.refused}")
            continue
        click.echo(
            f"{account.account_id}\t{planned.lang}\t{planned.kind}\t{planned.reason}"
            f"\towed {account.currency} {account.total:,}\tpay by {planned.pay_by_note or planned.pay_by}"
            f"\t{amounts_text(planned)}"
        )
    for skipped in result.skipped:
        click.echo(f"{skipped.account.account_id}\t{skipped.account.language}\t-\t{skipped.reason}")
    for planned in result.letters:
        warning = state_notice_warning(planned)
        if warning:
            click.echo(f"warning: {planned.account.account_id}: {warning}", err=True)
    # render refuses such a batch unless told who reviewed the accounts (compose/attorney_review.py)
    refusal = bulk_refusal(sum(1 for p in result.letters if review_applies(p)), None, False)
    if refusal:
        click.echo(f"warning: render will refuse this batch: {refusal}", err=True)
    rules = load_policy(policy).limitation
    for row in _limitation_rows(accounts.accounts, result.as_of, db, policy):
        if row.days_left <= rules.warn_days:
            click.echo(
                f"warning: {row.account_id}: limitation period ends {row.expiry.isoformat()} "
                f"({row.days_left} days); {row.next_step}",
                err=True,
            )
