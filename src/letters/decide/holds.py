"""Holds (dispute, cease, bankruptcy …) → the letter kinds each still allows, and why a letter is held."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from letters.decide.kinds import KINDS
from letters.errors import ConfigError
from letters.intake.accounts import Account

HOLD_REASONS = ("dispute", "cease", "bankruptcy", "deceased", "plan", "attorney", "other")


@dataclass(frozen=True)
class HoldRule:
    """The letter kinds a hold of one reason still allows, and the rule that says so."""

    allowed: tuple[str, ...]
    source: str


# What each hold still lets through. Where the law allows a notice letters has no kind for (a US
# notice that collection has stopped), nothing is let through: an operator who must send one
# gives --override-hold with the reason, which the ledger records.
DEFAULT_RULES: Mapping[str, HoldRule] = {
    "dispute": HoldRule(
        (),
        "US FDCPA 15 U.S.C. §1692g(b): collection stops until verification is mailed; elsewhere a "
        "dispute is reviewed before any escalation (DOMAIN.md, holds)",
    ),
    "cease": HoldRule(
        (),
        "US FDCPA §1692c(c): after a written request only a notice that collection has stopped or of "
        "a specific remedy is allowed; letters has no such kind, so none is let through",
    ),
    "bankruptcy": HoldRule(
        (),
        "US 11 U.S.C. §362 automatic stay; JP 破産法 / 民事再生法 (破産手続開始決定・個人再生); "
        "CN 企业破产法 (claims go to the 管理人)",
    ),
    "deceased": HoldRule(
        (), "letters go to the estate / 相続人 with different wording, never to the deceased"
    ),
    "plan": HoldRule(
        ("payment-plan",),
        "no demand while installments are being paid; a revised schedule may still be sent",
    ),
    "attorney": HoldRule(
        (),
        "US FDCPA §1692c(a)(2); JP 貸金業法21条1項9号: contact goes through the debtor's lawyer",
    ),
    "other": HoldRule((), "an operator's hold: no letter until it is released"),
}

# Values of the accounts file's ``hold`` / ``status`` column that mean "no hold".
NO_HOLD_VALUES = frozenset({"", "active", "open", "none", "ok"})
HOLD_COLUMNS = ("hold", "status")


@dataclass(frozen=True)
class Hold:
    """One hold on an account: why, since when, until when (None: until released), by whom."""

    account_id: str
    reason: str
    since: date
    until: date | None = None
    note: str = ""
    operator: str = ""
    source: str = "ledger"  # ledger, or "accounts file" for the hold/status column

    def in_force(self, as_of: date) -> bool:
        # Not checked against ``since``: a hold known today also stops a letter dated earlier
        # (--as-of in the past); only its end date lets letters through again.
        return self.until is None or as_of <= self.until

    def describe(self) -> str:
        until = f" until {self.until.isoformat()}" if self.until else ""
        note = f" ({self.note})" if self.note else ""
        who = f" by {self.operator}" if self.operator else ""
        return f"{self.reason} hold since {self.since.isoformat()}{until}{who}{note} [{self.source}]"


def column_hold(account: Account, as_of: date) -> Hold | None:
    """The hold the accounts file's ``hold`` or ``status`` column asks for, if any.

    An unknown value is a hold of reason ``other`` rather than no hold: a status the tool cannot
    read might be "disputed" in another word, and sending nothing protects debtor and sender alike.
    """
    for column in HOLD_COLUMNS:
        raw = account.extra.get(column, "")
        value = raw.strip().lower()
        if value in NO_HOLD_VALUES:
            continue
        if value in HOLD_REASONS:
            return Hold(account.account_id, value, as_of, source=f"accounts file, {column} column")
        return Hold(
            account.account_id,
            "other",
            as_of,
            note=f"unknown {column} value {raw.strip()[:40]!r}",
            source=f"accounts file, {column} column",
        )
    return None


def blocking_hold(
    holds: Sequence[Hold], kind: str, as_of: date, rules: Mapping[str, HoldRule]
) -> Hold | None:
    """The first hold in force that does not allow a letter of ``kind``, or None."""
    for hold in holds:
        if hold.in_force(as_of) and kind not in rules[hold.reason].allowed:
            return hold
    return None


def load_rules(raw: Any, source: str) -> dict[str, HoldRule]:
    """The policy's ``[holds]`` table (reason → kinds allowed) over the defaults; every kind checked."""
    rules = dict(DEFAULT_RULES)
    if not isinstance(raw, dict):
        raise ConfigError(f"{source}: [holds] must map hold reasons to lists of letter kinds")
    for reason, kinds in raw.items():
        if reason not in HOLD_REASONS:
            raise ConfigError(f"{source}: [holds]: unknown reason {reason!r}; use {', '.join(HOLD_REASONS)}")
        if not isinstance(kinds, list) or not all(k in KINDS for k in kinds):
            raise ConfigError(
                f"{source}: [holds] {reason} must be a list of letter kinds ({', '.join(KINDS)})"
            )
        rules[reason] = HoldRule(tuple(kinds), f"{source}: [holds] {reason}")
    return rules
