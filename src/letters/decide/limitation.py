"""Accounts → when each debt's limitation period ends, and what to send before it does.

For warnings and reports, not legal advice.  Every period runs from the account's due date (the day
the creditor could first claim payment and knew it could) and is reckoned in calendar years or
months: it ends on the same day of the month N years (months) after the day it runs from, or on the
last day of that month when the month is shorter.  That is the result of Japan's rules (民法140: the
first day is not counted; 民法143: the period ends the day before the corresponding day of the start,
or at the end of a month without one) and China's (民法典201, 202: the first day is not counted; the
period ends on the corresponding day, or at the end of a month without one).

- JP (民法166①一, claims arising from 2020-04-01): 5 years from the due date.  A payment is an
  acknowledgment (承認, 民法152①): the period starts again from it.  A demand that arrives (催告)
  only suspends completion until six months after it arrived (民法150①): the expiry becomes the later
  of the expiry and the demand date + 6 months.  A further demand while that suspension runs (within
  six months of the demand that started it) suspends nothing (民法150②).  A claim under a contract
  made before 2020-04-01 may follow the old rules; the basis says so.
- CN (民法典188): 3 years from the due date, 20 years at most.  A demand that arrives (权利人提出履行
  请求) and a payment (义务人同意履行) interrupt the period, which starts again from that day (民法典195):
  which is why proof that the demand *arrived* matters.
- US: set by each state: years per jurisdiction (``US-NY``…) in the settings; a jurisdiction without a
  setting gets the fallback (3 years: the shortest common period, so the warning comes early).  A
  demand does not stop the clock; whether a payment restarts it depends on the state (a setting, off
  by default: New York, for one, does not revive consumer debts by payment).
- GB (England and Wales, Limitation Act 1980 s.5): 6 years; a payment restarts it (s.29(5)).

Inputs beyond the Account: the last payment date (``last_payment``, or the account's
``extra["last_payment_date"]`` column, since the account model has no such field yet) and the dates
demands were *delivered* (from the ledger's delivery records).  A demand or payment after the
period ran out changes nothing here.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from letters.errors import ConfigError
from letters.intake.accounts import Account
from letters.intake.parse import parse_date

# Written-contract periods as commonly cited; check them with counsel and set your own.
DEFAULT_US_YEARS: dict[str, int] = {
    "US-CA": 4,  # Cal. Code Civ. Proc. § 337
    "US-FL": 5,  # Fla. Stat. § 95.11(2)(b)
    "US-GA": 6,  # O.C.G.A. § 9-3-24
    "US-IL": 10,  # 735 ILCS 5/13-206
    "US-MA": 6,  # M.G.L. c. 260 § 2
    "US-NJ": 6,  # N.J.S.A. 2A:14-1
    "US-NY": 3,  # CPLR 214-i: consumer credit transactions (since 2022-04-07); CPLR 213 (6) otherwise
    "US-PA": 4,  # 42 Pa. C.S. § 5525
    "US-TX": 4,  # Tex. Civ. Prac. & Rem. Code § 16.004
    "US-WA": 6,  # RCW 4.16.040
}
US_FALLBACK_YEARS = 3
WARN_DAYS = 90
JP_YEARS, CN_YEARS, CN_LONGSTOP_YEARS, GB_YEARS = 5, 3, 20, 6
JP_NEW_LAW = date(2020, 4, 1)


@dataclass(frozen=True)
class LimitationSettings:
    """What the policy can set ([limitation] in the policy TOML)."""

    us_years: Mapping[str, int] = field(default_factory=lambda: dict(DEFAULT_US_YEARS))
    us_fallback_years: int = US_FALLBACK_YEARS
    us_payment_restarts: bool = False
    warn_days: int = WARN_DAYS


@dataclass(frozen=True)
class LimitationStatus:
    """When an account's limitation period ends, and why."""

    jurisdiction: str
    expiry: date  # the last day on which the claim is in time
    basis: str  # the rule and the events that set the expiry, for the report
    runs_from: date  # the due date, or the day the period last started again
    demand_suspended: bool = False  # JP: the expiry is the end of a demand's six-month suspension
    demanded: date | None = None  # the last delivered demand that counted in the current period


@dataclass(frozen=True)
class LimitationRow:
    account_id: str
    jurisdiction: str
    expiry: date
    days_left: int  # negative: expired that many days ago
    basis: str
    next_step: str  # empty when nothing needs doing yet


def add_years(day: date, years: int) -> date:
    """The same day ``years`` later; the last day of the month when there is no such day (Feb 29)."""
    return add_months(day, 12 * years)


def add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def jurisdiction_of(account: Account) -> str:
    """JP, CN, GB or US-XX: the account's jurisdiction, else its address country (and US state)."""
    code = (account.jurisdiction or account.address.country).strip().upper()
    if code == "US" and len(account.address.region.strip()) == 2 and account.address.region.isalpha():
        return f"US-{account.address.region.strip().upper()}"
    return code


def last_payment_of(account: Account) -> date | None:
    """The account's last payment date, from its ``last_payment_date`` column (``extra``), if any."""
    raw = account.extra.get("last_payment_date", "")
    if not raw:
        return None
    try:
        return parse_date(raw)
    except ValueError as exc:
        raise ConfigError(f"account {account.account_id}: last_payment_date {raw!r}: {exc}") from None


def expiry(
    account: Account,
    *,
    last_payment: date | None = None,
    demands_delivered: Sequence[date] = (),
    settings: LimitationSettings | None = None,
) -> LimitationStatus:
    """The account's limitation expiry under its jurisdiction's rule (module docstring).

    ``last_payment`` None means: take it from the account's ``last_payment_date`` column, if any.
    """
    rules = settings or LimitationSettings()
    payment = last_payment if last_payment is not None else last_payment_of(account)
    code = jurisdiction_of(account)
    if code == "JP":
        status = _japan(account, payment, demands_delivered)
    elif code == "CN":
        status = _china(account, payment, demands_delivered)
    elif code == "GB":
        status = _restarting(
            account, code, GB_YEARS, payment, "Limitation Act 1980 s.5", "a payment restarts it (s.29(5))"
        )
    elif code == "US" or code.startswith("US-"):
        years = rules.us_years.get(code)
        source = f"settings for {code}"
        if years is None:
            years, source = rules.us_fallback_years, f"no period set for {code}: the fallback"
        status = _restarting(
            account,
            code,
            years,
            payment if rules.us_payment_restarts else None,
            source,
            "a payment restarts it (setting)" if rules.us_payment_restarts else "payments do not restart it",
        )
    else:
        raise ConfigError(
            f"account {account.account_id}: no limitation rule for jurisdiction {code!r} (JP, CN, GB, US-XX)"
        )
    if payment is None and account.payments > 0:
        note = "; payments are recorded but no last_payment_date: a payment may have restarted the period"
        status = _with_basis(status, status.basis + note)
    return status


def _with_basis(status: LimitationStatus, basis: str) -> LimitationStatus:
    return LimitationStatus(
        status.jurisdiction, status.expiry, basis, status.runs_from, status.demand_suspended, status.demanded
    )


def _events(payment: date | None, demands: Iterable[date]) -> list[tuple[date, str]]:
    events = [(day, "demand") for day in demands]
    if payment is not None:
        events.append((payment, "payment"))
    return sorted(events)  # on the same day a demand sorts before a payment; a payment restarts anyway


def _japan(account: Account, payment: date | None, demands: Sequence[date]) -> LimitationStatus:
    due = account.due_date
    runs_from = due
    end = add_years(due, JP_YEARS)
    basis = [f"JP: 5 years from the due date {due.isoformat()} (民法166①一)"]
    if account.contract_date < JP_NEW_LAW:
        basis.append("contract before 2020-04-01: the old rules may apply")
    suspended_until: date | None = None  # a demand's six months (民法150①)
    demanded: date | None = None
    suspended = False
    for day, kind in _events(payment, demands):
        if day <= runs_from or day > end:
            continue  # before the period started, or after it ran out: no effect
        if kind == "payment":
            runs_from, end, suspended_until, demanded, suspended = (
                day,
                add_years(day, JP_YEARS),
                None,
                None,
                False,
            )
            basis = [f"JP: 5 years from the payment on {day.isoformat()} (承認, 民法152①)"]
            continue
        if suspended_until is not None and day <= suspended_until:
            basis.append(f"demand delivered {day.isoformat()} during a suspension: no effect (民法150②)")
            continue
        demanded = day
        suspended_until = add_months(day, 6)
        if suspended_until > end:
            end, suspended = suspended_until, True
            basis.append(
                f"completion suspended to 6 months after the demand delivered {day.isoformat()} (民法150①)"
            )
    return LimitationStatus("JP", end, "; ".join(basis), runs_from, suspended, demanded)


def _china(account: Account, payment: date | None, demands: Sequence[date]) -> LimitationStatus:
    due = account.due_date
    longstop = add_years(due, CN_LONGSTOP_YEARS)
    runs_from, end = due, add_years(due, CN_YEARS)
    basis = f"CN: 3 years from the due date {due.isoformat()} (民法典188)"
    demanded: date | None = None
    for day, kind in _events(payment, demands):
        if day <= runs_from or day > end:
            continue
        runs_from, end = day, min(add_years(day, CN_YEARS), longstop)
        what = "the demand delivered" if kind == "demand" else "the payment on"
        basis = f"CN: 3 years from {what} {day.isoformat()} (interrupted, 民法典195)"
        demanded = day if kind == "demand" else None
        if end == longstop:
            basis += "; capped at 20 years from the due date (民法典188②)"
    return LimitationStatus("CN", end, basis, runs_from, False, demanded)


def _restarting(
    account: Account, code: str, years: int, payment: date | None, source: str, payments_rule: str
) -> LimitationStatus:
    due = account.due_date
    runs_from, end = due, add_years(due, years)
    what = f"the due date {due.isoformat()}"
    if payment is not None and due < payment <= end:
        runs_from, end, what = payment, add_years(payment, years), f"the payment on {payment.isoformat()}"
    basis = f"{code}: {years} years from {what} ({source}); a demand does not stop the clock; {payments_rule}"
    return LimitationStatus(code, end, basis, runs_from)


def next_step(status: LimitationStatus, days_left: int, warn_days: int = WARN_DAYS) -> str:
    """What to do about an account, given its status and the days left until expiry."""
    code = status.jurisdiction
    until = status.expiry.isoformat()
    if days_left < 0:
        if code == "JP":
            return (
                "period has run: the debtor may invoke it (時効の援用, 民法145); "
                "take legal advice before any step"
            )
        if code == "CN":
            return (
                "period has run: the debtor may refuse to pay (民法典192); take legal advice before any step"
            )
        if code.startswith("US"):
            return (
                "time-barred: do not sue or threaten to sue (12 CFR 1006.26(b)); check state disclosure rules"
            )
        return "statute-barred: do not threaten court action; take legal advice"
    if code == "JP" and status.demand_suspended:
        # Whatever the days left: at most six months remain and no further demand can help.
        return (
            f"suspended by the demand delivered {status.demanded}: sue or get a written acknowledgment "
            f"(承認) by {until}; another demand will not extend it (民法150②)"
        )
    if days_left > warn_days:
        return ""
    if code == "JP":
        return (
            f"demand now: content-certified mail (内容証明) with delivery proof (配達証明); "
            f"delivered by {until}, it suspends completion for 6 months, once (民法150)"
        )
    if code == "CN":
        return (
            f"demand now: by EMS or registered mail with delivery proof; delivered by {until}, "
            "it restarts the 3 years (民法典195)"
        )
    return f"a demand does not stop the clock: sue, or get a payment or written acknowledgment, by {until}"


def report_rows(
    accounts: Iterable[Account],
    as_of: date,
    *,
    demands: Mapping[str, Sequence[date]] | None = None,
    payments: Mapping[str, date] | None = None,
    settings: LimitationSettings | None = None,
) -> list[LimitationRow]:
    """One row per account, soonest expiry first, with days left and the recommended next letter.

    ``demands`` maps account ids to the dates demands were delivered; ``payments`` to the last payment
    date (default: each account's last_payment_date column).
    """
    rules = settings or LimitationSettings()
    rows: list[LimitationRow] = []
    for account in accounts:
        status = expiry(
            account,
            last_payment=(payments or {}).get(account.account_id),
            demands_delivered=(demands or {}).get(account.account_id, ()),
            settings=rules,
        )
        days_left = (status.expiry - as_of).days
        rows.append(
            LimitationRow(
                account.account_id,
                status.jurisdiction,
                status.expiry,
                days_left,
                status.basis,
                next_step(status, days_left, rules.warn_days),
            )
        )
    return sorted(rows, key=lambda row: (row.expiry, row.account_id))


def load_settings(raw: Mapping[str, Any], source: str = "policy") -> LimitationSettings:
    """The policy's [limitation] table → LimitationSettings; unknown keys and bad values are errors.

    [limitation]
    warn_days = 90
    us_fallback_years = 3
    us_payment_restarts = false
    us_years = { "US-NY" = 3, "US-CA" = 4 }   # merged over DEFAULT_US_YEARS
    """
    known = {"warn_days", "us_fallback_years", "us_payment_restarts", "us_years"}
    unknown = sorted(set(raw) - known)
    if unknown:
        raise ConfigError(f"{source}: [limitation]: unknown setting(s) {', '.join(unknown)}")

    def whole(name: str, default: int, low: int, high: int) -> int:
        value = raw.get(name, default)
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise ConfigError(f"{source}: [limitation] {name} must be a whole number from {low} to {high}")
        return value

    restarts = raw.get("us_payment_restarts", False)
    if not isinstance(restarts, bool):
        raise ConfigError(f"{source}: [limitation] us_payment_restarts must be true or false")
    years = dict(DEFAULT_US_YEARS)
    table = raw.get("us_years", {})
    if not isinstance(table, Mapping):
        raise ConfigError(f"{source}: [limitation] us_years must map US-XX to years")
    for key, value in table.items():
        if not (isinstance(key, str) and len(key) == 5 and key.startswith("US-") and key[3:].isalpha()):
            raise ConfigError(f"{source}: [limitation] us_years: {key!r} is not a US-XX state code")
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 30:
            raise ConfigError(
                f"{source}: [limitation] us_years {key}: years must be a whole number from 1 to 30"
            )
        years[key.upper()] = value
    return LimitationSettings(
        us_years=years,
        us_fallback_years=whole("us_fallback_years", US_FALLBACK_YEARS, 1, 30),
        us_payment_restarts=restarts,
        warn_days=whole("warn_days", WARN_DAYS, 1, 3650),
    )
