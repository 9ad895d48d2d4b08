"""How a Japanese letter opens and closes: 頭語, 時候の挨拶 and the 結語 that answers the 頭語.

A reminder or a payment plan is still correspondence with a customer: 拝啓, the greeting that fits
the addressee — 時下ますますご清祥 for a person (ご清祥 wishes an individual well), 貴社ますます
ご清栄 for a company (ご清栄 wishes a business prosperity) — and 敬具.  A 催告書 demands payment
after reminders went unanswered, and a lawyer's 通知書 speaks for the client: wishing the debtor
well would read as irony, so they open with 前略 (the preliminaries left out) or 冠省 (the same,
more formal, usual in 弁護士名の書面) and no seasonal greeting.  The 結語 is fixed by the 頭語
(拝啓→敬具, 前略→草々, 冠省→不一): a mismatched pair is the error a reader notices first.
This is convention, not statute: the pairs are those every business-letter reference gives
(ビジネス文書検定 and 手紙の書き方 manuals), and the choice per kind is how 債権回収 departments and
law firms write.
"""

from __future__ import annotations

from dataclasses import dataclass

from letters.errors import RenderError

# 頭語 → 結語.
CLOSINGS: dict[str, str] = {"拝啓": "敬具", "前略": "草々", "冠省": "不一"}

# Which 頭語 each kind of letter opens with.
OPENINGS: dict[str, str] = {
    "reminder": "拝啓",
    "payment-plan": "拝啓",
    "demand": "前略",
    "lawyer": "冠省",
}

# The seasonal greeting after 拝啓, by debtor type; 前略 and 冠省 are followed by the matter itself.
SEASONAL: dict[str, str] = {
    "person": "時下ますますご清祥のこととお慶び申し上げます。",
    "organisation": "貴社ますますご清栄のこととお慶び申し上げます。",
}


@dataclass(frozen=True)
class Greeting:
    head: str  # 頭語
    seasonal: str  # 時候の挨拶, empty after 前略 / 冠省
    closing: str  # 結語

    @property
    def opening(self) -> str:
        """The start of the first paragraph: 頭語, a full-width space, the greeting if any."""
        return f"{self.head}　{self.seasonal}"


def greeting(kind: str, debtor_type: str) -> Greeting:
    try:
        head = OPENINGS[kind]
    except KeyError:
        raise RenderError(f"no Japanese opening (頭語) is set for {kind} letters") from None
    seasonal = SEASONAL[debtor_type] if head == "拝啓" else ""
    return Greeting(head, seasonal, CLOSINGS[head])
