"""Escalation plan: buckets, boundaries, forced kinds, and policy files."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import pytest

from letters.decide.plan import plan_letters
from letters.decide.policy import Policy, load_policy
from letters.errors import ConfigError
from letters.intake.accounts import Account
from tests.helpers import make_account

AS_OF = date(2026, 11, 23)


def due(days_past_due: int) -> Account:
    return replace(make_account("ja"), due_date=AS_OF - timedelta(days=days_past_due))


@pytest.mark.parametrize(
    ("days", "kind"),
    [(1, "reminder"), (30, "reminder"), (31, "demand"), (60, "demand"), (61, "lawyer"), (900, "lawyer")],
)
def test_default_buckets_at_their_boundaries(days: int, kind: str) -> None:
    plan = plan_letters([due(days)], Policy(), AS_OF)
    assert [(p.kind, p.days_past_due) for p in plan.letters] == [(kind, days)]
    assert plan.letters[0].pay_by == AS_OF + timedelta(days=14)


@pytest.mark.parametrize(
    ("days", "reason"),
    [(0, "not overdue: due today (2026-11-23)"), (-5, "not overdue: due in 5 days (2026-11-28)")],
)
def test_not_overdue_is_skipped_with_reason(days: int, reason: str) -> None:
    plan = plan_letters([due(days)], Policy(), AS_OF)
    assert plan.letters == ()
    assert [s.reason for s in plan.skipped] == [reason]


def test_forced_kind_and_language() -> None:
    plan = plan_letters([due(3), due(1)], Policy(), AS_OF, force_kind="lawyer", force_lang="en")
    assert [(p.kind, p.lang) for p in plan.letters] == [("lawyer", "en"), ("lawyer", "en")]
    assert plan.letters[0].reason == "3 days past due; lawyer chosen with --letter"


@pytest.mark.parametrize("kind", ["reminder", "demand", "lawyer"])
def test_a_forced_overdue_letter_is_not_sent_before_the_due_date(kind: str) -> None:
    # Each says the debt is overdue: --letter chooses the kind, it cannot make the debt overdue.
    plan = plan_letters([due(0), due(-2)], Policy(), AS_OF, force_kind=kind)
    assert plan.letters == ()
    assert [s.reason.split(";")[0] for s in plan.skipped] == [
        "not overdue: due today (2026-11-23)",
        "not overdue: due in 2 days (2026-11-25)",
    ]


@pytest.mark.parametrize("kind", ["validation-notice", "payment-plan"])
def test_a_notice_or_payment_plan_may_go_before_the_due_date(kind: str) -> None:
    plan = plan_letters([due(-2)], Policy(), AS_OF, force_kind=kind)
    assert [p.kind for p in plan.letters] == [kind]


def test_policy_file(tmp_path: Path) -> None:
    path = tmp_path / "policy.toml"
    path.write_text(
        "pay_within_days = 7\nera_dates = true\n"
        '[[stages]]\nkind = "reminder"\nmax_days = 14\n'
        '[[stages]]\nkind = "demand"\n',
        encoding="utf-8",
    )
    policy = load_policy(path)
    assert policy.era_dates is True
    plan = plan_letters([due(14), due(15), due(400)], policy, AS_OF)
    assert [p.kind for p in plan.letters] == ["reminder", "demand", "demand"]
    assert plan.letters[0].pay_by == AS_OF + timedelta(days=7)
    assert plan.letters[1].reason == "15 days past due: stage 15–∞ days → demand"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("colour = 1\n", "unknown setting(s) colour"),
        (
            '[[stages]]\nkind = "shout"\n',
            "stage 1: kind must be one of reminder, demand, lawyer, not 'shout'",
        ),
        (
            '[[stages]]\nkind = "reminder"\n[[stages]]\nkind = "demand"\nmax_days = 60\n',
            "stage 1: only the last stage may leave out max_days",
        ),
        (
            '[[stages]]\nkind = "reminder"\nmax_days = 30\n[[stages]]\nkind = "demand"\nmax_days = 20\n',
            "stage 2: max_days must be a whole number ≥ 31",
        ),
        ("pay_within_days = 0\n", "pay_within_days must be a whole number of days from 1 to 365"),
        ("[[stages]\n", "not valid TOML"),
    ],
)
def test_bad_policy_is_an_error(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "policy.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_policy(path)
    assert str(info.value).startswith(f"{path}: {message}")


def test_cool_down_skips_the_same_kind_sent_recently() -> None:
    history = {"JA-0001": [("demand", AS_OF - timedelta(days=5))]}
    plan = plan_letters([due(45)], Policy(), AS_OF, history=history)
    assert plan.letters == ()
    assert [s.reason for s in plan.skipped] == [
        "cool-down: demand sent on 2026-11-18 (5 days ago; cool-down 14 days)"
    ]


def test_escalation_continues_from_the_last_kind_sent() -> None:
    history = {"JA-0001": [("reminder", AS_OF - timedelta(days=40)), ("demand", AS_OF - timedelta(days=20))]}
    plan = plan_letters([due(50)], Policy(), AS_OF, history=history)
    assert [p.kind for p in plan.letters] == ["lawyer"]
    assert plan.letters[0].reason.endswith("; escalated to lawyer after demand on 2026-11-03")


def test_a_higher_stage_is_not_held_back_by_the_cool_down() -> None:
    history = {"JA-0001": [("reminder", AS_OF - timedelta(days=3))]}
    plan = plan_letters([due(61)], Policy(), AS_OF, history=history)
    assert [p.kind for p in plan.letters] == ["lawyer"]
