"""The desk's preview refuses what the send would refuse: a contract rate over its cap."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from letters.batch.options import Options
from letters.desk.letter import preview_letter
from letters.errors import LettersError
from letters.intake.accounts import AccountSet
from tests.helpers import make_account


def test_a_capped_rate_is_not_previewed() -> None:
    account = replace(
        make_account("ja"),
        principal=Decimal(120000),
        due_date=date(2026, 9, 30),
        extra={"interest_rate": "15", "contract_type": "consumer"},
    )
    accounts = AccountSet("desk", "csv", None, "0" * 64, (account,))
    options = Options(as_of=date(2026, 11, 23), letter_kind="demand", archive=False)
    with pytest.raises(
        LettersError, match=r"JA-0001: contract rate 15% exceeds the 14.6% cap of 消費者契約法9条2号"
    ):
        preview_letter(accounts, options)
