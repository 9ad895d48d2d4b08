"""The `letters report` command: the limitation watch."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from letters.cli.options import (
    CONTEXT,
    _limitation_rows,
    as_of_option,
    encoding_option,
    format_option,
    policy_option,
)
from letters.intake.sources import Format


@click.command(context_settings=CONTEXT)
@click.argument("file", type=click.Path(dir_okay=False, allow_dash=True))
@encoding_option
@format_option
@as_of_option
@policy_option
@click.option("--db", metavar="URL", help="Ledger with delivered demands (default: local SQLite).")
def report(
    file: str,
    encoding: str | None,
    fmt: Format | None,
    as_of: date | None,
    policy: Path | None,
    db: str | None,
) -> None:
    """Limitation watch: every account in FILE by the date its limitation period ends, soonest first."""
    from letters.intake.validate import load_accounts

    accounts = load_accounts(file, encoding=encoding, fmt=fmt)
    day = as_of or date.today()
    click.echo("account\tjurisdiction\texpiry\tdays_left\tbasis\tnext")
    for row in _limitation_rows(accounts.accounts, day, db, policy):
        click.echo(
            f"{row.account_id}\t{row.jurisdiction}\t{row.expiry.isoformat()}\t{row.days_left}\t"
            f"{row.basis}\t{row.next_step or '-'}"
        )
