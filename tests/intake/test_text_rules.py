"""Input read as written: repeated JSON keys, exponents, foreign digits, uncached formulas, hidden
characters and over-long fields are refused by row and column; variation sequences are kept."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import Workbook

from letters.intake.limits import InputLimits
from letters.intake.parse import parse_amount, parse_date
from letters.intake.validate import load_accounts, validate_file
from tests.conftest import EN_ROW, JA_ROW, CsvWriter


def problems(path: Path, limits: InputLimits | None = None) -> list[str]:
    return [str(p).replace(str(path), "F") for p in validate_file(str(path), limits=limits).problems]


def json_text(row: dict[str, str], **raw: str) -> str:
    """An object with the row's fields and some fields written raw (numbers, repeated keys)."""
    fields = [f"{json.dumps(k)}: {json.dumps(v, ensure_ascii=False)}" for k, v in row.items() if k not in raw]
    fields += [f"{json.dumps(k.rstrip('_'))}: {v}" for k, v in raw.items()]
    return "{" + ", ".join(fields) + "}"


def test_duplicate_json_key_is_refused_naming_key_item_and_values(tmp_path: Path) -> None:
    path = tmp_path / "dup.json"
    good = json_text(EN_ROW)
    # Written raw: "principal" twice; json.loads alone would keep 8000000 without a word.
    twice = json_text(EN_ROW | {"account_id": "EN-0002"}, principal="8000", principal_="8000000")
    path.write_text(f"[{good}, {twice}]", encoding="utf-8")
    assert problems(path) == [
        "F, item 2, column principal: key 'principal' is given 2 times in this object (8000, 8000000); "
        "letters does not choose one"
    ]


def test_duplicate_key_in_json_lines_and_in_a_nested_object(tmp_path: Path) -> None:
    path = tmp_path / "dup.jsonl"
    nested = json_text(EN_ROW, notes='{"a": 1, "a": 2}')
    path.write_text(json_text(EN_ROW, currency_='"USD"') + "\n" + nested + "\n", encoding="utf-8")
    found = problems(path)
    assert found[0] == (
        "F, line 1, column currency: key 'currency' is given 2 times in this object "
        '("USD", "USD"); letters does not choose one'
    )
    assert found[1].startswith(
        "F, line 2, column notes: key 'notes.a' is given 2 times in this object (1, 2)"
    )


def test_json_numbers_in_exponent_form_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "exp.json"
    path.write_text("[" + json_text(EN_ROW, principal="1e3", interest="2.5E+1") + "]", encoding="utf-8")
    assert problems(path) == [
        "F, item 1, column principal: exponent notation is not allowed for amounts (value: '1e3')",
        "F, item 1, column interest: exponent notation is not allowed for amounts (value: '2.5E+1')",
    ]
    # Plain JSON numbers are still exact decimals.
    path.write_text("[" + json_text(EN_ROW, principal="1000.10") + "]", encoding="utf-8")
    assert load_accounts(str(path)).accounts[0].principal == Decimal("1000.10")


def test_exponent_decimal_is_refused_by_the_amount_parser() -> None:
    with pytest.raises(ValueError, match=r"^exponent notation is not allowed for amounts$"):
        parse_amount(Decimal("1E+3"), "JPY")


@pytest.mark.parametrize(
    ("text", "char"),
    [
        ("١٢٠٠", "١ (U+0661 ARABIC-INDIC DIGIT ONE)"),
        ("१२००", "१ (U+0967 DEVANAGARI DIGIT ONE)"),
        ("12,٣٤٥", "٣ (U+0663 ARABIC-INDIC DIGIT THREE)"),
    ],
)
def test_digits_other_than_ascii_and_full_width_are_refused_in_amounts(text: str, char: str) -> None:
    with pytest.raises(ValueError) as info:
        parse_amount(text, "JPY")
    assert str(info.value) == f"contains {char}: write digits as 0-9 (full-width ０-９ are accepted too)"


def test_full_width_digits_are_still_folded() -> None:
    assert parse_amount("１２，３４５", "JPY") == Decimal(12345)
    assert parse_date("２０２６年１１月２２日").isoformat() == "2026-11-22"


@pytest.mark.parametrize("text", ["٢٠٢٦-١١-٢٢", "२०२६/११/२२", "令和७年११月२२日"])
def test_digits_other_than_ascii_are_refused_in_dates(text: str) -> None:
    with pytest.raises(ValueError, match=r"^contains .* \(U\+0[69]\w\w (ARABIC-INDIC|DEVANAGARI) DIGIT"):
        parse_date(text)


def test_csv_row_with_foreign_digits_names_row_and_column(write_csv: CsvWriter) -> None:
    path = write_csv([JA_ROW | {"principal": "١٢٠٠٠٠"}])
    assert problems(path) == [
        "F, row 2, column principal: contains ١ (U+0661 ARABIC-INDIC DIGIT ONE): write digits as 0-9 "
        "(full-width ０-９ are accepted too) (value: '١٢٠٠٠٠')"
    ]


def test_formula_without_a_cached_value_is_named_not_called_empty(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(list(EN_ROW))
    # openpyxl, like many scripts, writes formulas without their results.
    sheet.append([("=1000+250" if key == "principal" else value) for key, value in EN_ROW.items()])
    sheet.append([("=A2" if key == "account_id" else value) for key, value in EN_ROW.items()])
    path = tmp_path / "formulas.xlsx"
    book.save(path)
    assert problems(path) == [
        "F, row 2, column principal: formula without a cached value (=1000+250): open and save the file in Excel",
        "F, row 3, column account_id: formula without a cached value (=A2): open and save the file in Excel",
    ]


@pytest.mark.parametrize(
    ("char", "what"),
    [
        ("\u202e", "U+202E RIGHT-TO-LEFT OVERRIDE, a bidi control that can reorder the printed text"),
        ("\u2066", "U+2066 LEFT-TO-RIGHT ISOLATE, a bidi control that can reorder the printed text"),
        ("\u200f", "U+200F RIGHT-TO-LEFT MARK, a bidi control that can reorder the printed text"),
        ("\u200b", "U+200B ZERO WIDTH SPACE, an invisible character"),
        ("\u200d", "U+200D ZERO WIDTH JOINER, an invisible character"),
        ("\u2060", "U+2060 WORD JOINER, an invisible character"),
        ("\ufeff", "U+FEFF ZERO WIDTH NO-BREAK SPACE, an invisible character"),
        ("\u2028", "U+2028 LINE SEPARATOR, which breaks the line"),
        ("\u2029", "U+2029 PARAGRAPH SEPARATOR, which breaks the line"),
    ],
)
def test_hidden_characters_are_refused_naming_row_and_column(
    write_csv: CsvWriter, char: str, what: str
) -> None:
    name = f"Jane{char}Doe"
    path = write_csv([EN_ROW, EN_ROW | {"account_id": "EN-0002", "address_line1": f"350 Fifth{char} Avenue"}])
    found = problems(path)
    assert len(found) == 1
    assert found[0].startswith(f"F, row 3, column address_line1: contains {what}")
    assert f"(value: {f'350 Fifth{char} Avenue'!r})" in found[0]
    path = write_csv([EN_ROW | {"debtor_name": name}])
    assert problems(path)[0].startswith(f"F, row 2, column debtor_name: contains {what}")


def test_ideographic_variation_sequences_are_kept(write_csv: CsvWriter) -> None:
    name = "葛\U000e0100飾 太郎"  # 葛 with its 葛󠄀 glyph chosen by VS17
    path = write_csv([JA_ROW | {"debtor_name": name, "address_line1": "葛\U000e0100飾区1-1"}])
    account = load_accounts(str(path)).accounts[0]
    assert account.debtor_name == name
    assert account.address.line1 == "葛\U000e0100飾区1-1"


def test_over_long_field_is_refused_and_not_shown_whole(write_csv: CsvWriter) -> None:
    long_name = "山" * 1_001
    path = write_csv([JA_ROW | {"debtor_name": long_name}])
    assert problems(path) == [
        "F, row 2, column debtor_name: 1,001 characters, more than the 1,000 a field may hold "
        f"(set LETTERS_MAX_FIELD_CHARS to raise the limit) (value: {'山' * 40 + '…'!r})"
    ]
    assert problems(path, InputLimits(field_chars=1_001)) == []
    short = write_csv([JA_ROW | {"address_line1": "西新宿2丁目8番1号"}])
    assert (
        "F, row 2, column address_line1: 10 characters, more than the 5 a field may hold "
        "(set LETTERS_MAX_FIELD_CHARS to raise the limit) (value: '西新宿2丁目8番1号')"
    ) in problems(short, InputLimits(field_chars=5))


def test_over_long_postal_code_gives_one_problem_not_two(write_csv: CsvWriter) -> None:
    path = write_csv([JA_ROW | {"postal_code": "1" * 2_000}])
    found = problems(path)
    assert len(found) == 1
    assert found[0].startswith("F, row 2, column postal_code: 2,000 characters, more than the 1,000")
