"""Form fields ↔ accounts: pre-fill from an Account, and typed values → a checked AccountSet or problems."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from letters.decide.kinds import KINDS
from letters.errors import InputError, ValidationError
from letters.intake.accounts import Account, AccountSet
from letters.intake.oneoff import account_from_settings
from letters.intake.validate import OPTIONAL, REQUIRED

# The form shows every column `letters validate` knows, required ones first.
FIELDS = tuple(c for c in (*REQUIRED, *OPTIONAL) if c != "tracking_number")
GRIDS = ("", "26x20", "20x26", "13x40")
# account_from_settings fills these from the language (or, for debtor_type, "person").
_DEFAULTED = frozenset({"debtor_type", "currency", "country"})


@dataclass(frozen=True)
class LetterChoice:
    """What the collector picked besides the account: the kind and its options."""

    kind: str
    installments: int | None = None
    naiyo: str = ""  # 内容証明 grid, ja demand / lawyer only
    docx: bool = False
    letterhead: str = ""  # a company letterhead by name; empty: the policy's


@dataclass(frozen=True)
class CheckedForm:
    """The form as checked: the account (when valid), problems by column, and problems for no column."""

    values: Mapping[str, str]
    accounts: AccountSet | None
    choice: LetterChoice | None
    by_field: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    general: tuple[str, ...] = ()


def _text(value: object) -> str:
    if isinstance(value, Decimal | date):
        return str(value)
    if isinstance(value, tuple):
        return ";".join(value)
    return str(value)


def prefill(account: Account) -> dict[str, str]:
    """The form's values for an account, as a collector would type them."""
    address = account.address
    values = {
        "account_id": account.account_id,
        "debtor_name": account.debtor_name,
        "debtor_type": account.debtor_type,
        "gender": account.gender,
        "attention": account.attention,
        "language": account.language,
        "currency": account.currency,
        "principal": _text(account.principal),
        "interest": _text(account.interest),
        "fees": _text(account.fees),
        "payments": _text(account.payments),
        "due_date": _text(account.due_date),
        "contract_number": account.contract_number,
        "contract_date": _text(account.contract_date),
        "period_start": _text(account.period_start),
        "period_end": _text(account.period_end),
        "invoice_refs": _text(account.invoice_refs),
        "email": account.email,
        "phone": account.phone,
        "creditor": account.creditor,
        "jurisdiction": account.jurisdiction,
        "country": address.country,
        "postal_code": address.postal_code,
        "region": address.region,
        "city": address.city,
        "district": address.district,
        "address_line1": address.line1,
        "address_line2": address.line2,
    }
    return {name: values.get(name, "") for name in FIELDS}


def _choice(form: Mapping[str, str], general: list[str], letterheads: tuple[str, ...]) -> LetterChoice | None:
    kind = form.get("kind", "")
    if kind not in KINDS:
        general.append(f"kind: choose one of {', '.join(KINDS)}")
        return None
    installments: int | None = None
    if kind == "payment-plan":
        raw = form.get("installments", "").strip()
        if not raw.isdigit() or not 1 <= int(raw) <= 120:
            general.append("installments: a payment plan needs 1–120 installments")
            return None
        installments = int(raw)
    grid = form.get("naiyo", "")
    if grid not in GRIDS:
        general.append(f"naiyo: choose one of {', '.join(g for g in GRIDS if g)}")
        return None
    if grid and (kind not in ("demand", "lawyer") or form.get("language") != "ja"):
        general.append("naiyo: 内容証明 is for Japanese demand and lawyer's letters")
        return None
    letterhead = form.get("letterhead", "")
    if letterhead and letterhead not in letterheads:  # a name from the list, never a path
        general.append(f"letterhead: choose one of {', '.join(letterheads)}")
        return None
    return LetterChoice(kind, installments, grid, form.get("docx") == "on", letterhead)


def check_form(form: Mapping[str, str], letterheads: tuple[str, ...] = ()) -> CheckedForm:
    """The typed values through the same rules as `letters validate`; every problem named by column."""
    values = {name: form.get(name, "").strip() for name in FIELDS}
    general: list[str] = []
    choice = _choice(form, general, letterheads)
    settings = [f"{name}={value}" for name, value in values.items() if value]
    by_field: dict[str, list[str]] = {}
    accounts: AccountSet | None = None
    missing = [name for name in REQUIRED if not values.get(name) and name not in _DEFAULTED]
    for name in missing:
        by_field.setdefault(name, []).append("required")
    if not missing:
        try:
            accounts = account_from_settings(settings, lang=values.get("language") or None)
        except ValidationError as exc:
            for problem in exc.problems:
                if problem.column in values:
                    by_field.setdefault(problem.column, []).append(problem.reason)
                else:
                    general.append(problem.reason)
        except InputError as exc:
            general.append(str(exc))
    return CheckedForm(
        values,
        accounts if not by_field and not general else None,
        choice,
        {name: tuple(reasons) for name, reasons in by_field.items()},
        tuple(general),
    )
