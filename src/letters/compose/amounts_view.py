"""What a letter's amounts breakdown says beyond the five figures: the interest line (rate, basis,
period, days), the UK fixed sum, the recorded payments subtracted, and whether interest runs on.

The figures themselves are on the account (decide/plan.py put the computed interest and the
recorded payments there, so the total and every kind's template agree); this is their wording."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from letters.decide.amounts import Received
from letters.decide.plan import PlannedLetter
from letters.decide.plan_text import percent as percent_text

# The rate's basis in the letter's language, by decide/interest.py's Rate.kind; {base} is the
# reference rate a statutory margin is added to, {markup} the CN markup in percent.
_BASIS = {
    "contract": {"ja": "約定利率", "zh": "合同约定的利率", "en": "the contract rate"},
    "jp-statutory": {
        "ja": "法定利率、民法404条・419条1項",
        "zh": "日本法定利率（日本民法第404条、第419条第1款）",
        "en": "the statutory rate, Japanese Civil Code arts. 404 and 419(1)",
    },
    "uk-late-payment": {
        "ja": "英国法定利率：イングランド銀行基準金利{base}%＋8%",
        "zh": "英国法定利率：英格兰银行参考利率{base}%加8%",
        "en": "8% over the Bank of England reference rate of {base}%",
    },
    "cn-lpr": {
        "ja": "中国のLPR {base}%に{markup}%を加算",
        "zh": (
            "一年期贷款市场报价利率（LPR）{base}%加计{markup}%，依据《最高人民法院"
            "关于审理买卖合同纠纷案件适用法律问题的解释》第十八条第四款"
        ),
        "en": "the one-year Loan Prime Rate of {base}% plus {markup}%",
    },
}


@dataclass(frozen=True)
class AmountsView:
    """The amounts breakdown's notes for templates (_macros.html itemised)."""

    interest: bool  # an interest line: rate, basis, period and days follow
    rate: str  # percent a year as written: 3, 12.25, 3.9
    basis: str  # the contract, or the statute and its rate source
    principal: Decimal  # what interest runs on (before the payments that reduce it)
    start: date | None
    end: date | None
    to_pay_by: bool  # interest is stated to the pay-by date, not the letter date
    days: int
    amount: Decimal
    reduced: bool  # payments reduced the principal interest runs on
    uk_statutory: bool  # Late Payment of Commercial Debts (Interest) Act 1998
    fixed_sum: Decimal
    other_fees: Decimal  # the fees besides the fixed sum
    keeps_running: bool
    received: tuple[Received, ...]


def amounts_view(planned: PlannedLetter) -> AmountsView:
    account = planned.account
    found = planned.interest
    received = planned.received
    if found is None:
        return AmountsView(
            False, "", "", account.principal, None, None, False, 0, Decimal(0), False, False,
            Decimal(0), account.fees, False, received,
        )  # fmt: skip
    lang = planned.lang
    rate = found.rate
    wording = _BASIS.get(rate.kind)
    if wording is None:
        basis = rate.source
    else:
        markup = percent_text(rate.markup * 100) if rate.markup is not None else ""
        base = percent_text(rate.base) if rate.base is not None else ""
        basis = wording.get(lang, wording["en"]).format(base=base, markup=markup)
    return AmountsView(
        interest=True,
        rate=percent_text(rate.percent),
        basis=basis,
        principal=found.principal,
        start=found.start,
        end=found.end,
        to_pay_by=found.end == planned.pay_by and found.end != planned.letter_date,
        days=found.days,
        amount=found.amount,
        reduced=bool(received) or account.payments > 0,
        uk_statutory=rate.kind == "uk-late-payment",
        fixed_sum=found.fixed_sum,
        other_fees=account.fees - found.fixed_sum,
        keeps_running=found.keeps_running,
        received=received,
    )
