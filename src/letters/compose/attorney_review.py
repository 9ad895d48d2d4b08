"""US attorney letters: the attorney who reviewed the account, or the statement that none has.

A collection letter on a law firm's letterhead tells a consumer that a lawyer has looked at the
account; if none has, the letter misleads (FDCPA §1692e(3); Clomon v. Jackson, 988 F.2d 1314 (2d
Cir. 1993): mass-produced letters signed by an attorney who had not reviewed the files).  A firm may
send a letter without an attorney's review if it says so clearly (Greco v. Trauner, Cohen & Thomas,
L.L.P., 412 F.3d 360 (2d Cir. 2005), whose wording ``DISCLAIMER`` follows).

So a US lawyer's letter to a consumer either names the attorney who reviewed the account
(``--reviewed-by NAME``, kept in the manifest and the ledger) or carries the disclaimer; a batch of
more than one such letter with neither choice made is refused (``bulk_refusal``), since a batch is
exactly the mass production Clomon is about and the operator must say which is true.
"""

from __future__ import annotations

from letters.decide.plan import PlannedLetter

DISCLAIMER = (
    "At this time, no attorney with this firm has personally reviewed the particular circumstances "
    "of your account."
)


def applies(planned: PlannedLetter) -> bool:
    """A lawyer's letter to a US consumer (the FDCPA's meaningful-involvement cases)."""
    account = planned.account
    return planned.kind == "lawyer" and account.address.country == "US" and account.debtor_type == "person"


def bulk_refusal(count: int, reviewed_by: str | None, disclaim: bool) -> str:
    """Why a batch of ``count`` US attorney letters may not go out, or "" when it may."""
    if count <= 1 or reviewed_by or disclaim:
        return ""
    return (
        f"{count} attorney letters to US consumers in one batch, and no attorney recorded as having "
        "reviewed the accounts: give --reviewed-by NAME (the attorney who reviewed each account; kept "
        "in the manifest and the ledger) or --no-attorney-review (each letter then says that no "
        "attorney has personally reviewed the account). Clomon v. Jackson, 988 F.2d 1314 (2d Cir. "
        "1993); Greco v. Trauner, Cohen & Thomas, 412 F.3d 360 (2d Cir. 2005)"
    )
