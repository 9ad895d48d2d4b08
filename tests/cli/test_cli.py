"""The CLI through click's CliRunner: exit codes, stdout and stderr kept apart, help everywhere."""

from __future__ import annotations

import click
import pytest
from click.testing import CliRunner

from letters import __version__
from letters.cli import cli
from tests.conftest import EN_ROW, JA_ROW, ZH_ROW, CsvWriter, csv_text


def runner() -> CliRunner:
    return CliRunner()


def test_version() -> None:
    result = runner().invoke(cli, ["--version"])
    assert result.exit_code == 0
    assert result.output == f"letters, version {__version__}\n"


def test_every_command_has_help() -> None:
    assert isinstance(cli, click.Group)
    for name, command in cli.commands.items():
        assert command.help, f"{name} has no help text"
        for flag in ("-h", "--help"):
            result = runner().invoke(cli, [name, flag])
            assert result.exit_code == 0, name
            assert result.output.startswith(f"Usage: cli {name}") or result.output.startswith(
                f"Usage: letters {name}"
            )


def test_validate_ok_summary(write_csv: CsvWriter) -> None:
    path = write_csv([JA_ROW, ZH_ROW, EN_ROW, JA_ROW | {"account_id": "JA-2", "principal": "50,000"}])
    result = runner().invoke(cli, ["validate", str(path)])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        f"{path}: 4 rows (csv, utf-8)",
        "valid accounts: 4",
        "languages: en 1, ja 2, zh 1",
        "total owed CNY: 1,409.50",
        "total owed JPY: 133,000",
        "total owed USD: 1,262.34",
        "no problems found",
    ]
    assert result.stderr == ""


def test_validate_failure_exit_1_errors_on_stderr(write_csv: CsvWriter) -> None:
    path = write_csv([JA_ROW, JA_ROW | {"account_id": "JA-2", "fees": "1.5"}])
    result = runner().invoke(cli, ["validate", str(path)])
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "1 problem:",
        f"  {path}, row 3, column fees: more decimal places than JPY has (0); amounts are never rounded (value: '1.5')",
    ]
    assert "valid accounts: 1" in result.stdout


def test_validate_stdin() -> None:
    result = runner().invoke(cli, ["validate", "-"], input=csv_text([EN_ROW]).encode("utf-8"))
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == "<stdin>: 1 rows (csv, utf-8)"


def test_input_error_exit_1(write_csv: CsvWriter) -> None:
    path = write_csv([JA_ROW], encoding="cp932")
    result = runner().invoke(cli, ["validate", str(path)])
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: {path}: not UTF-8 (byte ")
    assert result.stdout == ""


@pytest.mark.parametrize(
    "argv",
    [
        ["validate"],
        ["validate", "a.csv", "--input-format", "xml"],
        ["nosuchcommand"],
        ["validate", "--bogus", "a.csv"],
    ],
)
def test_usage_errors_exit_2(argv: list[str]) -> None:
    result = runner().invoke(cli, argv)
    assert result.exit_code == 2
    assert "Usage:" in result.stderr


def _command_paths(group: click.Group, prefix: str = "letters") -> list[str]:
    paths = []
    for name, command in group.commands.items():
        path = f"{prefix} {name}"
        paths.append(path)
        if isinstance(command, click.Group):
            paths.extend(_command_paths(command, path))
    return paths


def test_every_command_is_in_the_readme() -> None:
    from tests.conftest import ROOT

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert isinstance(cli, click.Group)
    for path in _command_paths(cli):
        assert f"`{path}" in readme, f"{path} is not documented in README.md"
