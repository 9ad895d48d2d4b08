"""Japanese era (和暦) table: Gregorian date ⇄ (era, year of era)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Era:
    name: str  # 令和
    romaji: str  # Reiwa
    letter: str  # R, as in R7.11.22
    start: date  # first day of the era (the day of accession)


# Start dates are the days the era took effect (平成 began the day after 昭和64年1月7日).
ERAS: tuple[Era, ...] = (
    Era("明治", "Meiji", "M", date(1868, 10, 23)),
    Era("大正", "Taisho", "T", date(1912, 7, 30)),
    Era("昭和", "Showa", "S", date(1926, 12, 25)),
    Era("平成", "Heisei", "H", date(1989, 1, 8)),
    Era("令和", "Reiwa", "R", date(2019, 5, 1)),
)
_BY_NAME = {era.name: era for era in ERAS} | {era.letter: era for era in ERAS}


def era_of(day: date) -> tuple[Era, int]:
    """The era a date falls in and its year within the era (first year = 1)."""
    for index in range(len(ERAS) - 1, -1, -1):
        era = ERAS[index]
        if day >= era.start:
            return era, day.year - era.start.year + 1
    raise ValueError(f"{day.isoformat()} is before the Meiji era; no Japanese era date for it")


def from_era(name: str, year: int, month: int, day: int) -> date:
    """The Gregorian date of an era date; refuses dates outside the named era."""
    era = _BY_NAME.get(name)
    if era is None:
        raise ValueError(f"unknown era {name!r}")
    if year < 1:
        raise ValueError(f"{era.name} has no year {year}")
    result = date(era.start.year + year - 1, month, day)  # ValueError for 2月30日 etc.
    if result < era.start:
        raise ValueError(f"{era.name} began on {era.start.isoformat()}; {result.isoformat()} is before it")
    following = ERAS.index(era) + 1
    if following < len(ERAS) and result >= ERAS[following].start:
        nxt = ERAS[following]
        raise ValueError(
            f"{era.name} ended on the day before {nxt.start.isoformat()}; "
            f"{result.isoformat()} is in {nxt.name}"
        )
    return result


def format_era(day: date) -> str:
    """令和元年5月1日 style: the first year of an era is written 元年."""
    era, year = era_of(day)
    year_text = "元" if year == 1 else str(year)
    return f"{era.name}{year_text}年{day.month}月{day.day}日"
