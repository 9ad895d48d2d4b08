"""An account → the figures and facts of a US validation notice (Regulation F, 12 CFR 1006.34).

A debt collector's first letter to a US consumer is a validation notice with the content of the
CFPB's model form B-1 (templates/en/validation-notice.html draws it).  This module works out what
the notice states, from the Account:

- itemization date: one of the five reference dates of 1006.34(b)(3) (last statement, charge-off,
  last payment, transaction, judgment).  Default: the account's ``extra["itemization_date"]`` if the
  input has that column, otherwise ``period_end`` — the closing date of the billing period the
  amount was billed for, i.e. the last statement date;
- amount on the itemization date: ``principal`` (the amount billed) unless given;
- since the itemization date: interest = ``interest``, fees = ``fees``, payments and credits =
  ``payments`` (each can be given instead);
- amount now: amount then + interest + fees − payments and credits, in Decimal, which must equal
  ``account.total`` — a notice whose itemization does not add up to the balance is refused;
- validation period end: 30 days after the consumer is assumed to receive the notice, i.e. five
  days after the letter date excluding Saturdays, Sundays and the federal legal public holidays
  (12 CFR 1006.34(b)(5); decide/us_first_contact.py counts them with the `holidays` library).
  ``validation_days`` (--validation-days) can only make the period longer: the end printed is
  never earlier than the rule gives. The notice is assumed mailed on its letter date;
- creditor on the itemization date: ``extra["creditor_at_itemization"]``, else ``creditor`` (the
  original creditor); current creditor: ``extra["current_creditor"]``, else the same creditor.
  Neither is ever guessed: a notice without a creditor is refused;
- account number: the creditor's account number (``contract_number``), truncated to its last four
  characters, as 1006.34(c)(2)(iv) allows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from letters.compose.render_html import Letter
from letters.decide.us_first_contact import validation_period_end
from letters.errors import RenderError
from letters.intake.accounts import Account
from letters.intake.parse import parse_date

MIN_VALIDATION_DAYS = 30  # the period is at least 30 days from receipt; receipt can't precede the letter
CFPB_WEBSITE = "www.cfpb.gov/debt-collection"


@dataclass(frozen=True)
class NoticeFigures:
    """The itemization of the debt a validation notice shows, and the end of the validation period."""

    itemization_date: date
    amount_then: Decimal
    interest_since: Decimal
    fees_since: Decimal
    payments_since: Decimal  # payments and credits, a positive number subtracted
    total_now: Decimal
    validation_end: date


@dataclass(frozen=True)
class ValidationNotice:
    """What templates/en/validation-notice.html shows as ``notice``: the figures and the parties."""

    itemization_date: date
    amount_then: Decimal
    interest_since: Decimal
    fees_since: Decimal
    payments_since: Decimal
    total_now: Decimal
    validation_end: date
    creditor_then: str  # the creditor on the itemization date
    current_creditor: str
    account_number: str  # truncated: "ending in 7781"
    reference: str  # the collector's reference the consumer quotes (the account id)
    spanish: bool  # offer a Spanish copy (the optional statement of 1006.34(d)(3)(vi))
    dispute_url: str  # where disputes are accepted electronically; empty if they are not


def itemization_date_of(account: Account) -> date:
    """The account's itemization date: ``extra["itemization_date"]``, else the end of the billing period."""
    raw = account.extra.get("itemization_date", "")
    if not raw:
        return account.period_end
    try:
        return parse_date(raw)
    except ValueError as exc:
        raise RenderError(f"account {account.account_id}: itemization_date {raw!r}: {exc}") from None


def notice_figures(
    account: Account,
    letter_date: date,
    *,
    itemization_date: date | None = None,
    amount_then: Decimal | None = None,
    interest_since: Decimal | None = None,
    fees_since: Decimal | None = None,
    payments_since: Decimal | None = None,
    validation_days: int | None = None,
) -> NoticeFigures:
    """The notice's figures (mapping in the module docstring); RenderError if they don't add up."""
    where = f"account {account.account_id}"
    given = validation_days
    if given is not None and (isinstance(given, bool) or not isinstance(given, int)):
        raise RenderError(f"{where}: validation_days must be a whole number of days")
    if validation_days is not None and validation_days < MIN_VALIDATION_DAYS:
        raise RenderError(
            f"{where}: a validation period of {validation_days} days after the letter date is shorter "
            f"than the {MIN_VALIDATION_DAYS} days after receipt that 12 CFR 1006.34(b)(5) requires"
        )
    day = itemization_date if itemization_date is not None else itemization_date_of(account)
    if day > letter_date:
        raise RenderError(f"{where}: itemization date {day.isoformat()} is after the letter date")
    then = account.principal if amount_then is None else amount_then
    interest = account.interest if interest_since is None else interest_since
    fees = account.fees if fees_since is None else fees_since
    payments = account.payments if payments_since is None else payments_since
    for name, value in (
        ("amount then", then),
        ("interest", interest),
        ("fees", fees),
        ("payments", payments),
    ):
        if not isinstance(value, Decimal) or not value.is_finite() or value < 0:
            raise RenderError(f"{where}: {name} must be a non-negative Decimal, got {value!r}")
    total = then + interest + fees - payments
    if total != account.total:
        raise RenderError(
            f"{where}: the itemization does not add up: {then} + {interest} interest + {fees} fees "
            f"− {payments} payments and credits = {total}, but the account's balance is {account.total}"
        )
    return NoticeFigures(
        itemization_date=day,
        amount_then=then,
        interest_since=interest,
        fees_since=fees,
        payments_since=payments,
        total_now=total,
        validation_end=validation_end(letter_date, validation_days),
    )


def validation_end(letter_date: date, validation_days: int | None = None) -> date:
    """The period's end by Regulation F, or letter date + ``validation_days`` if that is later."""
    by_rule = validation_period_end(letter_date)
    if validation_days is None:
        return by_rule
    return max(by_rule, letter_date + timedelta(days=validation_days))


def truncated_account_number(number: str) -> str:
    """'ending in 7781': the last four characters of the creditor's account number."""
    digits = number.strip()
    return f"ending in {digits[-4:]}" if len(digits) > 4 else digits


def validation_notice(
    letter: Letter,
    *,
    itemization_date: date | None = None,
    amount_then: Decimal | None = None,
    validation_days: int | None = None,
    spanish: bool = True,
    dispute_url: str = "",
) -> ValidationNotice:
    """Everything the notice states beyond render_html's context, for one letter."""
    account = letter.account
    figures = notice_figures(
        account,
        letter.planned.letter_date,
        itemization_date=itemization_date,
        amount_then=amount_then,
        validation_days=validation_days,
    )
    creditor_then = account.extra.get("creditor_at_itemization", "") or account.creditor
    if not creditor_then:
        raise RenderError(
            f"letter {letter.id}: a validation notice must name the creditor on the itemization date; "
            "the account has no creditor (nor creditor_at_itemization) column"
        )
    current = account.extra.get("current_creditor", "") or creditor_then
    return ValidationNotice(
        itemization_date=figures.itemization_date,
        amount_then=figures.amount_then,
        interest_since=figures.interest_since,
        fees_since=figures.fees_since,
        payments_since=figures.payments_since,
        total_now=figures.total_now,
        validation_end=figures.validation_end,
        creditor_then=creditor_then,
        current_creditor=current,
        account_number=truncated_account_number(account.contract_number),
        reference=account.account_id,
        spanish=spanish,
        dispute_url=dispute_url,
    )


def extra_context(letter: Letter, **settings: Any) -> dict[str, Any]:
    """What templates/en/validation-notice.html needs on top of render_html's context: ``notice``.

    ``settings`` are validation_notice()'s keywords (itemization_date, amount_then, validation_days,
    spanish, dispute_url).
    """
    return {"notice": validation_notice(letter, **settings)}
