"""Company-type abbreviations in Japanese names, written out for the letter.

Account data often carries a debtor's name as a bank statement or an accounting system abbreviates
it: ㈱山田商事, (有)佐藤工務店, 山田商事（株）.  A demand addressed that way reads as careless, and on
a 内容証明 the counter compares the name with the envelope character for character, so the letter
writes the legal form out in full (株式会社山田商事).  The account keeps its raw value: the canonical
data, the manifest and the ledger show what the input said.

The forms are those of 会社法2条1号 (株式会社, 合名会社, 合資会社, 合同会社), the 有限会社 that
会社法の施行に伴う関係法律の整備等に関する法律3条 keeps (特例有限会社), and the usual non-company
legal persons; ㈹ (代表) appears in names such as ㈹山田太郎.
"""

from __future__ import annotations

import re

# Abbreviation (the bracketed character, as a single code point or written with brackets) → the form
# written out.  The parenthesised spellings are matched with ASCII or full-width brackets.
COMPANY_TYPES: dict[str, str] = {
    "株": "株式会社",
    "有": "有限会社",
    "同": "合同会社",
    "名": "合名会社",
    "資": "合資会社",
    "代": "代表",
    "社": "社団法人",
    "財": "財団法人",
    "一社": "一般社団法人",
    "一財": "一般財団法人",
    "公社": "公益社団法人",
    "公財": "公益財団法人",
    "医": "医療法人",
    "学": "学校法人",
    "福": "社会福祉法人",
    "特非": "特定非営利活動法人",
    "宗": "宗教法人",
}

# The enclosed ideographs Unicode has for some of them (U+3231 ㈱ …) and the squared ㍿.
ENCLOSED: dict[str, str] = {
    "\u3231": "株",  # ㈱
    "\u3232": "有",  # ㈲
    "\u3234": "名",  # ㈴
    "\u3233": "社",  # ㈳
    "\u3236": "財",  # ㈶
    "\u3239": "代",  # ㈹
    "\u323e": "資",  # ㈾
    "\u337f": "株",  # ㍿
}

_BRACKETED = re.compile(
    r"[(（]\s*(" + "|".join(sorted(map(re.escape, COMPANY_TYPES), key=len, reverse=True)) + r")\s*[)）]"
)


def write_out(name: str) -> str:
    """``name`` with every company-type abbreviation written out; other text is left as it is."""
    for char, short in ENCLOSED.items():
        name = name.replace(char, COMPANY_TYPES[short])
    return _BRACKETED.sub(lambda m: COMPANY_TYPES[m.group(1)], name)
