"""Values a post office counter may refuse in a 内容証明, found before the sender goes there.

Japan Post's conditions for 内容証明 (内容証明ご利用の条件, 郵便法施行規則) list the characters a
text may use: kana, kanji, digits, and Latin letters only in proper nouns — names of people,
companies, places and products (英字は、氏名、会社名、地名、商品名等の固有名詞に限り使用可).  The
names and addresses in our text are proper nouns; a contract or invoice number such as SK-2024-00123
is not, and whether the counter accepts it varies from office to office.

letters prints such a value unchanged — it is what identifies the debt demanded, and rewriting it
(spelling the letters out in katakana, dropping them) would make the 内容証明 name a different
contract — and says so: each doubtful value is listed with its sheet and line on the cover sheet and
as a warning of the batch, so the sender can check with the office (or correct the data) before the
three copies are stamped.  docs/jurisdictions.md (内容証明) explains the choice.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from letters.intake.accounts import Account

_LATIN = re.compile(r"[A-Za-z]")
# A value's Latin-bearing word, as the layout keeps it whole (letters, digits and inner separators).
_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9\-_./,:#]*")


@dataclass(frozen=True)
class CounterDoubt:
    """A value with Latin letters that are not a proper noun, and where it stands in one copy."""

    column: str  # the account column it comes from
    label: str  # as the 記 names it
    value: str
    places: tuple[tuple[int, int], ...]  # (sheet, line) from 1, each line it is on; () if not found

    @property
    def where(self) -> str:
        return "、".join(f"{s}枚目{n}行目" for s, n in self.places) or "本文中"

    def warning(self, letter_id: str) -> str:
        """The operator's warning, in English like every message of the tool."""
        place = "; ".join(f"sheet {s}, line {n}" for s, n in self.places) or "in the text"
        return (
            f"letter {letter_id} (内容証明) {place}: {self.column} {self.value!r} has Latin letters, which "
            "Japan Post accepts only in proper nouns (内容証明ご利用の条件); the counter may refuse it: "
            "check with the post office or correct the data before mailing"
        )


def doubtful_values(account: Account) -> list[tuple[str, str, str]]:
    """(column, label, value) of what the 内容証明 prints that is not a proper noun yet has Latin letters."""
    candidates = [("contract_number", "契約番号", account.contract_number)]
    candidates += [("invoice_refs", "請求書番号", ref) for ref in account.invoice_refs]
    return [
        (column, label, value)
        for column, label, value in candidates
        if _LATIN.search(unicodedata.normalize("NFKC", value))
    ]


def counter_doubts(account: Account, lines: Sequence[Sequence[str]]) -> tuple[CounterDoubt, ...]:
    """Each doubtful value with the sheets and lines (from 1) of one copy where it appears.

    ``lines`` are the sheets of one copy, each a list of its lines' text as laid out on the grid.
    """
    found: list[CounterDoubt] = []
    for column, label, value in doubtful_values(account):
        words = [w for w in _WORD.findall(unicodedata.normalize("NFKC", value)) if _LATIN.search(w)]
        needle = words[0] if words else value
        places = tuple(
            (sheet_no, line_no)
            for sheet_no, sheet in enumerate(lines, start=1)
            for line_no, line in enumerate(sheet, start=1)
            if needle in unicodedata.normalize("NFKC", line)
        )
        found.append(CounterDoubt(column, label, value, places))
    return tuple(found)
