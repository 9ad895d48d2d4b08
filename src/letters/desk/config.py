"""Command-line settings → one frozen DeskConfig the app is built from."""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from letters.errors import ConfigError
from letters.post.tracking import TrackingSetup

# A hold check: account id → the reason the account is held, or None. The holds of the decisions
# issue plug in here; `letters desk` uses ledger_hold_check (the holds of `letters hold`).
HoldCheck = Callable[[str], str | None]


def no_holds(account_id: str) -> str | None:
    """Today's hold check: no account is held."""
    return None


def ledger_hold_check(db: str | None, as_of: date | None = None) -> HoldCheck:
    """The holds in the ledger (`letters hold`): the reasons in force for an account, or None."""

    def check(account_id: str) -> str | None:
        from letters.evidence.holds import active_holds
        from letters.evidence.ledger import Ledger

        book = Ledger(db)
        try:
            holds = active_holds(book, [account_id]).get(account_id, [])
        finally:
            book.close()
        day = as_of or date.today()
        live = [h for h in holds if h.in_force(day)]
        return "; ".join(f"{h.reason} since {h.since.isoformat()}" for h in live) or None

    return check


def is_loopback(host: str) -> bool:
    """127.0.0.1, ::1 and localhost serve only this machine; anything else is a network bind."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True)
class DeskConfig:
    """Everything the desk is told at start; the CLI builds one of these."""

    accounts: tuple[Path, ...] = ()
    outdir: Path = Path("out/desk")
    archive_dir: Path | None = None  # default: OUTDIR/archive
    db: str | None = None
    operator: str | None = None
    token: str | None = None  # required on every request when set (and for any non-loopback host)
    host: str = "127.0.0.1"
    as_of: date | None = None
    policy: Path | None = None
    tracking: TrackingSetup | None = None  # registered-mail numbers for sent letters, as `letters render`
    hold_check: HoldCheck = field(default=no_holds)
    max_body: int = 64 * 1024  # bytes per request: the forms are small
    queue: int = 4  # renders waiting for the one renderer before the desk answers 503

    def __post_init__(self) -> None:
        if not is_loopback(self.host) and not self.token:
            raise ConfigError(
                f"--host {self.host} serves the desk to the network: give --token or --password-file"
            )
        if self.token is not None and len(self.token) < 12:
            raise ConfigError("the desk token must be at least 12 characters")

    @property
    def archive_root(self) -> Path:
        return self.archive_dir or (self.outdir / "archive")
