"""An account, a rate source and a period → interest (and fixed fees) as the law computes them.

Simple interest on the principal, actual days / 365, in Decimal, from the day after the due date to
the end date (the letter date, or the pay-by date when the letter says so). Amounts are cut, never
rounded up, to the currency's smallest unit: JPY below one yen is cut off (the practice under
利息制限法 and in court judgments), and the same is done to the cent for CNY, USD and GBP so a
letter never claims a fraction more than the law gives. The rate comes from one source, shown in
the breakdown with its legal basis:

- the contract rate: the account's ``interest_rate`` column (percent a year), checked against the
  caps below — a rate over a cap is refused, never clipped silently;
- or, without one, the statutory rate: Japan 法定利率 at the time of default (民法404条, 419条1項);
  England & Wales business debts: 8% over the Bank of England reference rate (Late Payment of
  Commercial Debts (Interest) Act 1998 s.4, s.6) plus the fixed sum of s.5A; China: the one-year
  LPR at the time of default plus the policy's markup (最高人民法院 买卖合同解释 第18条第4款: LPR
  加计30–50%); the US: none (prejudgment interest is for a court; only a contract rate is claimed).

Caps: Japan 利息制限法4条 (loans: 1.46 × the 1条 cap by principal: 29.2% / 26.28% / 21.9%) and 7条
(a registered lender's loans: 20%), 消費者契約法9条2号 (consumer contracts: 14.6%); US state usury
ceilings (``US_STATE_CAPS``, a policy may add states); China 民间借贷 loans: 4 × LPR (最高人民法院
民间借贷规定 第25条).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_DOWN, Decimal, InvalidOperation
from typing import Any

from letters.errors import ConfigError, LettersError
from letters.intake.accounts import Account
from letters.intake.parse import minor_digits, normalise_text

DAYS_IN_YEAR = Decimal(365)


class InterestError(LettersError):
    """Interest that cannot be claimed as asked: a rate over a legal cap, or no rate known for a date."""


@dataclass(frozen=True)
class Rate:
    """A rate in percent a year, with the rule or document it comes from."""

    percent: Decimal
    source: str
    # What the letter names as the basis: "contract", "jp-statutory", "uk-late-payment" or
    # "cn-lpr" (compose/amounts_view.py words it), and the reference rate the margin is added to.
    kind: str = ""
    base: Decimal | None = None
    markup: Decimal | None = None  # CN: the LPR's markup (0.3 = 30%)


# Japan 法定利率 (民法404条): start date → rate; the rate for a debt is the one in force when the
# debtor first became liable for delay (民法419条1項). Reviewed every three years (404条3項–5項).
JP_STATUTORY: Mapping[date, Rate] = {
    date(1896, 4, 27): Rate(Decimal(5), "民法404条 (2020年3月31日まで年5分)"),
    date(2020, 4, 1): Rate(Decimal(3), "民法404条2項 (2020年4月1日から年3%)"),
    date(2023, 4, 1): Rate(Decimal(3), "民法404条、令和4年法務省告示 (2023年4月1日からの期も年3%)"),
}
JP_STATUTORY_KNOWN_UNTIL = date(2026, 3, 31)  # the next period's rate is the policy's to give

# Bank of England reference rate for the Late Payment Act: the base rate in force on 30 June (for
# debts falling due from 1 July) or 31 December (from 1 January) (s.6; SI 2002/1675 art. 4).
UK_REFERENCE: Mapping[date, Rate] = {
    date(2023, 1, 1): Rate(Decimal("3.5"), "Bank Rate on 31 Dec 2022"),
    date(2023, 7, 1): Rate(Decimal("5.0"), "Bank Rate on 30 Jun 2023"),
    date(2024, 1, 1): Rate(Decimal("5.25"), "Bank Rate on 31 Dec 2023"),
    date(2024, 7, 1): Rate(Decimal("5.25"), "Bank Rate on 30 Jun 2024"),
    date(2025, 1, 1): Rate(Decimal("4.75"), "Bank Rate on 31 Dec 2024"),
    date(2025, 7, 1): Rate(Decimal("4.25"), "Bank Rate on 30 Jun 2025"),
}
UK_REFERENCE_KNOWN_UNTIL = date(2025, 12, 31)
UK_STATUTORY_MARGIN = Decimal(8)  # Late Payment Act s.4; SI 2002/1675 art. 4
# Fixed sums (Late Payment Act s.5A): debt below £1,000 → £40, below £10,000 → £70, else £100.
UK_FIXED_SUMS = ((Decimal(1000), Decimal(40)), (Decimal(10000), Decimal(70)), (None, Decimal(100)))

# China one-year LPR (全国银行间同业拆借中心): effective date → rate.
CN_LPR: Mapping[date, Rate] = {
    date(2023, 8, 21): Rate(Decimal("3.45"), "1年期LPR 2023-08-21"),
    date(2024, 7, 22): Rate(Decimal("3.35"), "1年期LPR 2024-07-22"),
    date(2024, 10, 21): Rate(Decimal("3.10"), "1年期LPR 2024-10-21"),
    date(2025, 5, 20): Rate(Decimal("3.00"), "1年期LPR 2025-05-20"),
}
CN_LPR_KNOWN_UNTIL = date(2025, 12, 31)
CN_DEFAULT_MARKUP = Decimal("0.30")  # 加计30% (the low end of 30–50%: the debtor's side of doubt)
CN_LOAN_CAP_MULTIPLE = Decimal(4)  # 民间借贷规定 第25条

JP_CAPS: Mapping[str, tuple[tuple[Decimal | None, Decimal], ...]] = {
    # 利息制限法4条1項: 遅延損害金 up to 1.46 × the 1条 rates, by principal
    "loan": (
        (Decimal(100_000), Decimal("29.2")),
        (Decimal(1_000_000), Decimal("26.28")),
        (None, Decimal("21.9")),
    ),
    "lender-loan": ((None, Decimal(20)),),  # 利息制限法7条1項: registered lender (営業的金銭消費貸借)
    "consumer": ((None, Decimal("14.6")),),  # 消費者契約法9条2号
}
JP_CAP_SOURCES = {
    "loan": "利息制限法4条1項",
    "lender-loan": "利息制限法7条1項",
    "consumer": "消費者契約法9条2号",
}

# General usury ceilings for consumer contract interest, percent a year. Licensed lenders, banks
# and credit cards are often exempt; a state not here has no contract rate claimed until the policy
# gives its cap ([interest.us_state_caps]).
US_STATE_CAPS: Mapping[str, Rate] = {
    "NY": Rate(Decimal(16), "N.Y. Gen. Oblig. Law §5-501; Banking Law §14-a"),
    "NJ": Rate(Decimal(16), "N.J.S.A. 31:1-1"),
    "CA": Rate(Decimal(10), "Cal. Const. art. XV §1"),
    "FL": Rate(Decimal(18), "Fla. Stat. §687.02, §687.03"),
    "MA": Rate(Decimal(20), "Mass. Gen. Laws c. 271 §49"),
    "PA": Rate(Decimal(6), "41 P.S. §201 (loans under $50,000)"),
    "IL": Rate(Decimal(9), "815 ILCS 205/4"),
}


CLAIMS = ("contract", "statutory", "none")
ENDS = ("letter-date", "pay-by")


@dataclass(frozen=True)
class InterestSettings:
    """The policy's interest tables: the defaults above, extended or replaced per key."""

    jp_statutory: Mapping[date, Rate] = field(default_factory=lambda: dict(JP_STATUTORY))
    jp_known_until: date = JP_STATUTORY_KNOWN_UNTIL
    uk_reference: Mapping[date, Rate] = field(default_factory=lambda: dict(UK_REFERENCE))
    uk_known_until: date = UK_REFERENCE_KNOWN_UNTIL
    cn_lpr: Mapping[date, Rate] = field(default_factory=lambda: dict(CN_LPR))
    cn_known_until: date = CN_LPR_KNOWN_UNTIL
    cn_markup: Decimal = CN_DEFAULT_MARKUP
    us_state_caps: Mapping[str, Rate] = field(default_factory=lambda: dict(US_STATE_CAPS))
    # Which rates letters claim: "contract" (an account's interest_rate column only), "statutory"
    # (the contract rate, else the statutory rate of the debtor's country) or "none".
    claim: str = "contract"
    # Interest runs to the letter date ("letter-date") or to the pay-by date ("pay-by"), said so.
    to: str = "letter-date"


@dataclass(frozen=True)
class Interest:
    """The interest a letter states: on what, at what rate and why, from when to when, how much."""

    principal: Decimal
    currency: str
    rate: Rate
    start: date  # the day after the due date
    end: date  # the letter date or the pay-by date, included
    days: int
    amount: Decimal
    fixed_sum: Decimal  # UK Late Payment Act s.5A compensation; 0 elsewhere
    fixed_sum_source: str
    keeps_running: bool  # interest accrues until payment: the letter must say so


def simple_interest(principal: Decimal, currency: str, percent: Decimal, days: int) -> Decimal:
    """principal × percent / 100 × days / 365, cut to the currency's smallest unit."""
    unit = Decimal(1).scaleb(-minor_digits(currency))
    raw = principal * percent * days / (Decimal(100) * DAYS_IN_YEAR)
    return raw.quantize(unit, rounding=ROUND_DOWN)


def compute_interest(
    account: Account,
    end: date,
    settings: InterestSettings | None = None,
    payments: Sequence[tuple[date, Decimal]] = (),
) -> Interest | None:
    """The interest on ``account`` to ``end`` (None: no rate applies); InterestError if refused.

    ``payments`` (day, amount) reduce the principal interest runs on from the day they were paid
    (that day included, the debtor's side of doubt): a payment is taken to pay the principal first,
    which never gives more interest than another order would. The amount is cut once, at the end.
    """
    rules = settings or InterestSettings()
    start = date.fromordinal(account.due_date.toordinal() + 1)
    if end < start:
        return None
    rate = interest_rate(account, rules)
    if rate is None:
        return None
    days = (end - account.due_date).days
    if payments:
        amount = _reduced_interest(account, start, end, rate.percent, payments)
    else:
        amount = simple_interest(account.principal, account.currency, rate.percent, days)
    fixed, fixed_source = Decimal(0), ""
    if rate.kind == "uk-late-payment":
        fixed, fixed_source = (
            uk_fixed_sum(account.principal),
            "Late Payment of Commercial Debts (Interest) Act 1998 s.5A",
        )
    return Interest(
        account.principal, account.currency, rate, start, end, days, amount, fixed, fixed_source, True
    )


def _reduced_interest(
    account: Account, start: date, end: date, percent: Decimal, payments: Sequence[tuple[date, Decimal]]
) -> Decimal:
    """Simple interest on a principal that payments reduce, day by day, cut once to the unit."""
    balance = account.principal
    steps: dict[date, Decimal] = {}
    for day, amount in payments:
        if day <= end:
            steps[max(day, start)] = steps.get(max(day, start), Decimal(0)) + amount
    raw = Decimal(0)
    cursor = start
    for day in sorted(steps):
        raw += max(balance, Decimal(0)) * percent * (day - cursor).days
        balance -= steps[day]
        cursor = day
    raw += max(balance, Decimal(0)) * percent * ((end - cursor).days + 1)
    unit = Decimal(1).scaleb(-minor_digits(account.currency))
    return (raw / (Decimal(100) * DAYS_IN_YEAR)).quantize(unit, rounding=ROUND_DOWN)


def interest_rate(account: Account, rules: InterestSettings) -> Rate | None:
    """The rate that applies to ``account`` (see the module docstring), or None."""
    country = _country(account)
    contract = _contract_rate(account)
    default_day = date.fromordinal(account.due_date.toordinal() + 1)
    if contract is not None:
        _check_caps(account, country, contract, rules, default_day)
        return Rate(contract, "contract rate (interest_rate column)", "contract")
    if country == "JP":
        base = _in_force(rules.jp_statutory, rules.jp_known_until, default_day, "JP 法定利率", "jp_statutory")
        return Rate(base.percent, f"法定利率 {base.source}; 民法419条1項", "jp-statutory")
    if country == "GB":
        if account.debtor_type != "organisation":
            return None  # consumer debts: only a contract rate (or s.69 County Courts Act once sued)
        ref = _in_force(
            rules.uk_reference, rules.uk_known_until, default_day, "BoE reference rate", "uk_reference"
        )
        return Rate(
            UK_STATUTORY_MARGIN + ref.percent,
            f"Late Payment of Commercial Debts (Interest) Act 1998: 8% + {ref.percent}% ({ref.source})",
            "uk-late-payment",
            ref.percent,
        )
    if country == "CN":
        lpr = _in_force(rules.cn_lpr, rules.cn_known_until, default_day, "CN LPR", "cn_lpr")
        percent = (lpr.percent * (1 + rules.cn_markup)).quantize(Decimal("0.0001"))
        return Rate(
            percent,
            f"{lpr.source} {lpr.percent}% 加计{rules.cn_markup * 100:.0f}%（买卖合同解释第18条第4款）",
            "cn-lpr",
            lpr.percent,
            rules.cn_markup,
        )
    return None


def uk_fixed_sum(debt: Decimal) -> Decimal:
    for below, amount in UK_FIXED_SUMS:
        if below is None or debt < below:
            return amount
    raise AssertionError("unreachable")  # the last row has no upper bound


def _country(account: Account) -> str:
    return (account.jurisdiction or account.address.country).split("-")[0]


def _contract_rate(account: Account) -> Decimal | None:
    # NFKC as at intake (intake/parse.parse_percent): 15％ and full-width digits read as 15%.
    raw = normalise_text(account.extra.get("interest_rate", "")).removesuffix("%").strip()
    if not raw:
        return None
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise InterestError(f"account {account.account_id}: interest_rate {raw!r} is not a number") from None
    if not value.is_finite() or value < 0 or value > 100:
        raise InterestError(f"account {account.account_id}: interest_rate {raw!r} must be 0–100 (% a year)")
    return value


def _check_caps(account: Account, country: str, rate: Decimal, rules: InterestSettings, day: date) -> None:
    where = f"account {account.account_id}"
    kind = account.extra.get("contract_type", "").strip().lower()
    if country == "JP" and kind in JP_CAPS:
        cap = next(c for below, c in JP_CAPS[kind] if below is None or account.principal < below)
        if rate > cap:
            raise InterestError(
                f"{where}: contract rate {rate}% exceeds the {cap}% cap of {JP_CAP_SOURCES[kind]} for "
                f"this {kind} (principal {account.principal}); refused, not reduced: correct the rate"
            )
    elif country == "US":
        state = (
            account.jurisdiction.split("-", 1)[1] if "-" in account.jurisdiction else account.address.region
        )
        cap_rate = rules.us_state_caps.get(state.upper())
        if cap_rate is None:
            raise InterestError(
                f"{where}: no interest cap known for US-{state}: give it in the policy's "
                "[interest.us_state_caps] before claiming a contract rate"
            )
        if rate > cap_rate.percent:
            raise InterestError(
                f"{where}: contract rate {rate}% exceeds the US-{state} cap of {cap_rate.percent}% "
                f"({cap_rate.source}); refused, not reduced"
            )
    elif country == "CN" and kind == "loan":
        lpr = _in_force(rules.cn_lpr, rules.cn_known_until, day, "CN LPR", "cn_lpr")
        cap = lpr.percent * CN_LOAN_CAP_MULTIPLE
        if rate > cap:
            raise InterestError(
                f"{where}: contract rate {rate}% exceeds 4 × LPR ({cap}%, 民间借贷规定第25条); refused"
            )


def _in_force(table: Mapping[date, Rate], known_until: date, day: date, what: str, key: str) -> Rate:
    if day > known_until:
        raise InterestError(
            f"{what} for {day.isoformat()} is not in the table (known to {known_until.isoformat()}): "
            f"add it to the policy's [interest.{key}]"
        )
    starts = [start for start in table if start <= day]
    if not starts:
        raise InterestError(f"{what} for {day.isoformat()} is not in the table")
    return table[max(starts)]


def load_settings(raw: Any, source: str) -> InterestSettings:
    """The policy's ``[interest]`` table: ``claim`` (CLAIMS), ``to`` (ENDS); rate tables
    (``"YYYY-MM-DD" = "3.0"`` from that day, and ``until = "YYYY-MM-DD"``, the last day known)
    extend the defaults; ``cn_markup`` (0.3–0.5); ``us_state_caps`` (``NY = "16"``)."""
    if not isinstance(raw, dict):
        raise ConfigError(f"{source}: [interest] must be a table")
    known = {"jp_statutory", "uk_reference", "cn_lpr", "cn_markup", "us_state_caps", "claim", "to"}
    unknown = sorted(set(raw) - known)
    if unknown:
        raise ConfigError(f"{source}: [interest]: unknown setting(s) {', '.join(unknown)}")
    base = InterestSettings()
    changes: dict[str, Any] = {}
    tables = (
        ("jp_statutory", "jp_known_until"),
        ("uk_reference", "uk_known_until"),
        ("cn_lpr", "cn_known_until"),
    )
    for key, until_key in tables:
        if key not in raw:
            continue
        given = dict(_table(source, key, raw[key]))
        if "until" not in given:
            raise ConfigError(
                f'{source}: [interest.{key}] needs until = "YYYY-MM-DD": the last day its rates are known'
            )
        until = _date(source, key, str(given.pop("until")))
        table = dict(getattr(base, key))
        for start, value in given.items():
            table[_date(source, key, start)] = Rate(
                _percent(source, key, value), f"{source} [interest.{key}] {start}"
            )
        changes[key] = table
        changes[until_key] = until
    if "cn_markup" in raw:
        markup = _percent(source, "cn_markup", raw["cn_markup"])
        if not Decimal("0.3") <= markup <= Decimal("0.5"):
            raise ConfigError(f"{source}: [interest] cn_markup must be from 0.3 to 0.5 (加计30–50%)")
        changes["cn_markup"] = markup
    for key, allowed in (("claim", CLAIMS), ("to", ENDS)):
        if key in raw:
            if raw[key] not in allowed:
                raise ConfigError(f"{source}: [interest] {key} must be one of {', '.join(allowed)}")
            changes[key] = raw[key]
    if "us_state_caps" in raw:
        caps = dict(base.us_state_caps)
        for state, value in _table(source, "us_state_caps", raw["us_state_caps"]).items():
            caps[state.upper()] = Rate(
                _percent(source, "us_state_caps", value), f"{source} [interest.us_state_caps]"
            )
        changes["us_state_caps"] = caps
    return InterestSettings(**{**base.__dict__, **changes})


def _table(source: str, key: str, value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ConfigError(f"{source}: [interest.{key}] must be a table")
    return value


def _date(source: str, key: str, value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ConfigError(f"{source}: [interest.{key}]: {value!r} is not a date (YYYY-MM-DD)") from None


def _percent(source: str, key: str, value: Any) -> Decimal:
    if isinstance(value, float):
        raise ConfigError(
            f'{source}: [interest] {key}: write {value} as a string ("{value}"), not a TOML float'
        )
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise ConfigError(f"{source}: [interest] {key}: {value!r} is not a number") from None
    if not number.is_finite() or number < 0:
        raise ConfigError(f"{source}: [interest] {key}: {value!r} must be a positive number")
    return number
