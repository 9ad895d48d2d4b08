"""Load the escalation policy (TOML): days past due → letter kind, pay-by days, sender letterheads."""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from letters.carriers.rates import DEFAULT_RATES, RateTable
from letters.decide.holds import DEFAULT_RULES, HoldRule
from letters.decide.holds import load_rules as load_hold_rules
from letters.decide.interest import InterestSettings
from letters.decide.interest import load_settings as load_interest
from letters.decide.kinds import STAGE_KINDS
from letters.decide.limitation import LimitationSettings
from letters.decide.limitation import load_settings as load_limitation
from letters.decide.mail_policy import DEFAULT_MAIL_SERVICES, load_mail_services, load_rates
from letters.decide.signing_policy import SigningPolicy, load_signing
from letters.decide.timestamping import TimestampSettings
from letters.decide.timestamping import load_settings as load_timestamps
from letters.errors import ConfigError

_TOP_KEYS = frozenset(
    {"pay_within_days", "cooldown_days", "era_dates", "stages", "senders", "law_firms"}
    | {"limitation", "signing", "mail_services", "rates"}
    | {"holds", "minimum_balance", "interest", "plan_grace_days", "timestamps"}
)
_STAGE_KEYS = frozenset({"kind", "max_days"})


@dataclass(frozen=True)
class Stage:
    """Accounts from ``min_days`` to ``max_days`` past due (inclusive) get a letter of ``kind``."""

    kind: str
    min_days: int
    max_days: int | None  # None: no upper bound


@dataclass(frozen=True)
class Policy:
    """Which letter an account gets, who sends it, and how long the debtor is given to pay."""

    stages: tuple[Stage, ...] = (
        Stage("reminder", 1, 30),
        Stage("demand", 31, 60),
        Stage("lawyer", 61, None),
    )
    pay_within_days: int = 14
    cooldown_days: int = 14  # an account that got the same kind this recently is skipped
    era_dates: bool = False  # write ja dates as 令和8年11月23日
    # Letterhead per letter language, optionally per language-country ("en-GB"); lawyer's letters
    # come from the law firm of the same key, on behalf of the sender.
    senders: Mapping[str, str] = field(
        default_factory=lambda: {
            "ja": "sakura-finance",
            "zh": "huaxia-credit",
            "en": "hudson-recovery",
            "en-GB": "thames-credit",
        }
    )
    law_firms: Mapping[str, str] = field(
        default_factory=lambda: {
            "ja": "sakura-law",
            "zh": "mingli-law",
            "en": "whitfield-law",
            "en-GB": "whitfield-law-london",
        }
    )
    # Sender country → letter kind → mail service (carriers/services.py), and each service's rates.
    mail_services: Mapping[str, Mapping[str, str]] = field(default_factory=lambda: DEFAULT_MAIL_SERVICES)
    rates: Mapping[str, RateTable] = field(default_factory=lambda: dict(DEFAULT_RATES))
    limitation: LimitationSettings = field(default_factory=LimitationSettings)
    signing: SigningPolicy = field(default_factory=SigningPolicy)  # with `render --sign-with`
    # Hold reason → the letter kinds it still allows, each with its source (decide/holds.py).
    hold_rules: Mapping[str, HoldRule] = field(default_factory=lambda: dict(DEFAULT_RULES))
    # Currency → the smallest balance worth a letter; below it the account is skipped. A balance
    # of zero or less never gets a letter, whatever the table says.
    minimum_balance: Mapping[str, Decimal] = field(default_factory=dict)
    interest: InterestSettings = field(default_factory=InterestSettings)  # decide/interest.py
    # A payment-plan letter puts the account on a ``plan`` hold until its first installment's due
    # date + this many days, so no demand goes out while the debtor is keeping to the plan.
    plan_grace_days: int = 7
    timestamps: TimestampSettings = field(default_factory=TimestampSettings)  # RFC 3161 per batch
    source: str = "built-in defaults"

    def stage_for(self, days_past_due: int) -> Stage | None:
        for stage in self.stages:
            if stage.min_days <= days_past_due and (
                stage.max_days is None or days_past_due <= stage.max_days
            ):
                return stage
        return None

    def sender_for(self, lang: str, country: str, *, lawyer: bool) -> str:
        table = self.law_firms if lawyer else self.senders
        for key in (f"{lang}-{country}", lang):
            if key in table:
                return table[key]
        what = "law_firms" if lawyer else "senders"
        raise ConfigError(f"{self.source}: [{what}] has no letterhead for {lang} (nor {lang}-{country})")


def load_policy(path: Path | None) -> Policy:
    """The policy in a TOML file, or the defaults; unknown settings are errors, not ignored."""
    if path is None:
        return Policy()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such policy file") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc})") from None
    if "postage" in data:
        raise ConfigError(
            f"{path}: [postage.<carrier>] is replaced by [rates.<service>] (postage and fee per service "
            "and weight step) and [mail_services.<country>] (the service per letter kind); see README.md"
        )
    unknown = sorted(set(data) - _TOP_KEYS)
    if unknown:
        raise ConfigError(f"{path}: unknown setting(s) {', '.join(unknown)}")
    defaults = Policy()
    stages = _stages(path, data["stages"]) if "stages" in data else defaults.stages
    pay_within = data.get("pay_within_days", defaults.pay_within_days)
    if not isinstance(pay_within, int) or isinstance(pay_within, bool) or not 1 <= pay_within <= 365:
        raise ConfigError(f"{path}: pay_within_days must be a whole number of days from 1 to 365")
    cooldown = data.get("cooldown_days", defaults.cooldown_days)
    if not isinstance(cooldown, int) or isinstance(cooldown, bool) or not 0 <= cooldown <= 365:
        raise ConfigError(f"{path}: cooldown_days must be a whole number of days from 0 to 365")
    grace = data.get("plan_grace_days", defaults.plan_grace_days)
    if not isinstance(grace, int) or isinstance(grace, bool) or not 0 <= grace <= 90:
        raise ConfigError(f"{path}: plan_grace_days must be a whole number of days from 0 to 90")
    era = data.get("era_dates", defaults.era_dates)
    if not isinstance(era, bool):
        raise ConfigError(f"{path}: era_dates must be true or false")
    return Policy(
        stages=stages,
        pay_within_days=pay_within,
        cooldown_days=cooldown,
        era_dates=era,
        senders=_table(path, "senders", data.get("senders", defaults.senders)),
        law_firms=_table(path, "law_firms", data.get("law_firms", defaults.law_firms)),
        mail_services=load_mail_services(data.get("mail_services", {}), str(path)),
        rates=load_rates(data.get("rates", {}), str(path)),
        limitation=load_limitation(data.get("limitation", {}), str(path)),
        signing=load_signing(data.get("signing", {}), str(path)),
        hold_rules=load_hold_rules(data.get("holds", {}), str(path)),
        minimum_balance=_minimum_balance(path, data.get("minimum_balance", {})),
        interest=load_interest(data.get("interest", {}), str(path)),
        plan_grace_days=grace,
        timestamps=load_timestamps(data.get("timestamps", {}), str(path), path.parent),
        source=str(path),
    )


def _table(path: Path, name: str, value: Any) -> dict[str, str]:
    if not isinstance(value, Mapping) or not all(isinstance(v, str) for v in value.values()):
        raise ConfigError(f"{path}: [{name}] must map languages (ja, zh, en, en-GB …) to letterhead names")
    return dict(value)


def _minimum_balance(path: Path, raw: Any) -> dict[str, Decimal]:
    from letters.intake.parse import known_currency, parse_amount

    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: minimum_balance must be a table of currency = amount")
    table: dict[str, Decimal] = {}
    for currency, amount in raw.items():
        if not known_currency(currency):
            raise ConfigError(f"{path}: [minimum_balance]: unknown currency {currency!r}")
        if isinstance(amount, float):
            # TOML floats are binary: 0.1 is not 0.1. Amounts are written as strings or integers.
            raise ConfigError(f'{path}: [minimum_balance] {currency}: write the amount as "{amount}"')
        try:
            table[currency] = parse_amount(str(amount), currency)
        except ValueError as exc:
            raise ConfigError(f"{path}: [minimum_balance] {currency}: {exc}") from None
    return table


def _stages(path: Path, raw: Any) -> tuple[Stage, ...]:
    if not isinstance(raw, list) or not raw:
        raise ConfigError(f"{path}: stages must be a non-empty array of [[stages]] tables")
    stages: list[Stage] = []
    low = 1
    for number, item in enumerate(raw, start=1):
        if not isinstance(item, dict):
            raise ConfigError(f"{path}: stage {number} must be a table")
        unknown = sorted(set(item) - _STAGE_KEYS)
        if unknown:
            raise ConfigError(f"{path}: stage {number}: unknown setting(s) {', '.join(unknown)}")
        kind = item.get("kind")
        if kind not in STAGE_KINDS:
            raise ConfigError(
                f"{path}: stage {number}: kind must be one of {', '.join(STAGE_KINDS)}, not {kind!r}"
            )
        high = item.get("max_days")
        last = number == len(raw)
        if high is None and not last:
            raise ConfigError(f"{path}: stage {number}: only the last stage may leave out max_days")
        if high is not None and (not isinstance(high, int) or isinstance(high, bool) or high < low):
            raise ConfigError(f"{path}: stage {number}: max_days must be a whole number ≥ {low}")
        stages.append(Stage(str(kind), low, high))
        low = (high or 0) + 1
    return tuple(stages)
