"""Money, dates and RMB capitals as ja, zh and en letters print them."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from letters.compose.locale import CAPITAL_LIMIT, chinese_capital, format_date, format_money

# --- chinese_capital -------------------------------------------------------------------------------

# The examples in 《支付结算办法》 附件一 "正确填写票据和结算凭证的基本规定" (where two forms are
# allowed, the one this module chose; the other is listed in REJECTED_ALTERNATIVES below).
OFFICIAL_EXAMPLES = [
    ("1409.50", "壹仟肆佰零玖元伍角"),
    ("6007.14", "陆仟零柒元壹角肆分"),
    ("1680.32", "壹仟陆佰捌拾元零叁角贰分"),
    ("107000.53", "壹拾万柒仟元零伍角叁分"),
    ("16409.02", "壹万陆仟肆佰零玖元零贰分"),
    ("325.04", "叁佰贰拾伍元零肆分"),
]

EDGE_CASES = [
    # 整 after 元; tens always with their digit
    ("0", "零元整"),
    ("0.00", "零元整"),
    ("1", "壹元整"),
    ("10", "壹拾元整"),
    ("15", "壹拾伍元整"),
    ("110", "壹佰壹拾元整"),
    ("100010", "壹拾万零壹拾元整"),
    ("1000000", "壹佰万元整"),
    ("100000000", "壹亿元整"),
    ("1409.00", "壹仟肆佰零玖元整"),
    # under one yuan: no 零元, no 整 after 角 or 分
    ("0.50", "伍角"),
    ("0.5", "伍角"),
    ("0.05", "伍分"),
    ("0.55", "伍角伍分"),
    ("0.01", "壹分"),
    # the 元 / 角 / 分 zeros
    ("1.5", "壹元伍角"),
    ("1.05", "壹元零伍分"),
    ("10.05", "壹拾元零伍分"),
    ("1000.50", "壹仟元零伍角"),
    ("1680.02", "壹仟陆佰捌拾元零贰分"),
    ("1680.30", "壹仟陆佰捌拾元零叁角"),
    # zeros inside a section: one 零 per run, none at the end
    ("1001", "壹仟零壹元整"),
    ("1010", "壹仟零壹拾元整"),
    ("1100", "壹仟壹佰元整"),
    ("9999", "玖仟玖佰玖拾玖元整"),
    # zeros across the 万 boundary
    ("10000", "壹万元整"),
    ("10001", "壹万零壹元整"),
    ("10100", "壹万零壹佰元整"),
    ("11000", "壹万壹仟元整"),
    ("107000", "壹拾万柒仟元整"),
    ("1000001", "壹佰万零壹元整"),
    ("10010000", "壹仟零壹万元整"),
    # zeros across the 亿 boundary
    ("100000001", "壹亿零壹元整"),
    ("100100000", "壹亿零壹拾万元整"),
    ("110000000", "壹亿壹仟万元整"),
    ("100001000", "壹亿零壹仟元整"),
    ("1000000000", "壹拾亿元整"),
    ("1000100000", "壹拾亿零壹拾万元整"),
    ("123456789.12", "壹亿贰仟叁佰肆拾伍万陆仟柒佰捌拾玖元壹角贰分"),
    ("999999999999.99", "玖仟玖佰玖拾玖亿玖仟玖佰玖拾玖万玖仟玖佰玖拾玖元玖角玖分"),
    # 万亿
    ("2000000000000", "贰万亿元整"),
    ("2000100000000", "贰万零壹亿元整"),
    ("1000000000001", "壹万亿零壹元整"),
    ("9999999999999999.99", "玖仟玖佰玖拾玖万玖仟玖佰玖拾玖亿玖仟玖佰玖拾玖万玖仟玖佰玖拾玖元玖角玖分"),
    # exponent notation is still an exact whole amount
    ("1E+3", "壹仟元整"),
]


@pytest.mark.parametrize(("amount", "expected"), OFFICIAL_EXAMPLES + EDGE_CASES)
def test_chinese_capital(amount: str, expected: str) -> None:
    assert chinese_capital(Decimal(amount)) == expected


# Forms the rules also allow (or that other converters produce) which this module does not write:
# one consistent choice, so the same amount is always printed the same way.
REJECTED_ALTERNATIVES = [
    ("1680.32", "壹仟陆佰捌拾元叁角贰分"),
    ("107000.53", "壹拾万零柒仟元伍角叁分"),
    ("107000.53", "壹拾万柒仟元伍角叁分"),  # cn2an's output: neither of the two official forms
    ("0.50", "伍角整"),
    ("10", "拾元整"),
]


@pytest.mark.parametrize(("amount", "other"), REJECTED_ALTERNATIVES)
def test_chinese_capital_writes_one_form(amount: str, other: str) -> None:
    assert chinese_capital(Decimal(amount)) != other


@pytest.mark.parametrize(("amount", "_"), OFFICIAL_EXAMPLES + EDGE_CASES)
def test_chinese_capital_uses_only_the_capital_characters(amount: str, _: str) -> None:
    text = chinese_capital(Decimal(amount))
    assert set(text) <= set("零壹贰叁肆伍陆柒捌玖拾佰仟万亿元角分整")
    assert not text.startswith("人民币")
    assert "零零" not in text
    assert not text.endswith("分整")


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("1.005", "more decimal places"),
        ("1.500", "more decimal places"),  # trailing zeros too: never silently trimmed
        ("0.001", "more decimal places"),
        ("-1", "negative"),
        ("-0.01", "negative"),
        ("NaN", "finite"),
        ("Infinity", "finite"),
        ("10000000000000000", "largest amount"),
        (str(CAPITAL_LIMIT + Decimal("0.01")), "largest amount"),
    ],
)
def test_chinese_capital_refuses(amount: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        chinese_capital(Decimal(amount))


@pytest.mark.parametrize("amount", [1.5, 15, "15"])
def test_chinese_capital_refuses_non_decimals(amount: object) -> None:
    with pytest.raises(ValueError, match="expected a Decimal"):
        chinese_capital(amount)  # type: ignore[arg-type]


# --- format_money ----------------------------------------------------------------------------------

MONEY = [
    # ja: half-width ¥, or 円
    ("123456", "JPY", "ja", None, "symbol", "¥123,456"),
    ("123456", "JPY", "ja", "JP", "symbol", "¥123,456"),
    ("123456", "JPY", "ja", None, "yen", "123,456円"),
    ("0", "JPY", "ja", None, "yen", "0円"),
    ("1000000", "JPY", "ja", None, "yen", "1,000,000円"),
    ("999", "JPY", "ja", None, "symbol", "¥999"),
    ("1E+3", "JPY", "ja", None, "yen", "1,000円"),
    ("1E+3", "JPY", "ja", None, "symbol", "¥1,000"),
    # zh: CNY with ¥, padded to two places
    ("1409.50", "CNY", "zh", None, "symbol", "¥1,409.50"),
    ("1409.5", "CNY", "zh", None, "symbol", "¥1,409.50"),
    ("1409", "CNY", "zh", None, "symbol", "¥1,409.00"),
    ("0.05", "CNY", "zh", None, "symbol", "¥0.05"),
    ("107000.53", "CNY", "zh", "CN", "symbol", "¥107,000.53"),
    # en
    ("1409.50", "USD", "en", None, "symbol", "$1,409.50"),
    ("1409.5", "USD", "en", "US", "symbol", "$1,409.50"),
    ("1409.5", "GBP", "en", "GB", "symbol", "£1,409.50"),
    ("1409.5", "GBP", "en", None, "symbol", "£1,409.50"),
    ("123456", "JPY", "en", None, "symbol", "¥123,456"),
    ("1234567.89", "USD", "en", None, "symbol", "$1,234,567.89"),
    # other pairs: Babel's (CLDR's) output for the locale
    ("123456", "JPY", "en", "GB", "symbol", "JP¥123,456"),
    ("1", "USD", "en", "GB", "symbol", "US$1.00"),
    ("1409.5", "EUR", "en", None, "symbol", "€1,409.50"),
    ("1409.5", "CNY", "en", None, "symbol", "CN¥1,409.50"),
    ("1409.5", "USD", "zh", None, "symbol", "US$1,409.50"),
    ("123456", "JPY", "zh", None, "symbol", "JP¥123,456"),
    ("1409.5", "USD", "ja", None, "symbol", "$1,409.50"),
]


@pytest.mark.parametrize(("amount", "currency", "lang", "region", "style", "expected"), MONEY)
def test_format_money(
    amount: str, currency: str, lang: str, region: str | None, style: str, expected: str
) -> None:
    assert format_money(Decimal(amount), currency, lang, region=region, style=style) == expected


def test_format_money_never_prints_the_full_width_yen() -> None:
    assert "￥" not in format_money(Decimal(123456), "JPY", "ja")
    assert "￥" not in format_money(Decimal(123456), "JPY", "ja", region="JP")


@pytest.mark.parametrize(
    ("amount", "currency", "lang"),
    [
        ("1409.505", "CNY", "zh"),  # Babel alone would print ¥1,409.50 or ¥1,409.51
        ("1409.999", "USD", "en"),
        ("0.001", "GBP", "en"),
        ("123456.4", "JPY", "ja"),  # would round to ¥123,456
        ("123456.5", "JPY", "en"),
        ("100.0", "JPY", "ja"),  # trailing zeros past the minor unit are refused, as parse_amount does
        ("1409.500", "CNY", "zh"),
    ],
)
def test_format_money_never_rounds(amount: str, currency: str, lang: str) -> None:
    with pytest.raises(ValueError, match="never rounded"):
        format_money(Decimal(amount), currency, lang)


@pytest.mark.parametrize(
    ("amount", "currency", "lang", "kwargs", "message"),
    [
        ("1", "USD", "ja", {"style": "yen"}, "only for JPY"),
        ("1", "JPY", "en", {"style": "yen"}, "only for JPY"),
        ("1", "JPY", "zh", {"style": "yen"}, "only for JPY"),
        ("1", "JPY", "ja", {"style": "words"}, "unknown money style"),
        ("1", "XYZ", "en", {}, "unknown currency"),
        ("1", "usd", "en", {}, "unknown currency"),
        ("1", "USD", "fr", {}, "unknown language"),
        ("1", "USD", "en-US", {}, "unknown language"),
        ("1", "USD", "en", {"region": "XX"}, "no en locale"),
        ("1", "JPY", "ja", {"region": "US"}, "no ja locale"),
        ("1", "USD", "en", {"region": "USA"}, "two-letter"),
        ("1", "USD", "en", {"region": ""}, "two-letter"),
        ("1", "USD", "en", {"region": "US\n"}, "two-letter"),
        ("-1", "USD", "en", {}, "negative"),
        ("NaN", "USD", "en", {}, "finite"),
        ("Infinity", "JPY", "ja", {}, "finite"),
    ],
)
def test_format_money_refuses(
    amount: str, currency: str, lang: str, kwargs: dict[str, str], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        format_money(Decimal(amount), currency, lang, **kwargs)


def test_format_money_refuses_floats() -> None:
    with pytest.raises(ValueError, match="expected a Decimal"):
        format_money(0.1, "USD", "en")  # type: ignore[arg-type]


def test_format_money_accepts_a_lower_case_region() -> None:
    assert format_money(Decimal("1.5"), "GBP", "en", region="gb") == "£1.50"


# --- format_date -----------------------------------------------------------------------------------

DATES = [
    (date(2026, 11, 22), "ja", None, "2026年11月22日"),
    (date(2026, 1, 2), "ja", None, "2026年1月2日"),  # no zero padding
    (date(2026, 11, 22), "zh", None, "2026年11月22日"),
    (date(2026, 1, 2), "zh", "CN", "2026年1月2日"),
    (date(2026, 11, 22), "en", None, "November 22, 2026"),
    (date(2026, 11, 22), "en", "US", "November 22, 2026"),
    (date(2026, 1, 2), "en", "US", "January 2, 2026"),
    (date(2026, 11, 22), "en", "GB", "22 November 2026"),
    (date(2026, 1, 2), "en", "GB", "2 January 2026"),
]


@pytest.mark.parametrize(("day", "lang", "region", "expected"), DATES)
def test_format_date(day: date, lang: str, region: str | None, expected: str) -> None:
    assert format_date(day, lang, region=region) == expected


ERA_DATES = [
    (date(2026, 11, 22), "令和8年11月22日"),
    (date(2019, 4, 30), "平成31年4月30日"),
    (date(2019, 5, 1), "令和元年5月1日"),
    (date(2019, 12, 31), "令和元年12月31日"),
    (date(2020, 1, 1), "令和2年1月1日"),
    (date(1989, 1, 7), "昭和64年1月7日"),
    (date(1989, 1, 8), "平成元年1月8日"),
    (date(1990, 1, 1), "平成2年1月1日"),
]


@pytest.mark.parametrize(("day", "expected"), ERA_DATES)
def test_format_date_era(day: date, expected: str) -> None:
    assert format_date(day, "ja", era=True) == expected


@pytest.mark.parametrize(
    ("lang", "kwargs", "message"),
    [
        ("zh", {"era": True}, "only for Japanese"),
        ("en", {"era": True}, "only for Japanese"),
        ("de", {}, "unknown language"),
        ("en", {"region": "XX"}, "no en locale"),
        ("en", {"region": "U"}, "two-letter"),
    ],
)
def test_format_date_refuses(lang: str, kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        format_date(date(2026, 11, 22), lang, **kwargs)  # type: ignore[arg-type]


def test_format_date_refuses_era_before_meiji() -> None:
    with pytest.raises(ValueError, match="before the Meiji era"):
        format_date(date(1868, 10, 22), "ja", era=True)


# A reader for the capitals, to check that every amount comes back as itself (the tables above
# check the exact wording; this checks that no digit or unit is lost or doubled anywhere).
_VALUE = {c: i for i, c in enumerate("零壹贰叁肆伍陆柒捌玖")}
_UNIT = {"拾": 10, "佰": 100, "仟": 1000}


def _read_capital(text: str) -> Decimal:
    above_yi = below_yi = section = digit = 0
    cents = 0
    for char in text:
        if char in _VALUE:
            digit = _VALUE[char]
        elif char in _UNIT:
            section += digit * _UNIT[char]
            digit = 0
        elif char == "万":
            below_yi += (section + digit) * 10**4
            section = digit = 0
        elif char == "亿":
            above_yi = (above_yi + below_yi + section + digit) * 10**8
            below_yi = section = digit = 0
        elif char == "元":
            cents += (above_yi + below_yi + section + digit) * 100
            digit = 0
        elif char == "角":
            cents += digit * 10
            digit = 0
        elif char == "分":
            cents += digit
            digit = 0
        else:
            assert char == "整", char
    return Decimal(cents) / 100


def test_read_capital_reads_the_tables() -> None:
    for amount, text in OFFICIAL_EXAMPLES + EDGE_CASES:
        assert _read_capital(text) == Decimal(amount)


def test_chinese_capital_round_trips_every_amount_up_to_1000_yuan() -> None:
    for cents in range(100_001):
        amount = Decimal(cents).scaleb(-2)
        assert _read_capital(chinese_capital(amount)) == amount, amount


def test_chinese_capital_round_trips_every_zero_pattern() -> None:
    # every 16-digit integer made of 0s and 7s: each place of zeros inside and across 万 and 亿
    for pattern in range(2**16):
        yuan = int(format(pattern, "016b").replace("1", "7"))
        amount = Decimal(yuan) + Decimal("0.07") * (pattern % 3)
        text = chinese_capital(amount)
        assert _read_capital(text) == amount, amount
        assert "零零" not in text, text
