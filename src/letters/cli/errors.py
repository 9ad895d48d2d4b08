"""LettersGroup: the click group that turns any error into one line on stderr and exit 1."""

from __future__ import annotations

import os
from typing import Any

import click

from letters.errors import LettersError


class LettersGroup(click.Group):
    """Maps every LettersError raised by a command to a message on stderr and exit status 1."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except LettersError as exc:
            raise click.ClickException(str(exc)) from exc
        except OSError as exc:
            # The machine's problem (disk full, permissions), not a bug: one line, not a traceback.
            raise click.ClickException(str(exc)) from exc
        except (click.exceptions.Exit, click.ClickException, click.Abort, KeyboardInterrupt):
            raise
        except Exception as exc:
            # A bug, not the user's data: still one line (a traceback may print personal data from
            # the accounts file to a shared terminal or log); LETTERS_DEBUG=1 shows it.
            if os.environ.get("LETTERS_DEBUG") == "1":
                raise
            first = str(exc).splitlines()[0] if str(exc) else ""
            if type(exc).__module__.startswith("sqlalchemy"):
                # e.g. a busy or corrupt ledger mid-batch; the statement and its parameters
                # (account ids) stay out of the message.
                cause = str(getattr(exc, "orig", None) or first).splitlines()[0]
                raise click.ClickException(
                    f"the ledger database failed: {cause}; nothing more was recorded"
                ) from None
            raise click.ClickException(
                f"internal error ({type(exc).__name__}: {first}); nothing more was done. "
                "Run again with LETTERS_DEBUG=1 for the details and report it."
            ) from None
