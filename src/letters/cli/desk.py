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
    from letters.desk.config import DeskConfig

    config = DeskConfig(
        accounts=accounts,
        outdir=outdir,
        db=db,
        operator=operator,
        token=token or None,
        host=host,
        as_of=as_of,
        policy=policy,
    )
    serve_desk(config, port=port, open_browser=open_browser, announce=click.echo)
