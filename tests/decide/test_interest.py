"""Interest as the law computes it: simple, actual days / 365, Decimal, cut to the currency's unit;
the rate from the contract or the statute, caps refused."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from letters.decide.interest import (
    InterestError,
    compute_interest,
    load_settings,
    simple_interest,
    uk_fixed_sum,
)
from letters.decide.policy import load_policy
from letters.errors import ConfigError
from letters.intake.accounts import Account
from tests.helpers import make_account


def jp(due: date = date(2026, 3, 15), **extra: str) -> Account:
    return replace(make_account("ja"), principal=Decimal(120000), due_date=due, extra=extra)


def test_jpy_is_cut_below_one_yen() -> None:
    # 120,000 × 3% × 54 / 365 = 532.60…
    assert simple_interest(Decimal(120000), "JPY", Decimal(3), 54) == Decimal(532)
    # never rounded up: 1,250.00 × 12% × 54 / 365 = 22.1917… → 22.19
    assert simple_interest(Decimal("1250.00"), "USD", Decimal(12), 54) == Decimal("22.19")


def test_jp_statutory_rate_at_the_time_of_default() -> None:
    interest = compute_interest(jp(), date(2026, 5, 8))  # 54 days from 16 March to 8 May
    assert interest is not None
    assert (interest.start, interest.end, interest.days) == (date(2026, 3, 16), date(2026, 5, 8), 54)
    assert interest.rate.percent == Decimal(3) and "民法419条1項" in interest.rate.source
    assert interest.amount == Decimal(532) and interest.keeps_running
    old = compute_interest(jp(date(2019, 12, 31)), date(2020, 2, 23))  # default under the old 5%
    assert old is not None and old.rate.percent == Decimal(5)


def test_jp_statutory_rate_beyond_the_table_is_an_error_until_the_policy_gives_it(tmp_path: Path) -> None:
    with pytest.raises(InterestError, match=r"JP 法定利率 for 2026-10-01 is not in the table"):
        compute_interest(jp(date(2026, 9, 30)), date(2026, 11, 23))
    path = tmp_path / "policy.toml"
    path.write_text('[interest.jp_statutory]\n"2026-04-01" = "3"\nuntil = "2029-03-31"\n', encoding="utf-8")
    interest = compute_interest(jp(date(2026, 9, 30)), date(2026, 11, 23), load_policy(path).interest)
    assert interest is not None and interest.amount == Decimal(532) and interest.days == 54


@pytest.mark.parametrize(
    ("kind", "principal", "ok", "refused", "law"),
    [
        ("consumer", 120000, "14.6", "14.7", "消費者契約法9条2号"),
        ("loan", 99999, "29.2", "29.3", "利息制限法4条1項"),
        ("loan", 500000, "26.28", "26.29", "利息制限法4条1項"),
        ("loan", 1000000, "21.9", "22", "利息制限法4条1項"),
        ("lender-loan", 500000, "20", "20.1", "利息制限法7条1項"),
    ],
)
def test_jp_caps_refuse_not_clip(kind: str, principal: int, ok: str, refused: str, law: str) -> None:
    account = replace(jp(contract_type=kind, interest_rate=ok), principal=Decimal(principal))
    interest = compute_interest(account, date(2026, 5, 8))
    assert interest is not None and interest.rate.percent == Decimal(ok)
    with pytest.raises(InterestError, match=f"exceeds the {ok}% cap of {law}.*refused, not reduced"):
        compute_interest(
            replace(account, extra={"contract_type": kind, "interest_rate": refused}), date(2026, 5, 8)
        )


def uk(debtor_type: str = "organisation") -> Account:
    return replace(
        make_account("en", debtor_type=debtor_type, principal=Decimal("5000.00")),
        address=replace(make_account("en").address, country="GB"),
        jurisdiction="GB",
        currency="GBP",
        due_date=date(2025, 3, 31),
    )


def test_uk_late_payment_act_for_business_debts() -> None:
    interest = compute_interest(uk(), date(2025, 6, 30))
    assert interest is not None
    # reference rate fixed on 31 December 2024 (4.75%) for debts overdue from January to June 2025
    assert interest.rate.percent == Decimal("12.75") and "Late Payment" in interest.rate.source
    assert interest.days == 91 and interest.amount == Decimal("158.93")  # 5,000 × 12.75% × 91/365
    assert interest.fixed_sum == Decimal(70)
    assert compute_interest(uk("person"), date(2025, 6, 30)) is None  # consumers: contract rate only


@pytest.mark.parametrize(("debt", "fixed"), [("999.99", 40), ("1000", 70), ("9999.99", 70), ("10000", 100)])
def test_uk_fixed_sums(debt: str, fixed: int) -> None:
    assert uk_fixed_sum(Decimal(debt)) == Decimal(fixed)


def cn(**extra: str) -> Account:
    return replace(make_account("zh"), principal=Decimal("16000.00"), due_date=date(2025, 6, 30), extra=extra)


def test_cn_lpr_based_default_and_contract_rate() -> None:
    interest = compute_interest(cn(), date(2025, 9, 30))
    assert interest is not None
    assert interest.rate.percent == Decimal("3.9")  # LPR 3.00% + 30%
    assert interest.days == 92 and interest.amount == Decimal("157.28")  # 16,000 × 3.9% × 92/365
    contract = compute_interest(cn(interest_rate="5"), date(2025, 9, 30))
    assert contract is not None and contract.rate.source == "contract rate (interest_rate column)"
    with pytest.raises(InterestError, match=r"exceeds 4 × LPR \(12.00%"):
        compute_interest(cn(interest_rate="13", contract_type="loan"), date(2025, 9, 30))


def test_us_contract_rate_within_the_state_cap() -> None:
    account = replace(make_account("en"), jurisdiction="US-NY", due_date=date(2026, 9, 30))
    assert compute_interest(account, date(2026, 11, 23)) is None  # no contract rate: none claimed
    ok = compute_interest(replace(account, extra={"interest_rate": "12"}), date(2026, 11, 23))
    assert ok is not None and ok.amount == Decimal("22.19")  # 1,250.00 × 12% × 54/365
    with pytest.raises(InterestError, match=r"exceeds the US-NY cap of 16%.*5-501"):
        compute_interest(replace(account, extra={"interest_rate": "18"}), date(2026, 11, 23))
    texas = replace(account, jurisdiction="US-TX", extra={"interest_rate": "5"})
    with pytest.raises(InterestError, match=r"no interest cap known for US-TX"):
        compute_interest(texas, date(2026, 11, 23))
    rules = load_settings({"us_state_caps": {"TX": "18"}}, "policy.toml")
    assert compute_interest(texas, date(2026, 11, 23), rules) is not None


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"cn_markup": "0.6"}, "cn_markup must be from 0.3 to 0.5"),
        ({"cn_lpr": {"2026-01-20": "3.0"}}, "needs until"),
        ({"uk_reference": {"soon": "4", "until": "2026-06-30"}}, "'soon' is not a date"),
        ({"us_state_caps": {"TX": 18.5}}, "not a TOML float"),
        ({"penalty": "1"}, "unknown setting"),
    ],
)
def test_bad_interest_settings(raw: dict[str, object], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        load_settings(raw, "policy.toml")


def test_a_bad_contract_rate_is_named() -> None:
    with pytest.raises(InterestError, match="interest_rate 'twelve' is not a number"):
        compute_interest(jp(interest_rate="twelve"), date(2026, 5, 8))
