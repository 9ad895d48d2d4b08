"""How a Japanese payment plan names its schedule: 全6回（毎月7日）, 全8回（毎週金曜日）.

The count with 全 and the day the installments fall on is how a 分割払い agreement states its terms;
the debtor plans the payments around the day, not around a list of dates.  The day is the
schedule's anchor (decide/installments.PaymentPlan.anchor): a due date moved to the next business
day keeps the plan's day, and the letter says so under the schedule.
"""

from __future__ import annotations

from dataclasses import dataclass

from letters.decide.installments import PaymentPlan, due_dates

_WEEKDAYS = ("月", "火", "水", "木", "金", "土", "日")


@dataclass(frozen=True)
class PlanTerms:
    count: str  # 全6回
    when: str  # 毎月7日 / 毎月末日 / 毎週金曜日 / 2週間ごとの金曜日
    moved: bool  # some due date was moved to the next business day

    @property
    def label(self) -> str:
        return f"{self.count}（{self.when}）"


def plan_terms(plan: PaymentPlan) -> PlanTerms:
    anchor = plan.anchor or plan.first_due
    n = len(plan.installments)
    if plan.every == "monthly":
        # add_months keeps the anchor day, clamped to each month: only a 31st is "the last day" in
        # every month; a 29th or 30th is the last day only where the month is shorter.
        if anchor.day == 31:
            when = "毎月末日"
        elif anchor.day > 28:
            when = f"毎月{anchor.day}日（{anchor.day}日のない月は末日）"
        else:
            when = f"毎月{anchor.day}日"
    elif plan.every == "weekly":
        when = f"毎週{_WEEKDAYS[anchor.weekday()]}曜日"
    else:
        when = f"2週間ごとの{_WEEKDAYS[anchor.weekday()]}曜日"
    planned = due_dates(anchor, n, plan.every)
    moved = any(item.due != day for item, day in zip(plan.installments, planned, strict=True))
    return PlanTerms(f"全{n}回", when, moved)
