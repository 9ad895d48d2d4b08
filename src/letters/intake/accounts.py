"""The account record a letter is written from (validate.load_accounts makes them from a file)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Literal

from letters.intake.sources import Format

Language = Literal["ja", "zh", "en"]
LANGUAGES: tuple[Language, ...] = ("ja", "zh", "en")
DebtorType = Literal["person", "organisation"]


@dataclass(frozen=True)
class Address:
    """A postal address in parts; how it is written depends on the country."""

    country: str  # ISO 3166-1 alpha-2: JP, CN, US, GB …
    postal_code: str
    region: str  # 都道府県 / 省 / state / county; may be empty where not used
    city: str  # 市区町村 / 市 / city or post town
    district: str  # 区 (CN 区/县); empty elsewhere
    line1: str  # street, block and number
    line2: str  # building, floor, room


@dataclass(frozen=True)
class Account:
    """One overdue account: who owes what, since when, under which contract."""

    account_id: str
    debtor_name: str
    debtor_type: DebtorType
    gender: Literal["f", "m", ""]  # only picks 先生/女士 and Mr/Ms; empty means neutral forms
    attention: str  # a person or department at an organisation (ご担当者様, 财务部)
    address: Address
    language: Language
    currency: str
    principal: Decimal
    interest: Decimal
    fees: Decimal
    payments: Decimal  # payments and credits received, a positive number subtracted from the total
    due_date: date
    contract_number: str
    contract_date: date
    period_start: date
    period_end: date
    invoice_refs: tuple[str, ...]
    email: str = ""
    phone: str = ""
    creditor: str = ""  # the original creditor, when it is not the letterhead's company
    jurisdiction: str = ""  # JP, CN, US-CA …; defaults from the address country
    tracking_number: str = ""
    # 貸付けの金額: the amount lent, which a JP 貸金業者's demand states (貸金業法21条2項4号); the
    # rate (5号) is the ``interest_rate`` column, kept in ``extra`` for decide/interest.py.
    loan_amount: Decimal | None = None
    extra: Mapping[str, str] = field(default_factory=dict)  # columns letters does not know

    @property
    def total(self) -> Decimal:
        """What is owed now: principal + interest + fees − payments and credits."""
        return self.principal + self.interest + self.fees - self.payments


@dataclass(frozen=True)
class AccountSet:
    """The valid accounts of one input file, with what the archive needs to know about the file."""

    source: str
    format: Format
    encoding: str | None
    sha256: str
    # A tuple, or for a large file an AccountSpool (on disk, read back a part at a time).
    accounts: Sequence[Account]
