"""A payments CSV (account_id, date, amount, currency) → checked payment rows; every bad row reported."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

from letters.errors import InputError, Problem, ValidationError
from letters.intake.parse import known_currency, parse_amount, parse_date


@dataclass(frozen=True)
class PaymentRow:
    """One payment received: on which account, when, how much."""

    account_id: str
    paid_on: date
    amount: Decimal
    currency: str


def read_payments(path: Path) -> list[PaymentRow]:
    """The file's payments; a bad cell is a Problem naming file, row and column, none half-read."""
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except UnicodeDecodeError:
        raise InputError(f"{path}: not UTF-8; save the payments as CSV UTF-8") from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    needed = {"account_id", "date", "amount", "currency"}
    if reader.fieldnames is None or not needed <= set(reader.fieldnames):
        raise InputError(f"{path}: the header must have account_id, date, amount and currency")
    rows: list[PaymentRow] = []
    problems: list[Problem] = []
    for number, row in enumerate(reader, start=2):
        account = (row["account_id"] or "").strip()
        currency = (row["currency"] or "").strip().upper()
        if not account:
            problems.append(Problem(str(path), number, "account_id", row["account_id"], "is empty"))
            continue
        if not known_currency(currency):
            problems.append(Problem(str(path), number, "currency", row["currency"], "not an ISO 4217 code"))
            continue
        try:
            paid_on = parse_date(row["date"] or "")
        except ValueError as exc:
            problems.append(Problem(str(path), number, "date", row["date"], str(exc)))
            continue
        try:
            amount = parse_amount(row["amount"] or "", currency)
        except ValueError as exc:
            problems.append(Problem(str(path), number, "amount", row["amount"], str(exc)))
            continue
        if amount <= 0:
            problems.append(Problem(str(path), number, "amount", row["amount"], "must be more than zero"))
            continue
        rows.append(PaymentRow(account, paid_on, amount, currency))
    if problems:
        raise ValidationError(problems)
    return rows
