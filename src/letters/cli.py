"""The `letters` command line: parse options, call one library function, turn errors into exit codes."""

from __future__ import annotations

import sys
from typing import Any

import click

from letters import __version__
from letters.errors import LettersError
from letters.sources import FORMATS, Format

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


class LettersGroup(click.Group):
    """Maps every LettersError raised by a command to a message on stderr and exit status 1."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except LettersError as exc:
            raise click.ClickException(str(exc)) from exc


@click.group(cls=LettersGroup, context_settings=CONTEXT)
@click.version_option(__version__, "--version", prog_name="letters")
def cli() -> None:
    """Collections correspondence: reminders, demand letters and lawyer's letters in ja / zh / en."""


encoding_option = click.option(
    "--encoding",
    metavar="NAME",
    help="Text encoding of a CSV: utf-8 (default, BOM allowed), cp932 or gb18030.",
)
format_option = click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    help="Input format; by default from the file extension (or the content, for stdin).",
)


@cli.command(context_settings=CONTEXT)
@click.argument("file", type=click.Path(dir_okay=False, allow_dash=True))
@encoding_option
@format_option
def validate(file: str, encoding: str | None, fmt: Format | None) -> None:
    """Check an accounts FILE (CSV, XLSX, JSON, JSON Lines; - for stdin) and report every problem."""
    from letters.validate import validate_file

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


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="letters")
