"""A date and the debtor's country → the next business day there (and which calendar said so).

Each country's calendar comes from a maintained library, whose version is recorded in the batch
manifest because the answer changes with the data (China's holidays and make-up working days are
announced each year by the State Council). A date the library has no data for is an error, never
a guess.

Per calendar key, a business day is, and the library and source:

- JP: not Sat/Sun, not a 国民の祝日 / 振替休日 / 国民の休日, not 12/31–1/3 (jpholiday); 銀行法施行令5条1項
  (bank holidays), 民法142条 (a deadline on such a day moves to the next day).
- CN: a working day, the make-up working days (调休) included (chinese-calendar); the State
  Council's yearly 部分节假日安排的通知, 民法典203条 (a deadline on a holiday moves past it).
- US: not Sat/Sun, not a federal legal public holiday nor its observed day (holidays);
  5 U.S.C. 6103(a), (b).
- GB-ENG / GB-WLS / GB-SCT / GB-NIR: not Sat/Sun, not a bank holiday of that nation (holidays);
  Banking and Financial Dealings Act 1971 Sch. 1, and royal proclamations.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from importlib.metadata import PackageNotFoundError, version
from typing import Any

from letters.errors import LettersError

CALENDAR_LIBRARIES = ("holidays", "jpholiday", "chinese-calendar")
GB_NATIONS = {"SCT": "Scotland", "NIR": "Northern Ireland", "WLS": "Wales", "ENG": "England"}
# 銀行法施行令5条1項3号: banks are closed 12月31日から翌年の1月3日まで.
JP_BANK_CLOSURE = ((12, 31), (1, 1), (1, 2), (1, 3))
# jpholiday computes the equinox days (春分の日・秋分の日) by the formula valid for 1900–2099; the
# 官報 confirms each year's days the February before.
JP_LAST_YEAR = 2099


class CalendarError(LettersError):
    """A business-day question the calendar libraries cannot answer (an unknown year or country)."""


@dataclass(frozen=True)
class Moved:
    """A deadline: the date asked for, the date it falls on, and why it moved (empty: it didn't)."""

    asked: date
    day: date
    calendar: str  # "JP (jpholiday 1.0.3, banks closed 12/31–1/3)", …
    skipped: tuple[tuple[date, str], ...]  # each day passed over, with the reason

    @property
    def moved(self) -> bool:
        return self.day != self.asked

    def describe(self) -> str:
        if not self.moved:
            return f"{self.day.isoformat()} ({self.calendar}: a business day)"
        why = ", ".join(f"{d.isoformat()} {reason}" for d, reason in self.skipped)
        return f"{self.day.isoformat()} (moved from {self.asked.isoformat()} by {self.calendar}: {why})"


def library_versions() -> dict[str, str]:
    """Each calendar library's installed version, for the batch manifest."""
    found: dict[str, str] = {}
    for name in CALENDAR_LIBRARIES:
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            found[name] = "not installed"
    return found


def calendar_key(country: str, jurisdiction: str = "") -> str:
    """JP, CN, US, GB-ENG, GB-SCT, GB-NIR, GB-WLS: the calendar a debtor's deadlines follow."""
    if country == "GB":
        nation = jurisdiction.removeprefix("GB-").upper() if jurisdiction.startswith("GB-") else "ENG"
        if nation not in GB_NATIONS:
            raise CalendarError(
                f"jurisdiction {jurisdiction!r}: UK bank holidays are known for "
                f"{', '.join('GB-' + n for n in GB_NATIONS)}"
            )
        return f"GB-{nation}"
    if country in ("JP", "CN", "US"):
        return country
    raise CalendarError(f"no business-day calendar for country {country!r} (known: JP, CN, US, GB)")


def closed_reason(day: date, key: str) -> str:
    """Why banks are closed on ``day`` under calendar ``key``; empty on a business day."""
    if key == "CN":
        return _cn_closed(day)
    if day.weekday() >= 5:
        return "Saturday" if day.weekday() == 5 else "Sunday"
    if key == "JP":
        return _jp_closed(day)
    return _holidays_closed(day, key)


def next_business_day(day: date, key: str) -> Moved:
    """``day`` if banks are open there, else the first day after it that they are."""
    skipped: list[tuple[date, str]] = []
    current = day
    while reason := closed_reason(current, key):
        skipped.append((current, reason))
        current += timedelta(days=1)
        if len(skipped) > 30:  # no calendar closes for a month: a data error, not a deadline
            raise CalendarError(f"{key}: no business day within 30 days after {day.isoformat()}")
    return Moved(day, current, _label(key), tuple(skipped))


def add_business_days(day: date, count: int, key: str) -> date:
    """``day`` + ``count`` business days (the days after ``day`` that are not closed)."""
    current = day
    left = count
    while left > 0:
        current += timedelta(days=1)
        if not closed_reason(current, key):
            left -= 1
    return current


def _label(key: str) -> str:
    versions = library_versions()
    if key == "JP":
        return f"JP (jpholiday {versions['jpholiday']}; banks closed 12/31–1/3)"
    if key == "CN":
        return f"CN (chinese-calendar {versions['chinese-calendar']}, incl. 调休 working days)"
    if key == "US":
        return f"US federal holidays (holidays {versions['holidays']})"
    nation = GB_NATIONS[key.removeprefix("GB-")]
    return f"UK bank holidays, {nation} (holidays {versions['holidays']})"


def _jp_closed(day: date) -> str:
    import jpholiday

    if day.year > JP_LAST_YEAR:
        raise CalendarError(f"{day.isoformat()}: jpholiday knows Japanese holidays up to {JP_LAST_YEAR}")
    if (day.month, day.day) in JP_BANK_CLOSURE:
        return "銀行休業日 (12/31–1/3)"
    name = jpholiday.is_holiday_name(day)
    return str(name) if name else ""


def _cn_closed(day: date) -> str:
    import chinese_calendar

    try:
        workday, name = chinese_calendar.is_workday(day), chinese_calendar.get_holiday_detail(day)[1]
    except NotImplementedError as exc:
        raise CalendarError(
            f"{day.isoformat()}: chinese-calendar {library_versions()['chinese-calendar']} has no data "
            f"for that year ({exc}); update it once the State Council has announced the year's holidays"
        ) from None
    if workday:
        return ""
    if name:
        return f"{name} (法定节假日)"
    return "Saturday" if day.weekday() == 5 else "Sunday"


@cache
def _holiday_table(key: str, year: int) -> Any:
    import holidays

    if key == "US":
        table = holidays.country_holidays("US", years=year)
    else:
        table = holidays.country_holidays("GB", subdiv=key.removeprefix("GB-"), years=year)
    first, last = table.start_year, table.end_year
    if not first <= year <= last:
        raise CalendarError(
            f"holidays {library_versions()['holidays']} knows {key} holidays for {first}–{last}, not {year}"
        )
    return table


def _holidays_closed(day: date, key: str) -> str:
    name = _holiday_table(key, day.year).get(day)
    return str(name) if name else ""
