"""Ledger → the dates an account's demands were delivered (what the limitation period counts from)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy import select

from letters.evidence.chain_events import proven_keys, row_key
from letters.evidence.ledger import Ledger, delivery_events, letters_table


def delivered_demands(ledger: Ledger, account_ids: Iterable[str]) -> dict[str, list[date]]:
    """Per account, the dates demands (demand, lawyer, validation notice) were delivered: the
    delivery events recorded for the letters' tracking numbers. These are what interrupt (CN) or
    suspend (JP) the limitation period."""
    ids = list(dict.fromkeys(account_ids))
    found: dict[str, list[date]] = {}
    with ledger.engine.connect() as conn:
        # Only events exactly as chained count: a forged or edited row must not move a limitation date.
        proven = proven_keys(conn, "delivery_events")
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            rows = conn.execute(
                select(letters_table.c.account_id, delivery_events.c.id, delivery_events.c.event_date)
                .join(delivery_events, delivery_events.c.tracking_number == letters_table.c.tracking_number)
                .where(letters_table.c.account_id.in_(chunk))
                .where(letters_table.c.kind.in_(["demand", "lawyer", "validation-notice"]))
                .where(delivery_events.c.event == "delivered")
                .where(letters_table.c.tracking_number != "")
            )
            for account_id, event_id, when in rows:
                if row_key(event_id) in proven:
                    found.setdefault(account_id, []).append(when)
    return {k: sorted(v) for k, v in found.items()}
