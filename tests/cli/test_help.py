"""Every command's help text against its golden copy, so a refactor never changes the CLI by accident.

After changing a command's options or help on purpose, regenerate the copies with
``LETTERS_REGEN_HELP=1 pytest tests/cli/test_help.py`` and review the diff.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from letters.cli import cli

GOLDEN = Path(__file__).resolve().parent.parent / "golden" / "help"


def _commands(group: click.Group, path: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    yield path
    for name, command in sorted(group.commands.items()):
        if isinstance(command, click.Group):
            yield from _commands(command, (*path, name))
        else:
            yield (*path, name)


COMMANDS = list(_commands(cli))


def _golden(path: tuple[str, ...]) -> Path:
    return GOLDEN / ("-".join(("letters", *path)) + ".txt")


def test_every_command_has_a_golden_help() -> None:
    expected = {_golden(path).name for path in COMMANDS}
    present = {p.name for p in GOLDEN.glob("*.txt")}
    assert expected == present


@pytest.mark.parametrize("path", COMMANDS, ids=lambda p: " ".join(("letters", *p)))
def test_help_text_unchanged(path: tuple[str, ...]) -> None:
    result = CliRunner().invoke(cli, [*path, "--help"], prog_name="letters", terminal_width=100)
    assert result.exit_code == 0, result.output
    golden = _golden(path)
    if os.environ.get("LETTERS_REGEN_HELP") == "1":
        golden.write_text(result.output, encoding="utf-8")
    assert result.output == golden.read_text(encoding="utf-8")
