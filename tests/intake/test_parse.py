"""Money and date parsing: what is accepted exactly, and what is refused with which reason."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest

from letters.intake.parse import parse_amount, parse_date


@pytest.mark.parametrize(
    ("raw", "currency", "expected"),
    [
        ("12345", "JPY", "12345"),
        ("12,345", "JPY", "12345"),
        ("１２，３４５", "JPY", "12345"),  # full-width digits and comma, NFKC-folded
        ("  1,234,567 ", "JPY", "1234567"),
        ("1409.50", "CNY", "1409.50"),
        ("1,409.5", "CNY", "1409.5"),
        ("０.０５", "CNY", "0.05"),
        ("10", "USD", "10"),
        ("0", "USD", "0"),
        (1200, "JPY", "1200"),
        (1000.0, "JPY", "1000"),  # an XLSX number cell with a whole amount
        (12.5, "USD", "12.5"),
        (Decimal("99.99"), "USD", "99.99"),
    ],
)
def test_amounts_accepted(raw: object, currency: str, expected: str) -> None:
    value = parse_amount(raw, currency)
    assert isinstance(value, Decimal)
    assert value == Decimal(expected)
    assert str(value) == expected  # exact digits, not just an equal number


@pytest.mark.parametrize(
    ("raw", "currency", "reason"),
    [
        ("1200.5", "JPY", "more decimal places than JPY has (0); amounts are never rounded"),
        ("12.000", "JPY", "more decimal places than JPY has (0); amounts are never rounded"),
        ("10.005", "USD", "more decimal places than USD has (2); amounts are never rounded"),
        (0.1 + 0.2, "USD", "more decimal places than USD has (2); amounts are never rounded"),
        ("NaN", "USD", "not a finite amount"),
        ("Infinity", "USD", "not a finite amount"),
        (Decimal("NaN"), "USD", "not a finite amount"),
        ("1e5", "JPY", "exponent notation is not allowed for amounts"),
        ("1E+5", "JPY", "exponent notation is not allowed for amounts"),
        (
            "-300",
            "JPY",
            "amounts may not be negative (enter payments and credits as positive numbers)",
        ),
        (
            "(300)",
            "JPY",
            "amounts may not be negative (enter payments and credits as positive numbers)",
        ),
        (
            "12,34",
            "JPY",
            "not an amount: use digits with an optional decimal point and comma thousands groups, e.g. 12,345.67",
        ),
        (
            "1.234,56",
            "USD",
            "not an amount: use digits with an optional decimal point and comma thousands groups, e.g. 12,345.67",
        ),
        (
            "1 234",
            "USD",
            "not an amount: use digits with an optional decimal point and comma thousands groups, e.g. 12,345.67",
        ),
        (
            "¥1,000",
            "JPY",
            "not an amount: use digits with an optional decimal point and comma thousands groups, e.g. 12,345.67",
        ),
        ("", "JPY", "empty amount"),
        (True, "JPY", "expected an amount, got a true/false value"),
    ],
)
def test_amounts_refused(raw: object, currency: str, reason: str) -> None:
    with pytest.raises(ValueError) as info:
        parse_amount(raw, currency)
    assert str(info.value) == reason


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2026-11-22", date(2026, 11, 22)),
        ("2026/11/22", date(2026, 11, 22)),
        ("2026/1/5", date(2026, 1, 5)),
        ("2026年11月22日", date(2026, 11, 22)),
        ("２０２６年１１月２２日", date(2026, 11, 22)),
        ("令和7年11月22日", date(2025, 11, 22)),
        ("令和元年5月1日", date(2019, 5, 1)),
        ("令和1年5月1日", date(2019, 5, 1)),
        ("平成31年4月30日", date(2019, 4, 30)),
        ("平成元年1月8日", date(1989, 1, 8)),
        ("昭和64年1月7日", date(1989, 1, 7)),
        ("R7.11.22", date(2025, 11, 22)),
        (datetime(2026, 3, 1), date(2026, 3, 1)),
        (date(2026, 3, 1), date(2026, 3, 1)),
    ],
)
def test_dates_accepted(raw: object, expected: date) -> None:
    assert parse_date(raw) == expected


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("2026-02-30", "no such date: day is out of range for month"),
        ("平成31年5月1日", "平成 ended on the day before 2019-05-01; 2019-05-01 is in 令和"),
        ("令和元年4月30日", "令和 began on 2019-05-01; 2019-04-30 is before it"),
        ("昭和64年1月8日", "昭和 ended on the day before 1989-01-08; 1989-01-08 is in 平成"),
        ("22/11/2026", "not a date: use 2026-11-22, 2026/11/22, 2026年11月22日 or 令和8年11月22日"),
        ("11/22/2026", "not a date: use 2026-11-22, 2026/11/22, 2026年11月22日 or 令和8年11月22日"),
        (datetime(2026, 3, 1, 9, 30), "expected a date, got a date with a time of day"),
        ("", "empty date"),
    ],
)
def test_dates_refused(raw: object, reason: str) -> None:
    with pytest.raises(ValueError) as info:
        parse_date(raw)
    assert str(info.value) == reason
