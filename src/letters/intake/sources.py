"""Read an accounts file (CSV, XLSX, JSON, JSON Lines, or stdin) into raw rows with their locations."""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import json
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, BinaryIO, Literal

from letters.errors import InputError
from letters.intake.limits import (
    InputLimits,
    check_dimension,
    check_file_size,
    check_json_depth,
    check_workbook,
    too_many_cells,
)

Format = Literal["csv", "xlsx", "json", "jsonl"]
FORMATS: tuple[Format, ...] = ("csv", "xlsx", "json", "jsonl")

# Names people type for the encodings Excel writes, mapped to the codec we decode with.  shift_jis
# and gbk are mapped to their supersets on purpose: Excel's "Shift-JIS" is really cp932 (it has ①,
# ㈱, 髙), and GBK files are valid GB18030.  Decoding stays strict either way.
_ENCODING_ALIASES = {
    "utf8": "utf-8-sig",
    "utf-8": "utf-8-sig",
    "utf-8-sig": "utf-8-sig",
    "utf_8_sig": "utf-8-sig",
    "cp932": "cp932",
    "ms932": "cp932",
    "windows-31j": "cp932",
    "shift_jis": "cp932",
    "shift-jis": "cp932",
    "sjis": "cp932",
    "gb18030": "gb18030",
    "gbk": "gb18030",
    "gb2312": "gb18030",
    "cp936": "gb18030",
}


@dataclass(frozen=True)
class RawRow:
    """One record as read: its 1-based position as the user sees it, and its cells."""

    number: int
    cells: dict[str, Any]
    stray_cells: int = 0  # non-empty cells beyond the header's last column (CSV only)
    # Cells the reader could not take as written, as (column, reason): a JSON key given twice, an
    # XLSX formula with no stored result.  validate reports them; their cells are not read further.
    read_problems: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class RawTable:
    """Everything read from one input file, before any field is interpreted."""

    name: str  # the file name used in messages ("-" becomes "<stdin>")
    format: Format
    encoding: str | None  # None for XLSX and for JSON (always UTF-8)
    sha256: str  # of the exact input bytes: the archive records what letters were made from
    columns: tuple[str, ...]
    rows: Sequence[RawRow]  # a CSV's are read again from its bytes each time (CsvRows)
    row_label: str  # "row", "item" or "line"


def canonical_encoding(name: str) -> str:
    """The codec used for an --encoding value; unknown names are refused, not guessed."""
    key = name.strip().lower().replace(" ", "")
    if key in _ENCODING_ALIASES:
        return _ENCODING_ALIASES[key]
    try:
        codec = codecs.lookup(key)
    except LookupError:
        raise InputError(
            f"unknown encoding {name!r}: use utf-8, cp932 (Japanese Excel) or gb18030 (Chinese Excel)"
        ) from None
    if not getattr(codec, "_is_text_encoding", True):
        # rot13, base64, zlib …: codecs Python knows, but not ways of writing text as bytes.
        raise InputError(
            f"{name!r} is not a text encoding: use utf-8, cp932 (Japanese Excel) or gb18030 (Chinese Excel)"
        )
    return codec.name


def read_table(
    path: str,
    *,
    encoding: str | None = None,
    fmt: Format | None = None,
    limits: InputLimits | None = None,
) -> RawTable:
    """Read a file (or ``-`` for stdin) into raw rows; the format comes from the extension or content.

    ``limits`` defaults to ``InputLimits.from_env()``: the documented defaults and LETTERS_MAX_… variables.
    """
    name = "<stdin>" if path == "-" else path
    codec = None if encoding is None else canonical_encoding(encoding)
    limits = limits or InputLimits.from_env()
    data = _read_bytes(path, name, limits)
    chosen = fmt or _detect_format(path, data, name)
    digest = hashlib.sha256(data).hexdigest()
    if chosen == "xlsx":
        columns, rows = _read_xlsx(data, name, limits)
        return RawTable(name, "xlsx", None, digest, columns, rows, "row")
    if chosen in ("json", "jsonl"):
        # RFC 8259: JSON exchanged between systems is UTF-8; a BOM is tolerated.
        text = _decode(data, name, codec or "utf-8-sig")
        if chosen == "json":
            columns, rows = _read_json(text, name, limits)
            return RawTable(name, "json", "utf-8", digest, columns, rows, "item")
        columns, rows = _read_jsonl(text, name, limits)
        return RawTable(name, "jsonl", "utf-8", digest, columns, rows, "line")
    codec = codec or "utf-8-sig"
    _decode(data, name, codec, guessed=encoding is None)  # refused here, named, if it does not decode
    csv_rows = CsvRows(data, codec, name)
    label = codec
    if codec == "utf-8-sig":
        label = "utf-8 with BOM" if data.startswith(codecs.BOM_UTF8) else "utf-8"
    return RawTable(name, "csv", label, digest, csv_rows.columns, csv_rows, "row")


def _read_bounded(handle: BinaryIO, most: int) -> bytes:
    """Up to ``most`` bytes, a MiB at a time: ``read(most)`` reserves the whole limit (200 MB by
    default) before reading a byte, which a machine that does not overcommit memory refuses."""
    data = bytearray()
    while len(data) < most:
        block = handle.read(min(1 << 20, most - len(data)))
        if not block:
            break
        data += block
    return bytes(data)


def _read_bytes(path: str, name: str, limits: InputLimits) -> bytes:
    if path == "-":
        # One byte more than allowed is enough to know stdin is too long, without holding all of it.
        data = _read_bounded(sys.stdin.buffer, limits.file_bytes + 1)
        check_file_size(len(data), name, limits)
        return data
    try:
        size = Path(path).stat().st_size
        check_file_size(size, name, limits)
        # Bounded again while reading: a pipe or device reports size 0 but can stream forever, and
        # a file may grow after its size was read.
        with Path(path).open("rb") as handle:
            data = handle.read(size + 1)
            if len(data) > size:
                data += _read_bounded(handle, limits.file_bytes + 1 - len(data))
        check_file_size(len(data), name, limits)
        return data
    except FileNotFoundError:
        raise InputError(f"{name}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{name}: is a directory, not an accounts file") from None
    except PermissionError:
        raise InputError(f"{name}: permission denied") from None


def _detect_format(path: str, data: bytes, name: str) -> Format:
    suffix = Path(path).suffix.lower() if path != "-" else ""
    by_suffix: dict[str, Format] = {
        ".csv": "csv",
        ".txt": "csv",
        ".xlsx": "xlsx",
        ".json": "json",
        ".jsonl": "jsonl",
        ".ndjson": "jsonl",
    }
    if suffix in by_suffix:
        return by_suffix[suffix]
    if suffix in (".xls", ".xlsm", ".ods"):
        raise InputError(f"{name}: {suffix} files are not supported; save the sheet as .xlsx or CSV")
    if suffix:
        raise InputError(f"{name}: unknown file type {suffix!r}; pass --format csv|xlsx|json|jsonl")
    # stdin or no extension: decide from the first bytes, which are unambiguous for these formats.
    head = data.lstrip(codecs.BOM_UTF8).lstrip()
    if data.startswith(b"PK\x03\x04"):
        return "xlsx"
    if head.startswith(b"["):
        return "json"
    if head.startswith(b"{"):
        return "jsonl"
    return "csv"


def _decode(data: bytes, name: str, codec: str, *, guessed: bool = False) -> str:
    try:
        return data.decode(codec, errors="strict")
    except UnicodeDecodeError as exc:
        # utf-8-sig decodes what follows the BOM, so its offsets start 3 bytes into the file.
        skipped = len(codecs.BOM_UTF8) if codec == "utf-8-sig" and data.startswith(codecs.BOM_UTF8) else 0
        offset = exc.start + skipped
        line = data.count(b"\n", 0, offset) + 1
        bad = data[offset : offset + 2].hex(" ")
        if guessed:
            raise InputError(
                f"{name}: not UTF-8 (byte {bad} at offset {offset}, line {line}); letters does not "
                "guess encodings. Pass --encoding cp932 for a Japanese Excel CSV or --encoding "
                "gb18030 for a Chinese one."
            ) from None
        raise InputError(
            f"{name}: cannot be read as {codec} (byte {bad} at offset {offset}, line {line}); "
            "check --encoding"
        ) from None


def _clean_header(raw: Iterator[Any] | list[Any], name: str) -> tuple[str, ...]:
    columns = tuple("" if cell is None else str(cell).strip().lstrip("\ufeff") for cell in raw)
    seen: set[str] = set()
    for column in columns:
        if column and column in seen:
            raise InputError(f"{name}: column {column!r} appears twice in the header row")
        seen.add(column)
    return columns


class CsvRows(Sequence[RawRow]):
    """A CSV file's rows, parsed again from its bytes each time they are gone through.

    Held as RawRow objects, a file's rows cost ~2 KB each (60 MB for 30,000 accounts) while only
    one is looked at at a time: the bytes (~0.3 KB a row) are kept instead, and the batch keeps
    neither once its accounts are read (issue #22). Broken CSV is refused when the file is read.
    """

    def __init__(self, data: bytes, codec: str, name: str) -> None:
        self._data, self._codec, self._name = data, codec, name
        self.columns: tuple[str, ...] = ()
        self._count = sum(1 for _ in self._parse())  # also reads the header and finds broken CSV now

    def _parse(self) -> Iterator[RawRow]:
        text = io.TextIOWrapper(io.BytesIO(self._data), encoding=self._codec, newline="")
        reader = csv.reader(text, strict=True)
        try:
            header = next(reader, None)
            if header is None:
                raise InputError(f"{self._name}: empty file, expected a header row")
            columns = self.columns = _clean_header(header, self._name)
            # Excel numbers records, not physical lines: a quoted cell with a line break is one row.
            for number, record in enumerate(reader, start=2):
                if not any(cell.strip() for cell in record):
                    continue
                stray = sum(1 for cell in record[len(columns) :] if cell.strip())
                cells = {col: (record[i] if i < len(record) else "") for i, col in enumerate(columns) if col}
                yield RawRow(number, cells, stray)
        except csv.Error as exc:
            raise InputError(f"{self._name}: broken CSV near line {reader.line_num}: {exc}") from None

    def __iter__(self) -> Iterator[RawRow]:
        return self._parse()

    def __len__(self) -> int:
        return self._count

    def __getitem__(self, index: int) -> RawRow:  # type: ignore[override] # no slices: not needed
        if index < 0:
            index += self._count
        for number, row in enumerate(self._parse()):
            if number == index:
                return row
        raise IndexError("row index out of range")


def _read_xlsx(data: bytes, name: str, limits: InputLimits) -> tuple[tuple[str, ...], tuple[RawRow, ...]]:
    import zipfile

    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            scan = check_workbook(archive, name, limits)
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        # With data_only a formula whose result was never stored reads as an empty cell.  Files
        # saved by Excel always store results; ones written by scripts often do not.  Where the sheet
        # has formulas at all, the formulas are read alongside to tell the two apart.
        formulas = load_workbook(io.BytesIO(data), read_only=True) if scan.has_formulas else None
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, EOFError) as exc:
        raise InputError(f"{name}: not a readable .xlsx workbook ({exc})") from None
    try:
        sheet = book.worksheets[0]
        check_dimension(sheet.max_row, sheet.max_column, name, limits)
        # A stale or forged <dimension> would make openpyxl stop reading at its last row and drop
        # the rows after it silently; without it every row in the sheet is read.
        sheet.reset_dimensions()
        values = sheet.iter_rows(values_only=True)
        written: Iterator[tuple[Any, ...]] = iter(())
        if formulas is not None:
            formulas.worksheets[0].reset_dimensions()
            written = formulas.worksheets[0].iter_rows(values_only=True)
        header = next(values, None)
        next(written, None)
        if header is None:
            raise InputError(f"{name}: the first sheet is empty, expected a header row")
        columns = _clean_header(list(header), name)
        cells_read = len(header)
        rows: list[RawRow] = []
        for number, record in enumerate(values, start=2):
            # Rows missing from the XML come back as empty rows: counted too, so a sheet with one
            # cell at row 1,048,576 stops here instead of looping through a million blank rows.
            cells_read += max(len(record), 1)
            if cells_read > limits.cells:
                raise too_many_cells(name, limits)
            formula_row = next(written, ())
            uncached = tuple(
                (col, f"formula without a cached value ({formula_row[i]}): open and save the file in Excel")
                for i, col in enumerate(columns)
                if col
                and i < len(formula_row)
                and formula_row[i] is not None
                and (i >= len(record) or record[i] is None)
            )
            if not uncached and all(
                cell is None or (isinstance(cell, str) and not cell.strip()) for cell in record
            ):
                continue
            cells = {
                col: ("" if i >= len(record) or record[i] is None else record[i])
                for i, col in enumerate(columns)
                if col
            }
            rows.append(RawRow(number, cells, read_problems=uncached))
    except (zipfile.BadZipFile, ValueError, EOFError) as exc:
        raise InputError(f"{name}: not a readable .xlsx workbook ({exc})") from None
    finally:
        book.close()
        if formulas is not None:
            formulas.close()
    return columns, tuple(rows)


class _JsonObject(dict[str, Any]):
    """A JSON object that remembers the keys it was given more than once, with every value.

    json.loads keeps the last value of a repeated key without a word: a principal of 8000 followed
    by 8000000 became 8000000.  The first is kept here only so the row can be reported, never used.
    """

    duplicates: dict[str, list[Any]]


def _json_object(pairs: list[tuple[str, Any]]) -> _JsonObject:
    obj = _JsonObject()
    obj.duplicates = {}
    for key, value in pairs:
        if key in obj:
            obj.duplicates.setdefault(key, [obj[key]]).append(value)
        else:
            obj[key] = value
        if isinstance(value, _JsonObject):
            for inner, values in value.duplicates.items():
                obj.duplicates[f"{key}.{inner}"] = values
    return obj


def _json_number(token: str) -> Decimal | str:
    # Decimal, not float: 0.1 in a JSON file stays exactly 0.1.  A number in exponent form (1e3)
    # is kept as the text it was written as, so amounts and dates refuse it like the same text in
    # a CSV, rather than it quietly becoming 1000.
    if "e" in token or "E" in token:
        return token
    return Decimal(token)


def _json_loads(text: str) -> Any:
    try:
        return json.loads(
            text, parse_float=_json_number, parse_constant=_refuse_constant, object_pairs_hook=_json_object
        )
    except RecursionError:
        # check_json_depth runs first; this only guards a limit raised past what Python's stack takes.
        raise ValueError("nested too deeply") from None


def _refuse_constant(token: str) -> Any:
    raise ValueError(f"{token} is not valid JSON")


def _collect(
    records: list[tuple[int, Any]], name: str, label: str
) -> tuple[tuple[str, ...], tuple[RawRow, ...]]:
    columns: dict[str, None] = {}
    rows: list[RawRow] = []
    for number, record in records:
        if not isinstance(record, dict):
            raise InputError(f"{name}, {label} {number}: expected an object with account fields")
        for key in record:
            columns.setdefault(str(key), None)
        duplicates = getattr(record, "duplicates", {})
        read_problems = tuple(
            (
                key.split(".", 1)[0],
                f"key {key!r} is given {len(values)} times in this object "
                f"({', '.join(_show_json(v) for v in values)}); letters does not choose one",
            )
            for key, values in duplicates.items()
        )
        cells = {str(k): ("" if v is None else v) for k, v in record.items()}
        rows.append(RawRow(number, cells, read_problems=read_problems))
    return tuple(columns), tuple(rows)


def _show_json(value: Any) -> str:
    if isinstance(value, (Decimal, int)):
        return str(value)
    return json.dumps(value, ensure_ascii=False, default=str)[:40]


def _read_json(text: str, name: str, limits: InputLimits) -> tuple[tuple[str, ...], tuple[RawRow, ...]]:
    check_json_depth(text, name, limits)
    try:
        document = _json_loads(text)
    except ValueError as exc:
        raise InputError(f"{name}: not valid JSON ({exc})") from None
    if not isinstance(document, list):
        raise InputError(f"{name}: expected a JSON array of account objects")
    return _collect(list(enumerate(document, start=1)), name, "item")


def _read_jsonl(text: str, name: str, limits: InputLimits) -> tuple[tuple[str, ...], tuple[RawRow, ...]]:
    records: list[tuple[int, Any]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        check_json_depth(line, f"{name}, line {number}", limits)
        try:
            records.append((number, _json_loads(line)))
        except ValueError as exc:
            raise InputError(f"{name}, line {number}: not valid JSON ({exc})") from None
    return _collect(records, name, "line")
