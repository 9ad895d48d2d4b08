"""An account id → its hold reason via the configured hold check, and the override rule for sending."""

from __future__ import annotations

from letters.desk.config import HoldCheck
from letters.errors import LettersError


class HeldAccountError(LettersError):
    """The account is on hold and no override reason was given."""


def operator_with_override(operator: str, reason: str) -> str:
    """The operator as recorded in the ledger, carrying the hold override and its reason."""
    return f"{operator} (hold override: {reason})"


def check_hold(check: HoldCheck, account_id: str, override: str) -> str | None:
    """The override reason to record, or None when the account is not held; refuse without a reason."""
    reason = check(account_id)
    if reason is None:
        return None
    if not override.strip():
        raise HeldAccountError(f"account {account_id} is on hold ({reason}): give an override reason to send")
    return override.strip()
