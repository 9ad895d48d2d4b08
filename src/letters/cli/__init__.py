"""The `letters` command line: the click group, with the commands of the modules beside it, and main."""

from __future__ import annotations

import atexit
import contextlib
import os
import sys

import click

from letters import __version__
from letters.cli.accounts import plan, validate
from letters.cli.batch import preview, render
from letters.cli.desk import desk
from letters.cli.errors import LettersGroup
from letters.cli.evidence import bundle, history, ledger, timestamp, verify
from letters.cli.holds import hold, holds
from letters.cli.options import CONTEXT
from letters.cli.payments import payments
from letters.cli.post import mail
from letters.cli.report import report

__all__ = ["CONTEXT", "LettersGroup", "cli", "main"]


@click.group(cls=LettersGroup, context_settings=CONTEXT)
@click.version_option(__version__, "--version", prog_name="letters")
def cli() -> None:
    """Collections correspondence: reminders, demand letters and lawyer's letters in ja / zh / en."""


for command in (
    validate,
    plan,
    report,
    render,
    preview,
    desk,
    mail,
    verify,
    ledger,
    history,
    bundle,
    timestamp,
    hold,
    holds,
    payments,
):
    cli.add_command(command)


def main() -> None:
    """Console-script entry point: run the command, then leave without the interpreter's teardown.

    Unloading the ~900 modules a render imports (WeasyPrint, SQLAlchemy, fontTools …) takes ~0.3 s,
    a fifth of a one-off letter, and nothing needs it: every file is written, synced and closed,
    the ledger is closed, WeasyPrint's font copies live in the batch's own folder (removed with
    it), and the atexit handlers (logging, temporary folders) still run here.
    """
    try:
        cli(prog_name="letters")
        code: object = 0
    except SystemExit as exc:
        code = exc.code
    if code is None:
        code = 0
    elif not isinstance(code, int):
        print(code, file=sys.stderr)
        code = 1
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a closed pipe: `letters history … | head`
            stream.flush()
    atexit._run_exitfuncs()
    os._exit(code)
