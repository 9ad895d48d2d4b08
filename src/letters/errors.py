"""Every error `letters` raises on purpose: one hierarchy, turned into a message and exit code by the CLI."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


class LettersError(Exception):
    """Base of every error `letters` raises deliberately; the CLI prints it and exits 1."""


class InputError(LettersError):
    """A whole input file cannot be read: missing, wrong encoding, unknown format."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one cell (or row) of an input file."""

    file: str
    row: int | None  # as the user sees it: Excel row (header = 1), JSON item or JSONL line
    column: str | None
    value: str | None
    reason: str
    row_label: str = "row"  # "row" for CSV/XLSX, "item" for a JSON array, "line" for JSON Lines

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f", {self.row_label} {self.row}"
        if self.column is not None:
            where += f", column {self.column}"
        text = f"{where}: {self.reason}"
        if self.value is not None:
            text += f" (value: {self.value!r})"
        return text


class ValidationError(LettersError):
    """An input file has one or more bad rows; every problem is listed, not just the first."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = tuple(problems)
        count = len(self.problems)
        noun = "problem" if count == 1 else "problems"
        lines = [f"{count} {noun} in the input:"] + [f"  {p}" for p in self.problems]
        super().__init__("\n".join(lines))


class ConfigError(LettersError):
    """A policy, letterhead or options file is wrong: names the file and the setting."""


class TemplateError(LettersError):
    """A template is missing, broken, or needs a field the letter's data lacks."""


class RenderError(LettersError):
    """A letter could not be rendered faithfully: missing glyph, blocked or failed fetch, fonts missing."""


class OutputError(LettersError):
    """An output file cannot be written (disk full, no permission): names the file. It stops a
    batch rather than failing every letter after it one by one."""


class SetupError(LettersError):
    """The machine lacks something `letters` needs (fonts, libharfbuzz-subset, poppler)."""


class LayoutError(RenderError):
    """Text cannot be laid out as the output demands (a 内容証明 grid line): names the page and line."""
