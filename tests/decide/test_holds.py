"""Holds through the plan: each reason, --letter, the override, the column, the end date, minimum balance."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from letters.decide.holds import DEFAULT_RULES, HOLD_REASONS, Hold, column_hold
from letters.decide.plan import plan_letters
from letters.decide.policy import Policy, load_policy
from letters.errors import ConfigError
from letters.intake.accounts import Account
from tests.helpers import make_account

AS_OF = date(2026, 11, 23)


def overdue(days: int = 40, extra: dict[str, str] | None = None) -> Account:
    return replace(make_account("en"), due_date=AS_OF - timedelta(days=days), extra=extra or {})


def held(reason: str, *, until: date | None = None) -> dict[str, list[Hold]]:
    return {"EN-0001": [Hold("EN-0001", reason, date(2026, 11, 1), until, "debtor's letter", "alice")]}


@pytest.mark.parametrize("reason", HOLD_REASONS)
@pytest.mark.parametrize("force", [None, "reminder", "demand", "lawyer", "validation-notice"])
def test_every_reason_stops_the_stage_letter_and_a_forced_one(reason: str, force: str | None) -> None:
    plan = plan_letters([overdue()], Policy(), AS_OF, force_kind=force, holds=held(reason))
    assert plan.letters == ()
    (skip,) = plan.skipped
    assert skip.reason.startswith(f"on hold: {reason} hold since 2026-11-01 by alice (debtor's letter)")
    assert DEFAULT_RULES[reason].source in skip.reason  # the rule's source is shown with the skip


def test_each_rule_has_a_source_and_only_plan_lets_a_kind_through() -> None:
    assert set(DEFAULT_RULES) == set(HOLD_REASONS)
    assert all(rule.source for rule in DEFAULT_RULES.values())
    assert {r: rule.allowed for r, rule in DEFAULT_RULES.items() if rule.allowed} == {
        "plan": ("payment-plan",)
    }
    # cease (§1692c(c)) lets nothing through: letters has no "collection has stopped" kind
    assert DEFAULT_RULES["cease"].allowed == ()


def test_plan_hold_allows_a_payment_plan_letter() -> None:
    plan = plan_letters([overdue()], Policy(), AS_OF, force_kind="payment-plan", holds=held("plan"))
    assert [p.kind for p in plan.letters] == ["payment-plan"]
    assert plan.letters[0].overridden == ()


def test_hold_ends_after_its_until_date() -> None:
    holds = held("plan", until=AS_OF - timedelta(days=1))
    assert [p.kind for p in plan_letters([overdue()], Policy(), AS_OF, holds=holds).letters] == ["demand"]
    holds = held("plan", until=AS_OF)  # the last day held is still held
    assert plan_letters([overdue()], Policy(), AS_OF, holds=holds).letters == ()


def test_a_hold_placed_later_still_stops_a_back_dated_letter() -> None:
    holds = {"EN-0001": [Hold("EN-0001", "dispute", AS_OF + timedelta(days=10))]}
    assert plan_letters([overdue()], Policy(), AS_OF, holds=holds).letters == ()


def test_override_sends_and_carries_the_reason() -> None:
    plan = plan_letters(
        [overdue()], Policy(), AS_OF, force_kind="demand", holds=held("dispute"), override_hold="verified"
    )
    (letter,) = plan.letters
    assert letter.override_why == "verified"
    assert [h.reason for h in letter.overridden] == ["dispute"]
    assert letter.reason.endswith("; dispute hold overridden: verified")


def test_other_accounts_are_not_affected() -> None:
    other = replace(overdue(), account_id="EN-0002")
    plan = plan_letters([overdue(), other], Policy(), AS_OF, holds=held("bankruptcy"))
    assert [p.account.account_id for p in plan.letters] == ["EN-0002"]


@pytest.mark.parametrize("column", ["hold", "status"])
@pytest.mark.parametrize(
    ("value", "reason"), [("Dispute", "dispute"), ("deceased", "deceased"), ("frozen?", "other")]
)
def test_hold_and_status_columns(column: str, value: str, reason: str) -> None:
    account = overdue(extra={column: value})
    plan = plan_letters([account], Policy(), AS_OF, force_kind="reminder")
    assert plan.letters == ()
    assert plan.skipped[0].reason.startswith(f"on hold: {reason} hold since {AS_OF}")
    assert f"[accounts file, {column} column]" in plan.skipped[0].reason
    if reason == "other":  # an unknown status holds rather than sends, and says what it read
        assert f"(unknown {column} value 'frozen?')" in plan.skipped[0].reason


@pytest.mark.parametrize("value", ["", "active", "OPEN", "none"])
def test_status_values_meaning_no_hold(value: str) -> None:
    assert column_hold(overdue(extra={"status": value}), AS_OF) is None
    assert len(plan_letters([overdue(extra={"status": value})], Policy(), AS_OF).letters) == 1


def test_minimum_balance_per_currency(tmp_path: Path) -> None:
    path = tmp_path / "policy.toml"
    path.write_text('[minimum_balance]\nUSD = "20.00"\nJPY = 3000\n', encoding="utf-8")
    policy = load_policy(path)
    assert policy.minimum_balance == {"USD": Decimal("20.00"), "JPY": Decimal("3000")}
    small = replace(
        overdue(), principal=Decimal("19.99"), interest=Decimal(0), fees=Decimal(0), payments=Decimal(0)
    )
    plan = plan_letters([small], policy, AS_OF, force_kind="demand")
    assert [s.reason for s in plan.skipped] == ["balance USD 19.99 is below the policy's minimum USD 20.00"]
    enough = replace(small, principal=Decimal("20.00"))
    assert len(plan_letters([enough], policy, AS_OF).letters) == 1


def test_nothing_owed_gets_no_letter() -> None:
    paid = replace(overdue(), payments=overdue().principal + overdue().interest + overdue().fees)
    plan = plan_letters([paid], Policy(), AS_OF, force_kind="reminder")
    assert [s.reason for s in plan.skipped] == ["nothing owed: balance USD 0.00"]


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ('[holds]\nfrozen = ["reminder"]\n', "unknown reason 'frozen'"),
        ('[holds]\ncease = ["collection-stopped"]\n', "cease must be a list of letter kinds"),
        ("[minimum_balance]\nUSD = 0.5\n", 'write the amount as "0.5"'),
        ('[minimum_balance]\nXXY = "1"\n', "unknown currency 'XXY'"),
        ('[minimum_balance]\nJPY = "0.5"\n', "[minimum_balance] JPY"),
    ],
)
def test_bad_policy_tables_are_refused(tmp_path: Path, toml: str, message: str) -> None:
    path = tmp_path / "policy.toml"
    path.write_text(toml, encoding="utf-8")
    with pytest.raises(ConfigError, match=message.replace("[", r"\[").replace("]", r"\]")):
        load_policy(path)


def test_policy_can_let_a_kind_through_a_hold(tmp_path: Path) -> None:
    path = tmp_path / "policy.toml"
    path.write_text('[holds]\nattorney = ["lawyer"]\n', encoding="utf-8")
    policy = load_policy(path)
    assert policy.hold_rules["attorney"].allowed == ("lawyer",)
    assert policy.hold_rules["dispute"] == DEFAULT_RULES["dispute"]
    plan = plan_letters([overdue()], policy, AS_OF, force_kind="lawyer", holds=held("attorney"))
    assert [p.kind for p in plan.letters] == ["lawyer"]


def test_plan_grace_days_in_the_policy(tmp_path: Path) -> None:
    path = tmp_path / "policy.toml"
    path.write_text("plan_grace_days = 10\n", encoding="utf-8")
    assert load_policy(path).plan_grace_days == 10
    assert Policy().plan_grace_days == 7
    path.write_text("plan_grace_days = 91\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="plan_grace_days must be a whole number of days from 0 to 90"):
        load_policy(path)
