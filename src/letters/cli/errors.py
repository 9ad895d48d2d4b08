"""LettersGroup: the click group that turns a LettersError (or OSError) into a message and exit 1."""

from __future__ import annotations

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
