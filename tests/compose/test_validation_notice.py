"""US validation notice (12 CFR 1006.34, model form B-1): the figures, and every element on the page."""

from __future__ import annotations

import re
import subprocess
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from letters.compose.render_html import Letter
from letters.compose.validation_notice import (
    extra_context,
    notice_figures,
    truncated_account_number,
    validation_notice,
)
from letters.errors import RenderError
from tests.helpers import make_account, pdftotext
from tests.render_helpers import AS_OF, letter_for, letter_pdf, render_with

CREDITOR = "Empire Harbor Bank, N.A."


def test_figures_map_the_account_and_add_up() -> None:
    account = make_account("en")  # 1,250.00 + 12.34 interest + 25 fees − 100 payments
    figures = notice_figures(account, AS_OF)
    assert figures.itemization_date == account.period_end == date(2026, 8, 31)
    assert figures.amount_then == Decimal("1250.00")
    assert figures.interest_since == Decimal("12.34")
    assert figures.fees_since == Decimal("25")
    assert figures.payments_since == Decimal("100")
    assert figures.total_now == Decimal("1187.34") == account.total
    # Mailed Monday 23 November 2026: receipt is assumed on Tuesday 1 December (five days without
    # Thanksgiving and the weekend), so the period ends 30 days later, not 35 calendar days on.
    assert figures.validation_end == date(2026, 12, 31) > AS_OF + timedelta(days=35)


def test_validation_period_can_be_longer_but_never_shorter_than_the_rule() -> None:
    account = make_account("en")
    assert notice_figures(account, AS_OF, validation_days=40).validation_end == date(2027, 1, 2)
    # 35 calendar days would end on 28 December, before the rule's 31 December: the rule wins
    assert notice_figures(account, AS_OF, validation_days=35).validation_end == date(2026, 12, 31)
    with pytest.raises(RenderError, match="shorter than the 30 days after receipt"):
        notice_figures(account, AS_OF, validation_days=29)


def test_given_figures_must_add_up_to_the_balance() -> None:
    account = make_account("en")
    split = notice_figures(
        account, AS_OF, amount_then=Decimal("1255.00"), interest_since=Decimal("7.34")
    )  # the same balance, itemized differently
    assert split.total_now == Decimal("1187.34")
    with pytest.raises(RenderError) as info:
        notice_figures(account, AS_OF, amount_then=Decimal("1300.00"))
    assert str(info.value) == (
        "account EN-0001: the itemization does not add up: 1300.00 + 12.34 interest + 25 fees "
        "− 100 payments and credits = 1237.34, but the account's balance is 1187.34"
    )


def test_itemization_date_from_the_input_and_never_after_the_letter() -> None:
    account = make_account("en", extra={"itemization_date": "2026-07-31"})
    assert notice_figures(account, AS_OF).itemization_date == date(2026, 7, 31)
    with pytest.raises(RenderError, match="itemization date 2026-11-24 is after the letter date"):
        notice_figures(account, AS_OF, itemization_date=date(2026, 11, 24))
    bad = make_account("en", extra={"itemization_date": "31/07/2026"})
    with pytest.raises(RenderError, match="account EN-0001: itemization_date '31/07/2026'"):
        notice_figures(bad, AS_OF)


def test_account_number_is_truncated_to_the_last_four() -> None:
    assert truncated_account_number("HR-7781") == "ending in 7781"
    assert truncated_account_number("4400012345") == "ending in 2345"
    assert truncated_account_number("781") == "781"


def test_creditors_are_never_guessed() -> None:
    from dataclasses import replace

    named = letter_for("en", "validation-notice", creditor=CREDITOR)
    unnamed = replace(named, planned=replace(named.planned, account=replace(named.account, creditor="")))
    with pytest.raises(RenderError, match="must name the creditor on the itemization date"):
        validation_notice(unnamed)
    sold = letter_for(
        "en", "validation-notice", creditor=CREDITOR, extra={"current_creditor": "Liberty Debt Buyers LLC"}
    )
    notice = validation_notice(sold)
    assert (notice.creditor_then, notice.current_creditor) == (CREDITOR, "Liberty Debt Buyers LLC")


@pytest.fixture(scope="module")
def letter() -> Letter:
    return letter_for("en", "validation-notice", creditor=CREDITOR)


def _required(letter: Letter) -> list[str]:
    """Every element of model form B-1 the notice must carry, as the reader sees it."""
    return [
        # debt collector name and mailing address (also the letterhead), the disclosure
        "Hudson Recovery Services LLC is a debt collector.",
        "We are trying to collect a debt that you owe to Empire Harbor Bank, N.A. We will use any "
        "information you give us to help collect the debt.",
        "175 Varick Street, Suite 600",
        "New York, NY 10014",
        # consumer name and address
        "Ms. Jane Doe",
        "350 Fifth Avenue",
        "New York, NY 10001",
        # creditor on the itemization date and the (truncated) account number
        "You had an account with Empire Harbor Bank, N.A.",
        "account number ending in 7781",
        # itemization date and the itemization
        "As of August 31, 2026, you owed: $1,250.00",
        "Between August 31, 2026 and today:",
        "You were charged this amount in interest: + $12.34",
        "You were charged this amount in fees: + $25.00",
        "You paid or were credited this amount toward the debt: – $100.00",
        "Total amount of the debt now: $1,187.34",
        # validation period, dispute and original-creditor statements
        "How can you dispute the debt?",
        "Call or write to us by December 31, 2026, to dispute all or part of the debt.",
        "If you write to us by December 31, 2026, we must stop collection on any amount you dispute",
        "What else can you do?",
        "Write to ask for the name and address of the original creditor, if different from the "
        "current creditor. If you write by December 31, 2026, we must stop collection until we send "
        "you that information.",
        "Go to www.cfpb.gov/debt-collection to learn more about your rights under federal law.",
        "Contact us about your payment options.",
        "Póngase en contacto con nosotros para solicitar una copia de este formulario en español.",
        # the tear-off response form
        "How do you want to respond?",
        "Check all that apply:",
        "I want to dispute the debt because I think:",
        "This is not my debt.",
        "The amount is wrong.",
        "Other (please describe on reverse or attach additional information).",
        "I want you to send me the name and address of the original creditor.",
        "I enclosed this amount: $",
        "Make your check payable to Hudson Recovery Services LLC. Include the reference number EN-0001.",
        "Mail this form to:",
        "Quiero este formulario en español.",
    ]


def _flat(html: str) -> str:
    """The HTML's text: inline tags vanish, block tags separate words."""
    inline_gone = re.sub(r"</?(span|strong)\b[^>]*>", "", html)
    return " ".join(re.sub(r"<[^>]+>", " ", inline_gone).split())


def test_notice_html_has_every_element(letter: Letter) -> None:
    html = _flat(render_with(letter, extra_context(letter)).replace("&amp;", "&"))
    for needle in _required(letter):
        assert needle in html, needle


def test_spanish_and_electronic_disputes_are_options(letter: Letter) -> None:
    plain = _flat(render_with(letter, extra_context(letter, spanish=False)))
    assert "español" not in plain
    online = _flat(
        render_with(letter, extra_context(letter, dispute_url="www.hudson-recovery.example/dispute"))
    )
    assert "We accept disputes electronically at www.hudson-recovery.example/dispute." in online


@pytest.mark.slow
def test_notice_pdf_has_every_element(letter: Letter, tmp_path: Path) -> None:
    pdf = letter_pdf(letter, render_with(letter, extra_context(letter)))
    path = tmp_path / "notice.pdf"
    path.write_bytes(pdf.data)
    assert pdf.pages <= 2
    # -layout keeps a table row on one line; reading order keeps each column of the form together.
    reading = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    texts = [" ".join(pdftotext(path).split()), " ".join(reading.split())]
    for needle in _required(letter):
        assert any(needle in text for text in texts), needle
