"""Field and business rules: raw rows → Accounts, and a Problem for every bad cell (never just the first)."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any, TypeVar

from letters.carriers.numbers import parse_tracking
from letters.errors import Problem, ValidationError
from letters.intake.accounts import LANGUAGES, Account, AccountSet, Address, DebtorType, Language
from letters.intake.limits import InputLimits
from letters.intake.parse import known_currency, normalise_text, parse_amount, parse_date, parse_percent
from letters.intake.plausibility import check_plausible
from letters.intake.sources import Format, RawRow, RawTable, read_table
from letters.intake.spool import AccountSpool
from letters.intake.text_rules import cell_problem

T = TypeVar("T")

REQUIRED = (
    "account_id",
    "debtor_name",
    "debtor_type",
    "language",
    "currency",
    "principal",
    "due_date",
    "contract_number",
    "contract_date",
    "period_start",
    "period_end",
    "country",
    "postal_code",
    "city",
    "address_line1",
)
OPTIONAL = (
    "gender",
    "attention",
    "region",
    "district",
    "address_line2",
    "interest",
    "fees",
    "payments",
    "invoice_refs",
    "email",
    "phone",
    "creditor",
    "jurisdiction",
    "tracking_number",
    "loan_amount",
)
KNOWN = frozenset(REQUIRED + OPTIONAL)

_DEBTOR_TYPES: dict[str, DebtorType] = {
    "person": "person",
    "individual": "person",
    "個人": "person",
    "个人": "person",
    "organisation": "organisation",
    "organization": "organisation",
    "company": "organisation",
    "法人": "organisation",
    "企业": "organisation",
    "公司": "organisation",
}
_GENDERS = {
    "": "",
    "f": "f",
    "female": "f",
    "女": "f",
    "女性": "f",
    "m": "m",
    "male": "m",
    "男": "m",
    "男性": "m",
}
_LANGUAGE_TAGS: dict[str, Language] = {
    "ja": "ja",
    "ja-jp": "ja",
    "zh": "zh",
    "zh-cn": "zh",
    "zh-hans": "zh",
    "zh-hans-cn": "zh",
    "en": "en",
    "en-us": "en",
    "en-gb": "en",
}
_POSTAL_RULES: dict[str, tuple[re.Pattern[str], str]] = {
    "JP": (re.compile(r"^\d{3}-?\d{4}$"), "7 digits, e.g. 100-0005"),
    "CN": (re.compile(r"^\d{6}$"), "6 digits, e.g. 200120"),
    "US": (re.compile(r"^\d{5}(?:-\d{4})?$"), "a ZIP code, e.g. 10001 or 10001-2345"),
    "GB": (
        re.compile(r"^[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}$"),
        "a UK postcode, e.g. EC1A 1BB",
    ),
}
_REGION_REQUIRED = {"JP": "prefecture", "CN": "province", "US": "state"}
# fmt: off
_US_STATES = frozenset([
    "AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "DC", "FL", "GA", "HI", "ID", "IL",
    "IN", "IA", "KS", "KY", "LA", "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE",
    "NV", "NH", "NJ", "NM", "NY", "NC", "ND", "OH", "OK", "OR", "PA", "RI", "SC", "SD",
    "TN", "TX", "UT", "VT", "VA", "WA", "WV", "WI", "WY", "AS", "GU", "MP", "PR", "VI",
])
# fmt: on
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass
class _Row:
    """Collects one row's problems while its fields are read."""

    table: RawTable
    raw: RawRow
    problems: list[Problem]
    missing_columns: frozenset[str]
    limits: InputLimits
    # Columns already reported as unreadable (too long, a formula without a value, a key given
    # twice): not read again, so one cell gives one problem and a 400 MB value is never shown.
    skipped: set[str] = field(default_factory=set)

    def problem(self, column: str | None, value: Any, reason: str) -> None:
        shown = None if value is None else _show(value)
        self.problems.append(
            Problem(self.table.name, self.raw.number, column, shown, reason, self.table.row_label)
        )

    def text(self, column: str, *, required: bool) -> str:
        """A text cell, trimmed; XLSX whole numbers (account ids) become their digits."""
        if column in self.skipped:
            return ""
        value = self.raw.cells.get(column, "")
        if isinstance(value, bool):
            self.problem(column, value, "expected text, got a true/false value")
            return ""
        if isinstance(value, int):
            value = str(value)
        elif isinstance(value, float) and value.is_integer():
            value = str(int(value))
        elif isinstance(value, (float, Decimal)):
            value = str(value)
        elif isinstance(value, (date, datetime)):
            self.problem(column, value, "expected text, got a date")
            return ""
        elif not isinstance(value, str):
            self.problem(column, value, f"expected text, got {type(value).__name__}")
            return ""
        text = value.strip()
        if required and not text and column not in self.missing_columns:
            self.problem(column, None, "required field is empty")
        return text

    def parsed(self, column: str, parse: Callable[[Any], T], *, default: T | None = None) -> T | None:
        if column in self.skipped:
            return None
        value = self.raw.cells.get(column, "")
        if isinstance(value, str) and not value.strip():
            if default is None and column not in self.missing_columns:
                self.problem(column, None, "required field is empty")
            return default
        try:
            return parse(value)
        except ValueError as exc:
            self.problem(column, value, str(exc))
            return None


def _show(value: Any) -> str:
    if isinstance(value, datetime) and value.time() == datetime.min.time():
        return value.date().isoformat()
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return str(value)


def check_rows(table: RawTable, limits: InputLimits | None = None) -> tuple[AccountSpool, list[Problem]]:
    """Apply every field and business rule to every row of a table; the valid accounts in a spool
    (in memory for an ordinary file, on disk past spool.SPOOL_OVER accounts)."""
    limits = limits or InputLimits.from_env()
    problems: list[Problem] = []
    missing = frozenset(col for col in REQUIRED if col not in table.columns)
    for column in REQUIRED:
        if column in missing:
            label = "row" if table.row_label == "row" else "header"
            problems.append(
                Problem(
                    table.name,
                    1 if label == "row" else None,
                    column,
                    None,
                    "required column is missing from the header",
                    table.row_label,
                )
            )
    if not table.rows:
        problems.append(Problem(table.name, None, None, None, "no accounts in the file", table.row_label))
    accounts = AccountSpool()
    first_seen: dict[str, int] = {}
    for raw in table.rows:
        row = _Row(table, raw, problems, missing, limits)
        before = len(problems)
        account = _check_row(row)
        # Duplicates are caught even on rows with other problems, so fixing those reveals nothing new.
        account_id = row.text("account_id", required=False) if "account_id" not in missing else ""
        if account_id in first_seen:
            row.problem(
                "account_id",
                account_id,
                f"duplicate account id; first used in {table.row_label} {first_seen[account_id]}",
            )
            continue
        if account_id:
            first_seen[account_id] = raw.number
        if account is not None and len(problems) == before:
            accounts.append(account)
    return accounts, problems


def _check_row(row: _Row) -> Account | None:
    if row.raw.stray_cells:
        row.problem(
            None,
            None,
            f"{row.raw.stray_cells} filled cell(s) to the right of the last header column",
        )
    for column, reason in row.raw.read_problems:
        row.problem(column, None, reason)
        row.skipped.add(column)
    for column, value in row.raw.cells.items():
        found = cell_problem(value, row.limits) if isinstance(value, str) else None
        if found:
            row.problem(column, found.value, found.reason)
            if len(value) > row.limits.field_chars:
                row.skipped.add(column)

    account_id = row.text("account_id", required=True)
    debtor_name = row.text("debtor_name", required=True)
    debtor_type = _lookup(row, "debtor_type", _DEBTOR_TYPES, "person or organisation", required=True)
    gender = _lookup(row, "gender", _GENDERS, "f, m or empty", required=False)
    language = _lookup(row, "language", _LANGUAGE_TAGS, " / ".join(LANGUAGES), required=True)

    currency = normalise_text(row.text("currency", required=True)).upper()
    if currency and not known_currency(currency):
        row.problem("currency", currency, "not an ISO 4217 currency code (JPY, CNY, USD …)")
        currency = ""

    address = _check_address(row)

    amounts: dict[str, Decimal | None] = {}
    for column in ("principal", "interest", "fees", "payments"):
        if not currency:
            amounts[column] = None  # cannot check decimals without a currency; reported above
            continue
        default = None if column == "principal" else Decimal(0)
        amounts[column] = row.parsed(column, lambda v: parse_amount(v, currency), default=default)

    loan_amount = _optional_amount(row, "loan_amount", currency)
    rate = row.raw.cells.get("interest_rate", "")
    if "interest_rate" not in row.skipped and not (isinstance(rate, str) and not rate.strip()):
        row.parsed("interest_rate", parse_percent)

    dates: dict[str, date | None] = {
        column: row.parsed(column, parse_date)
        for column in ("due_date", "contract_date", "period_start", "period_end")
    }
    contract_number = row.text("contract_number", required=True)
    invoice_refs = tuple(
        ref.strip() for ref in re.split(r"[;；]", row.text("invoice_refs", required=False)) if ref.strip()
    )
    email = normalise_text(row.text("email", required=False))  # a full-width ＠ looks right but is not
    if email and not _EMAIL.match(email):
        row.problem("email", email, "not an email address")

    principal, interest, fees, payments = (amounts[c] for c in ("principal", "interest", "fees", "payments"))
    if (
        principal is not None
        and interest is not None
        and fees is not None
        and payments is not None
        and principal + interest + fees - payments <= 0
    ):
        if payments > 0:
            reason = "nothing is owed: payments and credits cover principal, interest and fees"
            row.problem("payments", payments, reason)
        else:
            reason = "nothing is owed: principal, interest and fees are all zero"
            row.problem("principal", principal, reason)
    start, end, due, contract = (
        dates[c] for c in ("period_start", "period_end", "due_date", "contract_date")
    )
    if start and end and start > end:
        row.problem("period_end", end, f"billing period ends before it starts ({start.isoformat()})")
    if contract and due and contract > due:
        row.problem("contract_date", contract, f"contract date is after the due date ({due.isoformat()})")

    tracking = ""
    raw_tracking = row.text("tracking_number", required=False)
    if raw_tracking:
        try:
            tracking = parse_tracking(raw_tracking).number
        except ValueError as exc:
            row.problem("tracking_number", raw_tracking, str(exc))
            return None
    if (
        not account_id
        or not debtor_name
        or debtor_type is None
        or gender is None
        or language is None
        or not currency
        or address is None
        or principal is None
        or interest is None
        or fees is None
        or payments is None
        or due is None
        or contract is None
        or start is None
        or end is None
    ):
        return None
    known = {col for col in KNOWN}
    extra = {col: _show(value).strip() for col, value in row.raw.cells.items() if col not in known and col}
    jurisdiction = normalise_text(row.text("jurisdiction", required=False)).upper() or address.country
    return Account(
        account_id=account_id,
        debtor_name=debtor_name,
        debtor_type=debtor_type,
        gender=gender,  # type: ignore[arg-type]  # values of _GENDERS are "", "f" or "m"
        attention=row.text("attention", required=False),
        address=address,
        language=language,
        currency=currency,
        principal=principal,
        interest=interest,
        fees=fees,
        payments=payments,
        due_date=due,
        contract_number=contract_number,
        contract_date=contract,
        period_start=start,
        period_end=end,
        invoice_refs=invoice_refs,
        email=email,
        phone=row.text("phone", required=False),
        creditor=row.text("creditor", required=False),
        jurisdiction=jurisdiction,
        tracking_number=tracking,
        loan_amount=loan_amount,
        extra=extra,
    )


def _optional_amount(row: _Row, column: str, currency: str) -> Decimal | None:
    """An optional amount column: empty is None; present, it is checked like any amount and > 0."""
    value = row.raw.cells.get(column, "")
    if not currency or column in row.skipped or (isinstance(value, str) and not value.strip()):
        return None
    amount = row.parsed(column, lambda v: parse_amount(v, currency))
    if amount is not None and amount <= 0:
        row.problem(column, amount, "must be more than zero")
    return amount


def _lookup(row: _Row, column: str, table: dict[str, T], allowed: str, *, required: bool) -> T | None:
    text = normalise_text(row.text(column, required=required))
    if not text and required:
        return None
    key = text.lower().replace("_", "-")
    if key in table:
        return table[key]
    row.problem(column, text, f"must be {allowed}")
    return None


def _check_address(row: _Row) -> Address | None:
    """Every address cell is checked (no early return), so one run shows all of a row's problems."""
    ok = True
    country = normalise_text(row.text("country", required=True)).upper()
    if country and not re.fullmatch(r"[A-Z]{2}", country):
        row.problem("country", country, "must be an ISO 3166 two-letter country code (JP, CN, US, GB …)")
        country = ""
    raw_postal = row.raw.cells.get("postal_code", "")
    postal = ""
    if isinstance(raw_postal, (int, float)) and not isinstance(raw_postal, bool):
        where = "format the column as text in Excel" if row.table.format == "xlsx" else "write it as text"
        row.problem("postal_code", raw_postal, f"stored as a number, so leading zeros may be lost; {where}")
        ok = False
    else:
        postal = normalise_text(row.text("postal_code", required=country in _POSTAL_RULES)).upper()
    if country in _POSTAL_RULES and postal:
        pattern, example = _POSTAL_RULES[country]
        if not pattern.match(postal):
            row.problem("postal_code", postal, f"not a {country} postal code: expected {example}")
            ok = False
        elif country == "JP" and "-" not in postal:
            postal = f"{postal[:3]}-{postal[3:]}"
    region = row.text("region", required=False)
    if country in _REGION_REQUIRED and not region and "region" not in row.missing_columns:
        row.problem("region", None, f"required for {country} addresses (the {_REGION_REQUIRED[country]})")
        ok = False
    if country == "US" and region:
        if region.upper() not in _US_STATES:
            row.problem("region", region, "not a US state or territory code (CA, NY, TX …)")
            ok = False
        region = region.upper()
    city = row.text("city", required=True)
    line1 = row.text("address_line1", required=True)
    if not ok or not country or not city or not line1:
        return None
    if country in _POSTAL_RULES and not postal:
        return None
    return Address(
        country=country,
        postal_code=postal,
        region=region,
        city=city,
        district=row.text("district", required=False),
        line1=line1,
        line2=row.text("address_line2", required=False),
    )


@dataclass(frozen=True)
class ValidationReport:
    """What `letters validate` shows: the file, its valid accounts, and every problem."""

    table: RawTable
    accounts: Sequence[Account]
    problems: tuple[Problem, ...]

    @property
    def languages(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for account in self.accounts:
            counts[account.language] = counts.get(account.language, 0) + 1
        return counts

    @property
    def totals(self) -> dict[str, Decimal]:
        """Total owed per currency over the valid accounts (never mixed across currencies)."""
        sums: dict[str, Decimal] = {}
        for account in self.accounts:
            sums[account.currency] = sums.get(account.currency, Decimal(0)) + account.total
        return sums


def _read_and_check(
    path: str, encoding: str | None, fmt: Format | None, limits: InputLimits | None
) -> tuple[RawTable, AccountSpool, list[Problem]]:
    limits = limits or InputLimits.from_env()
    table = check_plausible(read_table(path, encoding=encoding, fmt=fmt, limits=limits))
    return table, *check_rows(table, limits)


def validate_file(
    path: str, *, encoding: str | None = None, fmt: Format | None = None, limits: InputLimits | None = None
) -> ValidationReport:
    """Read a file and check every row, returning problems instead of raising on them."""
    table, accounts, problems = _read_and_check(path, encoding, fmt, limits)
    return ValidationReport(table, accounts.accounts(), tuple(problems))


def load_accounts(
    path: str, *, encoding: str | None = None, fmt: Format | None = None, limits: InputLimits | None = None
) -> AccountSet:
    """Read and validate an accounts file; raise ValidationError listing every bad cell."""
    table, accounts, problems = _read_and_check(path, encoding, fmt, limits)
    if problems:
        raise ValidationError(problems)
    return AccountSet(table.name, table.format, table.encoding, table.sha256, accounts.accounts())
