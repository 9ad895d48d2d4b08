"""Field and business rules: each rule's exact message, row and column, and all problems at once."""

from __future__ import annotations

from pathlib import Path

import pytest

from letters.errors import ValidationError
from letters.intake.validate import load_accounts, validate_file
from tests.conftest import EN_ROW, JA_ROW, ZH_ROW, CsvWriter


def problems_for(write_csv: CsvWriter, *rows: dict[str, str]) -> list[str]:
    path = write_csv(list(rows))
    return [str(p).replace(str(path), "F") for p in validate_file(str(path)).problems]


@pytest.mark.parametrize(
    ("base", "change", "expected"),
    [
        (JA_ROW, {"debtor_name": ""}, "F, row 2, column debtor_name: required field is empty"),
        (
            JA_ROW,
            {"debtor_type": "robot"},
            "F, row 2, column debtor_type: must be person or organisation (value: 'robot')",
        ),
        (JA_ROW, {"gender": "x"}, "F, row 2, column gender: must be f, m or empty (value: 'x')"),
        (
            JA_ROW,
            {"language": "ko"},
            "F, row 2, column language: must be ja / zh / en (value: 'ko')",
        ),
        (
            JA_ROW,
            {"currency": "YEN"},
            "F, row 2, column currency: not an ISO 4217 currency code (JPY, CNY, USD …) (value: 'YEN')",
        ),
        (
            JA_ROW,
            {"country": "Japan"},
            "F, row 2, column country: must be an ISO 3166 two-letter country code (JP, CN, US, GB …) (value: 'JAPAN')",
        ),
        (
            JA_ROW,
            {"postal_code": "16000"},
            "F, row 2, column postal_code: not a JP postal code: expected 7 digits, e.g. 100-0005 (value: '16000')",
        ),
        (
            ZH_ROW,
            {"postal_code": "20012"},
            "F, row 2, column postal_code: not a CN postal code: expected 6 digits, e.g. 200120 (value: '20012')",
        ),
        (
            EN_ROW,
            {"postal_code": "1001"},
            "F, row 2, column postal_code: not a US postal code: expected a ZIP code, e.g. 10001 or 10001-2345 (value: '1001')",
        ),
        (
            EN_ROW,
            {"region": "ZZ"},
            "F, row 2, column region: not a US state or territory code (CA, NY, TX …) (value: 'ZZ')",
        ),
        (ZH_ROW, {"region": ""}, "F, row 2, column region: required for CN addresses (the province)"),
        (
            JA_ROW,
            {"principal": "12,34"},
            "F, row 2, column principal: not an amount: use digits with an optional decimal point and comma thousands groups, e.g. 12,345.67 (value: '12,34')",
        ),
        (
            JA_ROW,
            {"fees": "1200.5"},
            "F, row 2, column fees: more decimal places than JPY has (0); amounts are never rounded (value: '1200.5')",
        ),
        (
            EN_ROW,
            {"interest": "10.005"},
            "F, row 2, column interest: more decimal places than USD has (2); amounts are never rounded (value: '10.005')",
        ),
        (
            JA_ROW,
            {"due_date": "2026-02-30"},
            "F, row 2, column due_date: no such date: day is out of range for month (value: '2026-02-30')",
        ),
        (
            JA_ROW,
            {"contract_date": "平成31年5月1日"},
            "F, row 2, column contract_date: 平成 ended on the day before 2019-05-01; 2019-05-01 is in 令和 (value: '平成31年5月1日')",
        ),
        (
            JA_ROW,
            {"period_end": "2026-07-31"},
            "F, row 2, column period_end: billing period ends before it starts (2026-08-01) (value: '2026-07-31')",
        ),
        (
            JA_ROW,
            {"contract_date": "2026-10-01"},
            "F, row 2, column contract_date: contract date is after the due date (2026-09-30) (value: '2026-10-01')",
        ),
        (
            JA_ROW,
            {"payments": "121,500"},
            "F, row 2, column payments: nothing is owed: payments and credits cover principal, interest and fees (value: '121500')",
        ),
        (
            JA_ROW,
            {"email": "taro.example.jp"},
            "F, row 2, column email: not an email address (value: 'taro.example.jp')",
        ),
        (
            JA_ROW,
            {"debtor_name": "山田\x07太郎"},
            "F, row 2, column debtor_name: contains control character U+0007; remove it (line breaks too: use address_line2) (value: '山田\\x07太郎')",
        ),
        (
            JA_ROW,
            {"address_line1": "西新宿\ufffd"},
            "F, row 2, column address_line1: contains U+FFFD, the mark of text that was already garbled before it reached letters (value: '西新宿\ufffd')",
        ),
    ],
)
def test_each_rule_names_row_column_value_and_reason(
    write_csv: CsvWriter, base: dict[str, str], change: dict[str, str], expected: str
) -> None:
    assert problems_for(write_csv, base | change) == [expected]


def test_every_problem_is_reported_in_one_run(write_csv: CsvWriter) -> None:
    rows = [
        JA_ROW,
        JA_ROW | {"account_id": "JA-2", "currency": "YEN", "due_date": "tomorrow"},
        EN_ROW | {"region": ""},
        JA_ROW,  # duplicate of row 2's id
    ]
    assert problems_for(write_csv, *rows) == [
        "F, row 3, column currency: not an ISO 4217 currency code (JPY, CNY, USD …) (value: 'YEN')",
        "F, row 3, column due_date: not a date: use 2026-11-22, 2026/11/22, 2026年11月22日 or 令和8年11月22日 (value: 'tomorrow')",
        "F, row 4, column region: required for US addresses (the state)",
        "F, row 5, column account_id: duplicate account id; first used in row 2 (value: 'JA-0001')",
    ]


def test_missing_column_is_reported_once_at_the_header(write_csv: CsvWriter) -> None:
    row = {k: v for k, v in JA_ROW.items() if k != "due_date"}
    assert problems_for(write_csv, row, row | {"account_id": "JA-2"}) == [
        "F, row 1, column due_date: required column is missing from the header"
    ]


def test_stray_cells_beyond_the_header(tmp_path: Path) -> None:
    from tests.conftest import csv_text

    text = csv_text([JA_ROW]).rstrip("\r\n") + ",oops\r\n"
    path = tmp_path / "a.csv"
    path.write_text(text, encoding="utf-8")
    assert [str(p) for p in validate_file(str(path)).problems] == [
        f"{path}, row 2: 1 filled cell(s) to the right of the last header column"
    ]


def test_load_accounts_raises_with_every_problem(write_csv: CsvWriter) -> None:
    path = write_csv([JA_ROW | {"currency": ""}, JA_ROW | {"account_id": "B", "language": "fr"}])
    with pytest.raises(ValidationError) as info:
        load_accounts(str(path))
    assert len(info.value.problems) == 2
    assert str(info.value).splitlines()[0] == "2 problems in the input:"


def test_organisation_and_synonyms(write_csv: CsvWriter) -> None:
    path = write_csv([JA_ROW | {"debtor_type": "法人", "language": "ja-JP", "postal_code": "1600023"}])
    account = load_accounts(str(path)).accounts[0]
    assert account.debtor_type == "organisation"
    assert account.language == "ja"
    assert account.address.postal_code == "160-0023"
    assert account.jurisdiction == "JP"


def test_duplicate_id_is_caught_even_on_a_row_with_other_problems(write_csv: CsvWriter) -> None:
    rows = [JA_ROW | {"currency": "YEN"}, JA_ROW | {"fees": "-1"}]
    assert problems_for(write_csv, *rows) == [
        "F, row 2, column currency: not an ISO 4217 currency code (JPY, CNY, USD …) (value: 'YEN')",
        "F, row 3, column fees: amounts may not be negative (enter payments and credits as positive numbers) (value: '-1')",
        "F, row 3, column account_id: duplicate account id; first used in row 2 (value: 'JA-0001')",
    ]


def test_every_address_cell_is_checked_not_just_the_first(write_csv: CsvWriter) -> None:
    row = EN_ROW | {"postal_code": "1001", "region": "ZZ", "city": ""}
    assert problems_for(write_csv, row) == [
        "F, row 2, column postal_code: not a US postal code: expected a ZIP code, e.g. 10001 or 10001-2345 (value: '1001')",
        "F, row 2, column region: not a US state or territory code (CA, NY, TX …) (value: 'ZZ')",
        "F, row 2, column city: required field is empty",
    ]


def test_zero_balance_blames_the_principal(write_csv: CsvWriter) -> None:
    row = JA_ROW | {"principal": "0", "interest": "0", "payments": "0"}
    assert problems_for(write_csv, row) == [
        "F, row 2, column principal: nothing is owed: principal, interest and fees are all zero (value: '0')"
    ]


def test_full_width_at_sign_in_email_is_folded(write_csv: CsvWriter) -> None:
    path = write_csv([JA_ROW | {"email": "t.yamada＠example.com"}])
    assert load_accounts(str(path)).accounts[0].email == "t.yamada@example.com"


def test_samples_bad_rows_report_each_planted_error() -> None:
    from tests.conftest import SAMPLES

    expected = []
    for line in (SAMPLES / "accounts_bad.expected.txt").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            row, column, _ = line.split("\t", 2)
            expected.append((int(row), column or None))
    report = validate_file(str(SAMPLES / "accounts_bad.csv"))
    assert [(p.row, p.column) for p in report.problems] == expected
    assert len(report.accounts) == 1  # row 2 is the one valid row


@pytest.mark.parametrize(
    ("name", "encoding", "rows"),
    [
        ("accounts_ja.csv", None, 24),
        ("accounts_zh.csv", None, 24),
        ("accounts_en.csv", None, 24),
        ("accounts_mixed.json", None, 12),
        ("accounts_mixed.jsonl", None, 12),
        ("accounts.xlsx", None, 15),
        ("accounts_ja_cp932.csv", "cp932", 10),
        ("accounts_zh_gb18030.csv", "gb18030", 10),
    ],
)
def test_every_good_sample_validates(name: str, encoding: str | None, rows: int) -> None:
    from tests.conftest import SAMPLES

    report = validate_file(str(SAMPLES / name), encoding=encoding)
    assert report.problems == ()
    assert len(report.accounts) == rows


def test_tracking_number_checked_at_load_naming_expected_digit(write_csv: CsvWriter) -> None:
    rows = [
        JA_ROW | {"tracking_number": "RB 123 456 785 GB"},
        JA_ROW | {"account_id": "JA-2", "tracking_number": "RB123456784GB"},
    ]
    path = write_csv(rows)
    report = validate_file(str(path))
    assert [str(p).replace(str(path), "F") for p in report.problems] == [
        "F, row 3, column tracking_number: RB123456784GB: check digit is 4, expected 5 (value: 'RB123456784GB')"
    ]
    assert report.accounts[0].tracking_number == "RB123456785GB"
