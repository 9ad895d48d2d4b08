"""Is a payment plan kept? Installments against payments, with grace days."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from letters.decide.plan_keeping import Due, PlanStatus, plan_status

DUES = [
    Due(1, date(2026, 12, 7), Decimal(100)),
    Due(2, date(2027, 1, 7), Decimal(100)),
    Due(3, date(2027, 2, 8), Decimal(50)),
]


def test_before_the_first_due_date_plus_grace_the_plan_stands() -> None:
    status = plan_status(DUES, [], date(2026, 12, 14), 7)
    assert status == PlanStatus(True, date(2026, 12, 14), "kept: next installment 1 due 2026-12-07")


def test_a_missed_installment_ends_the_plan() -> None:
    status = plan_status(DUES, [(date(2026, 12, 5), Decimal(99))], date(2026, 12, 15), 7)
    assert not status.kept and status.until is None
    assert status.note == "installment 1 due 2026-12-07 missed: 99 received by 2026-12-14, 100 due by then"


def test_paid_in_time_moves_the_hold_to_the_next_installment() -> None:
    status = plan_status(DUES, [(date(2026, 12, 14), Decimal(100))], date(2026, 12, 15), 7)
    assert status.kept and status.until == date(2027, 1, 14)
    # a payment after the grace period does not save a missed installment
    late = plan_status(DUES, [(date(2026, 12, 15), Decimal(100))], date(2026, 12, 16), 7)
    assert not late.kept


def test_all_paid() -> None:
    paid = [(date(2026, 12, 7), Decimal(250))]
    assert plan_status(DUES, paid, date(2027, 3, 1), 7).note == "all installments paid"
