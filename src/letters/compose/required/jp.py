"""Elements letters to Japan must carry (see docs/jurisdictions.md).

貸金業法21条2項 (and 貸金業法施行規則19条, the 内閣府令 its 8号 refers to): a 貸金業者 — or whoever
collects a 貸金業者's loan for it, such as a lawyer — that demands payment in writing must state
these items.  They apply when the sender's letterhead, or the client a law firm writes for, has
``moneylender = true``; templates/ja/_kashikin.html carries them (values from compose/moneylender.py).
"""

from __future__ import annotations

from letters.compose.required.element import Element, LetterFacts

_DEMANDS = frozenset({"reminder", "demand", "lawyer"})
_LAW = "貸金業法21条2項"


def _lender(facts: LetterFacts) -> bool:
    return facts.moneylender


def _row(key: str, label: str, source: str) -> Element:
    return Element(key, label, source, ("JP",), kinds=_DEMANDS, when=_lender)


ELEMENTS: tuple[Element, ...] = (
    _row("jp.lender.name", "the money lender's trade name (商号)", f"{_LAW}1号"),
    _row("jp.lender.address", "the money lender's address (住所)", f"{_LAW}1号"),
    _row("jp.lender.phone", "the money lender's telephone number (電話番号)", f"{_LAW}1号"),
    _row(
        "jp.lender.registration",
        "the money lender's registration number (登録番号)",
        f"{_LAW}8号, 貸金業法施行規則19条 (登録番号)",
    ),
    _row(
        "jp.lender.person",
        "the name of the person sending the letter (担当者氏名; contact_name in the letterhead)",
        f"{_LAW}2号 (当該書面を送付する者の氏名)",
    ),
    _row("jp.loan.date", "the loan contract date (契約年月日)", f"{_LAW}3号"),
    _row("jp.loan.amount", "the amount lent (貸付けの金額; loan_amount column)", f"{_LAW}4号"),
    _row("jp.loan.rate", "the loan's interest rate (貸付けの利率; interest_rate column)", f"{_LAW}5号"),
    _row("jp.loan.due", "the due date of the debt demanded (弁済期)", f"{_LAW}6号"),
    _row(
        "jp.loan.balance",
        "the outstanding balance and its breakdown (残存債務の額・内訳)",
        f"{_LAW}7号・8号, 貸金業法施行規則19条 (残存債務の額, 元本・利息・賠償額の内訳)",
    ),
)


# A payment plan's 確認書, signed and returned by the debtor: it acknowledges the debt, which renews
# the limitation period (民法152条1項: 権利の承認があったときは、その時から新たに時効の進行を始める).
PLAN: tuple[Element, ...] = (
    Element(
        "jp.plan.acknowledgement",
        "the acknowledgement of the debt in the confirmation (債務の承認)",
        "民法152条1項 (権利の承認による時効の更新): the signed 確認書 states the debt and its amount",
        ("JP",),
        kinds=frozenset({"payment-plan"}),
    ),
)
ELEMENTS += PLAN
