"""Load the escalation policy (TOML): days past due → letter kind, pay-by days, sender letterheads."""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from letters.carriers.postage import Postage
from letters.decide.kinds import STAGE_KINDS
from letters.decide.limitation import LimitationSettings
from letters.decide.limitation import load_settings as load_limitation
from letters.decide.timestamping import TimestampSettings
from letters.decide.timestamping import load_settings as load_timestamps
from letters.errors import ConfigError

_TOP_KEYS = frozenset(
    {"pay_within_days", "cooldown_days", "era_dates", "stages", "senders", "law_firms", "postage"}
    | {"limitation", "timestamps"}
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
    postage: Mapping[str, Postage] = field(default_factory=dict)  # per carrier; defaults in mailing.py
    limitation: LimitationSettings = field(default_factory=LimitationSettings)
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
        postage=_postage(path, data.get("postage", {})),
        limitation=load_limitation(data.get("limitation", {}), str(path)),
        timestamps=load_timestamps(data.get("timestamps", {}), str(path), path.parent),
        source=str(path),
    )


def _table(path: Path, name: str, value: Any) -> dict[str, str]:
    if not isinstance(value, Mapping) or not all(isinstance(v, str) for v in value.values()):
        raise ConfigError(f"{path}: [{name}] must map languages (ja, zh, en, en-GB …) to letterhead names")
    return dict(value)


def _postage(path: Path, raw: Any) -> dict[str, Postage]:
    from letters.carriers.table import CARRIERS
    from letters.intake.parse import parse_amount

    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: postage must be tables like [postage.japan-post]")
    rates: dict[str, Postage] = {}
    for carrier, table in raw.items():
        if carrier not in CARRIERS:
            raise ConfigError(f"{path}: [postage.{carrier}]: unknown carrier; use {', '.join(CARRIERS)}")
        if not isinstance(table, dict) or set(table) != {"currency", "postage", "fee"}:
            raise ConfigError(f"{path}: [postage.{carrier}] needs exactly currency, postage and fee")
        currency = str(table["currency"])
        try:
            rates[carrier] = Postage(
                currency,
                parse_amount(str(table["postage"]), currency),
                parse_amount(str(table["fee"]), currency),
            )
        except ValueError as exc:
            raise ConfigError(f"{path}: [postage.{carrier}]: {exc}") from None
    return rates


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
