"""The `letters hold` and `letters holds` commands: place, release and list holds in the ledger."""

from __future__ import annotations

import os
from datetime import date

import click

from letters.cli.options import CONTEXT, _parse_as_of
from letters.decide.holds import HOLD_REASONS

_db_option = click.option(
    "--db", metavar="URL", help="Ledger database URL (default: SQLite in the state folder)."
)


@click.command("hold", context_settings=CONTEXT)
@click.argument("account")
@click.option("--reason", type=click.Choice(HOLD_REASONS), help="Why no letter may go (required to place).")
@click.option("--since", metavar="DATE", callback=_parse_as_of, help="First day held (default: today).")
@click.option("--until", metavar="DATE", callback=_parse_as_of, help="Last day held (default: open-ended).")
@click.option("--note", default="", help="What the hold rests on (the debtor's letter, the court's order …).")
@click.option("--release", is_flag=True, help="Release the account's holds (those of --reason, if given).")
@click.option("--operator", help="Who places or releases the hold (default: $LETTERS_OPERATOR or $USER).")
@_db_option
def hold(
    account: str,
    reason: str | None,
    since: date | None,
    until: date | None,
    note: str,
    release: bool,
    operator: str | None,
    db: str | None,
) -> None:
    """Put ACCOUNT on hold (no letter is planned or rendered for it), or --release its holds."""
    from letters.decide.holds import Hold
    from letters.evidence.holds import place_hold, release_holds
    from letters.evidence.ledger import Ledger

    who = operator or os.environ.get("LETTERS_OPERATOR") or os.environ.get("USER") or "unknown"
    today = date.today()
    if release:
        if until is not None or since is not None:
            raise click.UsageError("--release takes --reason and --note, not --since or --until")
    elif reason is None:
        raise click.UsageError("placing a hold needs --reason " + "|".join(HOLD_REASONS))
    start = since or today
    if until is not None and until < start:
        raise click.UsageError(f"--until {until.isoformat()} is before the hold starts ({start.isoformat()})")
    book = Ledger(db)
    try:
        if release:
            released = release_holds(book, account, today, who, note, reason)
            if not released:
                what = f"{reason} hold" if reason else "hold"
                raise click.ClickException(f"{account}: no {what} in force to release")
            for item in released:
                click.echo(f"released: {item.account_id}\t{item.describe()}")
            return
        placed = Hold(account, reason or "other", start, until, note, who, "ledger")
        number = place_hold(book, placed)
    finally:
        book.close()
    click.echo(f"hold #{number}: {account}\t{placed.describe()}")


@click.command("holds", context_settings=CONTEXT)
@click.option("--reason", type=click.Choice(HOLD_REASONS), help="Only holds of this reason.")
@click.option("--account", help="Only this account's holds.")
@click.option("--all", "show_all", is_flag=True, help="Also list released holds, with who released them.")
@_db_option
def holds(reason: str | None, account: str | None, show_all: bool, db: str | None) -> None:
    """List the holds in the ledger (unreleased ones unless --all), oldest first."""
    from letters.evidence.holds import list_holds
    from letters.evidence.ledger import Ledger

    book = Ledger(db)
    try:
        rows = list_holds(book, account_id=account, reason=reason, released=show_all)
    finally:
        book.close()
    if not rows:
        click.echo("no holds")
        return
    for row in rows:
        line = f"#{row.id}\t{row.hold.account_id}\t{row.hold.describe()}"
        if row.released_on is not None:
            note = f" ({row.release_note})" if row.release_note else ""
            line += f"\treleased {row.released_on.isoformat()} by {row.released_by}{note}"
        click.echo(line)


override_hold_option = click.option(
    "--override-hold",
    metavar="WHY",
    help="Write letters for accounts on hold too; WHY is recorded in the ledger with the operator.",
)
