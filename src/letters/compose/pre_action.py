"""Whether a UK letter before claim follows the Pre-Action Protocol for Debt Claims, and its facts.

The Protocol (Civil Procedure Rules, England and Wales, in force 2017-10-01) applies to a business
claiming a debt from an individual, sole traders included (Protocol §1.1).  Scottish and Northern
Irish postcodes are outside it (they get the same 30 days without naming it); organisations get the
Practice Direction on Pre-Action Conduct.  Where it applies, the letter states what §3.1 lists
and encloses Annex 1: the Information Sheet, the Reply Form and the Financial Statement
(templates/en/_annex1.html), in the same PDF and print job.

Whether interest or charges continue (§3.1(a)(ii)): the interest the letter computes and states
(compose/amounts_view.py: ``keeps_running``), else the account's ``interest_continues`` column.
"""

from __future__ import annotations

from letters.compose.amounts_view import AmountsView
from letters.errors import RenderError
from letters.intake.accounts import Account

# Postcode areas of Scotland (AB … ZE) and Northern Ireland (BT): the Protocol is England and Wales'.
_OUTSIDE = frozenset(
    {"AB", "DD", "DG", "EH", "FK", "G", "HS", "IV", "KA", "KW", "KY", "ML", "PA", "PH", "TD", "ZE", "BT"}
)


def england_and_wales(account: Account) -> bool:
    """A GB address whose postcode area is in England or Wales."""
    if account.address.country != "GB":
        return False
    postcode = account.address.postal_code.strip().upper()
    area = postcode[:2] if postcode[1:2].isalpha() else postcode[:1]
    return area not in _OUTSIDE


def protocol_applies(account: Account) -> bool:
    """The Pre-Action Protocol for Debt Claims: a business's claim against an individual in E&W."""
    return england_and_wales(account) and account.debtor_type == "person"


def interest_terms(account: Account, amounts: AmountsView) -> tuple[bool, str]:
    """(whether interest continues to accrue, its yearly rate as written or "").

    Interest the letter computes (decide/interest.py, shown in the amounts breakdown) runs on when
    the breakdown says so; otherwise the account's ``interest_continues`` column (yes / no, default
    no) says whether the contract adds interest the letter does not compute. Another value refuses
    the letter, naming the column.
    """
    if amounts.interest:
        return amounts.keeps_running, amounts.rate
    raw = account.extra.get("interest_continues", "").strip().lower()
    if raw not in ("", "yes", "no", "y", "n", "true", "false"):
        raise RenderError(
            f"account {account.account_id}: column interest_continues is {raw!r}; write yes or no"
        )
    return raw in ("yes", "y", "true"), ""


def pre_action_context(account: Account, amounts: AmountsView) -> dict[str, object]:
    """What templates/en/lawyer.html and _annex1.html need: ``pre_action``."""
    protocol = protocol_applies(account)
    continues, rate = interest_terms(account, amounts) if protocol else (False, "")
    return {
        "england_wales": england_and_wales(account),
        "protocol": protocol,
        "interest_continues": continues,
        "interest_rate": rate,
    }
