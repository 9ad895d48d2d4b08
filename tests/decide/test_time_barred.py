"""Time-barred US debts (decide/plan.py from decide/limitation.py): planned as such, no lawyer's
letter, a demand without any threat of suit (12 CFR 1006.26(b)); the state disclosures are tested
in tests/compose/test_us_states.py."""

from __future__ import annotations

from datetime import date

from letters.compose.render_html import render_html
from letters.decide.plan import plan_letters
from letters.decide.policy import Policy
from letters.intake.accounts import Address
from tests.conftest import ROOT
from tests.helpers import make_account
from tests.render_helpers import AS_OF, letter_for

CA = Address("US", "94110", "CA", "San Francisco", "", "3150 18th St", "")
UK = Address("GB", "M19 2EQ", "", "Manchester", "", "27 Albert Road", "")


def test_the_limitation_date_decides_time_barred() -> None:
    # California's setting: 4 years (CCP §337). Due 2022-11-22: ended 2026-11-22, the day before.
    barred = make_account("en", account_id="A", address=CA, due_date=date(2022, 11, 22))
    in_time = make_account("en", account_id="B", address=CA, due_date=date(2022, 11, 23))
    plan = plan_letters([barred, in_time], Policy(), AS_OF, force_kind="demand")
    flags = {p.account.account_id: p.time_barred for p in plan.letters}
    assert flags == {"A": True, "B": False}


def test_no_lawyers_letter_for_a_time_barred_debt() -> None:
    barred = make_account("en", address=CA, due_date=date(2020, 1, 15))
    plan = plan_letters([barred], Policy(), AS_OF, force_kind="lawyer")
    assert plan.letters == ()
    (skipped,) = plan.skipped
    assert skipped.reason == (
        "time-barred: the limitation period ended 2024-01-15; no lawyer's letter, no threat of suit "
        "(12 CFR 1006.26(b))"
    )


def test_only_us_letters_are_treated_as_time_barred_here() -> None:
    old = make_account("en", address=UK, currency="GBP", due_date=date(2018, 1, 15))
    plan = plan_letters([old], Policy(), AS_OF, force_kind="lawyer")
    assert [p.time_barred for p in plan.letters] == [False]  # the limitation report warns instead


def test_a_time_barred_demand_threatens_no_suit() -> None:
    barred = letter_for("en", "demand", address=CA, due_date=date(2021, 6, 1))
    in_time = letter_for("en", "demand", address=CA)
    barred_html = render_html(barred, ROOT / "templates").html
    in_time_html = render_html(in_time, ROOT / "templates").html
    assert "attorneys to consider legal proceedings" in in_time_html
    for threat in ("attorney", "legal proceedings", "further action", "court"):
        assert threat not in barred_html.lower(), threat
    assert "we will contact you again about this balance" in barred_html
