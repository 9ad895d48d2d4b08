"""The `letters mail` group: delivery events for registered mail (`letters mail import`)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from letters.cli.errors import LettersGroup
from letters.cli.options import CONTEXT


@click.group(context_settings=CONTEXT, cls=LettersGroup)
def mail() -> None:
    """Registered mail: delivery events for the numbers letters has assigned."""


@mail.command("import", context_settings=CONTEXT)
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--db", metavar="URL", help="Ledger database URL (default: SQLite in the state folder).")
def mail_import(file: Path, db: str | None) -> None:
    """Record delivery events from a CSV: tracking_number, event, date[, note]."""
    from letters.evidence.ledger import Ledger
    from letters.post.delivery import import_events

    ledger = Ledger(db)
    try:
        result = import_events(file, ledger)
    finally:
        ledger.close()
    click.echo(f"{result.recorded} event(s) recorded")
    if result.already:
        click.echo(f"{result.already} event(s) already in the ledger (same number, event and date): skipped")
    if result.unknown:
        click.echo(
            f"{len(result.unknown)} number(s) not assigned by letters (recorded, unmatched): "
            + ", ".join(result.unknown),
            err=True,
        )
        sys.exit(1)
