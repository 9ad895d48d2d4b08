"""A US debt collector's letters to a consumer → validation notice first, nothing overshadowing its period.

Rules, with their sources:

- the first letter is the validation notice (12 CFR 1006.34(a)(1)(i)(A): the collector provides the
  validation information in the initial communication or within five days of it; letters sends it
  first, so no other letter can be the initial communication);
- the validation period ends 30 days after the consumer receives the notice, and the collector may
  assume receipt five days after sending it, excluding legal public holidays (5 U.S.C. 6103(a)),
  Saturdays and Sundays (12 CFR 1006.34(b)(5)). Weekday days observed in place of a holiday
  (5 U.S.C. 6103(b)) are excluded too: that only moves the end later, never earlier;
- during the period no demand and no lawyer's letter (a deadline or a threat would overshadow the
  right to dispute, FDCPA 15 U.S.C. §1692g(b)); a reminder's pay-by date is put after the period's
  end and the reminder says the consumer's rights stand.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from letters.decide.business_days import add_business_days

RECEIPT_BUSINESS_DAYS = 5  # 12 CFR 1006.34(b)(5)
PERIOD_DAYS = 30  # 12 CFR 1006.34(b)(5); FDCPA §1692g(a)(3)
OVERSHADOWING = ("demand", "lawyer")  # FDCPA §1692g(b): a deadline or a threat inside the period


def assumed_receipt(sent: date) -> date:
    """The day the consumer is assumed to receive a notice sent on ``sent``."""
    return add_business_days(sent, RECEIPT_BUSINESS_DAYS, "US")


def validation_period_end(sent: date) -> date:
    """The last day of the validation period of a notice sent on ``sent``."""
    return assumed_receipt(sent) + timedelta(days=PERIOD_DAYS)


@dataclass(frozen=True)
class FirstContact:
    """What the US first-contact rules make of a planned letter: its kind (None: no letter), why,
    its pay-by date and the end of the validation period the letter falls in (or the notice opens)."""

    kind: str | None
    note: str
    pay_by: date
    validation_end: date | None


def first_contact(
    kind: str, forced: bool, sent: Sequence[tuple[str, date]], as_of: date, pay_by: date
) -> FirstContact:
    """Apply the rules above to one letter of ``kind`` for an account with letters ``sent``."""
    notices = sorted(day for k, day in sent if k == "validation-notice")
    if not notices:
        end = validation_period_end(as_of)
        if kind == "validation-notice":
            return FirstContact(kind, "", pay_by, end)
        if forced:
            return FirstContact(
                None,
                f"US debt collector: no validation notice sent yet, so a {kind} may not go first "
                "(12 CFR 1006.34(a)); use --letter validation-notice",
                pay_by,
                None,
            )
        return FirstContact(
            "validation-notice",
            f"; US debt collector's first letter: validation notice instead of {kind} (12 CFR 1006.34(a))",
            pay_by,
            end,
        )
    last = notices[-1]
    end = validation_period_end(last)
    if as_of > end:
        return FirstContact(kind, "", pay_by, None)
    if kind in OVERSHADOWING:
        return FirstContact(
            None,
            f"validation period of the notice of {last.isoformat()} runs until {end.isoformat()}: "
            f"no {kind} during it (FDCPA §1692g(b), overshadowing)",
            pay_by,
            None,
        )
    later = max(pay_by, end + timedelta(days=1))
    note = f"; validation period until {end.isoformat()}"
    if later != pay_by:
        note += f": pay-by moved from {pay_by.isoformat()} to {later.isoformat()}"
    return FirstContact(kind, note, later, end)
