"""Turn amounts and dates into the text a ja, zh or en letter prints: money, dates, RMB capitals."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from functools import cache

from babel import Locale, UnknownLocaleError
from babel.dates import format_date as babel_format_date
from babel.numbers import format_currency

from letters.intake.eras import format_era
from letters.intake.parse import known_currency, minor_digits

LANGUAGES: tuple[str, ...] = ("ja", "zh", "en")
DEFAULT_REGION: dict[str, str] = {"ja": "JP", "zh": "CN", "en": "US"}
MONEY_STYLES: tuple[str, ...] = ("symbol", "yen")

_REGION = re.compile(r"[A-Za-z]{2}")
_FULLWIDTH_YEN = "\uffe5"  # ￥, the sign CLDR ja uses for JPY
_YEN = "\u00a5"  # ¥, the ordinary half-width sign letters print


@cache  # Locale.parse normalises the name against CLDR's list on every call: ~0.3 ms each, per figure
def _locale(lang: str, region: str | None) -> Locale:
    """The Babel locale for one of our languages and an optional two-letter region (default per language)."""
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; expected one of {', '.join(LANGUAGES)}")
    if region is None:
        region = DEFAULT_REGION[lang]
    if not _REGION.fullmatch(region):
        raise ValueError(f"region must be a two-letter country code such as US or GB, got {region!r}")
    try:
        return Locale.parse(f"{lang}_{region.upper()}")
    except UnknownLocaleError as exc:
        raise ValueError(f"no {lang} locale for region {region!r}") from exc


def _check_amount(amount: Decimal, places: int, what: str) -> None:
    """Refuse anything that is not a finite, non-negative Decimal with at most `places` decimals."""
    if not isinstance(amount, Decimal):
        raise ValueError(f"expected a Decimal amount, got {type(amount).__name__}")
    if not amount.is_finite():
        raise ValueError("not a finite amount")
    if amount < 0:
        raise ValueError("amounts may not be negative")
    exponent = int(amount.as_tuple().exponent)
    if -exponent > places:
        raise ValueError(
            f"{amount} has more decimal places than {what} ({places}); amounts are never rounded"
        )


def format_money(
    amount: Decimal, currency: str, lang: str, *, region: str | None = None, style: str = "symbol"
) -> str:
    """An amount as a letter prints it, from CLDR (Babel), never rounded.

    The amount is refused (ValueError) if it is negative, not finite, or written with more decimal
    places than the currency's minor unit — even trailing zeros ("1409.500" CNY, "100.0" JPY), as
    `parse_amount` does; fewer places are padded (CNY 1409.5 → ¥1,409.50).

    - ja: "¥123,456" (CLDR's full-width ￥ is normalised to the half-width ¥ everywhere);
      style "yen" gives "123,456円" and is only for JPY in ja.
    - zh: "¥1,409.50" for CNY.
    - en: "$1,409.50", "£1,409.50", "¥123,456" for JPY with the default region US
      (region GB follows CLDR: "JP¥123,456", "US$1.00").
    - Any other currency / language pair is Babel's output for the locale (e.g. zh USD "US$1,409.50").

    `region` is a two-letter country code (default JP, CN, US for ja, zh, en).
    """
    if style not in MONEY_STYLES:
        raise ValueError(f"unknown money style {style!r}; expected one of {', '.join(MONEY_STYLES)}")
    if not known_currency(currency):
        raise ValueError(f"unknown currency code {currency!r}")
    locale = _locale(lang, region)
    places = minor_digits(currency)
    _check_amount(amount, places, currency)
    if style == "yen":
        if lang != "ja" or currency != "JPY":
            raise ValueError("style 'yen' (123,456円) is only for JPY in Japanese letters")
        return f"{int(amount):,}円"  # exact: JPY has no minor unit, so the check left an integer
    # currency_digits pads to the minor unit; decimal_quantization=False stops Babel rounding
    # (the check above already guarantees there is nothing to round).
    text = format_currency(amount, currency, locale=locale, currency_digits=True, decimal_quantization=False)
    return text.replace(_FULLWIDTH_YEN, _YEN)


def format_date(day: date, lang: str, *, era: bool = False, region: str | None = None) -> str:
    """A date as a letter prints it.

    ja "2026年11月22日" (no zero padding), or with era=True "令和8年11月22日" (first year 元年);
    zh "2026年11月22日"; en "November 22, 2026" (region US, the default) or "22 November 2026"
    (region GB).  Japanese era dates are only for ja (ValueError otherwise, and before Meiji).
    """
    locale = _locale(lang, region)
    if era:
        if lang != "ja":
            raise ValueError("era dates (和暦) are only for Japanese letters")
        return format_era(day)
    if lang in ("ja", "zh"):
        # Written out rather than taken from CLDR's "long" pattern, which is the same today
        # but is not the letter's rule: Gregorian year, month and day, no zero padding.
        return f"{day.year}年{day.month}月{day.day}日"
    return babel_format_date(day, "long", locale=locale)


_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_SMALL_UNITS = ("", "拾", "佰", "仟")  # within a four-digit section: units, tens, hundreds, thousands
_WAN = 10**4
_YI = 10**8
CAPITAL_LIMIT = Decimal("9999999999999999.99")  # 9999万亿 …: the largest amount chinese_capital writes


def _section(number: int) -> str:
    """1–9999 in capitals: one 零 for each run of zeros between digits, nothing for trailing zeros."""
    text = ""
    pending_zero = False
    for position in range(3, -1, -1):
        digit = number // 10**position % 10
        if digit == 0:
            pending_zero = text != ""  # only a zero after a written digit can need a 零
            continue
        if pending_zero:
            text += "零"
            pending_zero = False
        text += _DIGITS[digit] + _SMALL_UNITS[position]  # 10 → 壹拾, never a bare 拾
    return text


def _integer(number: int) -> str:
    """1 … 9999_9999_9999_9999 in capitals, sections joined by 万 and 亿."""
    if number >= _YI:
        high, low = divmod(number, _YI)
        text = _integer(high) + "亿"
        if low:
            # 1_0010_0000 → 壹亿零壹拾万: a 零 when the 千万 digit of what follows is 0.
            text += ("零" if low < _YI // 10 else "") + _integer(low)
        return text
    if number >= _WAN:
        high, low = divmod(number, _WAN)
        text = _section(high) + "万"
        if low:
            # 100010 → 壹拾万零壹拾 but 107000 → 壹拾万柒仟: a 零 only when the 千 digit is 0.
            text += ("零" if low < _WAN // 10 else "") + _section(low)
        return text
    return _section(number)


def chinese_capital(amount: Decimal) -> str:
    """The uppercase RMB amount for a zh letter, without "人民币" (templates write it right before).

    Follows the People's Bank of China 《支付结算办法》 附件一 "正确填写票据和结算凭证的基本规定":
    a run of zeros between digits is written as one 零; 整 follows 元 when there are no 角 or 分
    (0 → 零元整); 分 is never followed by 整; when 角 is 0 and 分 is not, 元 is followed by 零
    (16409.02 → 壹万陆仟肆佰零玖元零贰分); tens are always written with their digit (10 → 壹拾元整,
    100010 → 壹拾万零壹拾元整); below 1 yuan only 角 and 分 are written (0.05 → 伍分).

    Where the rules allow two forms, this function always writes one of them:

    - No 整 after 角 (0.50 → 伍角, 1409.50 → 壹仟肆佰零玖元伍角, the rules' own example).
    - When the 元 digit is 0 and 角 is not, 元 is followed by 零 (1680.32 → 壹仟陆佰捌拾元零叁角贰分),
      the same 零 rule 4 requires when 角 is 0 — so every gap between 元 and the first non-zero
      fraction digit is marked.
    - A zero 万 digit before a non-zero 千 digit gets no 零, as the number is read aloud
      (107000.53 → 壹拾万柒仟元零伍角叁分); zeros that reach below the 千 digit do
      (100010 → 壹拾万零壹拾元整, 1_0010_0000 → 壹亿零壹拾万元整).
    - Amounts of 1万亿 and more are written with 万亿 (2_0000_0000_0000 → 贰万亿元整), up to
      CAPITAL_LIMIT (9999_9999_9999_9999.99); anything larger is refused.

    ValueError for negative or non-finite amounts, more than two decimal places (even "1.500") and
    amounts above CAPITAL_LIMIT.
    """
    _check_amount(amount, 2, "CNY")
    if amount > CAPITAL_LIMIT:
        raise ValueError(f"{amount} is more than the largest amount written in capitals ({CAPITAL_LIMIT})")
    cents = int(amount * 100)  # exact: at most two decimal places
    yuan, fraction = divmod(cents, 100)
    jiao, fen = divmod(fraction, 10)
    if cents == 0:
        return "零元整"
    text = _integer(yuan) + "元" if yuan else ""
    if fraction == 0:
        return text + "整"
    if yuan and (yuan % 10 == 0 or jiao == 0):
        text += "零"
    if jiao:
        text += _DIGITS[jiao] + "角"
    if fen:
        text += _DIGITS[fen] + "分"
    return text
