"""Elements letters to China must carry, with their sources (see docs/jurisdictions.md).

A 律师函 is the law firm's letter, not the lawyer's private one: the firm takes the instruction and
issues it under its name and reference number (《律师法》第二十五条), and the lawyer in charge signs it
with the number of the practising certificate that shows who may act (《律师法》第六条). The rest is
what makes it a demand that interrupts limitation (《民法典》第一百九十五条): who instructed the firm,
the facts and the legal basis of the claim, what is demanded by when, and how to reply.
"""

from __future__ import annotations

from letters.compose.required.element import Element, LetterFacts

_LAWYER = frozenset({"lawyer"})


def _law_firm(facts: LetterFacts) -> bool:
    return facts.sender_kind == "law_firm"


ELEMENTS: tuple[Element, ...] = (
    Element(
        "cn.lawyer.reference",
        "the firm's reference number (firm code, year, serial)",
        "《律师法》第二十五条 (the firm accepts the instruction and issues the letter under its name); "
        "律师函 practice: 函号 such as （2026）沪明理律函字第0001号 for the firm's register",
        ("CN",),
        kinds=_LAWYER,
    ),
    Element(
        "cn.lawyer.client",
        "the client who instructed the firm (委托人)",
        "《律师法》第二十五条 (书面委托合同: the firm acts only for a named client); "
        "《民法典》第一百六十一条、第一百六十二条 (an agent acts in the principal's name)",
        ("CN",),
        kinds=_LAWYER,
    ),
    Element(
        "cn.lawyer.facts",
        "the facts of the claim (contract, due date, amount)",
        "《民法典》第一百九十五条 (a 履行请求 that interrupts limitation must say which claim is "
        "demanded: contract, period, amount)",
        ("CN",),
        kinds=_LAWYER,
    ),
    Element(
        "cn.lawyer.legal_basis",
        "the legal basis (《民法典》第五百七十七条 / 第五百七十九条)",
        "《民法典》第五百七十七条 (违约责任), 第五百七十九条 (金钱债务), 第五百零九条 (全面履行); "
        "a loan's interest would add 第六百七十四条",
        ("CN",),
        kinds=_LAWYER,
    ),
    Element(
        "cn.lawyer.deadline",
        "the deadline for payment (期限)",
        "《民法典》第五百一十一条第四项 (the creditor may demand performance, giving the debtor the "
        "time needed); 律师函 practice: a definite 付款期限",
        ("CN",),
        kinds=_LAWYER,
    ),
    Element(
        "cn.lawyer.contact",
        "how to contact the lawyer in charge (联系方式)",
        "律师函 practice: the debtor disputes, pays or settles through the lawyer in charge, so the "
        "letter gives a telephone number or address to reach them",
        ("CN",),
        kinds=_LAWYER,
    ),
    Element(
        "cn.lawyer.lawyer",
        "the lawyer in charge (承办律师)",
        "《律师法》第二十五条、第二十八条 (a lawyer of the firm handles the instruction)",
        ("CN",),
        kinds=_LAWYER,
        when=_law_firm,
    ),
    Element(
        "cn.lawyer.licence",
        "the lawyer's practising certificate number (律师执业证号)",
        "《律师法》第五条、第六条 (律师执业证书: only a lawyer holding a certificate may act)",
        ("CN",),
        kinds=_LAWYER,
        when=_law_firm,
    ),
    Element(
        "cn.lawyer.signature",
        "the lawyer's signature (image from the letterhead folder, `signature` in letterhead.toml)",
        "律师函 practice: signed by the lawyer in charge beside the firm's seal (《律师法》第二十五条)",
        ("CN",),
        kinds=_LAWYER,
        when=_law_firm,
    ),
)
