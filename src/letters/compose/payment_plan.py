"""A payment-plan letter → the schedule its template prints (``plan``), from decide.installments."""

from __future__ import annotations

from datetime import date
from typing import Any

from letters.compose.ja_plan import plan_terms
from letters.compose.render_html import Letter
from letters.decide.business_days import CalendarError, calendar_key
from letters.decide.installments import payment_plan
from letters.errors import RenderError


def extra_context(
    letter: Letter,
    *,
    installments: int,
    first_due: date | None = None,
    every: str = "monthly",
    return_by: date | None = None,
) -> dict[str, Any]:
    """What templates/<lang>/payment-plan.html needs on top of render_html's context: ``plan``.

    The plan covers the account's total now; the first installment is due on the letter's pay-by date
    unless ``first_due`` is given, and the signed confirmation is due by the first installment.
    A plan that cannot be made (see ``schedule``) is a RenderError naming the letter.
    """
    account = letter.account
    try:
        calendar: str | None = calendar_key(account.address.country, account.jurisdiction)
    except CalendarError:
        calendar = None  # no calendar for the country: the dates stand as computed
    try:
        plan = payment_plan(
            account.total,
            account.currency,
            installments,
            first_due if first_due is not None else letter.planned.pay_by,
            every,
            return_by=return_by,
            business_days=calendar,
        )
        if plan.first_due < letter.planned.letter_date:
            raise ValueError(
                f"the first installment ({plan.first_due.isoformat()}) is before the letter date"
            )
    except (ValueError, CalendarError) as exc:
        raise RenderError(f"letter {letter.id}: payment plan: {exc}") from None
    if letter.planned.lang == "ja":
        return {"plan": plan, "terms": plan_terms(plan)}  # 全6回（毎月7日） (compose/ja_plan.py)
    return {"plan": plan}
