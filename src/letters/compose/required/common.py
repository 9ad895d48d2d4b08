"""Elements every collection letter carries, wherever it goes."""

from __future__ import annotations

from letters.compose.required.element import Element

_DEMANDS = frozenset({"reminder", "demand", "lawyer"})

ELEMENTS: tuple[Element, ...] = (
    Element(
        "sender.name",
        "the sender's name",
        "Identifies who demands payment: JP 民法 (意思表示の主体), FDCPA §1692e(14) (true name), "
        "Pre-Action Protocol for Debt Claims §3.1(a), 《民法典》第一百三十五条 (书面形式)",
        ("*",),
    ),
    Element(
        "sender.address",
        "the sender's postal address",
        "Where the debtor replies or disputes: Pre-Action Protocol for Debt Claims §3.1(e); "
        "Regulation F 12 CFR §1006.34(c)(1); 内容証明 差出人住所 (郵便法施行規則 / 内容証明ご利用の条件)",
        ("*",),
    ),
    Element(
        "recipient.name",
        "the debtor's name",
        "The addressee the demand is made to (a demand to nobody in particular proves nothing)",
        ("*",),
    ),
    Element(
        "amount.total",
        "the amount claimed",
        "Pre-Action Protocol for Debt Claims §3.1(b); 12 CFR §1006.34(c)(2)(viii); "
        "民法150条 催告 (which debt is demanded); "
        "《民法典》第一百九十五条 (权利人向义务人提出履行请求)",
        ("*",),
        kinds=_DEMANDS,
    ),
)
