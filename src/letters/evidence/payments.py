"""Payments received and payment-plan schedules → rows in the ledger (tables on ledger.py's metadata)."""

from __future__ import annotations

import weakref
from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime
from decimal import Decimal

from sqlalchemy import Column, Date, DateTime, Engine, Integer, String, Table, insert, inspect, select
from sqlalchemy.exc import SQLAlchemyError

from letters.decide.holds import Hold
from letters.decide.plan_keeping import Due, plan_status
from letters.evidence.dburl import first_line
from letters.evidence.holds import active_holds, place_hold, release_holds
from letters.evidence.ledger import Ledger, LedgerError, metadata
from letters.evidence.sqlsafe import create_tables
from letters.intake.payments_file import PaymentRow

payments_table = Table(
    "payments",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("account_id", String(200), nullable=False, index=True),
    Column("paid_on", Date, nullable=False),
    Column("amount", String(40), nullable=False),  # exact Decimal text: never a float column
    Column("currency", String(3), nullable=False),
    Column("source", String(500), nullable=False),
    Column("imported_at", DateTime(timezone=True), nullable=False),
)

installments_table = Table(
    "plan_installments",
    metadata,
    Column("letter_id", String(200), primary_key=True),  # the payment-plan letter
    Column("number", Integer, primary_key=True),
    Column("account_id", String(200), nullable=False, index=True),
    Column("due", Date, nullable=False),
    Column("amount", String(40), nullable=False),
    Column("currency", String(3), nullable=False),
)

PLAN_SOURCE = "payment-plan letter"  # the source of the holds payment-plan letters place

_READY: weakref.WeakSet[Engine] = weakref.WeakSet()


def _ready(ledger: Ledger) -> None:
    if ledger.engine in _READY:
        return
    try:
        # Under create_tables' lock: processes opening an older ledger at once create them once.
        create_tables(ledger.engine, metadata, tables=[payments_table, installments_table])
    except SQLAlchemyError as exc:
        raise LedgerError(f"cannot create the payment tables: {first_line(exc)}") from None
    _READY.add(ledger.engine)


def record_payments(ledger: Ledger, rows: Sequence[PaymentRow], source: str) -> int:
    """Record the file's payments; returns how many were new. Later letters subtract every recorded
    payment, so a file imported again must not record its payments twice: a row is new only beyond
    the number of equal rows (account, day, amount, currency) already recorded from the same file."""
    _ready(ledger)
    if not rows:
        return 0
    now = datetime.now(UTC)
    with ledger.engine.begin() as conn:
        known = Counter(
            (r.account_id, r.paid_on, Decimal(r.amount), r.currency)
            for r in conn.execute(select(payments_table).where(payments_table.c.source == source))
        )
        fresh: list[PaymentRow] = []
        for r in rows:
            key = (r.account_id, r.paid_on, r.amount, r.currency)
            if known[key] > 0:
                known[key] -= 1
                continue
            fresh.append(r)
        if fresh:
            conn.execute(
                insert(payments_table),
                [
                    {
                        "account_id": r.account_id,
                        "paid_on": r.paid_on,
                        "amount": str(r.amount),
                        "currency": r.currency,
                        "source": source,
                        "imported_at": now,
                    }
                    for r in fresh
                ],
            )
    return len(fresh)


def recorded_payments(ledger: Ledger, accounts: Iterable[str]) -> dict[str, list[tuple[date, Decimal, str]]]:
    """Every recorded payment per account, as (day, amount, currency), oldest first. A ledger opened
    read-only (a preview, a draft) that has no payment table yet has no payments."""
    wanted = list(dict.fromkeys(accounts))
    if ledger.read_only:
        if "payments" not in inspect(ledger.engine).get_table_names():
            return {}
    else:
        _ready(ledger)
    found: dict[str, list[tuple[date, Decimal, str]]] = {}
    with ledger.engine.connect() as conn:
        for start in range(0, len(wanted), 500):  # bound the IN list (SQLite's variable limit)
            rows = conn.execute(
                select(payments_table)
                .where(payments_table.c.account_id.in_(wanted[start : start + 500]))
                .order_by(payments_table.c.paid_on, payments_table.c.id)
            )
            for r in rows:
                found.setdefault(r.account_id, []).append((r.paid_on, Decimal(r.amount), r.currency))
    return found


def payments_since(ledger: Ledger, account_id: str, since: date) -> list[tuple[date, Decimal]]:
    _ready(ledger)
    with ledger.engine.connect() as conn:
        rows = conn.execute(
            select(payments_table.c.paid_on, payments_table.c.amount)
            .where(payments_table.c.account_id == account_id, payments_table.c.paid_on >= since)
            .order_by(payments_table.c.paid_on, payments_table.c.id)
        )
        return [(day, Decimal(amount)) for day, amount in rows]


def record_installments(
    ledger: Ledger, letter_id: str, account_id: str, currency: str, dues: Sequence[Due]
) -> None:
    """The schedule a payment-plan letter promised (once per letter: a re-run keeps the first)."""
    _ready(ledger)
    with ledger.engine.begin() as conn:
        known = conn.scalar(
            select(installments_table.c.letter_id).where(installments_table.c.letter_id == letter_id)
        )
        if known is not None or not dues:
            return
        conn.execute(
            insert(installments_table),
            [
                {
                    "letter_id": letter_id,
                    "number": d.number,
                    "account_id": account_id,
                    "due": d.due,
                    "amount": str(d.amount),
                    "currency": currency,
                }
                for d in dues
            ],
        )


def installments_of(ledger: Ledger, letter_id: str) -> list[Due]:
    _ready(ledger)
    with ledger.engine.connect() as conn:
        rows = conn.execute(
            select(installments_table)
            .where(installments_table.c.letter_id == letter_id)
            .order_by(installments_table.c.number)
        )
        return [Due(r.number, r.due, Decimal(r.amount)) for r in rows]


def latest_plan(ledger: Ledger, account_id: str) -> tuple[str, list[Due]] | None:
    """The account's most recent payment-plan schedule (the letter id and its installments)."""
    _ready(ledger)
    with ledger.engine.connect() as conn:
        row = conn.execute(
            select(installments_table.c.letter_id)
            .where(installments_table.c.account_id == account_id, installments_table.c.number == 1)
            .order_by(installments_table.c.due.desc(), installments_table.c.letter_id.desc())
        ).first()
    if row is None:
        return None
    return row.letter_id, installments_of(ledger, row.letter_id)


def check_plans(
    ledger: Ledger, accounts: Sequence[str], today: date, grace_days: int, operator: str
) -> list[tuple[str, str]]:
    """For each account on a payment-plan hold: release it if an installment was missed, or move
    its end to the next installment (+ grace) if the plan is kept. Returns what was done, per account."""
    done: list[tuple[str, str]] = []
    held = active_holds(ledger, accounts)
    for account in accounts:
        plan_holds = [h for h in held.get(account, []) if h.reason == "plan" and h.source == PLAN_SOURCE]
        schedule = latest_plan(ledger, account)
        if not plan_holds or schedule is None:
            continue
        letter_id, dues = schedule
        since = min(h.since for h in plan_holds)
        status = plan_status(dues, payments_since(ledger, account, since), today, grace_days)
        if not status.kept:
            release_holds(ledger, account, today, operator, f"plan {letter_id} ended: {status.note}", "plan")
            done.append((account, f"plan ended, plan hold released: {status.note}"))
            continue
        current = max((h.until for h in plan_holds if h.until is not None), default=None)
        if status.until is not None and status.until != current:
            release_holds(
                ledger, account, today, operator, f"plan {letter_id}: hold moved to {status.until}", "plan"
            )
            note = f"payment plan {letter_id}: {status.note}"
            place_hold(ledger, Hold(account, "plan", since, status.until, note, operator, PLAN_SOURCE))
        until = f" (plan hold until {status.until.isoformat()})" if status.until else ""
        done.append((account, f"plan {status.note}{until}"))
    return done
