"""The `letters desk` command: serve the collectors' web app on this machine."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from letters.cli.options import CONTEXT, as_of_option, policy_option


@click.command(context_settings=CONTEXT)
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to serve on (other than loopback needs --token).",
)
@click.option("--port", type=click.IntRange(1, 65535), default=8765, show_default=True)
@click.option(
    "--accounts",
    "accounts",
    multiple=True,
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="Accounts file(s) to search (CSV, XLSX, JSON); repeat for several.",
)
@click.option("--db", metavar="URL", help="Ledger database URL (default: SQLite in the state folder).")
@click.option(
    "-o",
    "--output",
    "outdir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("out/desk"),
    show_default=True,
    help="Folder for the letters sent from the desk (archive in OUTPUT/archive).",
)
@click.option("--operator", help="Who sends, for the ledger (default: $LETTERS_OPERATOR or $USER).")
@click.option(
    "--token", envvar="LETTERS_DESK_TOKEN", help="Require this token on every request ($LETTERS_DESK_TOKEN)."
)
@click.option(
    "--password-file",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="Read the token from this file's first line.",
)
@click.option(
    "--tracking-range",
    metavar="PREFIX:SERIAL:COUNTRY",
    help="Registered mail: S10 numbers for sent letters from a range, e.g. RR:12345600:JP.",
)
@click.option(
    "--tracking-pool",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Registered mail: numbers in order from this file of pre-printed labels.",
)
@as_of_option
@policy_option
@click.option("--open", "open_browser", is_flag=True, help="Open the desk in the default browser.")
def desk(
    host: str,
    port: int,
    accounts: tuple[Path, ...],
    db: str | None,
    outdir: Path,
    operator: str | None,
    token: str | None,
    password_file: Path | None,
    tracking_range: str | None,
    tracking_pool: Path | None,
    as_of: date | None,
    policy: Path | None,
    open_browser: bool,
) -> None:
    """Serve the collectors' desk (find, compose, live preview, send, history) and print its URL."""
    from letters.desk.serve import serve_desk

    if password_file is not None:
        token = (
            password_file.read_text(encoding="utf-8").splitlines()[0].strip()
            if password_file.stat().st_size
            else ""
        )
    from letters.desk.config import DeskConfig, ledger_hold_check
    from letters.post.tracking import TrackingSetup, parse_range

    if tracking_range and tracking_pool:
        raise click.UsageError("choose one of --tracking-range, --tracking-pool")
    tracking: TrackingSetup | None = None
    if tracking_pool is not None:
        tracking = TrackingSetup("pool", pool=tracking_pool)
    elif tracking_range is not None:
        prefix, start, country = parse_range(tracking_range)
        tracking = TrackingSetup("range", range_prefix=prefix, range_start=start, range_country=country)

    config = DeskConfig(
        accounts=accounts,
        outdir=outdir,
        db=db,
        operator=operator,
        token=token or None,
        host=host,
        as_of=as_of,
        policy=policy,
        tracking=tracking,
        hold_check=ledger_hold_check(db, as_of),
    )
    serve_desk(config, port=port, open_browser=open_browser, announce=click.echo)
