"""Bounded input: hostile workbooks and JSON are refused from what they declare, before they expand."""

from __future__ import annotations

import struct
import zipfile
from pathlib import Path

import openpyxl
import pytest
from openpyxl import Workbook

from letters.errors import InputError
from letters.intake.limits import InputLimits
from letters.intake.sources import read_table
from letters.intake.validate import load_accounts
from tests.conftest import JA_ROW, CsvWriter

SHEET = "xl/worksheets/sheet1.xml"
SHEET_OPEN = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
)


def small_workbook(path: Path, rows: list[list[object]] | None = None) -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows or [["account_id", "debtor_name"], ["A-1", "山田 太郎"]]:
        sheet.append(row)
    book.save(path)
    return path


CONTENT_TYPES = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    b'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    b'<Default Extension="xml" ContentType="application/xml"/>'
    b'<Override PartName="/xl/workbook.xml" '
    b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    b'<Override PartName="/xl/worksheets/sheet1.xml" '
    b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    b'<Override PartName="/xl/sharedStrings.xml" '
    b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
    b"</Types>"
)
RELS = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    b'officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
WORKBOOK = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    b'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    b'<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    b'worksheet" Target="worksheets/sheet1.xml"/>'
    b'<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    b'sharedStrings" Target="sharedStrings.xml"/></Relationships>'
)


def shared_strings_workbook(path: Path, strings: list[str]) -> Path:
    """A workbook written by hand, as Excel does: every text cell points into xl/sharedStrings.xml."""
    shared_open = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    )
    sst = shared_open + b"".join(f"<si><t>{s}</t></si>".encode() for s in strings) + b"</sst>"
    rows = b"".join(
        f'<row r="{i + 1}"><c r="A{i + 1}" t="s"><v>{i}</v></c></row>'.encode() for i in range(len(strings))
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", RELS)
        archive.writestr("xl/workbook.xml", WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        archive.writestr(SHEET, sheet_xml(rows))
        archive.writestr("xl/sharedStrings.xml", sst)
    return path


def replace_parts(path: Path, parts: dict[str, bytes]) -> Path:
    """Rewrite a workbook with some parts replaced (or added), keeping the rest byte for byte."""
    with zipfile.ZipFile(path) as source:
        kept = {info.filename: source.read(info) for info in source.infolist()}
    kept.update(parts)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for filename, data in kept.items():
            target.writestr(filename, data)
    return path


def sheet_xml(body: bytes, dimension: str | None = None) -> bytes:
    dim = b"" if dimension is None else f'<dimension ref="{dimension}"/>'.encode()
    return SHEET_OPEN + dim + b"<sheetData>" + body + b"</sheetData></worksheet>"


def inline_row(number: int, *values: str) -> bytes:
    cells = b"".join(
        f'<c r="{chr(65 + i)}{number}" t="inlineStr"><is><t>{v}</t></is></c>'.encode()
        for i, v in enumerate(values)
    )
    return f'<row r="{number}">'.encode() + cells + b"</row>"


def refusal(path: Path, limits: InputLimits | None = None) -> str:
    with pytest.raises(InputError) as info:
        read_table(str(path), limits=limits)
    message = str(info.value)
    assert "\n" not in message  # one line, never a traceback
    assert message.startswith(str(path))
    return message


def test_zip_bomb_is_refused_from_its_compression_ratio(tmp_path: Path) -> None:
    # 4 MiB of one repeated cell packs into a few kilobytes: the shape of the 879 KB → 3 GB file.
    row = b'<row r="2">' + b'<c r="A2" t="inlineStr"><is><t>x</t></is></c>' * 100_000 + b"</row>"
    path = replace_parts(small_workbook(tmp_path / "bomb.xlsx"), {SHEET: sheet_xml(row)})
    message = refusal(path)
    assert f"workbook part {SHEET} is compressed" in message
    assert "(more than 200:1), the shape of a zip bomb" in message
    assert "LETTERS_MAX_XLSX_RATIO" in message


def test_declared_unpacked_size_is_checked_before_anything_is_unpacked(tmp_path: Path) -> None:
    path = small_workbook(tmp_path / "forged.xlsx")
    # Forge the central directory: the sheet claims 3 GB.  Nothing is decompressed to find out.
    data = bytearray(path.read_bytes())
    entry = data.find(b"PK\x01\x02")  # central directory entries
    while entry != -1:
        name_length = struct.unpack_from("<H", data, entry + 28)[0]
        if data[entry + 46 : entry + 46 + name_length] == SHEET.encode():
            struct.pack_into("<I", data, entry + 24, 3_000_000_000)
        entry = data.find(b"PK\x01\x02", entry + 4)
    path.write_bytes(bytes(data))
    message = refusal(path)
    assert "the workbook unpacks to 3,000,0" in message
    assert "more than the 268,435,456 letters reads (set LETTERS_MAX_XLSX_BYTES" in message


def test_cells_are_counted_in_the_sheet_before_openpyxl_builds_a_row(tmp_path: Path) -> None:
    body = inline_row(1, "account_id", "debtor_name") + inline_row(2, *["v"] * 20)
    path = replace_parts(small_workbook(tmp_path / "wide.xlsx"), {SHEET: sheet_xml(body)})
    message = refusal(path, InputLimits(cells=10))
    assert message == (
        f"{path}: sheet {SHEET} has more than 10 cells (set LETTERS_MAX_CELLS to raise the limit)"
    )
    assert len(read_table(str(path), limits=InputLimits(cells=22)).rows) == 1


def test_a_row_longer_than_excel_allows_is_refused_before_openpyxl_builds_it(tmp_path: Path) -> None:
    # openpyxl holds a whole <row> in memory; the count limit alone would allow millions in one row.
    row = b'<row r="2">' + b'<c t="inlineStr"><is><t>ab</t></is></c>' * 16_385 + b"</row>"
    body = inline_row(1, "account_id") + row
    path = replace_parts(small_workbook(tmp_path / "long-row.xlsx"), {SHEET: sheet_xml(body)})
    assert refusal(path, InputLimits(xlsx_ratio=100_000)) == (
        f"{path}: sheet {SHEET} has a row of more than 16,384 cells, which Excel cannot write"
    )


def test_declared_dimension_over_the_cell_limit_is_refused(tmp_path: Path) -> None:
    body = inline_row(1, "account_id") + inline_row(2, "A-1")
    path = replace_parts(
        small_workbook(tmp_path / "dim.xlsx"), {SHEET: sheet_xml(body, dimension="A1:XFD1048576")}
    )
    message = refusal(path)
    assert (
        "the first sheet declares 1,048,576 rows × 16,384 columns, more than the 5,000,000 cells" in message
    )


def test_blank_rows_up_to_the_last_excel_row_are_counted(tmp_path: Path) -> None:
    body = inline_row(1, "account_id") + inline_row(2, "A-1") + inline_row(1_048_576, "A-2")
    path = replace_parts(small_workbook(tmp_path / "tall.xlsx"), {SHEET: sheet_xml(body)})
    message = refusal(path, InputLimits(cells=50_000))
    assert message.endswith(
        "the first sheet has more than 50,000 cells (set LETTERS_MAX_CELLS to raise the limit)"
    )


def test_a_stale_dimension_does_not_drop_rows(tmp_path: Path) -> None:
    # Some writers leave <dimension> from an older save: openpyxl would stop at its last row.
    body = inline_row(1, "account_id") + inline_row(2, "A-1") + inline_row(3, "A-2") + inline_row(4, "A-3")
    path = replace_parts(small_workbook(tmp_path / "stale.xlsx"), {SHEET: sheet_xml(body, dimension="A1:A2")})
    table = read_table(str(path))
    assert [row.cells["account_id"] for row in table.rows] == ["A-1", "A-2", "A-3"]


def test_shared_strings_are_counted_and_sized(tmp_path: Path) -> None:
    path = shared_strings_workbook(tmp_path / "strings.xlsx", ["account_id"] + [f"A-{i}" for i in range(30)])
    assert refusal(path, InputLimits(shared_strings=20)) == (
        f"{path}: the workbook has more than 20 shared strings "
        "(set LETTERS_MAX_SHARED_STRINGS to raise the limit)"
    )
    assert "the workbook's shared strings unpack to " in refusal(path, InputLimits(shared_strings_bytes=100))
    assert len(read_table(str(path), limits=InputLimits(shared_strings=31)).rows) == 30


@pytest.mark.parametrize("part", [SHEET, "xl/sharedStrings.xml", "xl/workbook.xml"])
def test_xml_with_a_dtd_or_entities_is_refused(tmp_path: Path, part: str) -> None:
    path = shared_strings_workbook(tmp_path / "dtd.xlsx", ["account_id", "A-1"])
    with zipfile.ZipFile(path) as archive:
        original = archive.read(part)
    declaration = b'<!DOCTYPE lol [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]>'
    hostile = original.replace(b"?>", b"?>" + declaration, 1)
    assert hostile.startswith(b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><!DOCTYPE lol [')
    replace_parts(path, {part: hostile})
    assert refusal(path) == (
        f"{path}: workbook part {part} declares a DTD or entities (<!DOCTYPE / <!ENTITY), "
        "which Excel never writes; refused"
    )


def test_openpyxl_parses_sheets_with_defusedxml() -> None:
    # A second wall behind the pre-scan: openpyxl switches to defusedxml when it is installed.
    assert openpyxl.DEFUSEDXML is True


def test_deep_json_is_one_line_not_a_recursion_error(tmp_path: Path) -> None:
    path = tmp_path / "deep.json"
    path.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    message = refusal(path)
    assert message == (
        f"{path}: JSON nested more than 20 levels deep (line 1); account data needs 2 "
        "(set LETTERS_MAX_JSON_DEPTH to raise the limit)"
    )


def test_deep_json_lines_name_the_line(tmp_path: Path) -> None:
    path = tmp_path / "deep.jsonl"
    nested = '{"a": ' * 50_000 + "1" + "}" * 50_000
    path.write_text('{"account_id": "A-1"}\n' + nested + "\n", encoding="utf-8")
    assert refusal(path).startswith(f"{path}, line 2: JSON nested more than 20 levels deep")


def test_brackets_inside_strings_do_not_count(tmp_path: Path) -> None:
    path = tmp_path / "strings.json"
    path.write_text(
        '[{"account_id": "[[[[[[[[[[[[[[[[[[[[[[[[[[\\"{{{{{{{{{{{{{{{{{{{{{{{"}]', encoding="utf-8"
    )
    assert read_table(str(path)).rows[0].cells["account_id"].startswith("[[[")


def test_file_size_limit(write_csv: CsvWriter) -> None:
    path = write_csv([JA_ROW])
    size = path.stat().st_size
    assert refusal(path, InputLimits(file_bytes=size - 1)) == (
        f"{path}: {size:,} bytes is more than the {size - 1:,} bytes letters reads "
        "(set LETTERS_MAX_FILE_BYTES to raise the limit)"
    )
    assert len(read_table(str(path), limits=InputLimits(file_bytes=size)).rows) == 1


def test_a_stream_longer_than_the_limit_is_refused_after_the_limit(tmp_path: Path) -> None:
    # /dev/zero says it is 0 bytes long and never ends: read a MiB at a time up to the limit.
    limit = 3 * 1024 * 1024 + 5
    message = refusal(Path("/dev/zero"), InputLimits(file_bytes=limit))
    assert f"more than the {limit:,} bytes letters reads" in message


def test_reading_a_small_file_does_not_reserve_the_whole_limit(write_csv: CsvWriter) -> None:
    import tracemalloc

    path = write_csv([JA_ROW])
    tracemalloc.start()
    try:
        read_table(str(path))  # the default limit: 200 MB
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # read(limit + 1) took 200 MB before reading a byte (refused where memory is not overcommitted).
    assert peak < 5_000_000


def test_limits_come_from_the_environment(write_csv: CsvWriter, monkeypatch: pytest.MonkeyPatch) -> None:
    assert InputLimits.from_env({"LETTERS_MAX_CELLS": "1_000", "LETTERS_MAX_FIELD_CHARS": " 50 "}) == (
        InputLimits(cells=1000, field_chars=50)
    )
    with pytest.raises(InputError, match=r"^LETTERS_MAX_JSON_DEPTH='deep': expected a whole number"):
        InputLimits.from_env({"LETTERS_MAX_JSON_DEPTH": "deep"})
    with pytest.raises(InputError, match=r"^LETTERS_MAX_CELLS='0': expected a whole number of at least 1$"):
        InputLimits.from_env({"LETTERS_MAX_CELLS": "0"})
    path = write_csv([JA_ROW])
    monkeypatch.setenv("LETTERS_MAX_FILE_BYTES", "10")
    with pytest.raises(InputError, match="more than the 10 bytes letters reads"):
        load_accounts(str(path))
