"""Deadlines moved to the next business day in the debtor's country, by each country's calendar."""

from __future__ import annotations

from datetime import date

import pytest

from letters.decide.business_days import (
    CalendarError,
    calendar_key,
    closed_reason,
    library_versions,
    next_business_day,
)


@pytest.mark.parametrize(
    ("asked", "key", "day", "reason"),
    [
        # JP: a national holiday (勤労感謝の日, Monday 23 November 2026)
        (date(2026, 11, 23), "JP", date(2026, 11, 24), "勤労感謝の日"),
        # JP: Silver Week — weekend, 敬老の日, 国民の休日 (sandwiched day), 秋分の日
        (date(2026, 9, 19), "JP", date(2026, 9, 24), "国民の休日"),
        # JP: the banks' year-end closure 12/31–1/3 (銀行法施行令5条), then a weekend
        (date(2026, 12, 31), "JP", date(2027, 1, 4), "銀行休業日 (12/31–1/3)"),
        # CN: National Day week 1–7 October 2026
        (date(2026, 10, 1), "CN", date(2026, 10, 8), "National Day (法定节假日)"),
        # CN: an ordinary Saturday
        (date(2026, 3, 7), "CN", date(2026, 3, 9), "Saturday"),
        # US: Thanksgiving
        (date(2026, 11, 26), "US", date(2026, 11, 27), "Thanksgiving Day"),
        # US: Independence Day on a Saturday is observed on Friday 3 July
        (date(2026, 7, 3), "US", date(2026, 7, 6), "Independence Day (observed)"),
        # UK: the late summer bank holiday is England's (31 August), Scotland's is 3 August
        (date(2026, 8, 31), "GB-ENG", date(2026, 9, 1), "Late Summer Bank Holiday"),
        (date(2026, 8, 3), "GB-SCT", date(2026, 8, 4), "Summer Bank Holiday"),
        (date(2026, 11, 30), "GB-SCT", date(2026, 12, 1), "Saint Andrew's Day"),
        (date(2026, 3, 17), "GB-NIR", date(2026, 3, 18), "Saint Patrick's Day"),
    ],
)
def test_deadline_moves_past_closed_days(asked: date, key: str, day: date, reason: str) -> None:
    moved = next_business_day(asked, key)
    assert moved.day == day
    assert moved.moved and reason in [why for _, why in moved.skipped]
    assert f"moved from {asked.isoformat()}" in moved.describe()


@pytest.mark.parametrize(
    ("day", "key"),
    [
        (date(2026, 1, 4), "CN"),  # a Sunday made a working day (调休) for New Year 2026
        (date(2026, 2, 14), "CN"),  # a Saturday made a working day for the Spring Festival
        (date(2026, 8, 31), "GB-SCT"),  # England's bank holiday, not Scotland's
        (date(2026, 3, 17), "GB-ENG"),  # Northern Ireland's, not England's
        (date(2026, 12, 29), "JP"),  # before the banks close for the year
    ],
)
def test_open_days_are_not_moved(day: date, key: str) -> None:
    assert closed_reason(day, key) == ""
    moved = next_business_day(day, key)
    assert moved.day == day and not moved.moved and moved.describe().endswith("a business day)")


def test_a_year_the_library_does_not_know_is_an_error() -> None:
    import chinese_calendar

    last = max(chinese_calendar.constants.holidays).year
    with pytest.raises(CalendarError, match=r"chinese-calendar .* no data for that year"):
        next_business_day(date(last + 1, 3, 2), "CN")
    with pytest.raises(CalendarError, match="jpholiday knows Japanese holidays up to 2099"):
        next_business_day(date(2100, 3, 2), "JP")
    with pytest.raises(CalendarError, match="knows US holidays for 1777–2100, not 2101"):
        next_business_day(date(2101, 3, 2), "US")


def test_calendar_keys() -> None:
    assert calendar_key("JP") == "JP" and calendar_key("US", "US-CA") == "US"
    assert calendar_key("GB") == "GB-ENG"
    assert calendar_key("GB", "GB-SCT") == "GB-SCT"
    with pytest.raises(CalendarError, match="no business-day calendar for country 'DE'"):
        calendar_key("DE")
    with pytest.raises(CalendarError, match="UK bank holidays are known for"):
        calendar_key("GB", "GB-XX")


def test_versions_are_reported() -> None:
    from importlib.metadata import version

    assert library_versions() == {n: version(n) for n in ("holidays", "jpholiday", "chinese-calendar")}


def test_plan_moves_the_pay_by_date_and_says_which_calendar_did() -> None:
    from dataclasses import replace

    from letters.decide.plan import plan_letters
    from letters.decide.policy import Policy
    from tests.helpers import make_account

    as_of = date(2026, 12, 17)  # + 14 days = Thursday 31 December
    ja, zh = make_account("ja"), make_account("zh")
    de = replace(make_account("en", account_id="DE-1", debtor_type="organisation"), address=replace(
        make_account("en").address, country="DE", region="", postal_code="10115"))  # fmt: skip
    plan = plan_letters([ja, zh, de], Policy(), as_of)
    by_id = {p.account.account_id: p for p in plan.letters}
    assert by_id["JA-0001"].pay_by == date(2027, 1, 4)
    assert by_id["JA-0001"].pay_by_note.startswith("2027-01-04 (moved from 2026-12-31 by JP (jpholiday")
    assert by_id["ZH-0001"].pay_by == date(2026, 12, 31)
    assert by_id["DE-1"].pay_by == date(2026, 12, 31)
    assert "not moved: no business-day calendar for country 'DE'" in by_id["DE-1"].pay_by_note


def test_plan_skips_a_letter_whose_deadline_the_calendar_cannot_date() -> None:
    import chinese_calendar

    from letters.decide.plan import plan_letters
    from letters.decide.policy import Policy
    from tests.helpers import make_account

    last = max(chinese_calendar.constants.holidays).year
    as_of = date(last, 12, 28)
    plan = plan_letters([make_account("zh")], Policy(), as_of)
    assert plan.letters == ()
    assert plan.skipped[0].reason.startswith(f"pay-by date: {last + 1}-01-11: chinese-calendar")
