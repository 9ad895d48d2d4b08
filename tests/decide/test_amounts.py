"""What a letter claims: recorded payments after the balance date subtracted, interest computed when
the policy claims a rate (replacing the file's column), a capped rate refusing the letter."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from letters.batch.compose_step import build_letters
from letters.batch.options import Options
from letters.decide.amounts import AmountsError, received_payments
from letters.decide.plan import PlannedLetter, plan_letters
from letters.decide.plan_text import amounts_text
from letters.decide.policy import Policy, load_policy
from letters.intake.accounts import Account
from tests.helpers import make_account

AS_OF = date(2026, 11, 23)
DUE = date(2026, 9, 30)  # interest from 1 October: 54 days to 23 November


def jp(**extra: str) -> Account:
    return replace(
        make_account("ja"),
        principal=Decimal(120000),
        interest=Decimal(1500),
        fees=Decimal(0),
        payments=Decimal(0),
        due_date=DUE,
        extra=extra,
    )


def policy(tmp_path: Path, text: str) -> Policy:
    path = tmp_path / "policy.toml"
    path.write_text(text, encoding="utf-8")
    return load_policy(path)


def only(account: Account, rules: Policy, **kw: object) -> PlannedLetter:
    plan = plan_letters([account], rules, AS_OF, **kw)  # type: ignore[arg-type]
    assert plan.skipped == (), plan.skipped
    (planned,) = plan.letters
    return planned


def test_which_recorded_payments_count() -> None:
    recorded = [
        (date(2026, 10, 15), Decimal(1000), "JPY"),  # on or before the balance date: in the file
        (date(2026, 10, 20), Decimal(2000), "JPY"),  # the balance date itself: in the file too
        (date(2026, 11, 2), Decimal(3000), "JPY"),  # after it: subtracted
        (date(2026, 11, 30), Decimal(4000), "JPY"),  # after the letter date: not yet
    ]
    dated = jp(balance_date="2026-10-20")
    assert [(r.day, r.amount) for r in received_payments(dated, recorded, AS_OF)] == [
        (date(2026, 11, 2), Decimal(3000))
    ]
    # No balance date: every payment up to the letter date (the debtor's side of doubt).
    assert [r.amount for r in received_payments(jp(), recorded, AS_OF)] == [1000, 2000, 3000]


def test_payment_problems_refuse_naming_account_and_column() -> None:
    with pytest.raises(
        AmountsError, match=r"JA-0001: a payment of USD 5 on 2026-11-02 is recorded for an account in JPY"
    ):
        received_payments(jp(), [(date(2026, 11, 2), Decimal(5), "USD")], AS_OF)
    with pytest.raises(AmountsError, match=r"JA-0001: column balance_date: '20/10/2026' is not a date"):
        received_payments(jp(balance_date="20/10/2026"), [], AS_OF)
    with pytest.raises(AmountsError, match=r"balance_date 2026-12-01 is after the letter date 2026-11-23"):
        received_payments(jp(balance_date="2026-12-01"), [], AS_OF)
    plan = plan_letters(
        [jp()], Policy(), AS_OF, payments={"JA-0001": [(date(2026, 11, 2), Decimal(5), "USD")]}
    )
    assert plan.letters == () and plan.skipped[0].reason.startswith("refused: account JA-0001: a payment")


def test_recorded_payments_reduce_the_balance_and_can_clear_it() -> None:
    paid = {"JA-0001": [(date(2026, 11, 2), Decimal(30000), "JPY")]}
    planned = only(jp(), Policy(), payments=paid)
    assert planned.account.payments == Decimal(30000)
    assert planned.account.total == Decimal(120000 + 1500 - 30000)
    assert [(r.day, r.amount) for r in planned.received] == [(date(2026, 11, 2), Decimal(30000))]
    assert "− payments 30,000 (recorded: 30,000 on 2026-11-02)" in amounts_text(planned)
    cleared = plan_letters([jp()], Policy(), AS_OF, payments={"JA-0001": [(AS_OF, Decimal(121500), "JPY")]})
    assert cleared.letters == () and cleared.skipped[0].reason == "nothing owed: balance JPY 0"


def test_no_interest_settings_keep_the_files_column() -> None:
    planned = only(jp(), Policy())  # claim = "contract" and no interest_rate column
    assert planned.interest is None and planned.account.interest == Decimal(1500)
    assert "+ interest 1,500 (accounts file)" in amounts_text(planned)


def test_contract_rate_replaces_the_column_and_runs_on_the_reduced_principal(tmp_path: Path) -> None:
    account = jp(interest_rate="14.6", contract_type="consumer")
    planned = only(account, Policy())
    assert planned.interest is not None and planned.interest.days == 54
    # 120,000 × 14.6% × 54 / 365 = 2,592 exactly
    assert planned.account.interest == Decimal(2592) and planned.file_interest == Decimal(1500)
    assert planned.account.total == Decimal(120000 + 2592)
    assert "+ interest 2,592 (14.6% a year, 2026-10-01 to 2026-11-23, 54 days;" in amounts_text(planned)
    assert "replaces the file's interest 1,500" in amounts_text(planned)
    # 20,000 paid on 1 November: 31 days on 120,000 and 23 on 100,000:
    # (120,000 × 31 + 100,000 × 23) × 14.6% / 365 = 2,408; the payment is subtracted too.
    paid = {"JA-0001": [(date(2026, 11, 1), Decimal(20000), "JPY")]}
    reduced = only(account, Policy(), payments=paid)
    assert reduced.account.interest == Decimal(2408)
    assert reduced.account.total == Decimal(120000 + 2408 - 20000)
    off = only(account, policy(tmp_path, '[interest]\nclaim = "none"\n'))
    assert off.interest is None and off.account.interest == Decimal(1500)


def test_interest_to_the_pay_by_date(tmp_path: Path) -> None:
    rules = policy(tmp_path, '[interest]\nto = "pay-by"\n')
    planned = only(jp(interest_rate="14.6", contract_type="consumer"), rules)
    assert planned.interest is not None
    assert planned.interest.end == planned.pay_by == date(2026, 12, 7)
    assert planned.interest.days == 68  # 1 October to 7 December
    assert "2026-10-01 to 2026-12-07 (pay-by date), 68 days" in amounts_text(planned)


def test_statutory_claim_and_uk_fixed_sum(tmp_path: Path) -> None:
    rules = policy(
        tmp_path,
        '[interest]\nclaim = "statutory"\n[interest.jp_statutory]\n"2026-04-01" = "3"\nuntil = "2029-03-31"\n'
        '[interest.uk_reference]\n"2026-07-01" = "3.75"\nuntil = "2026-12-31"\n',
    )
    ja = only(jp(), rules)
    assert ja.interest is not None and ja.interest.rate.kind == "jp-statutory"
    assert ja.account.interest == Decimal(532)  # 120,000 × 3% × 54 / 365 = 532.6 → cut to 532
    gb = replace(
        make_account("en"),
        account_id="GB-1",
        debtor_type="organisation",
        currency="GBP",
        principal=Decimal("4800.00"),
        interest=Decimal(0),
        fees=Decimal("5.00"),
        payments=Decimal(0),
        due_date=DUE,
        address=replace(make_account("en").address, country="GB", region=""),
        jurisdiction="",
        extra={},
    )
    planned = only(gb, rules)
    assert planned.interest is not None and planned.interest.rate.percent == Decimal("11.75")
    # 4,800 × 11.75% × 54 / 365 = 83.441… → 83.44; fixed sum £70 (debt from £1,000 to £10,000)
    assert planned.account.interest == Decimal("83.44")
    assert planned.account.fees == Decimal("75.00")
    assert planned.account.total == Decimal("4800.00") + Decimal("83.44") + Decimal("75.00")
    assert "+ fees 5.00 + fixed sum 70 (" in amounts_text(planned)
    consumer = only(replace(gb, debtor_type="person"), rules)
    assert consumer.interest is None  # the Late Payment Act is for business debts only


def test_a_capped_rate_refuses_the_letter_naming_account_and_cap(tmp_path: Path) -> None:
    planned = only(jp(interest_rate="15", contract_type="consumer"), Policy())
    assert "account JA-0001: contract rate 15% exceeds the 14.6% cap of 消費者契約法9条2号" in planned.refused
    letters, failed = build_letters(
        plan_letters([jp(interest_rate="15", contract_type="consumer")], Policy(), AS_OF),
        Options(as_of=AS_OF, archive=False),
        Policy(),
    )
    assert letters == [] and len(failed) == 1
    assert failed[0].account_id == "JA-0001" and "14.6% cap" in failed[0].error
