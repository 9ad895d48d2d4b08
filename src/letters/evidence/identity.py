"""Which account a ledger row belongs to: a letter id is trusted only with its exact account id."""

from __future__ import annotations

from letters.errors import LettersError


class IdentityError(LettersError):
    """A letter id in the ledger belongs to another account than the letter being sent."""


def check_owner(what: str, letter_id: str, recorded: str | None, wanted: str) -> None:
    """Stop when a ledger row found by letter id was written for another account.

    Letter ids are made so that distinct account ids never share one, but a ledger written by an
    older version (ids cut to 40 sanitised characters) can hold a row another account's id now
    maps to; reusing it would skip a debtor or print another debtor's number. ``recorded`` None:
    a row from before account ids were kept with it, which cannot be checked.
    """
    if recorded is not None and recorded != wanted:
        raise IdentityError(
            f"letter id {letter_id}: the ledger's {what} belongs to account {recorded!r}, "
            f"not to account {wanted!r}; nothing was sent for {wanted!r}"
        )
