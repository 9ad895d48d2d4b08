"""What a 貸金業者's demand must state (貸金業法21条2項, 施行規則19条), as rows for the letter.

A registered money lender (or whoever collects for one: a lawyer, a servicer) that demands payment
in writing must state who the lender is (商号, 住所, 電話番号, 登録番号), who sends the letter, the
contract (契約年月日, 貸付けの金額, 貸付けの利率), the due date and the amount demanded, and the
outstanding balance with its breakdown.  The contract date, the due date and the amount demanded are
in every Japanese letter already (its 記 and amounts table carry the markers jp.loan.date and
jp.loan.due); ``lender_rows`` gives the other items as (key, label, value);
a value is empty when the data lacks it, and the required-elements check (compose/required/jp.py)
then refuses the letter naming the item — nothing is invented or left out silently.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from letters.compose.letterhead import Letterhead
from letters.intake.accounts import Account
from letters.intake.parse import parse_percent


@dataclass(frozen=True)
class LenderRow:
    key: str  # the data-required marker (compose/required/jp.py)
    label: str  # as printed in the letter
    value: str  # empty when the data lacks it
    short: str = ""  # the letter's form where the rest is printed nearby (the balance without 内訳)


def lender_of(sender: Letterhead, client: Letterhead | None) -> Letterhead | None:
    """The 貸金業者 a letter is written for: the sender, or the client a law firm writes for."""
    if sender.moneylender:
        return sender
    if client is not None and client.moneylender:
        return client
    return None


def rate_text(account: Account) -> str:
    """``年15.0%`` from the ``interest_rate`` column, exactly as given; empty when there is none."""
    raw = account.extra.get("interest_rate", "").strip()
    if not raw:
        return ""
    return f"年{parse_percent(raw)}%"  # intake checked it; a bad value raises ValueError (RenderError)


def lender_rows(
    account: Account,
    sender: Letterhead,
    client: Letterhead | None,
    money: Callable[[Decimal], str],
) -> dict[str, LenderRow]:
    """The 21条2項 items of a letter to ``account`` by key, or none when no 貸金業者 is involved."""
    lender = lender_of(sender, client)
    if lender is None:
        return {}
    text = lender.text("ja")
    # 2号: the person who sends the letter — the lawyer who signs it, or the lender's 担当者.
    person = sender.text("ja").signatory if lender is not sender else text.contact_name
    parts = [f"元本{money(account.principal)}"]
    if account.interest:
        parts.append(f"利息・遅延損害金{money(account.interest)}")
    if account.fees:
        parts.append(f"手数料{money(account.fees)}")
    if account.payments:
        parts.append(f"既払金{money(account.payments)}控除")
    balance = f"{money(account.total)}（内訳：{'、'.join(parts)}）"
    loan = money(account.loan_amount) if account.loan_amount is not None else ""
    rows = (
        LenderRow("jp.lender.name", "貸金業者", text.name),
        LenderRow("jp.lender.registration", "登録番号", _number(text.registration)),
        LenderRow("jp.lender.address", "住所", "　".join(text.address)),
        LenderRow("jp.lender.phone", "電話番号", lender.phone),
        LenderRow("jp.lender.person", "担当者" if lender is sender else "送付者", person),
        LenderRow("jp.loan.amount", "貸付けの金額", loan),
        LenderRow("jp.loan.rate", "貸付けの利率", rate_text(account)),
        LenderRow("jp.loan.balance", "残存債務の額", balance, money(account.total)),
    )
    return {row.key: row for row in rows}


def _number(registration: str) -> str:
    """関東財務局長(3)第01234号 from the letterhead line 貸金業登録番号 関東財務局長(3)第01234号."""
    return registration.removeprefix("貸金業登録番号").strip(" 　:：")
