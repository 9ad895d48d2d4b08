"""Installment schedules that add up exactly, month-end due dates, and the payment-plan letters."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from letters.compose.locale import format_money
from letters.compose.payment_plan import extra_context
from letters.decide.installments import (
    MAX_INSTALLMENTS,
    add_months,
    due_dates,
    payment_plan,
    schedule,
)
from letters.errors import RenderError
from tests.helpers import pdftotext
from tests.render_helpers import letter_for, letter_pdf, render_with

FIRST = date(2026, 12, 7)


@pytest.mark.parametrize(
    ("total", "currency", "n", "amounts"),
    [
        ("100000", "JPY", 3, ["33333", "33333", "33334"]),
        ("102380", "JPY", 6, ["17063"] * 5 + ["17065"]),
        ("1000.00", "USD", 3, ["333.33", "333.33", "333.34"]),
        ("1187.34", "USD", 4, ["296.83", "296.83", "296.83", "296.85"]),
        ("0.05", "CNY", 2, ["0.02", "0.03"]),
        ("16409.02", "CNY", 7, ["2344.14"] * 6 + ["2344.18"]),
        ("1", "JPY", 1, ["1"]),
        ("1000", "USD", 3, ["333.33", "333.33", "333.34"]),  # a whole-dollar total
    ],
)
def test_installments_add_up_exactly(total: str, currency: str, n: int, amounts: list[str]) -> None:
    items = schedule(Decimal(total), currency, n, FIRST)
    assert [str(i.amount) for i in items] == amounts
    assert sum((i.amount for i in items), Decimal(0)) == Decimal(total)
    assert [i.number for i in items] == list(range(1, n + 1))
    assert all(items[-1].amount >= i.amount for i in items)


@pytest.mark.parametrize(
    ("total", "currency", "n", "message"),
    [
        ("100", "JPY", 0, "from 1 to 120, not 0"),
        ("100", "JPY", -2, "from 1 to 120, not -2"),
        ("100", "JPY", MAX_INSTALLMENTS + 1, "from 1 to 120, not 121"),
        ("0.01", "USD", 2, "installments of zero (the total is only 1 × 0.01 USD)"),
        ("1", "JPY", 2, "installments of zero (the total is only 1 × 1 JPY)"),
        ("0", "JPY", 1, "the total must be a positive Decimal amount"),
        ("-100", "JPY", 1, "the total must be a positive Decimal amount"),
        ("100.001", "USD", 1, "100.001 has more decimal places than USD (2)"),
        ("100.5", "JPY", 1, "100.5 has more decimal places than JPY (0)"),
        ("100", "XYZ", 1, "unknown currency code 'XYZ'"),
    ],
)
def test_impossible_schedules_are_refused(total: str, currency: str, n: int, message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        schedule(Decimal(total), currency, n, FIRST)


def test_a_boolean_is_not_a_number_of_installments() -> None:
    with pytest.raises(ValueError, match="not True"):
        schedule(Decimal(100), "JPY", True, FIRST)


def test_monthly_dates_keep_the_day_clamped_to_month_ends() -> None:
    assert due_dates(date(2027, 1, 31), 5) == [
        date(2027, 1, 31),
        date(2027, 2, 28),
        date(2027, 3, 31),  # back to the 31st, not stuck on the 28th
        date(2027, 4, 30),
        date(2027, 5, 31),
    ]
    assert due_dates(date(2028, 1, 31), 2) == [date(2028, 1, 31), date(2028, 2, 29)]  # leap year
    assert due_dates(date(2026, 11, 30), 4) == [
        date(2026, 11, 30),
        date(2026, 12, 30),
        date(2027, 1, 30),
        date(2027, 2, 28),
    ]
    assert add_months(date(2026, 12, 15), 13) == date(2028, 1, 15)


def test_weekly_and_biweekly_dates() -> None:
    assert due_dates(date(2026, 12, 28), 3, "weekly") == [
        date(2026, 12, 28),
        date(2027, 1, 4),
        date(2027, 1, 11),
    ]
    assert due_dates(date(2026, 12, 28), 3, "biweekly") == [
        date(2026, 12, 28),
        date(2027, 1, 11),
        date(2027, 1, 25),
    ]
    with pytest.raises(ValueError, match="unknown installment frequency 'daily'"):
        due_dates(FIRST, 3, "daily")


def test_the_confirmation_comes_back_before_the_first_payment() -> None:
    plan = payment_plan(Decimal("1000.00"), "USD", 3, FIRST)
    assert plan.return_by == FIRST
    assert (plan.regular, plan.last, plan.last_due) == (
        Decimal("333.33"),
        Decimal("333.34"),
        date(2027, 2, 7),
    )
    with pytest.raises(ValueError, match="must come back no later than the first installment"):
        payment_plan(Decimal("1000.00"), "USD", 3, FIRST, return_by=date(2026, 12, 8))


def test_extra_context_defaults_to_the_letters_pay_by_date() -> None:
    letter = letter_for("en", "payment-plan")
    plan = extra_context(letter, installments=4)["plan"]
    assert plan.first_due == letter.planned.pay_by == date(2026, 12, 7)
    assert plan.total == letter.account.total
    with pytest.raises(RenderError, match="letter 20261123-payment-plan-EN-0001: payment plan: the first"):
        extra_context(letter, installments=4, first_due=date(2026, 11, 1), return_by=date(2026, 11, 1))


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


@pytest.mark.parametrize(
    ("lang", "needles"),
    [
        (
            "ja",
            [
                "お支払計画（分割払い）のご確認",
                "¥17,063",
                "¥17,065",
                "¥102,380",
                "2027年5月7日",
                "確　認　書",
                "2026年12月7日までに当社へご返送",
                "氏名",
                "日付",
                "全6回（毎月7日）",
            ],
        ),
        (
            "zh",
            [
                "分期还款确认函",
                "人民币壹万陆仟肆佰零玖元零贰分",
                "¥2,734.83",
                "¥2,734.87",
                "第6期",
                "还款确认书",
                "债务人（签字）",
                "2026年5月25日前寄回",
            ],
        ),
        (
            "en",
            [
                "Payment plan confirmation",
                "$197.89",
                "$197.89",
                "$1,187.34",
                "May 7, 2027",
                "Confirmation of payment plan",
                "Sign and return this part by December 7, 2026",
                "Signature",
                "Name (print)",
                "attempt to collect a debt",
            ],
        ),
    ],
)
def test_payment_plan_letters_show_schedule_and_confirmation(lang: str, needles: list[str]) -> None:
    letter = letter_for(lang, "payment-plan", as_of=_as_of(lang))
    html = render_with(letter, extra_context(letter, installments=6))
    text = _text(html)
    for needle in needles:
        assert " ".join(needle.split()) in text, needle
    assert html.count('class="pp-no">') == 6 + 2  # header, six installments, total


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["ja", "zh", "en"])
def test_payment_plan_pdf(lang: str, tmp_path: Path) -> None:
    letter = letter_for(lang, "payment-plan", as_of=_as_of(lang))
    context = extra_context(letter, installments=6)
    pdf = letter_pdf(letter, render_with(letter, context))
    path = tmp_path / "plan.pdf"
    path.write_bytes(pdf.data)
    text = "".join(pdftotext(path).split())
    for item in context["plan"].installments:
        assert format_money(item.amount, letter.account.currency, lang) in text
    assert letter.account.account_id in text
    assert pdf.pages <= 2


def _as_of(lang: str) -> date:
    # CN due dates need chinese-calendar's data for every year of the plan (its 2027 holidays are
    # not out yet): the zh plan is written in May 2026, so its six months stay within 2026.
    return date(2026, 5, 11) if lang == "zh" else date(2026, 11, 23)


def test_installment_due_dates_move_to_business_days() -> None:
    # first due Saturday 31 October 2026, monthly: 30 Nov (Mon), 31 Dec (banks closed in JP)
    dates = [i.due for i in schedule(Decimal("300"), "JPY", 3, date(2026, 10, 31), "monthly", "JP")]
    assert dates == [date(2026, 11, 2), date(2026, 11, 30), date(2027, 1, 4)]
    # the anchor day stays the 31st: the moves do not drift the later dates
    plain = [i.due for i in schedule(Decimal("300"), "JPY", 3, date(2026, 10, 31), "monthly")]
    assert plain == [date(2026, 10, 31), date(2026, 11, 30), date(2026, 12, 31)]
    # CN: the Sunday made a working day (调休) for New Year 2026 is a due date like any other
    cn = [i.due for i in schedule(Decimal("300.00"), "CNY", 2, date(2025, 12, 4), "monthly", "CN")]
    assert cn == [date(2025, 12, 4), date(2026, 1, 4)]


def test_a_cn_plan_into_a_year_without_calendar_data_is_refused() -> None:
    letter = letter_for("zh", "payment-plan")  # written 23 November 2026; six months run into 2027
    with pytest.raises(RenderError, match=r"payment plan: 2027-.*chinese-calendar .* no data for that year"):
        extra_context(letter, installments=6)
