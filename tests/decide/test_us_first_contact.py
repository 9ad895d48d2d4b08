"""US debt collectors: validation notice first, its period end by Reg F §1006.34(b)(5), no overshadowing."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest

from letters.batch.compose_step import make_plan, us_first_contact
from letters.batch.options import Options
from letters.decide.business_days import closed_reason
from letters.decide.plan import plan_letters
from letters.decide.policy import Policy
from letters.decide.us_first_contact import assumed_receipt, validation_period_end
from letters.intake.accounts import Account
from tests.helpers import make_account

AS_OF = date(2026, 11, 23)


@pytest.mark.parametrize(
    ("sent", "receipt", "end"),
    [
        # a weekend: Friday 2 October → Friday 9 October (Mon–Fri of the next week)
        (date(2026, 10, 2), date(2026, 10, 9), date(2026, 11, 8)),
        # Thanksgiving week: Monday 23 November, Thursday 26th excluded → Tuesday 1 December
        (date(2026, 11, 23), date(2026, 12, 1), date(2026, 12, 31)),
        # Christmas Day and a weekend: Tuesday 22 December → Wednesday 30 December
        (date(2026, 12, 22), date(2026, 12, 30), date(2027, 1, 29)),
        # New Year: Monday 28 December; 1 January and the weekend excluded → Tuesday 5 January
        (date(2026, 12, 28), date(2027, 1, 5), date(2027, 2, 4)),
        # Independence Day on a Saturday, observed Friday 3 July: excluded too, a later end
        (date(2026, 6, 30), date(2026, 7, 8), date(2026, 8, 7)),
        # a plain week: Monday → Monday
        (date(2026, 3, 2), date(2026, 3, 9), date(2026, 4, 8)),
    ],
)
def test_validation_period_end(sent: date, receipt: date, end: date) -> None:
    assert assumed_receipt(sent) == receipt
    assert validation_period_end(sent) == end


def test_period_end_is_never_earlier_than_five_business_days_plus_30() -> None:
    day = date(2026, 1, 1)
    while day.year == 2026:
        receipt = assumed_receipt(day)
        counted = [d for d in (day + timedelta(n) for n in range(1, (receipt - day).days + 1))]
        open_days = [d for d in counted if not closed_reason(d, "US")]
        assert len(open_days) == 5 and open_days[-1] == receipt, day
        assert validation_period_end(day) == receipt + timedelta(days=30) >= day + timedelta(days=35)
        day += timedelta(days=1)


def consumer(days: int = 45) -> Account:
    return replace(make_account("en"), due_date=AS_OF - timedelta(days=days), creditor="Empire Harbor Bank")


US = frozenset({"EN-0001"})


@pytest.mark.parametrize("days", [3, 45, 400])
def test_first_letter_is_the_validation_notice_whatever_the_days(days: int) -> None:
    plan = plan_letters([consumer(days)], Policy(), AS_OF, us_first_contact=US)
    (letter,) = plan.letters
    assert letter.kind == "validation-notice"
    assert "validation notice instead of" in letter.reason and "1006.34(a)" in letter.reason
    assert letter.validation_end == date(2026, 12, 31)


def test_forced_letter_before_the_notice_is_refused() -> None:
    plan = plan_letters([consumer()], Policy(), AS_OF, force_kind="demand", us_first_contact=US)
    assert plan.letters == ()
    assert plan.skipped[0].reason.startswith("US debt collector: no validation notice sent yet")
    plan = plan_letters([consumer()], Policy(), AS_OF, force_kind="validation-notice", us_first_contact=US)
    assert [p.kind for p in plan.letters] == ["validation-notice"]


@pytest.mark.parametrize("kind", ["demand", "lawyer"])
def test_no_demand_or_threat_during_the_validation_period(kind: str) -> None:
    history = {"EN-0001": [("validation-notice", date(2026, 11, 16))]}  # period ends 2026-12-23
    plan = plan_letters([consumer()], Policy(), AS_OF, force_kind=kind, history=history, us_first_contact=US)
    assert plan.letters == ()
    assert plan.skipped[0].reason == (
        f"validation period of the notice of 2026-11-16 runs until 2026-12-23: no {kind} during it "
        "(FDCPA §1692g(b), overshadowing)"
    )
    after = plan_letters(
        [consumer()], Policy(), date(2026, 12, 24), force_kind=kind, history=history, us_first_contact=US
    )
    assert [p.kind for p in after.letters] == [kind]
    assert after.letters[0].validation_end is None


def test_a_reminder_in_the_period_has_its_pay_by_after_the_period() -> None:
    history = {"EN-0001": [("validation-notice", date(2026, 11, 16))]}
    plan = plan_letters([consumer(10)], Policy(), AS_OF, history=history, us_first_contact=US)
    (letter,) = plan.letters
    assert letter.kind == "reminder"
    assert letter.validation_end == date(2026, 12, 23)
    assert letter.pay_by == date(2026, 12, 24)  # not AS_OF + 14 = 2026-12-07, inside the period
    assert letter.reason.endswith(
        "validation period until 2026-12-23: pay-by moved from 2026-12-07 to 2026-12-24"
    )


def test_who_counts_as_a_us_consumer_of_a_debt_collector() -> None:
    person = consumer()
    company = replace(consumer(), account_id="EN-CO", debtor_type="organisation")
    british = replace(
        consumer(),
        account_id="EN-GB",
        address=replace(person.address, country="GB", region="", postal_code="SW1A 2AA"),
    )
    found = us_first_contact([person, company, british], Options(as_of=AS_OF), Policy())
    # hudson-recovery (en) is marked debt_collector; thames-credit (en-GB) is not
    assert found == {"EN-0001"}
    plan = make_plan([person, company, british], Options(as_of=AS_OF), Policy())
    assert {p.account.account_id: p.kind for p in plan.letters} == {
        "EN-0001": "validation-notice",
        "EN-CO": "demand",
        "EN-GB": "demand",
    }


@pytest.mark.parametrize("kind", ["reminder", "demand", "lawyer", "payment-plan", "validation-notice"])
def test_a_collector_letter_without_a_creditor_is_refused(kind: str) -> None:
    from letters.batch.compose_step import build_letters

    options = Options(as_of=AS_OF, letter_kind=kind)
    nameless = replace(consumer(), creditor="")
    history = {"EN-0001": [("validation-notice", date(2026, 1, 5))]}
    plan = plan_letters([nameless], Policy(), AS_OF, force_kind=kind, history=history, us_first_contact=US)
    letters, failed = build_letters(plan, options, Policy())
    assert letters == []
    assert [f.error for f in failed] == [
        f"letter 20261123-{kind}-EN-0001: hudson-recovery is a debt collector, whose letters to a US "
        "consumer must name the creditor the debt is owed to (FDCPA §1692g(a)(2), §1692e(14)): the "
        "account has no creditor column"
    ]
    sold = replace(nameless, extra={"current_creditor": "Liberty Debt Buyers LLC"})
    plan = plan_letters([sold], Policy(), AS_OF, force_kind=kind, history=history, us_first_contact=US)
    letters, failed = build_letters(plan, options, Policy())
    assert failed == [] and len(letters) == 1
    # a business debtor is not a consumer: the FDCPA's rules do not apply to its letters
    company = replace(nameless, debtor_type="organisation")
    plan = plan_letters([company], Policy(), AS_OF, force_kind=kind)
    assert build_letters(plan, options, Policy())[1] == []


def test_a_reminder_in_the_period_says_the_rights_stand() -> None:
    from letters.batch.compose_step import build_letters
    from letters.compose.render_html import render_html
    from tests.conftest import ROOT

    history = {"EN-0001": [("validation-notice", date(2026, 11, 16))]}
    options = Options(as_of=AS_OF)
    plan = plan_letters([consumer(10)], Policy(), AS_OF, history=history, us_first_contact=US)
    (letter,), _ = build_letters(plan, options, Policy())
    text = " ".join(render_html(letter, ROOT / "templates").html.split())
    assert "This letter does not change your rights described in our validation notice." in text
    assert "until December 23, 2026" in text and "by December 24, 2026" in text
    later = plan_letters([consumer(10)], Policy(), date(2026, 12, 24), history=history, us_first_contact=US)
    (after,), _ = build_letters(later, Options(as_of=date(2026, 12, 24)), Policy())
    assert "does not change your rights" not in render_html(after, ROOT / "templates").html
