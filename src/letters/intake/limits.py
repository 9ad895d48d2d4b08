"""How much input letters accepts, and the checks that refuse more before it is expanded in memory.

A few hundred kilobytes of zip or JSON can stand for gigabytes once unpacked, so every check here
looks at what a file *declares* (zip directory sizes) or scans it cheaply (brackets, markup) before
openpyxl or json builds anything.  Defaults live in ``InputLimits``; each one can be changed with
an environment variable (``LETTERS_MAX_…``) or by passing an ``InputLimits`` to ``read_table``.
"""

from __future__ import annotations

import os
import re
import zipfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, fields, replace

from letters.errors import InputError

_MIB = 1024 * 1024


@dataclass(frozen=True)
class InputLimits:
    """Every input limit in one place; docs/accounts.md ("Limits") lists them with these defaults."""

    file_bytes: int = 200 * _MIB  # the input file itself, as stored
    xlsx_bytes: int = 256 * _MIB  # all parts of a workbook, unpacked, as its zip directory declares
    xlsx_ratio: int = 200  # unpacked / packed size of one workbook part (only parts over 1 MiB)
    shared_strings_bytes: int = 64 * _MIB  # xl/sharedStrings.xml unpacked: openpyxl loads it whole
    shared_strings: int = 1_000_000  # distinct strings in the workbook
    cells: int = 5_000_000  # cells in the first sheet (rows × columns, as declared or as read)
    field_chars: int = 1_000  # characters in one cell: a name, an address line, any field
    json_depth: int = 20  # nesting of arrays and objects; an accounts file needs 2

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> InputLimits:
        """The defaults, with each ``LETTERS_MAX_<FIELD>`` environment variable that is set applied."""
        env = os.environ if environ is None else environ
        limits = cls()
        for field in fields(cls):
            variable = env_variable(field.name)
            text = env.get(variable)
            if text is None or not text.strip():
                continue
            try:
                value = int(text.strip().replace("_", ""))
            except ValueError:
                value = 0
            if value < 1:
                raise InputError(f"{variable}={text!r}: expected a whole number of at least 1")
            limits = replace(limits, **{field.name: value})
        return limits


def env_variable(field_name: str) -> str:
    """The environment variable that overrides one limit: cells → LETTERS_MAX_CELLS."""
    return f"LETTERS_MAX_{field_name.upper()}"


def check_file_size(size: int, name: str, limits: InputLimits) -> None:
    if size > limits.file_bytes:
        raise InputError(
            f"{name}: {size:,} bytes is more than the {limits.file_bytes:,} bytes letters reads "
            f"(set {env_variable('file_bytes')} to raise the limit)"
        )


# Markup that declares a DTD or entities.  Office never writes it; in a workbook it can only be an
# attempt at entity expansion ("billion laughs") or at reading local files (external entities).
_DTD = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)
_SHARED_STRING = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?si[\s>/]")
_FORMULA = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?f[\s>/]")
_ROW_OR_CELL = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(row|c)[\s>/]")
_EXCEL_COLUMNS = 16_384  # XFD: Excel cannot make a row longer, so a longer one is not a real sheet
_CHUNK = 1 << 20
_OVERLAP = 64  # longer than any pattern above, so a match split across two chunks is still seen


@dataclass(frozen=True)
class WorkbookScan:
    """What the pre-scan learnt: whether any sheet holds formulas (cached values must then be checked)."""

    has_formulas: bool


def check_workbook(archive: zipfile.ZipFile, name: str, limits: InputLimits) -> WorkbookScan:
    """Refuse a workbook that unpacks too large or holds DTDs, before openpyxl parses any of it.

    Python's zipfile never returns more bytes than a member's declared size (it stops there and then
    fails the CRC check), so the declared sizes bound what is unpacked, even in a forged archive.
    """
    members = archive.infolist()
    total = sum(info.file_size for info in members)
    if total > limits.xlsx_bytes:
        raise InputError(
            f"{name}: the workbook unpacks to {total:,} bytes, more than the {limits.xlsx_bytes:,} "
            f"letters reads (set {env_variable('xlsx_bytes')} to raise the limit)"
        )
    for info in members:
        if info.file_size > _MIB and info.file_size > limits.xlsx_ratio * max(info.compress_size, 1):
            ratio = info.file_size // max(info.compress_size, 1)
            raise InputError(
                f"{name}: workbook part {info.filename} is compressed {ratio:,}:1 (more than "
                f"{limits.xlsx_ratio}:1), the shape of a zip bomb, not of account data "
                f"(set {env_variable('xlsx_ratio')} to raise the limit)"
            )
        if info.filename.lower().endswith("sharedstrings.xml") and (
            info.file_size > limits.shared_strings_bytes
        ):
            raise InputError(
                f"{name}: the workbook's shared strings unpack to {info.file_size:,} bytes, more "
                f"than {limits.shared_strings_bytes:,} (set {env_variable('shared_strings_bytes')} "
                "to raise the limit)"
            )
    has_formulas = False
    for info in members:
        lower = info.filename.lower()
        if info.is_dir() or not lower.endswith((".xml", ".rels", ".vml")):
            continue
        strings = cells = row_cells = 0
        counting = lower.endswith("sharedstrings.xml")
        sheet = lower.startswith("xl/worksheets/")
        for chunk, fresh in _chunks(archive, info):
            if _DTD.search(chunk):
                raise InputError(
                    f"{name}: workbook part {info.filename} declares a DTD or entities "
                    "(<!DOCTYPE / <!ENTITY), which Excel never writes; refused"
                )
            if counting:
                # Only matches that end in the new bytes, so the overlap is not counted twice.
                strings += sum(1 for m in _SHARED_STRING.finditer(chunk) if m.end() > len(chunk) - fresh)
                if strings > limits.shared_strings:
                    raise InputError(
                        f"{name}: the workbook has more than {limits.shared_strings:,} shared strings "
                        f"(set {env_variable('shared_strings')} to raise the limit)"
                    )
            if sheet:
                # openpyxl builds a whole <row> in memory before yielding it, so cells are counted
                # here, in the bytes, not only in the rows it returns.
                for match in _ROW_OR_CELL.finditer(chunk):
                    if match.end() <= len(chunk) - fresh:
                        continue  # in the overlap: counted with the previous chunk
                    if match.group(1) == b"row":
                        row_cells = 0
                        continue
                    cells += 1
                    row_cells += 1
                    if row_cells > _EXCEL_COLUMNS:
                        raise InputError(
                            f"{name}: sheet {info.filename} has a row of more than {_EXCEL_COLUMNS:,} "
                            "cells, which Excel cannot write"
                        )
                if cells > limits.cells:
                    raise InputError(
                        f"{name}: sheet {info.filename} has more than {limits.cells:,} cells "
                        f"(set {env_variable('cells')} to raise the limit)"
                    )
                has_formulas = has_formulas or _FORMULA.search(chunk) is not None
    return WorkbookScan(has_formulas)


def _chunks(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> Iterator[tuple[bytes, int]]:
    """A member's bytes in 1 MiB pieces, each prefixed with the tail of the one before, and the
    number of new bytes in it."""
    tail = b""
    with archive.open(info) as stream:
        while piece := stream.read(_CHUNK):
            chunk = tail + piece
            yield chunk, len(piece)
            tail = chunk[-_OVERLAP:]


def check_dimension(max_row: int | None, max_column: int | None, name: str, limits: InputLimits) -> None:
    """Refuse a sheet whose declared size (its <dimension>) already exceeds the cell limit."""
    if max_row is None or max_column is None:
        return  # no dimension written: the cells are counted while they are read instead
    if max_row * max_column > limits.cells:
        raise InputError(
            f"{name}: the first sheet declares {max_row:,} rows × {max_column:,} columns, more than "
            f"the {limits.cells:,} cells letters reads (set {env_variable('cells')} to raise the limit)"
        )


def too_many_cells(name: str, limits: InputLimits) -> InputError:
    return InputError(
        f"{name}: the first sheet has more than {limits.cells:,} cells "
        f"(set {env_variable('cells')} to raise the limit)"
    )


# Strings and brackets only: the regex engine skips string contents in C, so even a large file is
# scanned quickly and without recursion (json.loads would raise RecursionError on deep nesting).
_JSON_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]', re.DOTALL)


def check_json_depth(text: str, where: str, limits: InputLimits) -> None:
    """Refuse JSON nested deeper than the limit, naming the line, before json.loads sees it."""
    depth = 0
    for match in _JSON_TOKENS.finditer(text):
        token = match.group()
        if token in ("[", "{"):
            depth += 1
            if depth > limits.json_depth:
                line = text.count("\n", 0, match.start()) + 1
                raise InputError(
                    f"{where}: JSON nested more than {limits.json_depth} levels deep (line {line}); "
                    f"account data needs 2 (set {env_variable('json_depth')} to raise the limit)"
                )
        elif token in ("]", "}"):
            depth -= 1
