"""Loaders: every format and encoding, stdin, and the refusal to guess an encoding."""

from __future__ import annotations

import io
import json
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import Workbook

from letters.errors import InputError
from letters.intake.sources import read_table
from letters.intake.validate import load_accounts
from tests.conftest import EN_ROW, JA_ROW, ZH_ROW, CsvWriter, csv_text


def test_csv_utf8_with_bom(write_csv: CsvWriter) -> None:
    path = write_csv([JA_ROW, EN_ROW], encoding="utf-8-sig")
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    result = load_accounts(str(path))
    assert [a.account_id for a in result.accounts] == ["JA-0001", "EN-0001"]
    ja = result.accounts[0]
    assert ja.debtor_name == "山田 太郎"
    assert ja.principal == Decimal("120000")
    assert ja.total == Decimal("101500")
    assert ja.address.postal_code == "160-0023"
    assert result.encoding == "utf-8 with BOM"


def test_cp932_needs_encoding_and_keeps_cp932_only_characters(write_csv: CsvWriter) -> None:
    row = JA_ROW | {"debtor_name": "㈱髙橋商事①", "debtor_type": "organisation"}
    path = write_csv([row], encoding="cp932")
    with pytest.raises(InputError) as info:
        load_accounts(str(path))
    message = str(info.value)
    assert message.startswith(f"{path}: not UTF-8 (byte ")
    assert "Pass --encoding cp932 for a Japanese Excel CSV or --encoding gb18030" in message
    account = load_accounts(str(path), encoding="cp932").accounts[0]
    assert account.debtor_name == "㈱髙橋商事①"
    # shift_jis is taken as cp932 (Excel's real encoding); strict shift_jis would fail on ①.
    assert load_accounts(str(path), encoding="shift_jis").accounts[0].debtor_name == "㈱髙橋商事①"


def test_gb18030(write_csv: CsvWriter) -> None:
    path = write_csv([ZH_ROW | {"debtor_name": "𠮷祥贸易有限公司"}], encoding="gb18030")
    result = load_accounts(str(path), encoding="gbk")  # gbk is read as its superset gb18030
    assert result.accounts[0].debtor_name == "𠮷祥贸易有限公司"
    assert result.accounts[0].principal == Decimal("1409.50")


def test_wrong_encoding_is_refused_with_the_line(write_csv: CsvWriter) -> None:
    # A Chinese (gb18030) file read as cp932: the first bad byte is in the data row, line 2.
    path = write_csv([ZH_ROW], encoding="gb18030")
    with pytest.raises(InputError) as info:
        load_accounts(str(path), encoding="cp932")
    message = str(info.value)
    assert message.startswith(f"{path}: cannot be read as cp932 (byte ")
    assert message.endswith(", line 2); check --encoding")


def test_unknown_encoding_name() -> None:
    with pytest.raises(InputError) as info:
        read_table("whatever.csv", encoding="klingon")
    assert str(info.value) == (
        "unknown encoding 'klingon': use utf-8, cp932 (Japanese Excel) or gb18030 (Chinese Excel)"
    )


def test_json_array_keeps_decimals_exact(tmp_path: Path) -> None:
    record = dict(EN_ROW)
    path = tmp_path / "accounts.json"
    text = json.dumps([record]).replace('"12.34"', "12.34")  # a JSON number, not a string
    path.write_text(text, encoding="utf-8")
    account = load_accounts(str(path)).accounts[0]
    assert account.interest == Decimal("12.34")
    assert str(account.interest) == "12.34"


def test_json_lines_reports_line_numbers(tmp_path: Path) -> None:
    path = tmp_path / "accounts.jsonl"
    lines = [
        json.dumps(JA_ROW, ensure_ascii=False),
        "",
        json.dumps(JA_ROW | {"account_id": "JA-2", "currency": "XXY"}),
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    table = read_table(str(path))
    assert [row.number for row in table.rows] == [1, 3]
    from letters.intake.validate import validate_file

    report = validate_file(str(path))
    assert [str(p) for p in report.problems] == [
        f"{path}, line 3, column currency: not an ISO 4217 currency code (JPY, CNY, USD …) (value: 'XXY')"
    ]


def test_xlsx_numbers_and_dates(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    columns = list(JA_ROW)
    sheet.append(columns)
    values: list[object] = []
    for column in columns:
        value: object = JA_ROW[column]
        if column in ("principal", "interest", "fees", "payments"):
            value = int(str(value).replace(",", ""))
        elif column.endswith("_date") or column.startswith("period_"):
            value = date.fromisoformat(str(value))
        values.append(value)
    sheet.append(values)
    path = tmp_path / "accounts.xlsx"
    book.save(path)
    account = load_accounts(str(path)).accounts[0]
    assert account.principal == Decimal(120000)
    assert account.due_date == date(2026, 9, 30)
    assert account.address.postal_code == "160-0023"


def test_xlsx_numeric_postal_code_is_refused(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(list(EN_ROW))
    sheet.append([2134 if col == "postal_code" else EN_ROW[col] for col in EN_ROW])
    path = tmp_path / "accounts.xlsx"
    book.save(path)
    from letters.intake.validate import validate_file

    problems = [str(p) for p in validate_file(str(path)).problems]
    assert problems == [
        f"{path}, row 2, column postal_code: stored as a number, so leading zeros may be lost; "
        "format the column as text in Excel (value: '2134')"
    ]


def test_stdin_csv_and_json(monkeypatch: pytest.MonkeyPatch) -> None:
    data = csv_text([EN_ROW]).encode("utf-8")
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    result = load_accounts("-")
    assert result.source == "<stdin>"
    assert result.format == "csv"
    assert result.accounts[0].debtor_name == "Jane Doe"
    payload = json.dumps([ZH_ROW], ensure_ascii=False).encode("utf-8")
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(payload)))
    result = load_accounts("-")
    assert result.format == "json"
    assert result.accounts[0].debtor_name == "张伟"


def test_multiline_cell_counts_as_one_excel_row(write_csv: CsvWriter) -> None:
    rows = [
        JA_ROW | {"attention": "経理部"},
        JA_ROW | {"account_id": "JA-2", "attention": "a\nb"},
        JA_ROW | {"account_id": "JA-3", "currency": "ZZZ"},
    ]
    path = write_csv(rows)
    from letters.intake.validate import validate_file

    problems = validate_file(str(path)).problems
    assert [(p.row, p.column) for p in problems] == [(3, "attention"), (4, "currency")]


def test_missing_file_and_unknown_extension(tmp_path: Path) -> None:
    with pytest.raises(InputError) as info:
        read_table(str(tmp_path / "nope.csv"))
    assert str(info.value) == f"{tmp_path / 'nope.csv'}: no such file"
    odd = tmp_path / "accounts.xls"
    odd.write_bytes(b"\xd0\xcf\x11\xe0")
    with pytest.raises(InputError) as info:
        read_table(str(odd))
    assert str(info.value) == f"{odd}: .xls files are not supported; save the sheet as .xlsx or CSV"


def test_duplicate_header_column(tmp_path: Path) -> None:
    path = tmp_path / "dup.csv"
    path.write_text("account_id,account_id\nA,B\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        read_table(str(path))
    assert str(info.value) == f"{path}: column 'account_id' appears twice in the header row"


def test_extra_columns_are_kept(write_csv: CsvWriter) -> None:
    path = write_csv([EN_ROW | {"branch": "Manhattan", "agent_code": "X-7"}])
    account = load_accounts(str(path)).accounts[0]
    assert dict(account.extra) == {"branch": "Manhattan", "agent_code": "X-7"}


def test_bad_byte_after_a_bom_is_located_in_the_file_not_after_the_bom(tmp_path: Path) -> None:
    # utf-8-sig reports offsets from after the BOM; the message must count the BOM's 3 bytes.
    head = "\ufeffaccount_id,debtor_name\r\nA-1,".encode()
    path = tmp_path / "bom.csv"
    path.write_bytes(head + b"\xff\xfe rest\r\n")
    with pytest.raises(InputError) as info:
        read_table(str(path))
    offset = len(head)
    assert str(info.value).startswith(f"{path}: not UTF-8 (byte ff fe at offset {offset}, line 2); ")
    with pytest.raises(InputError) as explicit:
        read_table(str(path), encoding="utf-8")
    assert str(explicit.value) == (
        f"{path}: cannot be read as utf-8-sig (byte ff fe at offset {offset}, line 2); check --encoding"
    )
