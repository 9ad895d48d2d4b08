"""Turn cell text into typed values: money as Decimal, dates as date; refuse anything ambiguous."""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from babel.numbers import get_currency_precision, list_currencies

from letters.intake.eras import from_era

# Plain digits, or comma-grouped digits with every group exactly three long.  A dot is always the
# decimal point: ja, zh and en all write 12,345.67, so "1.234,56" or "1 234" are refused, not guessed.
# re.ASCII: \d is 0-9 only.  Without it Arabic-Indic ١٢٣ or Devanagari १२३ would match and Decimal()
# and int() would quietly read them as 123; they are refused by _foreign_digits with a clear reason.
_AMOUNT = re.compile(r"^(?P<int>\d+|\d{1,3}(?:,\d{3})+)(?:\.(?P<frac>\d+))?$", re.ASCII)
_ISO_OR_SLASH = re.compile(r"^(?P<y>\d{4})(?P<sep>[-/.])(?P<m>\d{1,2})(?P=sep)(?P<d>\d{1,2})$", re.ASCII)
_KANJI_DATE = re.compile(r"^(?P<y>\d{4})年(?P<m>\d{1,2})月(?P<d>\d{1,2})日$", re.ASCII)
_ERA_DATE = re.compile(
    r"^(?P<era>明治|大正|昭和|平成|令和|[MTSHR])\s*(?P<y>元|\d{1,2})(?:年|[./])"
    r"(?P<m>\d{1,2})(?:月|[./])(?P<d>\d{1,2})日?$",
    re.ASCII,
)


def _foreign_digits(text: str) -> None:
    """Refuse digits other than 0-9 (full-width ones are already folded by NFKC)."""
    for char in text:
        if char.isdigit() and not char.isascii():
            name = unicodedata.name(char, "a digit")
            raise ValueError(
                f"contains {char} (U+{ord(char):04X} {name}): write digits as 0-9 "
                "(full-width ０-９ are accepted too)"
            )


def normalise_text(text: str) -> str:
    """NFKC-fold full-width digits and letters (１２，３４５ → 12,345) and trim the ends."""
    return unicodedata.normalize("NFKC", text).strip()


def known_currency(code: str) -> bool:
    """True for an ISO 4217 code CLDR knows (JPY, CNY, USD, GBP, EUR …)."""
    return code in list_currencies()


def minor_digits(currency: str) -> int:
    """Decimal places a currency is written with (JPY 0, CNY 2, USD 2), from CLDR."""
    return int(get_currency_precision(currency))


def parse_amount(raw: object, currency: str) -> Decimal:
    """An amount of money as an exact Decimal, never rounded.

    Accepts ints, Decimals, exactly representable floats (from XLSX), and text with optional
    full-width digits and comma thousands groups.  Refuses negatives, NaN, Infinity, exponents,
    stray symbols and more decimal places than the currency has.
    """
    if isinstance(raw, bool):
        raise ValueError("expected an amount, got a true/false value")
    if isinstance(raw, int):
        value = Decimal(raw)
    elif isinstance(raw, float) and raw.is_integer():
        value = Decimal(int(raw))  # an XLSX number cell holding a whole amount
    elif isinstance(raw, float):
        # repr() is the shortest text that round-trips; 0.1 + 0.2 shows up as 0.30000000000000004
        # and is then refused below for having too many decimals instead of being rounded.
        value = _parse_amount_text(repr(raw))
    elif isinstance(raw, Decimal):
        if not raw.is_finite():
            raise ValueError("not a finite amount")
        if int(raw.as_tuple().exponent) > 0:
            # Only exponent notation (1E+3) gives a positive exponent; text and JSON readers keep
            # such numbers as text, this guards Decimals built elsewhere (--set, callers).
            raise ValueError("exponent notation is not allowed for amounts")
        value = raw
    elif isinstance(raw, str):
        value = _parse_amount_text(normalise_text(raw))
    else:
        raise ValueError(f"expected an amount, got {type(raw).__name__}")
    if value < 0:
        raise ValueError("amounts may not be negative (enter payments and credits as positive numbers)")
    places = minor_digits(currency)
    exponent = int(value.as_tuple().exponent)  # an int for every finite Decimal
    # Even "12.000" is refused for JPY: in some locales that is twelve thousand, so trailing
    # zeros past the minor unit are ambiguous text, not harmless padding.
    if -exponent > places:
        raise ValueError(f"more decimal places than {currency} has ({places}); amounts are never rounded")
    return value


_RATE = re.compile(r"^\d{1,3}(?:\.\d+)?$", re.ASCII)


def parse_percent(raw: object) -> Decimal:
    """A rate in percent a year (15, 15.0, "15%", "１５．０％") as an exact Decimal, 0-100.

    The same form decide/interest.py reads from ``interest_rate``; checked here so a bad rate is
    reported with its file, row and column instead of failing one letter later.
    """
    if isinstance(raw, bool):
        raise ValueError("expected a rate in percent, got a true/false value")
    if isinstance(raw, (int, float, Decimal)):
        text = repr(raw) if isinstance(raw, float) else str(raw)
    elif isinstance(raw, str):
        text = normalise_text(raw).removesuffix("%").strip()
    else:
        raise ValueError(f"expected a rate in percent, got {type(raw).__name__}")
    _foreign_digits(text)
    if not _RATE.match(text) or Decimal(text) > 100:
        raise ValueError("not a rate in percent a year from 0 to 100 (write 15.0 for 15 %)")
    return Decimal(text)


def _parse_amount_text(text: str) -> Decimal:
    if text == "":
        raise ValueError("empty amount")
    _foreign_digits(text)
    match = _AMOUNT.match(text)
    if match is None:
        if re.search(r"(?i)nan|inf", text):
            raise ValueError("not a finite amount")
        if re.search(r"\d[eE][+-]?\d", text):
            raise ValueError("exponent notation is not allowed for amounts")
        if text.startswith("-") or text.startswith("("):
            raise ValueError("amounts may not be negative (enter payments and credits as positive numbers)")
        raise ValueError(
            "not an amount: use digits with an optional decimal point and comma thousands "
            "groups, e.g. 12,345.67"
        )
    digits = match.group("int").replace(",", "")
    frac = match.group("frac")
    try:
        return Decimal(digits + ("." + frac if frac else ""))
    except InvalidOperation as exc:  # pragma: no cover - the regex admits only valid numbers
        raise ValueError("not an amount") from exc


def parse_date(raw: object) -> date:
    """A calendar date from ISO, 2026/11/22, 2026年11月22日, 令和7年11月22日 or an XLSX date cell."""
    if isinstance(raw, datetime):
        if (raw.hour, raw.minute, raw.second, raw.microsecond) != (0, 0, 0, 0):
            raise ValueError("expected a date, got a date with a time of day")
        return raw.date()
    if isinstance(raw, date):
        return raw
    if not isinstance(raw, str):
        raise ValueError(f"expected a date, got {type(raw).__name__}")
    text = normalise_text(raw)
    if text == "":
        raise ValueError("empty date")
    _foreign_digits(text)
    for pattern in (_ISO_OR_SLASH, _KANJI_DATE):
        match = pattern.match(text)
        if match:
            try:
                return date(int(match["y"]), int(match["m"]), int(match["d"]))
            except ValueError as exc:
                raise ValueError(f"no such date: {exc}") from exc
    match = _ERA_DATE.match(text)
    if match:
        year = 1 if match["era"] and match["y"] == "元" else int(match["y"])
        try:
            return from_era(match["era"], year, int(match["m"]), int(match["d"]))
        except ValueError as exc:
            raise ValueError(str(exc)) from exc
    raise ValueError("not a date: use 2026-11-22, 2026/11/22, 2026年11月22日 or 令和8年11月22日")


# Letters are dated within this range: a date outside it is a typo (9999-12-31), and date arithmetic
# on it (pay-by = letter date + days) would overflow Python's date type.
LETTER_DATES = (date(2000, 1, 1), date(2099, 12, 31))


def check_letter_date(day: date) -> date:
    """The date letters are written on (--as-of), refused outside LETTER_DATES."""
    first, last = LETTER_DATES
    if not first <= day <= last:
        raise ValueError(f"{day.isoformat()} is not a date letters can be written on ({first} to {last})")
    return day
