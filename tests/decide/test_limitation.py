"""Limitation periods: JP (demand suspends once, payment restarts), CN (restarts), US (per state)."""

from __future__ import annotations

from datetime import date

import pytest

from letters.decide.limitation import (
    LimitationSettings,
    add_years,
    expiry,
    jurisdiction_of,
    load_settings,
    report_rows,
)
from letters.errors import ConfigError
from letters.intake.accounts import Account, Address
from tests.helpers import make_account

DUE = date(2026, 9, 30)  # the helper accounts' due date


def jp(**changes: object) -> Account:
    """A Japanese account without payments (a payment would restart the period)."""
    return make_account("ja", payments=0, **changes)


def test_years_end_on_the_same_day_or_the_month_end() -> None:
    assert add_years(date(2026, 9, 30), 5) == date(2031, 9, 30)
    assert add_years(date(2024, 2, 29), 5) == date(2029, 2, 28)
    assert add_years(date(2024, 2, 29), 4) == date(2028, 2, 29)


def test_jp_five_years_from_the_due_date() -> None:
    status = expiry(jp())
    assert status.expiry == date(2031, 9, 30)
    assert status.jurisdiction == "JP"
    assert "5 years from the due date 2026-09-30 (民法166①一)" in status.basis


def test_jp_payment_restarts_the_period() -> None:
    status = expiry(jp(), last_payment=date(2027, 3, 15))
    assert status.expiry == date(2032, 3, 15)
    assert status.runs_from == date(2027, 3, 15)
    assert "承認, 民法152①" in status.basis


def test_jp_last_payment_date_comes_from_the_extra_column() -> None:
    status = expiry(jp(extra={"last_payment_date": "2028/01/10"}))
    assert status.expiry == date(2033, 1, 10)
    with pytest.raises(ConfigError, match="last_payment_date 'soon'"):
        expiry(jp(extra={"last_payment_date": "soon"}))


def test_jp_demand_near_the_end_suspends_completion_for_six_months() -> None:
    status = expiry(jp(), demands_delivered=[date(2031, 8, 1)])
    assert status.expiry == date(2032, 2, 1)
    assert status.demand_suspended
    assert status.demanded == date(2031, 8, 1)


def test_jp_early_demand_changes_nothing() -> None:
    status = expiry(jp(), demands_delivered=[date(2028, 1, 10)])
    assert status.expiry == date(2031, 9, 30)
    assert not status.demand_suspended


def test_jp_second_demand_during_the_suspension_does_not_extend_again() -> None:
    status = expiry(jp(), demands_delivered=[date(2031, 12, 1), date(2031, 8, 1)])
    assert status.expiry == date(2032, 2, 1)  # not 2032-06-01
    assert "demand delivered 2031-12-01 during a suspension: no effect (民法150②)" in status.basis


def test_jp_a_demand_after_an_earlier_suspension_ended_counts() -> None:
    status = expiry(jp(), demands_delivered=[date(2029, 1, 10), date(2031, 7, 15)])
    assert status.expiry == date(2032, 1, 15)


def test_jp_demand_after_expiry_changes_nothing() -> None:
    assert expiry(jp(), demands_delivered=[date(2031, 10, 1)]).expiry == date(2031, 9, 30)


def test_jp_payment_during_the_suspension_restarts() -> None:
    status = expiry(jp(), last_payment=date(2031, 11, 20), demands_delivered=[date(2031, 8, 1)])
    assert status.expiry == date(2036, 11, 20)
    assert not status.demand_suspended


def test_jp_old_contracts_are_flagged() -> None:
    assert "old rules may apply" in expiry(jp(contract_date=date(2019, 6, 1))).basis


def test_cn_three_years_and_restart_on_each_demand() -> None:
    account = make_account("zh")
    assert expiry(account).expiry == date(2029, 9, 30)
    once = expiry(account, demands_delivered=[date(2029, 6, 1)])
    assert once.expiry == date(2032, 6, 1)
    assert once.demanded == date(2029, 6, 1)
    twice = expiry(account, demands_delivered=[date(2029, 6, 1), date(2032, 1, 10)])
    assert twice.expiry == date(2035, 1, 10)
    assert "interrupted, 民法典195" in twice.basis


def test_cn_payment_restarts_and_late_events_do_not() -> None:
    account = make_account("zh")
    assert expiry(account, last_payment=date(2027, 5, 5)).expiry == date(2030, 5, 5)
    assert expiry(account, demands_delivered=[date(2029, 10, 1)]).expiry == date(2029, 9, 30)


def test_cn_twenty_year_longstop() -> None:
    account = make_account("zh")
    demands = [date(2029 + 3 * k, 9, 1) for k in range(7)]  # a demand every three years
    status = expiry(account, demands_delivered=demands)
    assert status.expiry == date(2046, 9, 30)
    assert "capped at 20 years" in status.basis


def test_us_per_state_with_a_fallback() -> None:
    ny = make_account("en")  # region NY
    assert jurisdiction_of(ny) == "US-NY"
    assert expiry(ny).expiry == date(2029, 9, 30)  # 3 years (CPLR 214-i)
    ca = make_account("en", address=Address("US", "94105", "CA", "San Francisco", "", "1 Market St", ""))
    assert expiry(ca).expiry == date(2030, 9, 30)
    nv = make_account("en", address=Address("US", "89101", "NV", "Las Vegas", "", "1 Main St", ""))
    status = expiry(nv)
    assert status.expiry == date(2029, 9, 30)
    assert "no period set for US-NV: the fallback" in status.basis
    custom = LimitationSettings(us_years={"US-NV": 6})
    assert expiry(nv, settings=custom).expiry == date(2032, 9, 30)


def test_us_demands_do_not_stop_the_clock_and_payments_only_by_setting() -> None:
    ny = make_account("en")
    assert expiry(ny, demands_delivered=[date(2029, 9, 1)]).expiry == date(2029, 9, 30)
    assert expiry(ny, last_payment=date(2027, 1, 5)).expiry == date(2029, 9, 30)
    restarting = LimitationSettings(us_payment_restarts=True)
    assert expiry(ny, last_payment=date(2027, 1, 5), settings=restarting).expiry == date(2030, 1, 5)


def test_payments_without_a_date_are_flagged() -> None:
    status = expiry(make_account("ja"))  # payments 20,000, no last_payment_date
    assert "payments are recorded but no last_payment_date" in status.basis


def test_unknown_jurisdiction_is_an_error() -> None:
    account = make_account("en", jurisdiction="DE")
    with pytest.raises(ConfigError, match="account EN-0001: no limitation rule for jurisdiction 'DE'"):
        expiry(account)


def test_report_sorted_with_days_left_and_next_step() -> None:
    accounts = [
        jp(account_id="JP-FAR"),
        jp(account_id="JP-SOON", due_date=date(2021, 12, 1)),
        jp(account_id="JP-DEMANDED", due_date=date(2021, 11, 1)),
        jp(account_id="JP-GONE", due_date=date(2021, 6, 1)),
        make_account("zh", account_id="CN-SOON", due_date=date(2023, 12, 20)),
        make_account("en", account_id="US-SOON", due_date=date(2023, 12, 31)),
    ]
    as_of = date(2026, 11, 23)
    rows = report_rows(accounts, as_of, demands={"JP-DEMANDED": [date(2026, 10, 20)]})
    assert [r.account_id for r in rows] == [
        "JP-GONE",  # 2026-06-01
        "JP-SOON",  # 2026-12-01
        "CN-SOON",  # 2026-12-20
        "US-SOON",  # 2026-12-31
        "JP-DEMANDED",  # 2027-04-20
        "JP-FAR",
    ]
    by_id = {r.account_id: r for r in rows}
    assert by_id["JP-GONE"].days_left == (date(2026, 6, 1) - as_of).days < 0
    assert by_id["JP-GONE"].next_step.startswith("period has run")
    assert by_id["JP-SOON"].expiry == date(2026, 12, 1)
    assert by_id["JP-SOON"].days_left == 8
    assert by_id["JP-SOON"].next_step.startswith("demand now: content-certified mail (内容証明)")
    assert by_id["JP-DEMANDED"].expiry == date(2027, 4, 20)  # 2026-10-20 + 6 months
    assert by_id["JP-DEMANDED"].next_step.startswith("suspended by the demand delivered 2026-10-20")
    assert "another demand will not extend it" in by_id["JP-DEMANDED"].next_step
    assert by_id["CN-SOON"].next_step.startswith("demand now: by EMS")
    assert by_id["US-SOON"].next_step.startswith("a demand does not stop the clock")
    assert by_id["JP-FAR"].next_step == ""


def test_settings_from_the_policy() -> None:
    settings = load_settings({"warn_days": 120, "us_years": {"US-NY": 6}, "us_payment_restarts": True})
    assert settings.warn_days == 120
    assert settings.us_years["US-NY"] == 6 and settings.us_years["US-CA"] == 4
    assert settings.us_payment_restarts
    with pytest.raises(ConfigError, match=r"unknown setting\(s\) years"):
        load_settings({"years": 3})
    with pytest.raises(ConfigError, match="'NY' is not a US-XX state code"):
        load_settings({"us_years": {"NY": 6}})
    with pytest.raises(ConfigError, match="warn_days must be a whole number from 1 to 3650"):
        load_settings({"warn_days": True})
