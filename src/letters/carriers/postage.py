"""Postage per registered item (a value type shared by the policy and the mailing lists)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class Postage:
    """What one registered item costs: postage plus the registered / certified fee."""

    currency: str
    postage: Decimal
    fee: Decimal
